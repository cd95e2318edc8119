"""Outfit assembly under a dress code (issue #21, item 1): relaxing never reaches what it refuses."""

from __future__ import annotations

import pytest

from stylist.index.schema import Gender, Slot
from stylist.tools.outfits.assembly import NoOutfitError, OutfitAssembler
from stylist.tools.outfits.brief import parse_brief
from stylist.tools.outfits.schemas import OutfitRequest
from tests.fakes.compat import fake_catalogue, untrained_assembler


@pytest.fixture(scope="module")
def catalogue():
    return fake_catalogue(400)


def _assembler(garments) -> OutfitAssembler:
    return untrained_assembler(garments, width=16, candidates=8, beam=4)


def test_the_brief_carries_the_dress_code():
    assert parse_brief("summer wedding guest, earthy colours").dress_code == "wedding guest"
    assert parse_brief("a navy jumper").dress_code is None


def test_a_wedding_outfit_has_no_backpack_sneakers_or_t_shirt(catalogue):
    result = _assembler(catalogue).build(
        OutfitRequest(brief="what to wear to a wedding", budget=400, gender=Gender.WOMEN, k=3)
    )
    assert result.outfits
    articles = {
        catalogue_item.article_type for o in result.outfits for catalogue_item in _garments(o, catalogue)
    }
    assert not articles & {"Backpacks", "Sneakers", "Tshirts"}


def test_with_no_fitting_bag_the_outfit_goes_without_one_and_says_so(catalogue):
    no_handbags = [g for g in catalogue if g.article_type != "Handbags"]
    result = _assembler(no_handbags).build(
        OutfitRequest(brief="a wedding guest outfit", budget=400, gender=Gender.WOMEN, k=2)
    )
    assert result.outfits
    assert all(i.slot is not Slot.BAG for o in result.outfits for i in o.items)
    assert "bag: nothing in the catalogue suits a wedding, so the outfit goes without one" in result.notes
    # without the dress code the same catalogue gives a backpack
    casual = _assembler(no_handbags).build(OutfitRequest(brief="an outfit", budget=400, gender=Gender.WOMEN))
    assert any(i.slot is Slot.BAG for o in casual.outfits for i in o.items)


def test_a_required_slot_nothing_fits_names_the_dress_code(catalogue):
    only_casual_shoes = [
        g for g in catalogue if g.slot is not Slot.SHOES or g.article_type in ("Sneakers", "Sandals")
    ]
    with pytest.raises(NoOutfitError, match="no shoes in the catalogue suits black tie") as err:
        _assembler(only_casual_shoes).build(OutfitRequest(brief="black tie gala", gender=Gender.MEN))
    assert "black tie" in (err.value.hint or "")


def _garments(outfit, catalogue):
    by_id = {g.id: g for g in catalogue}
    return [by_id[i.id] for i in outfit.items]


def test_a_required_slot_looks_past_refused_nearest_garments():
    from stylist.index.schema import Garment

    # forty sneakers named like the brief crowd out the one pair of loafers a business-casual outfit admits
    crowd = [
        Garment(
            id=f"sn-{n:03d}",
            title=f"Office business casual look sneakers {n}",
            slot="shoes",
            article_type="Sneakers",
            gender="women",
            colours=["white"],
            occasions=["casual"],
            price=40.0,
        )
        for n in range(60)
    ]
    loafers = Garment(
        id="zz-loafers",
        title="Black leather loafers",
        slot="shoes",
        article_type="Loafers",
        gender="women",
        colours=["black"],
        price=70.0,
    )
    base = [g for g in fake_catalogue(300) if g.slot is not Slot.SHOES]
    assembler = _assembler([*base, *crowd, loafers])
    result = assembler.build(
        OutfitRequest(brief="office business casual look", gender=Gender.WOMEN, k=1, extras=[])
    )
    shoes = [i.id for o in result.outfits for i in o.items if i.slot is Slot.SHOES]
    assert shoes == ["zz-loafers"]
    assert any("closest to your words" in n for n in result.notes)
