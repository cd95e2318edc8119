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


# -- real-looking studio photos for the photo recogniser ------------------------------------------
PHOTO_COLOURS = {"red": (200, 30, 30), "navy blue": (20, 30, 110), "green": (30, 150, 60)}
SKIN = (224, 172, 140)


def studio_photo(colour: str, kind: str, size: int = 160, person: bool = False) -> Image.Image:
    """A white studio shot: a T-shirt or trousers; ``person`` adds a face and arms (skin) around a
    T-shirt, as in photos of a model wearing it."""
    img = Image.new("RGB", (size, size), "white")
    d = ImageDraw.Draw(img)
    c, s = PHOTO_COLOURS[colour], size
    if kind == "t-shirt":
        if person:
            d.rectangle((s * 0.06, s * 0.38, s * 0.16, s * 0.8), fill=SKIN)  # arms
            d.rectangle((s * 0.84, s * 0.38, s * 0.94, s * 0.8), fill=SKIN)
        d.polygon([(s * 0.25, s * 0.3), (s * 0.75, s * 0.3), (s * 0.7, s * 0.9), (s * 0.3, s * 0.9)], fill=c)
        d.rectangle((s * 0.12, s * 0.3, s * 0.88, s * 0.42), fill=c)
        if person:
            d.ellipse((s * 0.4, s * 0.04, s * 0.6, s * 0.29), fill=SKIN)  # a face
    else:
        d.rectangle((s * 0.3, s * 0.1, s * 0.48, s * 0.95), fill=c)
        d.rectangle((s * 0.52, s * 0.1, s * 0.7, s * 0.95), fill=c)
        d.rectangle((s * 0.3, s * 0.1, s * 0.7, s * 0.3), fill=c)
    return img


def photo_set(n: int = 3) -> tuple[list[Image.Image], list[str], list[str], list[str | None]]:
    """Photos of every colour x (t-shirt, trousers), n sizes each, half of the T-shirts worn."""
    imgs, kinds, colours, patterns = [], [], [], []
    for colour in PHOTO_COLOURS:
        for kind in ("t-shirt", "trousers"):
            for k in range(n):
                imgs.append(studio_photo(colour, kind, 150 + 12 * k, person=k % 2 == 0))
                kinds.append(kind)
                colours.append(colour)
                patterns.append("solid" if k else None)
    return imgs, kinds, colours, patterns


def shared_photo_checkpoint(tmp_path_factory) -> Path:  # noqa: ANN001
    """One photo recogniser fitted on ``photo_set()`` per test session (frozen backbone, tiny heads)."""
    if "photo" not in _SHARED or not _SHARED["photo"].is_file():
        import torch

        from stylist.tools.recognise.photo import save_net
        from stylist.tools.recognise.train_photos import PhotoTrainConfig, fit_photo_net, photo_data

        torch.manual_seed(0)
        data = photo_data(*photo_set(), pixels=28)
        config = PhotoTrainConfig(
            head_epochs=60, colour_epochs=40, colour_batch=6, bins=12, pixels=28, min_count=1
        )
        net, calibration = fit_photo_net(data, data, config)
        assert calibration.metrics["val_article_accuracy"] == 1.0
        path = tmp_path_factory.mktemp("photo-recogniser") / "photos.pt"
        _SHARED["photo"] = save_net(path, net, calibration, {"trained_on": "fixture"})
    return _SHARED["photo"]
