"""Reading garment pictures safely: every mode becomes RGB, bad files get a clear error."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, UnidentifiedImageError

from stylist.errors import StylistError

if TYPE_CHECKING:
    from stylist.index.schema import Garment

MIN_SIDE = 16
MAX_PIXELS = 40_000_000  # beyond this a file is refused (decompression-bomb guard)
WORKING_SIDE = 512  # larger pictures are shrunk on load: the encoders see 64-224 px


class ImageInputError(StylistError):
    """A picture that cannot be used: missing, not an image, too small, too large."""


def load_image(path: str | Path) -> Image.Image:
    """Open ``path`` as an RGB image no larger than ``WORKING_SIDE`` on its long side."""
    path = Path(path)
    if not path.is_file():
        raise ImageInputError(f"image file {path} does not exist")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise ImageInputError(
                        f"image {path} is {img.width}x{img.height}: over the {MAX_PIXELS:,}-pixel limit"
                    )
                img.draft("RGB", (WORKING_SIDE, WORKING_SIDE))  # JPEG: decode at reduced size
                img.load()
                return to_rgb(ImageOps.exif_transpose(img), name=str(path))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageInputError(
            f"image {path} is too large to read safely: over the {MAX_PIXELS:,}-pixel limit"
        ) from None
    except UnidentifiedImageError as exc:
        raise ImageInputError(f"{path} is not a readable image ({type(exc).__name__})") from None
    except OSError as exc:
        raise ImageInputError(f"{path} could not be read as an image: {exc}") from None


def to_rgb(img: Image.Image, *, name: str = "image") -> Image.Image:
    """Normalise mode and size: transparency over white, CMYK/greyscale/palette to RGB."""
    if min(img.size) < MIN_SIDE:
        raise ImageInputError(
            f"{name} is {img.width}x{img.height}: too small (at least {MIN_SIDE} px a side)"
        )
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        img = img.point(lambda v: v / 256).convert("L")  # 16-bit greyscale to 8-bit
    img = img.convert("RGB")
    if max(img.size) > WORKING_SIDE:
        img.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.LANCZOS)
    return img


def iter_pictures(
    garments: Sequence[Garment],
    problems: list[str],
    base: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[Garment, Image.Image]]:
    """Each garment that has a readable picture, with the picture (relative paths under ``base``).
    Unreadable pictures are appended to ``problems`` as "<id>: <why>"; ``progress(done, total)``
    follows every garment."""
    for n, garment in enumerate(garments, 1):
        if garment.image_path:
            path = Path(garment.image_path)
            if not path.is_absolute() and base is not None:
                path = base / path
            try:
                picture = load_image(path)
            except ImageInputError as exc:
                problems.append(f"{garment.id}: {exc.message}")
            else:
                yield garment, picture
        if progress:
            progress(n, len(garments))
