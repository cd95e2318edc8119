"""CatalogueIndex: add/update/delete, persistence, reload, FAISS rebuild from Chroma, filters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stylist.config import load_settings
from stylist.errors import (
    CatalogueError,
    IndexNotBuiltError,
    ItemNotFoundError,
    ModelUnavailableError,
    ToolInputError,
)
from stylist.index.build import build_index
from stylist.index.filters import SearchFilters
from stylist.index.schema import Gender, Slot
from stylist.index.store import CatalogueIndex, IndexLayout
from stylist.index.store import scoring as scoring_module
from stylist.index.store.filtering import FilterArrays
from tests.fakes import HashingTextEmbedder, MeanColourImageEmbedder
from tests.sample_catalogue import sample_garments


@pytest.fixture
def settings(tmp_path):
    return load_settings(home=str(tmp_path / "home"))


@pytest.fixture
def embedder():
    return HashingTextEmbedder()


@pytest.fixture
def index(settings, embedder):
    build_index(settings, embedder, garments=sample_garments())
    return CatalogueIndex.open(settings.index_dir, embedder, settings=settings.index)


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory):
    """One read-only index for the search tests (building one per test costs a second each)."""
    settings = load_settings(home=str(tmp_path_factory.mktemp("shared") / "home"))
    build_index(settings, HashingTextEmbedder(), garments=sample_garments())
    return CatalogueIndex.open(settings.index_dir, HashingTextEmbedder(), settings=settings.index)


def reopen(settings, embedder) -> CatalogueIndex:
    return CatalogueIndex.open(settings.index_dir, embedder, settings=settings.index)


def test_contract_reading(index):
    garments = sample_garments()
    assert len(index) == len(garments)
    assert [g.id for g in index] == [g.id for g in garments]
    assert "g0000" in index and "nope" not in index and 3 not in index
    assert index.get("g0001") == garments[1]
    assert [g.id for g in index.get_many(["g0002", "g0000"])] == ["g0002", "g0000"]
    vecs = index.vectors_for(["g0000", "g0001"])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ItemNotFoundError, match="nope"):
        index.get("nope")
    with pytest.raises(ItemNotFoundError):
        index.vectors_for(["g0000", "nope"])


def test_search_ranks_matching_words_first(shared_index):
    hits = shared_index.search("red leather boots", k=5)
    assert len(hits) == 5
    top, score = hits[0]
    assert top.article_type == "Boots" and "red" in top.colours
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_repeated_query_texts_are_embedded_once(settings):
    class Counting(HashingTextEmbedder):
        calls: list[list[str]] = []

        def embed_texts(self, texts):
            self.calls.append(list(texts))
            return super().embed_texts(texts)

    build_index(settings, HashingTextEmbedder(), garments=sample_garments())
    counting = Counting()
    index = CatalogueIndex.open(settings.index_dir, counting, settings=settings.index)
    first = index.search("red leather boots", k=3)
    again = index.search("red leather boots", filters=SearchFilters(slots=[Slot.SHOES]), k=3)
    index.search("navy shirt", k=3)
    assert counting.calls == [["red leather boots"], ["navy shirt"]]
    assert first and again and all(g.slot is Slot.SHOES for g, _ in again)


def test_add_update_delete_persist_and_reload(index, settings, embedder):
    new = sample_garments(1)[0].model_copy(
        update={"id": "new-1", "title": "Purple velvet cape", "colours": ["purple"]}
    )
    index.add([new])
    assert "new-1" in index and len(index) == 121
    assert index.search("purple velvet cape", k=1)[0][0].id == "new-1"
    with pytest.raises(CatalogueError, match="new-1"):
        index.add([new])

    changed = index.get("g0003").model_copy(update={"title": "Golden sequin gown", "price": 999.0})
    index.update([changed])
    assert index.get("g0003").price == 999.0
    assert index.search("golden sequin gown", k=1)[0][0].id == "g0003"
    with pytest.raises(ItemNotFoundError):
        index.update([new.model_copy(update={"id": "missing"})])

    index.delete(["g0004"])
    assert "g0004" not in index and len(index) == 120
    with pytest.raises(ItemNotFoundError):
        index.delete(["g0004"])

    again = reopen(settings, embedder)
    assert len(again) == 120
    assert "new-1" in again and "g0004" not in again
    assert again.get("g0003").title == "Golden sequin gown"
    assert again.search("golden sequin gown", k=1)[0][0].id == "g0003"
    assert all(g.id != "g0004" for g, _ in again.search("cotton", k=120))


def test_rebuild_faiss_from_chroma(index, settings, embedder):
    index.delete(["g0010"])
    build_dir = index.build_dir
    (build_dir / "garments.json").unlink()  # the caches are derived: Chroma restores them
    (build_dir / "vectors.npy").write_bytes(b"broken")
    restored = reopen(settings, embedder)
    assert len(restored) == 119 and "g0010" not in restored
    assert [g.id for g in restored] == [g.id for g in index]
    np.testing.assert_allclose(restored.vectors_for(["g0001"]), index.vectors_for(["g0001"]), atol=1e-6)
    restored.rebuild_faiss()
    assert (
        restored.search("navy cotton shirt", k=1)[0][0].id == index.search("navy cotton shirt", k=1)[0][0].id
    )


def test_interrupted_build_leaves_previous_index(index, settings, embedder):
    before = IndexLayout(settings.index_dir).current_id()

    class Exploding(HashingTextEmbedder):
        calls = 0

        def embed_texts(self, texts):
            self.calls += 1
            if self.calls == 2:
                raise KeyboardInterrupt
            return super().embed_texts(texts)

    settings.embed.batch_size = 16
    with pytest.raises(KeyboardInterrupt):
        build_index(settings, Exploding(), garments=sample_garments(60))
    layout = IndexLayout(settings.index_dir)
    assert layout.current_id() == before
    assert [p.name for p in layout.builds.iterdir()] == [before]  # the half build is gone
    assert len(reopen(settings, embedder)) == 120


def test_rebuild_switches_and_prunes_old_builds(settings, embedder):
    ids = [build_index(settings, embedder, garments=sample_garments(n)).build_id for n in (10, 20, 30)]
    layout = IndexLayout(settings.index_dir)
    assert layout.current_id() == ids[-1]
    assert sorted(p.name for p in layout.builds.iterdir()) == ids[1:]  # current + previous
    assert len(reopen(settings, embedder)) == 30


def test_open_without_index_and_with_other_embedder(settings, embedder):
    with pytest.raises(IndexNotBuiltError, match="stylist index build"):
        reopen(settings, embedder)
    build_index(settings, embedder, garments=sample_garments(10))
    with pytest.raises(IndexNotBuiltError, match="fake-hashing"):
        CatalogueIndex.open(settings.index_dir, HashingTextEmbedder(dim=64), settings=settings.index)


FILTER_CASES = [
    SearchFilters(slots=[Slot.SHOES]),
    SearchFilters(genders=[Gender.MEN]),
    SearchFilters(colours=["red", "navy"]),
    SearchFilters(article_types=["Jeans"]),
    SearchFilters(patterns=["striped"]),
    SearchFilters(materials=["leather"]),
    SearchFilters(seasons=["summer"]),
    SearchFilters(occasions=["office"]),
    SearchFilters(brands=["rarebrand"]),
    SearchFilters(min_price=50),
    SearchFilters(max_price=40),
    SearchFilters(min_price=20, max_price=60, slots=[Slot.TOP], genders=[Gender.WOMEN]),
    SearchFilters(exclude_ids=["g0000", "g0001"]),
    SearchFilters(colours=["nonexistent"]),
]


@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda f: ",".join(f.model_dump(exclude_defaults=True)))
def test_filter_arrays_agree_with_matches(filters):
    garments = sample_garments()
    expected = np.array([filters.matches(g) for g in garments])
    np.testing.assert_array_equal(FilterArrays(garments).mask(filters), expected)


@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda f: ",".join(f.model_dump(exclude_defaults=True)))
def test_search_respects_each_filter(shared_index, filters):
    hits = shared_index.search("something to wear", filters=filters, k=200)
    expected = {g.id for g in sample_garments() if filters.matches(g)}
    assert {g.id for g, _ in hits} == expected


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_rare_filter_still_returns_k_via_ann_overfetch(settings, embedder, monkeypatch, kind):
    settings.index.faiss_kind = kind
    build_index(settings, embedder, garments=sample_garments())
    index = reopen(settings, embedder)
    assert index.faiss_kind == kind
    monkeypatch.setattr(scoring_module, "EXACT_SUBSET_MAX", 0)  # force the ANN over-fetch path
    hits = index.search("navy cotton shirt", filters=SearchFilters(brands=["Rarebrand"]), k=3)
    assert sorted(g.id for g, _ in hits) == ["rare-0", "rare-1", "rare-2"]
    hits = index.search("navy cotton shirt", filters=SearchFilters(brands=["Rarebrand"]), k=10)
    assert len(hits) == 3  # only three exist
    # an approximate index agrees with exact search on the top hit for an easy query
    assert index.search("black leather boots", k=1)[0][0].title == "Black leather boots"


def test_filters_only_returns_stable_order(shared_index):
    index = shared_index
    f = SearchFilters(slots=[Slot.SHOES], max_price=100)
    first = index.search(None, filters=f, k=7)
    assert len(first) == 7 and all(s == 0.0 for _, s in first)
    assert [g.id for g, _ in first] == sorted(g.id for g, _ in first)
    assert [g.id for g, _ in index.search("  ", filters=f, k=7)] == [g.id for g, _ in first]
    with pytest.raises(ToolInputError):
        index.search("x", k=0)


def test_image_vectors_are_kept_and_searched(settings, embedder, tmp_path):
    from PIL import Image

    garments = sample_garments(40)
    colours = {
        "navy": (0, 0, 128),
        "black": (0, 0, 0),
        "red": (220, 0, 0),
        "white": (250, 250, 250),
        "green": (0, 150, 0),
        "beige": (220, 200, 160),
    }
    with_images = []
    for g in garments:
        path = tmp_path / f"{g.id}.png"
        Image.new("RGB", (16, 16), colours[g.colours[0]]).save(path)
        with_images.append(g.model_copy(update={"image_path": str(path)}))
    fake = MeanColourImageEmbedder()
    report = build_index(settings, embedder, garments=with_images, image_embedder=fake)
    assert report.image_vectors == 40
    index = CatalogueIndex.open(
        settings.index_dir, embedder, settings=settings.index, image_embedder=lambda: fake
    )
    vecs, has = index.image_vectors_for(["g0000"])
    assert vecs.shape == (1, fake.dim) and has.all()
    query = tmp_path / "query.png"
    Image.new("RGB", (16, 16), (230, 10, 10)).save(query)
    top = index.search(None, k=2, image_path=str(query))
    assert all("red" in g.colours for g, _ in top)
    assert "red" in index.search("shirt", k=1, image_path=str(query))[0][0].colours
    with pytest.raises(ToolInputError, match="does not exist"):
        index.search("x", image_path=str(tmp_path / "missing.png"))
    plain = CatalogueIndex.open(settings.index_dir, embedder, settings=settings.index)
    with pytest.raises(ModelUnavailableError, match="image encoder"):
        plain.search("x", image_path=str(query))


def test_searching_does_not_import_chroma(index, settings, tmp_path):
    """Cold start: a search process reads the caches and FAISS, never the Chroma client."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from stylist.config import load_settings\n"
        "from stylist.index.store import CatalogueIndex\n"
        "from tests.fakes import HashingTextEmbedder\n"
        f"s = load_settings(home={str(settings.home)!r})\n"
        "i = CatalogueIndex.open(s.index_dir, HashingTextEmbedder(), settings=s.index)\n"
        "assert i.search('red boots', k=3)\n"
        "print('chromadb' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=str(Path(__file__).parents[1])
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_auto_index_kind_is_exact_for_small_catalogues_and_ivf_for_large_ones():
    from stylist.index.store.vector_index import EXACT_LIMIT, resolve_kind

    assert resolve_kind(EXACT_LIMIT - 1, "auto") == "flat"
    assert resolve_kind(EXACT_LIMIT, "auto") == "ivf" and resolve_kind(1_000_000, "auto", gpu=True) == "ivf"
    assert resolve_kind(1_000_000, "hnsw") == "hnsw" and resolve_kind(10, "ivf") == "ivf"
