"""The runtime's recogniser: photos go to the photo recogniser, small grey pictures to the silhouette one.

``recogniser_for(runtime)`` returns an :class:`AutoRecogniser` (or the user's own checkpoint from
``stylist train recogniser``). Its API, stable for other tools:

* ``recognise(path_or_image) -> Recognition``: one picture, with the bad-input answers
  (``no_garment``, ``several_garments``, ``unsure``) and ``model`` naming who answered;
* ``predict(images) -> list[PhotoPrediction]``: a batch of PIL images or paths, each read as one
  garment by the photo recogniser (article type in Stylist's types, colour, pattern, calibrated
  confidences, ``sure``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from stylist.index.imagenc.images import load_image
from stylist.tools.recognise.recogniser import (
    PACKAGED_CHECKPOINT,
    PHOTO_CHECKPOINT,
    USER_CHECKPOINT_NAME,
    Recogniser,
    Recognition,
)

if TYPE_CHECKING:
    from stylist.runtime import Runtime
    from stylist.tools.recognise.photo import PhotoPrediction, PhotoRecogniser

#: Pictures at most this many pixels a side, in shades of grey, are Fashion-MNIST-like (28 px).
SMALL_GREY_SIDE = 64


def small_grey(img: Image.Image) -> bool:
    """A Fashion-MNIST-like picture: small and without colour."""
    if max(img.size) > SMALL_GREY_SIDE:
        return False
    rgb = np.asarray(img.convert("RGB"), dtype=np.int16)
    return bool(np.abs(rgb - rgb.mean(axis=2, keepdims=True)).max() <= 3)


class AutoRecogniser:
    """The photo recogniser for photos; the silhouette recogniser (trained on demo drawings and
    Fashion-MNIST) for small greyscale pictures. Each loads on first use."""

    def __init__(
        self, photo_checkpoint: Path = PHOTO_CHECKPOINT, silhouette_checkpoint: Path = PACKAGED_CHECKPOINT
    ) -> None:
        self.photo_checkpoint, self.silhouette_checkpoint = photo_checkpoint, silhouette_checkpoint
        self._photo: PhotoRecogniser | None = None
        self._silhouette: Recogniser | None = None
        self._lock = threading.Lock()

    @property
    def photo(self) -> PhotoRecogniser:
        from stylist.tools.recognise.photo import PhotoRecogniser  # torch: loaded on first use

        with self._lock:
            if self._photo is None:
                self._photo = PhotoRecogniser(self.photo_checkpoint)
            return self._photo

    @property
    def silhouette(self) -> Recogniser:
        with self._lock:
            if self._silhouette is None:
                self._silhouette = Recogniser(self.silhouette_checkpoint)
            return self._silhouette

    def recognise(self, image: str | Path | Image.Image) -> Recognition:
        img = load_image(image) if not isinstance(image, Image.Image) else image.convert("RGB")
        return (self.silhouette if small_grey(img) else self.photo).recognise(img)

    def predict(self, images: list[Image.Image | str | Path]) -> list[PhotoPrediction]:
        return self.photo.predict(images)


def make_recogniser(checkpoint: str | Path) -> Recogniser | PhotoRecogniser:
    """The recogniser a checkpoint file is for: real photos, or demo drawings / Fashion-MNIST."""
    from stylist.tools.recognise.photo import PhotoRecogniser, is_photo_checkpoint  # torch

    path = Path(checkpoint)
    return PhotoRecogniser(path) if is_photo_checkpoint(path) else Recogniser(path)


def recogniser_for(runtime: Runtime) -> AutoRecogniser | Recogniser | PhotoRecogniser:
    """The runtime's recogniser, made once (inject one with ``Runtime(settings, recogniser=...)``):
    the user's own checkpoint (``<models>/recogniser.pt``) when there is one, else photos to the
    packaged photo recogniser and small grey pictures to the silhouette one."""
    settings = runtime.settings

    def make() -> AutoRecogniser | Recogniser | PhotoRecogniser:
        own = Path(settings.models_dir) / USER_CHECKPOINT_NAME if settings.models_dir else None
        if own is not None and own.is_file():
            return make_recogniser(own)
        if not PHOTO_CHECKPOINT.is_file():  # an install without the photo checkpoint
            return make_recogniser(PACKAGED_CHECKPOINT)
        return AutoRecogniser()

    return runtime.service("recogniser", make)
