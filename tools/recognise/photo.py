"""Recognising garments in real photos: the image encoder's backbone, then small calibrated heads.

The packaged image encoder (trained on real product photos) gives 1280-d pooled features; two
linear heads read the article type (the catalogue's types, mapped to Stylist's slots) and the
garment's base colour from them, with temperatures and an "unsure" threshold fitted on a
validation split. Colours are learned, not read off the pixels: a learned colour head looks at the
garment, where pixel clusters also count skin, hair and background (benchmarks/recognise_photos.py
measures both). Blank pictures and several separate garments are told apart with the foreground
mask before any label is given.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import webcolors
from PIL import Image
from torch import nn

from stylist.errors import ModelUnavailableError
from stylist.index.demo.spec import COLOURS
from stylist.index.imagenc.images import load_image
from stylist.tools.recognise.calibrate import softmax
from stylist.tools.recognise.colours import main_colours
from stylist.tools.recognise.preprocess import colour_weights, find_foreground
from stylist.tools.recognise.recogniser import (
    PHOTO_CHECKPOINT,
    Candidate,
    ColourShare,
    Recogniser,
    Recognition,
    _slot,
)

FORMAT = "stylist-photo-recogniser/1"
#: Article types that come in twos: two blobs of one of these are one item (a pair of shoes).
PAIRED = {
    "casual shoes",
    "sports shoes",
    "formal shoes",
    "heels",
    "flats",
    "sandals",
    "sports sandals",
    "flip flops",
    "socks",
    "earrings",
    "booties",
}


@dataclass
class PhotoHeadsConfig:
    articles: list[str]
    colours: list[str]
    encoder: str = "photos.pt"
    """The image encoder checkpoint (in index/imagenc/checkpoints, or a path) whose features the heads
    read."""
    feature_dim: int = 1280


@dataclass
class PhotoCalibration:
    article_temperature: float = 1.0
    colour_temperature: float = 1.0
    unsure_below: float = 0.5
    metrics: dict[str, float] = field(default_factory=dict)


class PhotoHeads(nn.Module):
    def __init__(self, config: PhotoHeadsConfig) -> None:
        super().__init__()
        self.config = config
        self.article = nn.Linear(config.feature_dim, len(config.articles))  # (B, 1280) -> (B, articles)
        self.colour = nn.Linear(config.feature_dim, len(config.colours))  # (B, 1280) -> (B, colours)

    def forward(self, feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.article(feats), self.colour(feats)


def save_heads(
    path: Path, heads: PhotoHeads, calibration: PhotoCalibration, meta: dict | None = None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.half() for k, v in heads.state_dict().items()}
    blob = {
        "format": FORMAT,
        "config": asdict(heads.config),
        "calibration": asdict(calibration),
        "state": state,
        "meta": meta or {},
    }
    torch.save(blob, path)
    return path


def is_photo_checkpoint(path: Path) -> bool:
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # not ours or unreadable: the caller's loader reports it
        return False
    return isinstance(blob, dict) and blob.get("format") == FORMAT


def load_heads(path: Path) -> tuple[PhotoHeads, PhotoCalibration, dict]:
    if not path.is_file():
        raise ModelUnavailableError(f"photo recogniser checkpoint {path} does not exist")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a corrupt file
        raise ModelUnavailableError(f"photo recogniser checkpoint {path} could not be read: {exc}") from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise ModelUnavailableError(f"{path} is not a photo recogniser checkpoint ({FORMAT})")
    heads = PhotoHeads(PhotoHeadsConfig(**blob["config"]))
    heads.load_state_dict({k: v.float() for k, v in blob["state"].items()})
    return heads.eval(), PhotoCalibration(**blob["calibration"]), blob.get("meta", {})


def encoder_path(config: PhotoHeadsConfig) -> Path:
    from stylist.index.imagenc.embedder import PACKAGED_CHECKPOINT

    path = Path(config.encoder)
    return path if path.is_absolute() else PACKAGED_CHECKPOINT.parent / path


class PhotoRecogniser:
    """Same interface as :class:`Recogniser` (``recognise(path_or_image) -> Recognition``)."""

    def __init__(self, checkpoint: str | Path | None = None, device: str = "cpu") -> None:
        self.checkpoint = Path(checkpoint) if checkpoint else PHOTO_CHECKPOINT
        self.device = device if device != "auto" else "cpu"
        self._lock = threading.Lock()
        self._heads: PhotoHeads | None = None
        self._backbone: nn.Module | None = None
        self._size = 224
        self.calibration = PhotoCalibration()
        self.meta: dict = {}

    def _load(self) -> PhotoHeads:
        with self._lock:
            if self._heads is None:
                from stylist.index.imagenc.model import load_checkpoint

                heads, self.calibration, self.meta = load_heads(self.checkpoint)
                encoder, _ = load_checkpoint(encoder_path(heads.config))
                want = self.meta.get("encoder_sha256")
                got = hashlib.sha256(encoder_path(heads.config).read_bytes()).hexdigest()[:16]
                if want and want != got:
                    raise ModelUnavailableError(
                        (
                            f"photo recogniser {self.checkpoint} was fitted to another image encoder "
                            f"({want}, found {got})"
                        ),
                        hint="retrain the heads: python benchmarks/recognise_photos.py --save",
                    )
                self._backbone, self._size = encoder.backbone, encoder.config.image_size
                self._heads = heads
            return self._heads

    @property
    def articles(self) -> list[str]:
        return self._load().config.articles

    @torch.no_grad()
    def features(self, images: list[Image.Image]) -> np.ndarray:
        from stylist.index.imagenc.model import preprocess

        self._load()
        assert self._backbone is not None
        return np.concatenate(
            [
                self._backbone(preprocess(images[i : i + 32], self._size)).numpy()
                for i in range(0, len(images), 32)
            ]
        )

    @torch.no_grad()
    def probs(self, feats: np.ndarray, calibrated: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Article and colour probabilities for pooled features (N, 1280)."""
        heads = self._load()
        a, c = heads(torch.from_numpy(np.asarray(feats, dtype=np.float32)))
        cal = self.calibration
        return (
            softmax(a.numpy(), cal.article_temperature if calibrated else 1.0),
            softmax(c.numpy(), cal.colour_temperature if calibrated else 1.0),
        )

    def recognise(self, image: str | Path | Image.Image) -> Recognition:
        img = load_image(image) if not isinstance(image, Image.Image) else image.convert("RGB")
        heads = self._load()
        fg = find_foreground(img)
        if fg.empty:
            return Recognition(
                status="no_garment", message="no garment found: the picture shows only background"
            )
        art, col = self.probs(self.features([img]))
        articles, colours = heads.config.articles, heads.config.colours
        candidates = _top(art[0], articles)
        top = candidates[0]
        colour_list = self._colours(col[0], colours)
        several = self._several(img, fg, top)
        if several:
            return Recognition(
                status="several_garments",
                garments_found=len(several),
                parts=several,
                colours=colour_list,
                message=f"found {len(several)} separate garments; crop the photo to one garment for a label",
            )
        common = dict(candidates=candidates, colours=colour_list, garments_found=1)
        if top.confidence < self.calibration.unsure_below:
            names = ", ".join(f"{c.label} ({c.confidence:.0%})" for c in candidates)
            return Recognition(
                status="unsure", message=f"unsure what this garment is; best guesses: {names}", **common
            )
        words = " and ".join(c.name for c in colour_list[:1])
        return Recognition(
            status="ok",
            message=f"{words} {top.label.lower()} ({top.confidence:.0%} sure)".strip(),
            article_type=top.label,
            slot=_slot(top.label),
            article_confidence=top.confidence,
            **common,
        )

    def _colours(self, probs: np.ndarray, names: list[str]) -> list[ColourShare]:
        """The learned colour first (its probability as the share), and a second one when the
        head gives it a fair chance."""
        order = [int(i) for i in np.argsort(probs)[::-1][:2]]
        keep = order[:1] + [i for i in order[1:] if probs[i] >= 0.25]
        return [ColourShare(name=names[i], share=round(float(probs[i]), 3), hex=_hex(names[i])) for i in keep]

    def _several(self, img: Image.Image, fg, top: Candidate) -> list[Candidate]:
        """Two or more separate garment-sized blobs, each confidently a garment on its own, that
        are not a pair: the labels of each, largest first (empty: one garment)."""
        blobs = [b for b in fg.blobs if b.sum() >= 0.3 * fg.blobs[0].sum()] if fg.blobs else []
        if len(blobs) < 2 or top.label.lower() in PAIRED:
            return []
        crops = [_crop(img, b) for b in blobs[:4]]
        art, _ = self.probs(self.features(crops))
        labels = [_top(p, self.articles, 1)[0] for p in art]
        sure = [c for c in labels if c.confidence >= self.calibration.unsure_below]
        if len(sure) < 2 or all(c.label.lower() in PAIRED for c in sure):
            return []
        return labels


