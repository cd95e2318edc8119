"""Pictures for recogniser tests, drawn with PIL, and a tiny trained checkpoint."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

TSHIRT = [
    (34, 30),
    (54, 22),
    (74, 22),
    (94, 30),
    (110, 50),
    (96, 58),
    (90, 50),
    (90, 108),
    (38, 108),
    (38, 50),
    (32, 58),
    (18, 50),
]
TROUSERS = [(40, 20), (88, 20), (92, 110), (70, 110), (64, 50), (58, 110), (36, 110)]


def garment_picture(
    colour: tuple[int, int, int], *, size: int = 128, background=(255, 255, 255), stripes=None, shape=TSHIRT
) -> Image.Image:
    """A flat garment silhouette in one colour (or horizontal stripes of two) on a plain background."""
    img = Image.new("RGB", (size, size), background)
    mask = Image.new("L", (size, size), 0)
    scale = size / 128
    ImageDraw.Draw(mask).polygon([(x * scale, y * scale) for x, y in shape], fill=255)
    fill = Image.new("RGB", (size, size), colour)
    if stripes is not None:
        draw = ImageDraw.Draw(fill)
        step = max(2, int(8 * scale))
        for y in range(0, size, 2 * step):
            draw.rectangle([0, y, size, y + step - 1], fill=stripes)
    img.paste(fill, (0, 0), mask)
    return img


def two_garments(size: int = 160) -> Image.Image:
    """A T-shirt and a pair of trousers side by side, not touching."""
    img = Image.new("RGB", (size * 2, size), (255, 255, 255))
    img.paste(garment_picture((200, 30, 40), size=size), (0, 0))
    img.paste(garment_picture((24, 36, 80), size=size, shape=TROUSERS), (size, 0))
    return img


def tiny_checkpoint(
    path: Path, *, n: int = 90, fashion_mnist: str | None = None, limit: int | None = None
) -> dict:
    """Train the recogniser for one quick epoch on a few rendered demo garments (seconds, CPU)."""
    from stylist.tools.recognise.train import TrainConfig, train_on_demo

    config = TrainConfig(
        epochs=1,
        batch_size=32,
        fashion_mnist=fashion_mnist,
        fashion_mnist_limit=limit,
        threads=1,
        shape_width=8,
        texture_width=8,
    )
    return train_on_demo(path, config, n=n, seed=5)


_SHARED: dict[str, Path] = {}


def shared_tiny_checkpoint(tmp_path_factory) -> Path:  # noqa: ANN001
    """One tiny checkpoint per test session (training it is the slow part of these tests)."""
    if "path" not in _SHARED or not _SHARED["path"].is_file():
        path = tmp_path_factory.mktemp("recogniser") / "tiny.pt"
        metrics = tiny_checkpoint(path)
        assert metrics["train_pictures"] > 0 and metrics["val_pictures"] > 0
        _SHARED["path"] = path
    return _SHARED["path"]
