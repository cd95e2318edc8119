"""Outfits a stylist would sign (issue #21): dress codes, who it is for, weather, never relaxed."""

from __future__ import annotations

import pytest
import torch

from stylist.index.schema import Garment, Gender, Slot
from stylist.tools.outfits.assembly import OutfitAssembler
from stylist.tools.outfits.brief import dress_code_of, parse_brief
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.outfits.schemas import OutfitRequest
from stylist.tools.outfits.scorer import CompatibilityScorer
from stylist.tools.outfits.suitability import Suitability
from tests.fakes.compat import FakeCatalogueIndex, fake_catalogue


def _g(gid: str, slot: Slot, article: str, gender: Gender = Gender.WOMEN, **kw) -> Garment:
    return Garment(
        id=gid, title=kw.pop("title", article), slot=slot, article_type=article, gender=gender, **kw
    )


@pytest.fixture(scope="module")
def index():
    kids = [
        _g(
            f"kid-{i}",
            Slot.DRESS,
            "Dresses",
            Gender.GIRLS,
            title="Girls party dress",
            price=30.0,
            occasions=["wedding"],
            colours=["camel"],
        )
        for i in range(20)
    ]
    return FakeCatalogueIndex(fake_catalogue(500) + kids)


@pytest.fixture(scope="module")
def assembler(index):
    torch.manual_seed(0)
    model = CompatModel(CompatConfig(text_dim=384, hidden=32, embed_dim=16, pair_hidden=16)).eval()
    scorer = CompatibilityScorer(model, lambda gs: index.vectors_for([g.id for g in gs]), name="untrained")
    return OutfitAssembler(index, scorer, candidates_per_slot=10, beam_width=6)


def test_brief_reads_code_age_and_weather():
    b = parse_brief("I am student with small money, need clothes for university, girl, max 60 dollars")
    assert b.gender is Gender.WOMEN and not b.kids
    b = parse_brief("my daughter is 8 and needs an outfit for a party")
    assert b.gender is Gender.GIRLS and b.kids
    b = parse_brief("rainy day commute, 7 degrees, women, office smart casual")
    assert b.dress_code == "smart casual" and b.cold and b.rain and b.temperature == 7
    assert parse_brief("hiking weekend in the mountains").dress_code == "outdoor / hiking"


def test_dress_code_from_the_occasion_when_none_is_named():
    assert dress_code_of("walk to work") == "business casual"
    assert dress_code_of("formal business dinner") == "business formal"
    assert dress_code_of("a city trip") == "casual"  # the least restrictive code that lists travel
    assert dress_code_of("nothing to read here") is None


def test_refusals_are_the_stylists():
    wedding = Suitability.of(parse_brief("summer wedding, women"), Gender.WOMEN)
    assert "rules out" in wedding.refuse(_g("b", Slot.BAG, "Backpacks"))
    assert wedding.refuse(_g("h", Slot.BAG, "Handbags")) is None
    assert "child" in wedding.refuse(_g("k", Slot.DRESS, "Dresses", Gender.GIRLS))
    cold = Suitability.of(parse_brief("5 degrees, casual, men"), Gender.MEN)
    assert "10 °C" in cold.refuse(_g("s", Slot.BOTTOM, "Shorts", Gender.MEN))
    assert cold.warm(_g("c", Slot.OUTERWEAR, "Coats")) and not cold.warm(_g("t", Slot.TOP, "Tshirts"))
    adults = Suitability.of(parse_brief("an outfit"), None)
    assert adults.genders() == [Gender.WOMEN, Gender.MEN]


def test_wedding_outfit_has_no_backpack_and_no_kids(assembler, index):
    result = assembler.build(
        OutfitRequest(brief="what should I wear to a summer wedding? earthy colours, under 200")
    )
    assert result.outfits
    for outfit in result.outfits:
        garments = [index.get(i.id) for i in outfit.items]
        assert not any(
            g.article_type == "Backpacks" or g.gender in (Gender.GIRLS, Gender.BOYS) for g in garments
        )
        assert len({g.gender for g in garments} - {Gender.UNISEX}) == 1  # one outfit dresses one person
        assert outfit.total_price <= 200 and outfit.reasons and "of your 200.00 budget" in outfit.reasons[-1]


def test_no_acceptable_bag_means_no_bag_and_a_note(assembler, index):
    result = assembler.build(OutfitRequest(brief="black tie gala, women", k=2))
    assert result.outfits
    assert all(i.slot is not Slot.BAG for o in result.outfits for i in o.items)
    assert any("goes without" in n and "black tie" in n for n in result.notes)


def test_cold_brief_gets_a_warm_layer_and_no_shorts(assembler, index):
    result = assembler.build(OutfitRequest(brief="its 5 degrees and raining, casual, men", k=2))
    for outfit in result.outfits:
        garments = [index.get(i.id) for i in outfit.items]
        assert any(g.slot is Slot.OUTERWEAR for g in garments)
        assert not any(g.article_type in ("Shorts", "Sandals") for g in garments)
        assert any("5 °C" in r for r in outfit.reasons)


def test_reasons_are_specific(assembler):
    outfit = assembler.build(OutfitRequest(brief="smart casual date, women, navy and white", k=1)).outfits[0]
    text = " ".join(outfit.reasons)
    assert "smart casual" in text and "surest pairing" in text and "in all" in text
    assert "model rates this pairing lowest" not in outfit.explanation


def test_a_catalogue_without_prices_says_the_budget_could_not_be_checked(assembler):
    unpriced = [g.model_copy(update={"price": None}) for g in fake_catalogue(200)]
    index = FakeCatalogueIndex(unpriced)
    plain = OutfitAssembler(index, assembler.scorer, candidates_per_slot=6, beam_width=4)
    result = plain.build(OutfitRequest(brief="casual, women, under 50", k=1))
    assert result.outfits and any("no prices" in n for n in result.notes)
    assert any("not known" in r for r in result.outfits[0].reasons)


def test_a_relaxed_wish_reads_like_a_stylist_and_never_admits_what_the_code_refuses(assembler):
    no_bags = [g for g in fake_catalogue(500) if g.slot is not Slot.BAG]
    bags = [
        _g(
            "backpack",
            Slot.BAG,
            "Backpacks",
            title="Charcoal canvas backpack",
            price=40.0,
            occasions=["casual"],
        ),
        _g("clutch", Slot.BAG, "Clutches", title="Gold clutch", price=45.0, occasions=["everyday"]),
    ]
    index = FakeCatalogueIndex(no_bags + bags)
    scorer = CompatibilityScorer(assembler.scorer.model, lambda gs: index.vectors_for([g.id for g in gs]))
    plain = OutfitAssembler(index, scorer, candidates_per_slot=6, beam_width=4)
    result = plain.build(OutfitRequest(brief="summer wedding guest, women", extras=[Slot.BAG], k=2))
    chosen = {i.id for o in result.outfits for i in o.items if i.slot is Slot.BAG}
    assert chosen == {"clutch"}  # the backpack is never a candidate, relaxed or not
    note = next(n for n in result.notes if n.startswith("bag:"))
    assert note == (
        "bag: none of the bags here is tagged for wedding or made for summer, so these are the closest "
        "ones that still suit a wedding"
    )
    assert "relaxed" not in note and "constraint" not in note
