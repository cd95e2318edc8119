"""Pictures on real photos: the tuned encoder tail, a head per text space, index build with photos.
Small generated JPEGs; the real-photo checks skip without ../shared. (The photo recogniser's tests
are in test_photo_recogniser.py.)"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from stylist.errors import ModelUnavailableError
from stylist.index.imagenc.embedder import TrainedImageEmbedder
from stylist.index.imagenc.model import (
    EncoderConfig,
    ImageEncoder,
    load_checkpoint,
    save_checkpoint,
)
from stylist.index.imagenc.train import Pairs, TrainConfig, grouped_batches, train_image_encoder
from tests.fakes import HashingTextEmbedder

COLOURS = {"red": (200, 30, 30), "navy": (20, 30, 110), "green": (30, 150, 60)}


class StaticFake(HashingTextEmbedder):
    name = "static-fake"


def garment_photo(colour: str, kind: str, size: int = 96, person: bool = False) -> Image.Image:
    """A white studio shot: a T-shirt-like or trouser-like shape, optionally with a face and arms."""
    img = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(img)
    c, s = COLOURS[colour], size
    if kind == "tshirt":
        d.polygon([(s * 0.25, s * 0.3), (s * 0.75, s * 0.3), (s * 0.7, s * 0.9), (s * 0.3, s * 0.9)], fill=c)
        d.rectangle((s * 0.12, s * 0.3, s * 0.88, s * 0.42), fill=c)
    else:
        d.rectangle((s * 0.3, s * 0.1, s * 0.48, s * 0.95), fill=c)
        d.rectangle((s * 0.52, s * 0.1, s * 0.7, s * 0.95), fill=c)
        d.rectangle((s * 0.3, s * 0.1, s * 0.7, s * 0.3), fill=c)
    if person:
        d.ellipse((s * 0.4, s * 0.05, s * 0.6, s * 0.28), fill=(224, 172, 140))  # a face
    return img


def photo_set(n: int = 4):
    ids, imgs, texts, groups = [], [], [], []
    for colour in COLOURS:
        for kind in ("tshirt", "trousers"):
            for k in range(n):
                ids.append(f"{colour}-{kind}-{k}")
                imgs.append(garment_photo(colour, kind, 80 + 8 * k, person=k % 2 == 0))
                texts.append(f"a {colour} {kind}")
                groups.append(kind)
    return ids, imgs, texts, groups


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """EfficientNet-Lite0 with its last block tuned (a tiny run), heads for two text spaces."""
    ids, imgs, texts, groups = photo_set(2)
    result = train_image_encoder(
        ids,
        imgs,
        Pairs(texts, alt_texts=[t.upper() for t in texts], groups=groups),
        HashingTextEmbedder(dim=32),
        EncoderConfig(image_size=64, tune_blocks=1, hidden_dim=32),
        TrainConfig(epochs=2, batch_size=8, views=1, val_fraction=0.0, group_run=4),
        extra_embedders=[StaticFake(dim=16)],
    )
    path = tmp_path_factory.mktemp("enc") / "photos.pt"
    save_checkpoint(result.model, path, result.metrics)
    return path, result


def test_tuned_tail_is_saved_and_restored(tiny_encoder) -> None:
    path, result = tiny_encoder
    tuned = result.model.backbone.tail_state()
    assert tuned and all(k.startswith(("_blocks.15.", "_conv_head.", "_bn1.")) for k in tuned)
    fresh = EncoderConfig(image_size=64, tune_blocks=1)
    untouched = ImageEncoder(fresh).backbone.tail_state()
    key = "_blocks.15._project_conv.weight"
    assert not torch.equal(tuned[key], untouched[key])  # training moved the tail
    again, _ = load_checkpoint(path)
    assert torch.allclose(again.backbone.tail_state()[key], tuned[key], atol=2e-3)  # fp16 round trip
    assert result.metrics["loss"][-1] == result.metrics["loss"][-1]  # a number, not NaN


def test_a_head_per_text_space(tiny_encoder) -> None:
    path, _ = tiny_encoder
    main = TrainedImageEmbedder(path, HashingTextEmbedder(dim=32), device="cpu")
    fast = TrainedImageEmbedder(path, StaticFake(dim=16), device="cpu")
    img = [garment_photo("red", "tshirt")]
    assert main.embed_images(img).shape == (1, 32) and fast.embed_images(img).shape == (1, 16)
    assert fast.shares_text_space and fast.name != main.name
    with pytest.raises(ModelUnavailableError, match="16-d text space"):
        TrainedImageEmbedder(
            path, type("Other", (StaticFake,), {"name": "static-fake"})(dim=24), device="cpu"
        )


def test_batches_keep_runs_of_one_article_type() -> None:
    groups = ["a"] * 10 + ["b"] * 10
    batches = grouped_batches(list(range(20)), groups, batch_size=8, run=4, rng=random.Random(0))
    assert sorted(i for b in batches for i in b) == list(range(20))
    first = batches[0]
    assert all(len({groups[i] for i in first[k : k + 4]}) == 1 for k in range(0, 8, 4))


@pytest.mark.slow
@pytest.mark.shared_data
def test_packaged_photo_encoder_finds_real_photos_by_name(shared_data: Path) -> None:
    """The shipped photo encoder (embed.image_model = photos) finds held-out real photos by product name."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from _photos import load_photos

    from stylist.config import load_settings
    from stylist.index.embed.factory import make_text_embedder
    from stylist.index.imagenc.embedder import make_image_embedder

    ps = load_photos()
    test = [ps.garments[i] for i in ps.split["test"][:120]]
    text = make_text_embedder(load_settings())
    encoder = make_image_embedder("photos", text, "cpu", 32)
    pictures = encoder.embed_images([Image.open(g.image_path).convert("RGB") for g in test])
    queries = encoder.embed_query([g.title for g in test])
    ranks = (queries @ pictures.T).argsort(axis=1)[:, ::-1][:, :10]
    recall10 = np.mean([i in row for i, row in enumerate(ranks)])
    assert recall10 >= 0.5, recall10  # benchmarks/image_text.py: 0.80 over a 1,000-photo gallery


