"""Colour, pattern, material and season words: extraction and the canonical names filters use."""

from __future__ import annotations

from stylist.fashion.terms import canonical_colour, colours_in, material_in, pattern_in, seasons_of
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment, Slot


def test_colours_in_names() -> None:
    assert colours_in("rose gold floral midi dress") == ["rose gold"]
    assert colours_in("Navy/White striped tee") == ["navy blue", "white"]
    assert colours_in("off-white wool coat") == ["off white"]
    assert colours_in("tangerine blazer") == []  # "tan" only as a whole word
    assert colours_in("Grey Melange Gray hoodie") == ["grey"]


def test_pattern_and_material() -> None:
    assert pattern_in("Gingham Check shirt") == "checked"
    assert pattern_in("polka-dot blouse") == "polka dot"
    assert material_in("faux leather jacket") == "faux leather" and material_in("Leather belt") == "leather"
    assert pattern_in("plain") == "solid" and material_in("plastic") is None


def test_canonical_names() -> None:
    assert canonical_colour("Navy") == "navy blue" and canonical_colour("gray") == "grey"
    assert canonical_colour("Olive-Green") == "olive" and canonical_colour("chartreuse") == "chartreuse"
    assert seasons_of(["Fall", "summer", "autumn"]) == ["autumn", "summer"]
    assert seasons_of(["all season"]) == ["spring", "summer", "autumn", "winter"]


def test_filters_accept_everyday_words_for_canonical_catalogue_values() -> None:
    g = Garment(
        id="1",
        title="Coat",
        slot=Slot.OUTERWEAR,
        article_type="Coat",
        colours=["navy blue"],
        seasons=["autumn"],
    )
    assert SearchFilters(colours=["Navy"], seasons=["fall"]).matches(g)
    assert SearchFilters(colours=["navy blue"], seasons=["autumn"]).matches(g)
    assert not SearchFilters(colours=["red"]).matches(g)
    legacy = Garment(
        id="2", title="Coat", slot=Slot.OUTERWEAR, article_type="Coat", colours=["navy"], seasons=["fall"]
    )
    assert SearchFilters(colours=["navy"], seasons=["autumn"]).matches(legacy)


def test_store_filter_arrays_agree_on_canonical_names() -> None:
    from stylist.index.store.filtering import FilterArrays

    garments = [
        Garment(id="a", title="A", slot=Slot.TOP, article_type="Shirt", colours=["navy"], seasons=["fall"]),
        Garment(
            id="b", title="B", slot=Slot.TOP, article_type="Shirt", colours=["navy blue"], seasons=["autumn"]
        ),
        Garment(id="c", title="C", slot=Slot.TOP, article_type="Shirt", colours=["gray"], seasons=["summer"]),
    ]
    for filters in (
        SearchFilters(colours=["navy"]),
        SearchFilters(seasons=["Fall"]),
        SearchFilters(colours=["grey"]),
    ):
        expected = [filters.matches(g) for g in garments]
        assert list(FilterArrays(garments).mask(filters)) == expected
    assert [SearchFilters(colours=["navy"]).matches(g) for g in garments] == [True, True, False]