def _hex(name: str) -> str:
    rgb = COLOURS.get(name)
    if rgb is not None:
        return webcolors.rgb_to_hex(tuple(rgb))  # type: ignore[arg-type]
    try:
        return webcolors.name_to_hex(name.replace(" ", ""))
    except ValueError:
        return "#808080"


def _crop(img: Image.Image, blob: np.ndarray) -> Image.Image:
    ys, xs = np.nonzero(blob)
    pad = 4
    box = (
        max(0, xs.min() - pad),
        max(0, ys.min() - pad),
        min(img.width, xs.max() + pad + 1),
        min(img.height, ys.max() + pad + 1),
    )
    crop = img.crop(box)
    mask = Image.fromarray((blob[box[1] : box[3], box[0] : box[2]] * 255).astype(np.uint8))
    white = Image.new("RGB", crop.size, (255, 255, 255))
    return Image.composite(crop, white, mask)


def _top(probs: np.ndarray, labels: list[str], n: int = 3) -> list[Candidate]:
    order = np.argsort(probs)[::-1][:n]
    return [Candidate(label=labels[i], confidence=round(float(probs[i]), 3)) for i in order]


def pixel_colours(img: Image.Image) -> list[str]:
    """The pixel method, for comparison: main colour clusters of the foreground without skin."""
    fg = find_foreground(img)
    if fg.empty:
        return []
    weights = colour_weights(fg) * ~skin_mask(img)
    return [c.name for c in main_colours(img, weights)]


def skin_mask(img: Image.Image) -> np.ndarray:
    """Skin-toned pixels (a YCbCr box, the usual cheap rule): arms, faces and hands in worn photos."""
    ycc = np.asarray(img.convert("YCbCr"), dtype=np.int32)
    cb, cr = ycc[..., 1], ycc[..., 2]
    return (cb >= 77) & (cb <= 127) & (cr >= 133) & (cr <= 173)


def make_recogniser(checkpoint: str | Path, device: str = "cpu") -> Recogniser | PhotoRecogniser:
    """The recogniser a checkpoint file is for: real photos, or demo drawings / Fashion-MNIST."""
    path = Path(checkpoint)
    return PhotoRecogniser(path, device) if is_photo_checkpoint(path) else Recogniser(path, device)
