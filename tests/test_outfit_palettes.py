"""Palette words read as CIELAB regions, every asked colour in an outfit, and distinct outfits."""

from __future__ import annotations

import pytest

from stylist.errors import VocabularyError
from stylist.fashion.brief import colour_asks, extract_colours, extract_palettes
from stylist.fashion.palettes import PaletteRule, hex_to_lab, palette_members, parse_rule
from stylist.fashion.vocabulary import vocabulary
from stylist.index.schema import Gender, Slot
from stylist.tools.outfits.reasons import asked_line
from stylist.tools.outfits.schemas import OutfitRequest
from tests.fakes.compat import fake_catalogue, untrained_assembler


def test_hex_to_lab_matches_reference_values():
    white, black, red = hex_to_lab("#ffffff"), hex_to_lab("#000000"), hex_to_lab("#ff0000")
    assert white.lightness == pytest.approx(100, abs=0.1) and white.chroma < 0.5
    assert black.lightness == pytest.approx(0, abs=0.1)
    # sRGB red: L* 53.24, a* 80.09, b* 67.20 (so C* 104.55, h 40.0)
    assert (red.lightness, red.chroma, red.hue) == pytest.approx((53.24, 104.55, 40.0), abs=0.1)


def test_palettes_follow_lightness_chroma_and_hue_of_every_colour():
    groups = vocabulary().colour_groups
    for name, members in groups.items():
        rule = vocabulary().palettes[name]
        for colour in vocabulary().colours.values():
            if colour.hex:
                assert (colour.name in members) == rule.holds(hex_to_lab(colour.hex)), (name, colour.name)
    assert {"black", "navy blue", "charcoal"} <= set(groups["dark"]) and "white" not in groups["dark"]
    assert {"white", "cream", "light blue"} <= set(groups["light"]) and "black" not in groups["light"]
    assert {"red", "orange", "camel", "mustard"} <= set(groups["warm"]) and "navy blue" not in groups["warm"]
    assert {"navy blue", "teal", "green"} <= set(groups["cool"]) and "red" not in groups["cool"]
    assert not set(groups["warm"]) & set(groups["cool"])
    assert "grey" not in groups["warm"] + groups["cool"]  # no hue without chroma


def test_bad_palette_rules_are_named():
    with pytest.raises(VocabularyError, match="warm.*unknown keys"):
        parse_rule("warm", {"hue": [0, 90], "saturation": [1, 2]})
    with pytest.raises(VocabularyError, match="light.*backwards"):
        parse_rule("light", {"lightness": [90, 70]})
    with pytest.raises(VocabularyError, match="#rrggbb"):
        hex_to_lab("navy")
    assert palette_members(PaletteRule("any"), [("x", None), ("y", "#808080")]) == ("y",)


def test_ambiguous_palette_words_need_a_colour_noun():
    assert extract_palettes("autumn walk, warm colours")[0] == ["warm"]
    assert extract_palettes("something warm for winter") == ([], [])
    assert extract_palettes("a light jacket in soft cotton") == ([], [])
    assert extract_palettes("pastel dress, no dark tones") == (["pastel"], ["dark"])
    wanted, refused = extract_colours("light tones but no dark colours")
    assert "white" in wanted and "black" in refused and "black" not in wanted


def test_colour_asks_keep_and_and_or_apart():
    assert colour_asks("first date, men, navy and white") == [("navy", ("navy blue",)), ("white", ("white",))]
    assert colour_asks("board meeting, navy or grey please") == [("navy or grey", ("navy blue", "grey"))]
    asks = colour_asks("soft colours with a black bag")
    assert [label for label, _ in asks] == ["soft", "black"]
    assert colour_asks("no red, please") == []


def _two_colour_catalogue():
    garments = []
    for n, g in enumerate(fake_catalogue(400)):
        colour = ("navy blue", "white", "red", "black")[n % 4]
        garments.append(g.model_copy(update={"colours": [colour]}))
    return garments


def test_every_asked_colour_appears_and_outfits_differ():
    assembler = untrained_assembler(_two_colour_catalogue())
    result = assembler.build(OutfitRequest(brief="casual, navy and white", gender=Gender.MEN, k=3, extras=[]))
    assert len(result.outfits) == 3
    for outfit in result.outfits:
        colours = {c for i in outfit.items for c in i.colours}
        assert {"navy blue", "white"} <= colours, [(i.title, i.colours) for i in outfit.items]
        assert "navy with the navy" in outfit.explanation and "white with the white" in outfit.explanation
    ids = [{i.id for i in o.items} for o in result.outfits]
    for a in range(3):
        for b in range(a + 1, 3):
            assert len(ids[a] & ids[b]) <= 1, (a, b)


def test_few_distinct_outfits_says_so_instead_of_repeating():
    garments = [g for g in _two_colour_catalogue() if g.slot is not Slot.SHOES]
    shoes = next(g for g in fake_catalogue(400) if g.slot is Slot.SHOES and g.gender is Gender.MEN)
    assembler = untrained_assembler([*garments, shoes], candidates=2, beam=4)
    assembler.max_shared = 0  # no garment in common: one pair of shoes allows one outfit
    result = assembler.build(OutfitRequest(brief="casual", gender=Gender.MEN, k=3, extras=[]))
    assert len(result.outfits) == 1
    assert any("only 1 outfit with no garment in common could be made" in n for n in result.notes)


def test_reasons_never_claim_an_absent_colour():
    navy = next(g for g in _two_colour_catalogue() if "navy blue" in g.colours)
    line = asked_line([(navy, "navy blue")], [("navy", ["navy blue"]), ("white", ["white"])])
    assert "navy with the navy" in line and "white with" not in line
    assert "No white piece" in line


def test_a_misspelt_brief_is_read_as_meant():
    from stylist.tools.outfits.brief import parse_brief

    typo, right = parse_brief("job intervew at a bank, men"), parse_brief("job interview at a bank, men")
    assert typo.dress_code == right.dress_code is not None and typo.occasions == right.occasions
    assert typo.text == "job intervew at a bank, men"  # the brief as written is kept


def test_an_unpriced_outfit_says_so_instead_of_zero():
    from stylist.tools.outfits.brief import parse_brief
    from stylist.tools.outfits.schemas import AssembledOutfit, BuildResult, OutfitItem

    item = OutfitItem(id="k1", title="Olive Sari", slot=Slot.DRESS, price=None, colours=["olive"])
    outfit = AssembledOutfit(
        items=[item],
        total_price=0.0,
        compatibility=0.9,
        relevance=0.5,
        objective=1.0,
        explanation="",
        weakest_pair=None,
    )
    text = BuildResult(brief=parse_brief("wedding"), outfits=[outfit], alternatives=[]).to_text()
    assert "**Outfit 1** — price not given, compatibility 0.90" in text
    assert "- Olive Sari [k1] — olive (dress)" in text and "$0" not in text


def test_pair_warnings_agree_with_plural_garment_nouns():
    from stylist.tools.outfits.attributes import _is

    assert (
        _is("shirts") == "are" and _is("trousers") == "are" and _is("dress") == "is" and _is("shirt") == "is"
    )