class MeanColourEmbedder:
    """A fake picture embedder: the mean colour, padded to the text dimension."""

    name, shares_text_space = "fake-mean-colour", False

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def embed_images(self, images) -> np.ndarray:  # noqa: ANN001
        out = np.zeros((len(images), self.dim), np.float32)
        for row, img in enumerate(images):
            out[row, :3] = np.asarray(img, dtype=np.float32).reshape(-1, 3).mean(0) / 255 + 0.01
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_index_build_reads_pictures_from_images_dir(tmp_path: Path) -> None:
    """Kaggle rows with a photo in --images-dir get an image vector; the others are indexed by text."""
    from stylist.config import load_settings
    from stylist.index.build import build_index

    (tmp_path / "cat").mkdir()
    styles = tmp_path / "cat" / "styles.csv"
    styles.write_text(
        "id,gender,masterCategory,subCategory,articleType,baseColour,season,usage,productDisplayName\n"
        "101,Men,Apparel,Topwear,Tshirts,Red,Summer,Casual,Acme Men Red Tshirt\n"
        "102,Women,Apparel,Bottomwear,Trousers,Navy Blue,Fall,Casual,Acme Women Navy Trousers\n"
        "103,Men,Apparel,Topwear,Shirts,Green,Fall,Formal,Acme Men Green Shirt\n"
    )
    photos = tmp_path / "photos"
    photos.mkdir()
    garment_photo("red", "tshirt", 120).save(photos / "101.jpg", quality=90)
    garment_photo("navy", "trousers", 120).save(photos / "102.jpg", quality=90)
    report = build_index(
        load_settings(), HashingTextEmbedder(), catalogue=styles, image_embedder=MeanColourEmbedder(),
        images_dir=photos,
    )  # fmt: skip
    assert report.indexed == 3 and report.image_vectors == 2 and report.images_missing == 1
    assert report.images_per_s and report.images_per_s > 0
