"""Outfit assembly: slots, gender, budget, anchors, determinism, and clear failures."""

from __future__ import annotations

import pytest
import torch

from stylist.errors import ItemNotFoundError, ToolInputError
from stylist.index.schema import Gender, Slot
from stylist.tools.outfits.assembly import NoOutfitError, OutfitAssembler
from stylist.tools.outfits.brief import parse_brief
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.outfits.schemas import OutfitRequest
from stylist.tools.outfits.scorer import CompatibilityScorer
from tests.fakes.compat import FakeCatalogueIndex, fake_catalogue


@pytest.fixture(scope="module")
def catalogue():
    return fake_catalogue(500)


@pytest.fixture(scope="module")
def index(catalogue):
    return FakeCatalogueIndex(catalogue)


@pytest.fixture(scope="module")
def scorer(index):
    torch.manual_seed(0)
    model = CompatModel(CompatConfig(text_dim=384, hidden=32, embed_dim=16, pair_hidden=16)).eval()
    return CompatibilityScorer(model, lambda gs: index.vectors_for([g.id for g in gs]), name="untrained")


@pytest.fixture
def assembler(index, scorer):
    return OutfitAssembler(index, scorer, candidates_per_slot=10, beam_width=6)


def _complete(slots: list[Slot]) -> bool:
    return Slot.SHOES in slots and (slots.count(Slot.DRESS) == 1) != ({Slot.TOP, Slot.BOTTOM} <= set(slots))


def test_outfits_are_complete_within_budget_and_gender(assembler, index):
    result = assembler.build(
        OutfitRequest(brief="summer wedding guest, earthy colours", budget=250, gender=Gender.WOMEN, k=3)
    )
    assert 1 <= len(result.outfits) <= 3
    for outfit in result.outfits:
        slots = [i.slot for i in outfit.items]
        assert _complete(slots) and len(slots) == len(set(slots))
        assert outfit.total_price <= 250
        assert all(index.get(i.id).gender in (Gender.WOMEN, Gender.UNISEX) for i in outfit.items)
        assert 0 <= outfit.compatibility <= 1 and outfit.explanation
    assert len({frozenset(i.id for i in o.items) for o in result.outfits}) == len(result.outfits)
    assert "wedding" in result.brief.occasions and result.brief.seasons == ["summer"]
    assert result.alternatives and all(a.items for a in result.alternatives)
    first = result.outfits[0]
    for alt in result.alternatives:
        others = sum(i.price or 0 for i in first.items if i.slot is not alt.slot)
        assert all(others + (x.price or 0) <= 250 for x in alt.items)


def test_men_get_separates(assembler, index):
    result = assembler.build(OutfitRequest(brief="office", gender=Gender.MEN, k=2))
    for outfit in result.outfits:
        assert Slot.DRESS not in [i.slot for i in outfit.items]
        assert all(index.get(i.id).gender in (Gender.MEN, Gender.UNISEX) for i in outfit.items)


def test_assembly_is_deterministic(assembler):
    request = OutfitRequest(brief="casual weekend", budget=300, gender=Gender.WOMEN, k=3)
    assert assembler.build(request) == assembler.build(request)


def test_complete_my_outfit_keeps_the_anchors(assembler, catalogue):
    top = next(g for g in catalogue if g.slot is Slot.TOP and g.gender is Gender.WOMEN)
    shoes = next(g for g in catalogue if g.slot is Slot.SHOES and g.gender is Gender.WOMEN)
    result = assembler.build(OutfitRequest(anchors=[top.id, shoes.id], gender=Gender.WOMEN, k=2))
    for outfit in result.outfits:
        ids = [i.id for i in outfit.items]
        assert top.id in ids and shoes.id in ids
        assert [i.slot for i in outfit.items].count(Slot.BOTTOM) == 1
        assert {i.id for i in outfit.items if i.anchor} == {top.id, shoes.id}
    assert all(alt.slot not in (Slot.TOP, Slot.SHOES) for alt in result.alternatives)


def test_impossible_budget_says_what_to_relax(assembler):
    with pytest.raises(NoOutfitError) as err:
        assembler.build(OutfitRequest(brief="party", budget=20, gender=Gender.WOMEN))
    assert "budget" in err.value.message and "raise the budget" in err.value.hint


def test_anchor_above_budget(assembler, catalogue):
    pricey = max((g for g in catalogue if g.gender is Gender.WOMEN), key=lambda g: g.price or 0)
    with pytest.raises(NoOutfitError, match="anchor items alone cost"):
        assembler.build(OutfitRequest(anchors=[pricey.id], budget=10))


def test_bad_anchors(assembler, catalogue):
    with pytest.raises(ItemNotFoundError, match="nope"):
        assembler.build(OutfitRequest(anchors=["nope"]))
    g = catalogue[0]
    with pytest.raises(ToolInputError, match="duplicate anchor"):
        assembler.build(OutfitRequest(anchors=[g.id, g.id]))
    tops = [x for x in catalogue if x.slot is Slot.TOP][:2]
    with pytest.raises(ToolInputError, match="same slot"):
        assembler.build(OutfitRequest(anchors=[t.id for t in tops]))


def test_relaxed_constraints_are_reported(assembler):
    result = assembler.build(OutfitRequest(brief="winter gym purple", gender=Gender.WOMEN, k=1))
    assert result.outfits and result.notes
    # said as a stylist would: which wish no garment meets, and that the closest ones were chosen
    assert any("none of the" in n and "closest ones" in n for n in result.notes)


def test_parse_brief():
    b = parse_brief("Summer wedding guest for her, earthy colours, under $200, maybe a jacket")
    assert "wedding" in b.occasions and b.seasons == ["summer"]
    assert b.palette == "earthy" and "rust" in b.colours and "olive" in b.colours
    assert b.gender is Gender.WOMEN and b.max_price == 200 and Slot.OUTERWEAR in b.slots
    assert {"navy blue", "white"} <= set(parse_brief("navy and white for men").colours)
    assert parse_brief("office look").occasions == [
        "work"
    ]  # the extractor maps office to the catalogue's tag
    assert parse_brief("").query == ""


def test_profile_preference_moves_the_choice(index, scorer, catalogue):
    plain = OutfitAssembler(index, scorer, candidates_per_slot=10, beam_width=6)
    request = OutfitRequest(brief="casual", gender=Gender.WOMEN, k=1, user_id="ana", extras=[])
    first = plain.build(request).outfits[0]
    chosen = next(i.id for i in first.items if i.slot is Slot.SHOES)
    loved = next(
        g.id
        for g in catalogue
        if g.slot is Slot.SHOES
        and g.id != chosen
        and g.gender is Gender.WOMEN
        and "casual" in g.occasions
        and (g.price or 0) < 100
    )
    liked = OutfitAssembler(
        index,
        scorer,
        candidates_per_slot=500,
        beam_width=6,
        preference=lambda user, hits: {g.id: (5.0 if g.id == loved else 0.0) for g, _ in hits},
    )
    assert loved in [i.id for i in liked.build(request).outfits[0].items]
