"""Wardrobe from photos, end to end with the photo recogniser: a photographed garment gets the
recogniser's type and colour, and outfits from owned items rank them by the image encoder's
vectors of their photos. Real photos when ../shared is here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from stylist.index.schema import Slot
from stylist.profiles.schema import WardrobeItem
from stylist.tools.outfits.owned import WardrobePool, build_with_wardrobe, owned_garment
from stylist.tools.recognise.photo import PhotoRecogniser
from stylist.tools.recognise.wardrobe import add_from_photo
from tests.fakes import ColourWordImageEmbedder, HashingTextEmbedder
from tests.fakes.profile import ProfileCatalogueIndex, profile_runtime
from tests.fakes.recognise import shared_photo_checkpoint, studio_photo


class TextSpaceIndex(ProfileCatalogueIndex):
    """The profile fake index plus ``query_vector`` (the text embedder's), as CatalogueIndex has."""

    def query_vector(self, text: str) -> np.ndarray:
        return self.embedder.embed_texts([text])[0]


@pytest.fixture(scope="module")
def photo_checkpoint(tmp_path_factory) -> Path:
    return shared_photo_checkpoint(tmp_path_factory)


@pytest.fixture
def runtime(photo_checkpoint):
    text = HashingTextEmbedder()
    return profile_runtime(
        recogniser=PhotoRecogniser(photo_checkpoint),
        image_embedder=ColourWordImageEmbedder(text),
        catalogue_index=TextSpaceIndex(embedder=text),
    )


def _save(tmp_path: Path, name: str, colour: str, kind: str, person: bool = False) -> Path:
    path = tmp_path / name
    studio_photo(colour, kind, 170, person=person).save(path, quality=90)
    return path


def test_a_photographed_garment_gets_the_recognisers_type_colour_and_a_vector(runtime, tmp_path):
    item, recognition = add_from_photo(
        runtime, "ana", _save(tmp_path, "tee.jpg", "navy blue", "t-shirt", True)
    )
    assert recognition.status == "ok" and recognition.model == "photo recogniser (photos.pt)"
    assert (item.article_type, item.slot, item.colours[0]) == ("t-shirt", "top", "navy blue")
    assert item.attributes["recognised"]["article_type"] == "t-shirt" and item.attributes["edited"] == []
    assert item.embedding is not None and len(item.embedding) == 384
    stored = runtime.profile_store.wardrobe("ana")
    assert [w.article_type for w in stored] == ["t-shirt"] and stored[0].embedding == item.embedding


def test_owned_photos_are_ranked_by_their_image_vectors(runtime, tmp_path):
    for name, colour in (("red.jpg", "red"), ("green.jpg", "green")):
        add_from_photo(runtime, "ana", _save(tmp_path, name, colour, "t-shirt"))
    wardrobe = runtime.profile_store.wardrobe("ana")
    assert sorted(w.colours[0] for w in wardrobe) == ["green", "red"]
    pool = WardrobePool(
        runtime.catalogue_index,
        [owned_garment(w) for w in wardrobe],
        catalogue=False,
        owned_vectors={f"owned-{w.id}": np.asarray(w.embedding) for w in wardrobe},
    )
    for query in ("a green top", "something red"):
        ranked = sorted(pool.search(query, k=5), key=lambda hit: -hit[1])
        assert ranked[0][0].colours[0] in query and ranked[0][1] > ranked[1][1]
    flat = WardrobePool(runtime.catalogue_index, [owned_garment(w) for w in wardrobe], catalogue=False)
    assert len({s for _, s in flat.search("a green top")}) == 1  # without vectors: no order among owned


def test_only_what_i_own_picks_the_owned_photo_that_matches_the_brief():
    """build_with_wardrobe hands the wardrobe's photo vectors to the pool it searches: with two owned
    T-shirts and compatibility switched off, the brief's colour picks the one whose photo shows it."""
    import torch

    from stylist.tools.outfits.assembly import OutfitAssembler
    from stylist.tools.outfits.model import CompatConfig, CompatModel
    from stylist.tools.outfits.schemas import OutfitRequest
    from stylist.tools.outfits.scorer import CompatibilityScorer
    from tests.fakes.compat import FakeCatalogueIndex, fake_catalogue

    class Index(FakeCatalogueIndex):
        def query_vector(self, text: str) -> np.ndarray:
            return self.embedder.embed_texts([text])[0]

    index = Index(fake_catalogue(60))
    torch.manual_seed(0)
    model = CompatModel(CompatConfig(text_dim=384, hidden=16, embed_dim=8, pair_hidden=8)).eval()
    scorer = CompatibilityScorer(
        model, lambda gs: index.embedder.embed_texts([g.document() for g in gs]), name="x"
    )
    assembler = OutfitAssembler(index, scorer, candidates_per_slot=4, beam_width=4, weights=(0.0, 1.0, 0.0))
    photos = ColourWordImageEmbedder(index.embedder)

    def owned(i: int, slot: str, article: str, colour: str, kind: str) -> WardrobeItem:
        vector = photos.embed_images([studio_photo(colour, kind, 120)])[0]
        return WardrobeItem(
            id=i, added_at=datetime.now(UTC), name=f"my t-shirt {i}" if slot == "top" else None,
            article_type=article, slot=slot, colours=[], embedding=[float(v) for v in vector],
        )  # fmt: skip

    wardrobe = [
        owned(1, "top", "t-shirt", "red", "t-shirt"),
        owned(2, "top", "t-shirt", "green", "t-shirt"),
        owned(3, "bottom", "trousers", "navy blue", "trousers"),
        WardrobeItem(
            id=4, added_at=datetime.now(UTC), article_type="sneakers", slot="shoes", colours=["white"]
        ),
    ]
    for colour, entry in (("red", "owned-1"), ("green", "owned-2")):
        result = build_with_wardrobe(
            assembler, OutfitRequest(brief=f"a {colour} top", k=1), wardrobe, max_new_items=0
        )
        assert [i.id for i in result.outfits[0].items if i.slot is Slot.TOP] == [entry]
