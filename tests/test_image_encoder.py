"""Image encoder: safe image loading, training, checkpoints, embedders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from stylist.errors import ModelUnavailableError
from stylist.index.imagenc import images as image_io
from stylist.index.imagenc.embedder import ClipImageEmbedder, TrainedImageEmbedder, make_image_embedder
from stylist.index.imagenc.images import ImageInputError, load_image
from stylist.index.imagenc.model import EncoderConfig, load_checkpoint, save_checkpoint
from stylist.index.imagenc.train import TrainConfig, retrieval_metrics, split_ids, train_image_encoder
from tests.fakes import HashingTextEmbedder

COLOURS = {"red": (200, 30, 30), "blue": (30, 60, 200), "green": (30, 160, 60), "yellow": (230, 210, 40)}


def shape_image(colour: str, shape: str, size: int = 64) -> Image.Image:
    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    box = (size // 6, size // 6, size * 5 // 6, size * 5 // 6)
    (draw.ellipse if shape == "circle" else draw.rectangle)(box, fill=COLOURS[colour])
    return img


def synthetic_set(n_per: int = 4) -> tuple[list[str], list[Image.Image], list[str]]:
    ids, imgs, texts = [], [], []
    for colour in COLOURS:
        for shape in ("circle", "square"):
            for k in range(n_per):
                ids.append(f"{colour}-{shape}-{k}")
                imgs.append(shape_image(colour, shape, 56 + 4 * k))
                texts.append(f"a {colour} {shape}")
    return ids, imgs, texts


@pytest.mark.parametrize("mode", ["RGBA", "LA", "L", "CMYK", "P", "I;16", "1"])
def test_every_mode_becomes_rgb(tmp_path: Path, mode: str) -> None:
    img = shape_image("red", "circle").convert(mode)
    path = tmp_path / f"x.{'tiff' if mode in ('CMYK', 'I;16') else 'png'}"
    img.save(path)
    out = load_image(path)
    assert out.mode == "RGB" and out.size == (64, 64)


def test_transparent_background_becomes_white(tmp_path: Path) -> None:
    img = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    ImageDraw.Draw(img).rectangle((10, 10, 30, 30), fill=(200, 30, 30, 255))
    img.save(tmp_path / "t.png")
    out = load_image(tmp_path / "t.png")
    assert out.getpixel((0, 0)) == (255, 255, 255) and out.getpixel((20, 20)) == (200, 30, 30)


def test_bad_images_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.jpg").write_text("not a picture")
    with pytest.raises(ImageInputError, match="notes.jpg is not a readable image"):
        load_image(tmp_path / "notes.jpg")
    with pytest.raises(ImageInputError, match="does not exist"):
        load_image(tmp_path / "missing.png")
    Image.new("RGB", (8, 30)).save(tmp_path / "tiny.png")
    with pytest.raises(ImageInputError, match="too small"):
        load_image(tmp_path / "tiny.png")
    Image.new("RGB", (300, 300)).save(tmp_path / "big.png")
    monkeypatch.setattr(image_io, "MAX_PIXELS", 50_000)
    with pytest.raises(ImageInputError, match="pixel limit"):
        load_image(tmp_path / "big.png")
    truncated = tmp_path / "cut.jpg"
    shape_image("red", "circle", 200).save(truncated, quality=90)
    truncated.write_bytes(truncated.read_bytes()[:300])
    with pytest.raises(ImageInputError, match="cut.jpg"):
        load_image(truncated)


def test_large_images_are_shrunk(tmp_path: Path) -> None:
    Image.new("RGB", (2400, 1200), "navy").save(tmp_path / "wide.png")
    assert max(load_image(tmp_path / "wide.png").size) == image_io.WORKING_SIDE


def test_retrieval_metrics_by_hand() -> None:
    img = np.eye(3, dtype=np.float32)
    txt = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0]], dtype=np.float32)  # garments 1 and 2 swapped
    m = retrieval_metrics(img, txt, ks=(1, 2))
    assert m["text_to_image_R@1"] == pytest.approx(1 / 3)
    assert m["image_to_text_R@1"] == pytest.approx(1 / 3)
    assert m["text_to_image_R@2"] == 1.0


def test_split_is_deterministic_and_disjoint() -> None:
    ids = [f"g{i}" for i in range(200)]
    a, b = split_ids(ids, 0.2)
    assert (a, b) == split_ids(ids, 0.2) and not set(a) & set(b) and 20 < len(b) < 60


def test_compact_encoder_learns_colour_and_shape_and_round_trips(tmp_path: Path) -> None:
    ids, imgs, texts = synthetic_set()
    embedder = HashingTextEmbedder(dim=64)
    result = train_image_encoder(
        ids,
        imgs,
        texts,
        embedder,
        EncoderConfig(backbone="compact", image_size=32, width=8, hidden_dim=64),
        TrainConfig(epochs=40, batch_size=16, lr=5e-3, val_fraction=0.0),
    )
    assert result.metrics["loss"][-1] < result.metrics["loss"][0]
    path = tmp_path / "enc.pt"
    save_checkpoint(result.model, path, result.metrics)
    trained = TrainedImageEmbedder(path, embedder)
    vecs = trained.embed_images(imgs)
    assert vecs.shape == (len(imgs), 64) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    # its own picture's description must rank above the other classes' descriptions on average
    classes = sorted(set(texts))
    sims = vecs @ embedder.embed_texts(classes).T
    hits = np.mean([classes[j] == t for j, t in zip(sims.argmax(axis=1), texts)])
    assert hits > 0.5, hits  # chance is 1/8
    again, _ = load_checkpoint(path)
    assert again.config.backbone == "compact"


def test_checkpoint_for_another_text_space_is_refused(tmp_path: Path) -> None:
    ids, imgs, texts = synthetic_set(1)
    result = train_image_encoder(
        ids,
        imgs,
        texts,
        HashingTextEmbedder(dim=32),
        EncoderConfig(backbone="compact", image_size=32, width=4, hidden_dim=16),
        TrainConfig(epochs=1, val_fraction=0.0),
    )
    save_checkpoint(result.model, tmp_path / "e.pt")
    with pytest.raises(ModelUnavailableError, match="32-d text space"):
        TrainedImageEmbedder(tmp_path / "e.pt", HashingTextEmbedder(dim=64))
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(ModelUnavailableError, match="unreadable"):
        make_image_embedder(str(tmp_path / "junk.pt"), HashingTextEmbedder(dim=32))


def test_unknown_clip_model_offline_is_a_clear_error() -> None:
    with pytest.raises(ModelUnavailableError, match="cannot load the image model"):
        ClipImageEmbedder("/nonexistent/clip-model")
