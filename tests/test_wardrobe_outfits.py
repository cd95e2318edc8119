"""Outfits with owned items: wardrobe anchors, only what I own, at most N new items under a price."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import torch

from stylist.errors import ItemNotFoundError
from stylist.index.schema import Gender, Slot
from stylist.profiles.schema import WardrobeItem, WardrobePhotoItem
from stylist.tools.outfits.assembly import NoOutfitError, OutfitAssembler
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.outfits.owned import build_with_wardrobe, owned_garment
from stylist.tools.outfits.schemas import OutfitRequest
from stylist.tools.outfits.scorer import CompatibilityScorer
from tests.fakes.compat import FakeCatalogueIndex, compat_runtime, fake_catalogue


@pytest.fixture(scope="module")
def index():
    return FakeCatalogueIndex(fake_catalogue(300))


@pytest.fixture(scope="module")
def scorer(index):
    torch.manual_seed(0)
    model = CompatModel(CompatConfig(text_dim=384, hidden=32, embed_dim=16, pair_hidden=16)).eval()
    return CompatibilityScorer(
        model, lambda gs: index.embedder.embed_texts([g.document() for g in gs]), name="untrained"
    )


@pytest.fixture
def assembler(index, scorer):
    return OutfitAssembler(index, scorer, candidates_per_slot=8, beam_width=6)


def _item(i: int, slot: str, article: str, colour: str) -> WardrobeItem:
    return WardrobeItem(
        id=i,
        added_at=datetime.now(UTC),
        name=f"my {colour} {article}",
        article_type=article,
        slot=slot,
        colours=[colour],
        pattern="solid",
    )


FULL = [
    _item(1, "top", "Shirt", "white"),
    _item(2, "bottom", "Jeans", "blue"),
    _item(3, "shoes", "Sneakers", "white"),
    _item(4, "top", "T-Shirt", "black"),
    _item(5, "bottom", "Trousers", "beige"),
]
NO_SHOES = FULL[:2] + FULL[3:]


def test_owned_garments_cost_nothing_and_keep_their_attributes():
    g = owned_garment(FULL[0])
    assert (
        g.id == "owned-1"
        and g.price == 0
        and g.slot is Slot.TOP
        and g.colours == ["white"]
        and "my white Shirt" in g.title
    )
    free_text = WardrobeItem(id=9, added_at=datetime.now(UTC), description="grey wool coat")
    assert owned_garment(free_text) is None


def test_owned_item_as_anchor(assembler):
    result = build_with_wardrobe(
        assembler,
        OutfitRequest(brief="casual weekend", gender=Gender.MEN, k=2),
        FULL,
        owned_anchors=[2],
        use_wardrobe=False,
    )
    assert result.outfits
    for outfit in result.outfits:
        anchor = [i for i in outfit.items if i.id == "owned-2"]
        assert anchor and anchor[0].anchor and anchor[0].owned and anchor[0].price == 0
        assert all(
            not i.owned for i in outfit.items if i.id != "owned-2"
        )  # the rest comes from the catalogue
    assert assembler.index is not None and assembler.max_new_items is None  # the assembler is left as it was


def test_only_what_i_own(assembler):
    result = build_with_wardrobe(
        assembler, OutfitRequest(brief="casual", gender=Gender.MEN, k=3), FULL, max_new_items=0
    )
    assert result.outfits
    for outfit in result.outfits:
        assert all(i.owned and i.id.startswith("owned-") for i in outfit.items)
        assert {i.slot for i in outfit.items} >= {Slot.TOP, Slot.BOTTOM, Slot.SHOES}
        assert outfit.total_price == 0 and "3 item(s) you own and 0 new" in outfit.explanation


def test_only_what_i_own_names_the_missing_slot(assembler):
    with pytest.raises(NoOutfitError, match="no shoes") as info:
        build_with_wardrobe(assembler, OutfitRequest(gender=Gender.MEN), NO_SHOES, max_new_items=0)
    assert "wardrobe add" in (info.value.hint or "")


def test_at_most_one_new_item_under_a_price(assembler, index):
    result = build_with_wardrobe(
        assembler,
        OutfitRequest(brief="casual", gender=Gender.MEN, k=3),
        NO_SHOES,
        max_new_items=1,
        new_item_max_price=80,
    )
    assert result.outfits
    for outfit in result.outfits:
        new = [i for i in outfit.items if not i.owned]
        assert len(new) <= 1 and all((i.price or 0) <= 80 for i in new)
        assert Slot.SHOES in {i.slot for i in new}  # the wardrobe has none, so the new item is the shoes
    with pytest.raises(NoOutfitError, match="2 new items"):
        build_with_wardrobe(assembler, OutfitRequest(gender=Gender.MEN), FULL[:1], max_new_items=1)


def test_unknown_wardrobe_anchor_is_named(assembler):
    with pytest.raises(ItemNotFoundError, match="wardrobe item 42"):
        build_with_wardrobe(assembler, OutfitRequest(), FULL, owned_anchors=[42])


def test_build_outfit_tool_uses_the_stored_wardrobe(scorer):
    from stylist.tools.registry import build_registry

    runtime = compat_runtime(fake_catalogue(300), compat_scorer=scorer)
    store = runtime.profile_store
    for item in FULL:
        store.add_wardrobe_photo(
            "ana",
            WardrobePhotoItem(
                **item.model_dump(include={"name", "article_type", "slot", "colours", "pattern"})
            ),
        )
    ids = [w.id for w in store.wardrobe("ana")]
    registry = build_registry(runtime)
    only = registry.invoke(
        "build_outfit", {"brief": "casual", "gender": "men", "user_id": "ana", "only_owned": True, "k": 1}
    )
    assert all(i.owned for i in only.outfits[0].items)
    anchored = registry.invoke(
        "build_outfit", {"gender": "men", "user_id": "ana", "wardrobe_anchors": [ids[0]], "k": 1}
    )
    assert f"owned-{ids[0]}" in [i.id for i in anchored.outfits[0].items]
    plain = registry.invoke("build_outfit", {"brief": "casual", "gender": "men", "k": 1})
    assert not any(i.owned for i in plain.outfits[0].items)


class _ConfidentShirt:
    """A recogniser fake: every photo is a white shirt."""

    def recognise(self, path):  # noqa: ANN001, ANN201
        from stylist.tools.recognise.recogniser import Candidate, ColourShare, Recognition

        return Recognition(
            status="ok",
            message="white shirt",
            article_type="Shirt",
            slot="top",
            article_confidence=0.9,
            candidates=[Candidate(label="Shirt", confidence=0.9)],
            pattern="solid",
            garments_found=1,
            colours=[ColourShare(name="white", share=1.0, hex="#f6f6f4")],
        )


def test_what_goes_with_a_photo_builds_an_outfit_around_it(scorer, tmp_path):
    from stylist.agent.router import Router
    from stylist.tools.registry import build_registry
    from tests.fakes.recognise import garment_picture

    photo = tmp_path / "shirt.png"
    garment_picture((246, 246, 244)).save(photo)
    registry = build_registry(
        compat_runtime(fake_catalogue(300), compat_scorer=scorer, recogniser=_ConfidentShirt())
    )
    decision = Router(registry).route(f"what goes with this? {photo}")
    assert decision.tool == "recognise_garment" and decision.arguments["goes_with"] is True
    result = registry.invoke("recognise_garment", {**decision.arguments, "brief": "casual", "k": 2})
    assert len(result.closest) == 2 and result.outfits
    items = result.outfits[0].items
    assert [i.id for i in items if i.owned] == ["owned-0"] and any(i.slot is Slot.SHOES for i in items)
