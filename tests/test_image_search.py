"""Image vectors in the index: building them, search by photo, hybrid words+picture scoring."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from stylist.config import load_settings
from stylist.errors import (
    ConfigError,
    IndexNotBuiltError,
    ModelUnavailableError,
    ToolInputError,
)
from stylist.index.build import build_index
from stylist.index.demo import generate_demo_catalogue
from stylist.index.filters import SearchFilters
from stylist.index.schema import Slot
from stylist.index.store import CatalogueIndex
from stylist.index.store.catalogue_index import ScoreWeights
from tests.cli_helpers import run_cli
from tests.fakes import (
    ColourTowerImageEmbedder,
    ColourWordImageEmbedder,
    HashingTextEmbedder,
    MeanColourImageEmbedder,
)
from tests.sample_catalogue import sample_garments

RGB = {
    "navy": (0, 0, 128),
    "black": (10, 10, 10),
    "red": (220, 20, 20),
    "white": (250, 250, 250),
    "green": (20, 150, 40),
    "beige": (220, 200, 160),
    "blue": (30, 60, 200),
}


def picture(path: Path, colour: str, size: int = 32) -> Path:
    """A garment-like picture: a coloured block on a white background."""
    img = Image.new("RGB", (size, size), (255, 255, 255))
    img.paste(RGB[colour], (4, 4, size - 4, size - 4))
    img.save(path)
    return path


def with_pictures(garments, folder: Path, colour_of=lambda g: g.colours[0]):
    folder.mkdir(parents=True, exist_ok=True)
    return [
        g.model_copy(update={"image_path": str(picture(folder / f"{g.id}.png", colour_of(g)))})
        for g in garments
    ]


def open_index(settings, text, image=None, weights=None) -> CatalogueIndex:
    return CatalogueIndex.open(
        settings.index_dir,
        text,
        settings=settings.index,
        image_embedder=(lambda: image) if image else None,
        weights=weights,
    )


@pytest.fixture
def settings(tmp_path):
    return load_settings(home=str(tmp_path / "home"))


# ------------------------------------------------------------------ building
def test_build_embeds_pictures_and_reports_the_ones_it_could_not(settings, tmp_path):
    garments = with_pictures(sample_garments(30), tmp_path / "pics")
    garments[3] = garments[3].model_copy(update={"image_path": None})
    garments[4] = garments[4].model_copy(update={"image_path": str(tmp_path / "gone.png")})
    (tmp_path / "notes.png").write_text("not a picture")
    garments[5] = garments[5].model_copy(update={"image_path": str(tmp_path / "notes.png")})
    Image.new("RGBA", (40, 40), (220, 20, 20, 128)).save(tmp_path / "rgba.png")  # modes are normalised
    garments[6] = garments[6].model_copy(update={"image_path": str(tmp_path / "rgba.png")})
    seen = []
    report = build_index(
        settings,
        HashingTextEmbedder(),
        garments=garments,
        image_embedder=MeanColourImageEmbedder(),
        progress=lambda *a: seen.append(a),
    )
    assert report.indexed == 30 and report.image_vectors == 27
    assert report.images_missing == 2 and report.image_embedder == "fake-mean-colour"
    [problem] = report.image_problems
    assert problem.value == garments[5].id and "notes.png" in problem.reason and problem.field == "image_path"
    assert report.images_per_s and report.timings["images_s"] >= 0
    assert sum(n for stage, n, _ in seen if stage == "pictures") == 28 and ("pictures", 28) in {
        (s, t) for s, _, t in seen
    }
    index = open_index(settings, HashingTextEmbedder(), MeanColourImageEmbedder())
    assert index.manifest.image_embedder == "fake-mean-colour" and not index.manifest.image_shares_text_space
    _, has = index.image_vectors_for([g.id for g in garments[:8]])
    assert has.tolist() == [True, True, True, False, False, False, True, True]
    # a garment with no picture is still found by words
    assert index.search(garments[3].title, k=1)[0][0].id == garments[3].id


def test_search_by_own_picture_and_by_a_recoloured_variant(settings, tmp_path):
    garments = with_pictures(sample_garments(60), tmp_path / "pics")
    build_index(settings, HashingTextEmbedder(), garments=garments, image_embedder=MeanColourImageEmbedder())
    index = open_index(settings, HashingTextEmbedder(), MeanColourImageEmbedder())
    own = garments[2]  # red
    hits = index.search_scored(None, k=5, image_path=own.image_path)
    assert own.id in [h.garment.id for h in hits] and all(set(h.parts) == {"image"} for h in hits)
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    recoloured = picture(tmp_path / "green-version.png", "green")
    top = index.search(None, k=8, image_path=str(recoloured))
    assert all("green" in g.colours for g, _ in top)
    # filters apply to picture search too
    shoes = index.search(None, filters=SearchFilters(slots=[Slot.SHOES]), k=3, image_path=str(recoloured))
    assert shoes and all(g.slot is Slot.SHOES for g, _ in shoes)


def test_recogniser_contract_search_none_with_image_path(settings, tmp_path):
    garments = with_pictures(sample_garments(12), tmp_path / "pics")
    build_index(settings, HashingTextEmbedder(), garments=garments, image_embedder=MeanColourImageEmbedder())
    hits = open_index(settings, HashingTextEmbedder(), MeanColourImageEmbedder()).search(
        None, image_path=garments[0].image_path, k=3
    )
    assert len(hits) == 3 and all(isinstance(s, float) for _, s in hits)


# ------------------------------------------------------------------ hybrid scoring
@pytest.fixture
def mismatched(settings, tmp_path):
    """Garments whose pictures disagree with their words for every third one (a 'red' shirt that is blue)."""
    garments = sample_garments(60)
    flip = {g.id for n, g in enumerate(garments) if n % 3 == 0}
    garments = with_pictures(garments, tmp_path / "pics", lambda g: "blue" if g.id in flip else g.colours[0])
    text = HashingTextEmbedder()
    build_index(settings, text, garments=garments, image_embedder=ColourWordImageEmbedder(text))
    return garments, flip


def test_text_query_scores_pictures_too_and_weights_change_the_order(settings, mismatched):
    garments, flip = mismatched
    text = HashingTextEmbedder()
    index = open_index(settings, text, ColourWordImageEmbedder(text))
    assert index.manifest.image_shares_text_space
    text_only = index.search_scored("red shirt", k=10, weights=ScoreWeights(text=1, text_image=0))
    hybrid = index.search_scored("red shirt", k=10, weights=ScoreWeights(text=0.5, text_image=0.5))
    pictures = index.search_scored("red shirt", k=10, weights=ScoreWeights(text=0, text_image=1))
    assert [h.garment.id for h in text_only] != [h.garment.id for h in hybrid]
    assert set(text_only[0].parts) == {"text"} and set(hybrid[0].parts) == {"text", "text_image"}
    for h in hybrid:
        assert h.score == pytest.approx(0.5 * h.parts["text"] + 0.5 * h.parts["text_image"], abs=1e-3)

    def red_pictures(hits):
        return sum(g.id not in flip and "red" in g.colours for g in (h.garment for h in hits))

    assert red_pictures(pictures) > red_pictures(text_only)
    # a word-red garment with a blue picture falls when the pictures count
    fake_red = next(h.garment.id for h in text_only if h.garment.id in flip)

    def rank(hits):
        ids = [h.garment.id for h in hits]
        return ids.index(fake_red) if fake_red in ids else 99

    assert rank(hybrid) > rank(text_only)


def test_weights_one_zero_are_text_only(settings, mismatched, tmp_path):
    garments, _ = mismatched
    text = HashingTextEmbedder()
    hybrid_index = open_index(settings, text, weights=ScoreWeights(text=1, text_image=0))
    plain = load_settings(home=str(tmp_path / "plain"))
    build_index(plain, text, garments=garments)
    plain_index = open_index(plain, text)
    for query in ("red shirt", "navy wool trousers", "beige boots"):
        a = hybrid_index.search(query, k=8)
        b = plain_index.search(query, k=8)
        assert [g.id for g, _ in a] == [g.id for g, _ in b]
        np.testing.assert_allclose([s for _, s in a], [s for _, s in b], rtol=1e-5)


def test_a_model_with_its_own_text_tower_embeds_the_words_itself(settings, tmp_path):
    """CLIP-family encoders live in their own space: the words go through ``embed_query``."""
    garments = sample_garments(60)
    flip = {g.id for n, g in enumerate(garments) if n % 3 == 0}
    garments = with_pictures(garments, tmp_path / "pics", lambda g: "blue" if g.id in flip else g.colours[0])
    text, tower = HashingTextEmbedder(), ColourTowerImageEmbedder()
    build_index(settings, text, garments=garments, image_embedder=tower)
    index = open_index(settings, text, tower, weights=ScoreWeights(text=0.5, text_image=0.5))
    assert not index.manifest.image_shares_text_space
    hits = index.search_scored("something blue", k=6)
    assert all(h.parts["text_image"] == 1.0 for h in hits)
    text_only = index.search_scored("something blue", k=6, weights=ScoreWeights(text=1, text_image=0))
    blue = lambda hs: sum(h.garment.id in flip for h in hs)  # noqa: E731
    assert blue(hits) == 6 and blue(text_only) < 6, [
        (h.garment.id, h.garment.image_path[-10:], h.parts) for h in hits
    ]  # only the pictures say blue
    # another encoder than the one that built the index: no words↔picture part (and no error)
    other = open_index(
        settings, text, ColourWordImageEmbedder(text), weights=ScoreWeights(text=0.5, text_image=0.5)
    )
    assert all(set(h.parts) == {"text"} for h in other.search_scored("blue jeans", k=3))


def test_words_and_photo_together(settings, mismatched, tmp_path):
    text = HashingTextEmbedder()
    index = open_index(settings, text, ColourWordImageEmbedder(text), weights=ScoreWeights(words=0.5))
    photo = picture(tmp_path / "q.png", "green")
    hits = index.search_scored("boots", k=5, image_path=str(photo))
    assert all(set(h.parts) >= {"text", "image"} for h in hits)
    assert all(h.garment.article_type == "Boots" or "green" in h.garment.colours for h in hits)
    assert any(h.garment.article_type == "Boots" and "green" in h.garment.colours for h in hits[:2])


def test_weights_come_from_settings_and_env(monkeypatch, tmp_path):
    assert (
        load_settings(home=str(tmp_path)).embed.index_images is False
    )  # tests/conftest.py turns pictures off
    monkeypatch.delenv("STYLIST_EMBED__INDEX_IMAGES")
    assert load_settings(home=str(tmp_path)).embed.index_images is True  # the product default
    monkeypatch.setenv("STYLIST_EMBED__HYBRID_IMAGE_WEIGHT", "0.6")
    settings = load_settings(home=str(tmp_path))
    assert ScoreWeights.from_settings(settings.embed) == ScoreWeights(text=0.85, text_image=0.6, words=0.7)
    monkeypatch.setenv("STYLIST_EMBED__HYBRID_TEXT_WEIGHT", "0")
    monkeypatch.setenv("STYLIST_EMBED__HYBRID_IMAGE_WEIGHT", "0")
    with pytest.raises(ConfigError, match="cannot both be 0"):
        load_settings(home=str(tmp_path))


# ------------------------------------------------------------------ bad input
def test_bad_picture_queries_are_named(settings, tmp_path):
    garments = with_pictures(sample_garments(12), tmp_path / "pics")
    build_index(settings, HashingTextEmbedder(), garments=garments, image_embedder=MeanColourImageEmbedder())
    index = open_index(settings, HashingTextEmbedder(), MeanColourImageEmbedder())
    with pytest.raises(ToolInputError, match="missing.jpg does not exist"):
        index.search(None, image_path=str(tmp_path / "missing.jpg"))
    (tmp_path / "cv.pdf").write_bytes(b"%PDF-1.4 not an image")
    with pytest.raises(ToolInputError, match="cv.pdf is not a readable image"):
        index.search("shirt", image_path=str(tmp_path / "cv.pdf"))
    with pytest.raises(ModelUnavailableError, match="image_model"):
        open_index(settings, HashingTextEmbedder()).search(None, image_path=garments[0].image_path)
    text_only = load_settings(home=str(tmp_path / "t"))
    build_index(text_only, HashingTextEmbedder(), garments=garments)
    with pytest.raises(IndexNotBuiltError, match="no image vectors") as err:
        open_index(text_only, HashingTextEmbedder(), MeanColourImageEmbedder()).search(
            None, image_path=garments[0].image_path
        )
    assert "stylist index build" in err.value.hint


# ------------------------------------------------------------------ CLI
run = run_cli


@pytest.fixture
def fake_models(monkeypatch):
    monkeypatch.setenv("STYLIST_EMBED__INDEX_IMAGES", "true")
    monkeypatch.setattr(
        "stylist.index.embed.factory.make_text_embedder", lambda settings, model=None: HashingTextEmbedder()
    )
    monkeypatch.setattr(
        "stylist.index.imagenc.embedder.make_image_embedder", lambda *a, **k: MeanColourImageEmbedder()
    )


def test_cli_build_and_search_by_image(capsys, stylist_home, fake_models, tmp_path):
    code, out, err = run(capsys, "--set", "index.demo_size=24", "index", "build", "--demo", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["image_vectors"] == 24 and report["image_embedder"] == "fake-mean-colour"
    index = load_settings().index_dir
    target = json.loads(run(capsys, "search", "--json", "-k", "24")[1])[5]
    code, out, err = run(capsys, "search", "--image", target["image_path"], "--json", "-k", "3")
    assert code == 0, err
    hits = json.loads(out)
    assert hits[0]["id"] == target["id"] and set(hits[0]["scores"]) == {"image"}
    code, out, err = run(
        capsys, "search", "dress", "--image", target["image_path"], "--slot", "dress", "--json"
    )
    assert code == 0, err
    assert all(h["slot"] == "dress" and set(h["scores"]) == {"text", "image"} for h in json.loads(out))
    code, out, err = run(capsys, "search", "--image", target["image_path"], "-k", "2")
    assert code == 0 and "score" in out and "title" in out
    code, out, err = run(capsys, "search", "--image", str(tmp_path / "nope.png"))
    assert code != 0 and "nope.png does not exist" in " ".join(err.split()) and "Traceback" not in err
    assert index.is_dir()


def test_cli_build_without_pictures_then_image_search_says_what_to_do(capsys, stylist_home, fake_models):
    code, out, err = run(capsys, "--set", "index.demo_size=12", "index", "build", "--demo", "--no-images")
    assert code == 0, err
    assert "not indexed" in out
    picture_path = json.loads(run(capsys, "search", "--json")[1])[0]["image_path"]
    code, out, err = run(capsys, "search", "--image", picture_path)
    err = " ".join(err.split())
    assert code != 0 and "no image vectors" in err and "stylist index build" in err and "Traceback" not in err
    code, out, err = run(
        capsys,
        "--set",
        "embed.index_images=false",
        "--set",
        "index.demo_size=12",
        "index",
        "build",
        "--demo",
        "--json",
    )
    assert code == 0 and json.loads(out)["image_vectors"] == 0


@pytest.mark.slow
def test_training_a_new_encoder_then_rebuilding_uses_it(capsys, stylist_home, monkeypatch):
    """`stylist train image-encoder` writes <home>/models/image_encoder.pt; the next build embeds with it."""
    monkeypatch.setattr(
        "stylist.index.embed.factory.make_text_embedder", lambda settings, model=None: HashingTextEmbedder()
    )
    monkeypatch.setenv("STYLIST_EMBED__INDEX_IMAGES", "true")
    small = ["--set", "index.demo_size=16"]
    train = [*small, "train", "image-encoder", "--backbone", "compact", "--image-size", "32", "--json"]
    names = []
    for epochs in ("1", "2"):
        code, out, err = run(capsys, *train, "--epochs", epochs)
        assert code == 0, err
        code, out, err = run(capsys, *small, "index", "build", "--demo", "--json")
        assert code == 0, err
        names.append(json.loads(out)["image_embedder"])
    assert (
        all(n.startswith("stylist-image:compact:image_encoder.pt:") for n in names) and names[0] != names[1]
    )
    picture_path = json.loads(run(capsys, "search", "--json", "-k", "1")[1])[0]["image_path"]
    code, out, err = run(capsys, "search", "--image", picture_path, "--json", "-k", "2")
    assert code == 0 and len(json.loads(out)) == 2


def test_word_search_on_an_index_with_pictures_does_not_load_torch(settings, mismatched, tmp_path):
    """Cold start: the trained encoders share the text space, so word search needs no image model."""
    code = (
        "import sys\n"
        "from stylist.config import load_settings\n"
        "from stylist.index.store import CatalogueIndex\n"
        "from tests.fakes import HashingTextEmbedder\n"
        f"s = load_settings(home={str(tmp_path / 'home')!r})\n"
        "def boom(): raise AssertionError('image model loaded')\n"
        "index = CatalogueIndex.open(s.index_dir, HashingTextEmbedder(), settings=s.index, "
        "image_embedder=boom)\n"
        "hits = index.search_scored('red shirt', k=3)\n"
        "assert 'text_image' in hits[0].parts, hits\n"
        "print(sorted(m for m in ('torch', 'efficientnet_lite_pytorch', 'chromadb') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ the packaged encoder
@pytest.mark.slow
def test_packaged_encoder_indexes_and_finds_pictures(settings, tmp_path):
    from stylist.index.imagenc.embedder import PACKAGED_CHECKPOINT, make_image_embedder

    if not PACKAGED_CHECKPOINT.is_file():
        pytest.fail(f"the packaged checkpoint {PACKAGED_CHECKPOINT} is missing")
    text = HashingTextEmbedder()
    encoder = make_image_embedder("embedded", text, "cpu", 32, settings.models_dir)
    garments = generate_demo_catalogue(n=80, seed=11, image_dir=tmp_path / "pics")
    report = build_index(settings, text, garments=garments, image_embedder=encoder)
    assert report.image_vectors == 80 and report.image_embedder.startswith(
        f"stylist-image:efficientnet-lite0:{PACKAGED_CHECKPOINT.name}:"
    )
    index = open_index(settings, text, encoder)
    assert (
        not index.manifest.image_shares_text_space
    )  # trained into MiniLM's space, not the fake text model's
    own = sum(
        g.id in [h.id for h, _ in index.search(None, k=3, image_path=g.image_path)] for g in garments[:20]
    )
    assert own >= 18  # its own picture: top 3 for at least 90%
    # a cropped, mirrored variant still finds the garment or one of the same article and colour
    same = 0
    for g in garments[:20]:
        img = Image.open(g.image_path).convert("RGB")
        variant = ImageOps.mirror(img.crop((10, 10, 118, 118)))
        variant.save(tmp_path / "variant.png")
        top = [h for h, _ in index.search(None, k=5, image_path=str(tmp_path / "variant.png"))]
        same += any(
            h.id == g.id or (h.article_type == g.article_type and set(h.colours) & set(g.colours))
            for h in top
        )
    assert same >= 14  # 70%
    # a recoloured rendering of the garment ranks garments of the new colour higher than chance
    from stylist.index.demo import COLOURS, render

    rng = np.random.default_rng(0)
    share, base = [], []
    for g in garments[:20]:
        colour = str(rng.choice([c for c in COLOURS if c not in g.colours]))
        render(g.model_copy(update={"colours": [colour]})).save(tmp_path / "recoloured.png")
        top = [h for h, _ in index.search(None, k=5, image_path=str(tmp_path / "recoloured.png"))]
        share.append(sum(colour in h.colours for h in top) / 5)
        base.append(sum(colour in h.colours for h in garments) / len(garments))
    assert np.mean(share) >= max(0.1, 3 * np.mean(base)), (
        np.mean(share),
        np.mean(base),
    )  # measured 0.13 vs 0.036


@pytest.mark.slow
def test_first_use_builds_with_the_packaged_encoder_by_default(monkeypatch, tmp_path):
    """The product default: a runtime's first search indexes the demo catalogue's pictures too."""
    from stylist.index.imagenc.embedder import PACKAGED_CHECKPOINT
    from stylist.runtime import Runtime

    monkeypatch.delenv("STYLIST_EMBED__INDEX_IMAGES")
    settings = load_settings(home=str(tmp_path / "h"), index={"demo_size": 24})
    runtime = Runtime(settings, text_embedder=HashingTextEmbedder())
    index = runtime.catalogue_index
    assert index.manifest.image_count == 24 and index.manifest.image_embedder.startswith(
        f"stylist-image:efficientnet-lite0:{PACKAGED_CHECKPOINT.name}:"
    )
    own = next(iter(index))
    assert index.search(None, image_path=own.image_path, k=1)[0][0].id == own.id
