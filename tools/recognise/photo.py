"""Recognising garments in real photos: a frozen EfficientNet-Lite0, then the recogniser's own heads.

Article type (Stylist's types: the catalogue's article types through the fashion vocabulary's
``article_key``), pattern where the product names gave one, and the garment's colour from a learned
head that looks at the garment region (``photonet.ColourHead``). Temperatures and the "unsure"
thresholds were fitted on a validation split (``train_photos.py``). A person wearing the garment
is the normal case. Blank pictures and several separate garments are told apart with the
foreground mask before any label is given.

``predict(images)`` is the batch API (other tools measure their pictures with it);
``recognise(image)`` is the one-picture answer the ``recognise_garment`` tool gives.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from pydantic import BaseModel, Field

from stylist.errors import ModelUnavailableError
from stylist.index.imagenc.images import load_image
from stylist.tools.recognise.calibrate import softmax
from stylist.tools.recognise.colours import hex_of
from stylist.tools.recognise.photonet import FrozenBackbone, PhotoNet, PhotoNetConfig, lab_input, pixel_grid
from stylist.tools.recognise.preprocess import find_foreground
from stylist.tools.recognise.recogniser import (
    CLOTHES,
    PHOTO_CHECKPOINT,
    Candidate,
    ColourShare,
    Recognition,
    _slot,
)

FORMAT = "stylist-photo-recogniser/2"  # /2 holds both colour heads (config.colour_head)
#: Article types that come in twos: two blobs of one of these are one item (a pair of shoes).
PAIRED = {"shoes", "sneakers", "heels", "flats", "sandals", "boots", "socks", "earrings", "sunglasses"}
#: A second colour is named when the colour head gives it at least this probability.
SECOND_COLOUR = 0.25


@dataclass
class PhotoCalibration:
    """Fitted on the validation split; saved in the checkpoint."""

    article_temperature: float = 1.0
    colour_temperature: float = 1.0
    pattern_temperature: float = 1.0
    unsure_below: float = 0.5
    """Article confidence under which the answer is "unsure" (chosen on validation)."""
    pattern_unsure_below: float = 0.6
    metrics: dict[str, float] = field(default_factory=dict)


class PhotoPrediction(BaseModel):
    """One picture's reading, for batch use (``PhotoRecogniser.predict``)."""

    article_type: str = Field(description="Stylist article type, e.g. 't-shirt', 'sneakers'.")
    article_confidence: float = Field(description="Calibrated probability, 0-1.")
    slot: str | None
    sure: bool = Field(description="Whether the article confidence clears the unsure threshold.")
    colour: str = Field(description="Main colour of the garment (catalogue colour name).")
    colour_confidence: float
    pattern: str | None = Field(description="Pattern of clothes when confident, else None.")
    pattern_confidence: float | None
    candidates: list[Candidate] = Field(description="Top 3 article types.")
    colour_candidates: list[Candidate] = Field(description="Top 3 colours.")
    pattern_candidates: list[Candidate] = Field(description="Top 3 patterns.")


def save_net(path: Path, net: PhotoNet, calibration: PhotoCalibration, meta: dict | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = {
        "format": FORMAT,
        "config": asdict(net.config),
        "calibration": asdict(calibration),
        "state": {k: v.half() for k, v in net.state_dict().items() if not k.startswith("tail.")},
        "tail_delta": net.tail.delta_state() if net.tail is not None else None,
        "meta": meta or {},
    }
    torch.save(blob, path)
    return path


def _read(path: Path) -> dict | None:
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # torch raises many types for a file that is not a checkpoint
        return None
    return blob if isinstance(blob, dict) else None


def is_photo_checkpoint(path: Path) -> bool:
    blob = _read(path) if Path(path).is_file() else None
    return bool(blob and blob.get("format") == FORMAT)


def load_net(path: Path) -> tuple[PhotoNet, PhotoCalibration, dict]:
    if not path.is_file():
        raise ModelUnavailableError(f"photo recogniser checkpoint {path} does not exist")
    blob = _read(path)
    if blob is None or blob.get("format") != FORMAT:
        raise ModelUnavailableError(f"{path} is not a photo recogniser checkpoint ({FORMAT})")
    net = PhotoNet(PhotoNetConfig(**blob["config"]))
    missing, unexpected = net.load_state_dict({k: v.float() for k, v in blob["state"].items()}, strict=False)
    if unexpected or any(not k.startswith("tail.") for k in missing):
        raise ModelUnavailableError(f"{path} does not match its own config: {(unexpected or missing)[:3]}")
    if net.tail is not None:
        if not blob.get("tail_delta"):
            raise ModelUnavailableError(f"{path} names a tuned tail but holds none")
        net.tail.load_delta(blob["tail_delta"])
    return net.eval(), PhotoCalibration(**blob["calibration"]), blob.get("meta", {})


class PhotoRecogniser:
    """Garments in real photos. Loads on first use; thread-safe; CPU.

    ``recognise(path_or_image) -> Recognition`` (one picture, with bad-input answers) and
    ``predict(images) -> list[PhotoPrediction]`` (a batch of PIL images or paths).
    """

    def __init__(self, checkpoint: str | Path | None = None, device: str = "cpu") -> None:
        self.checkpoint = Path(checkpoint) if checkpoint else PHOTO_CHECKPOINT
        self.device = "cpu"  # the heads are tiny; the frozen backbone runs on CPU at ~25 photos/s
        self._lock = threading.Lock()
        self._net: PhotoNet | None = None
        self._backbone: FrozenBackbone | None = None
        self._calibration = PhotoCalibration()
        self.meta: dict = {}

    @property
    def model(self) -> str:
        return f"photo recogniser ({self.checkpoint.name})"

    def _load(self) -> PhotoNet:
        with self._lock:
            if self._net is None:
                net, self._calibration, self.meta = load_net(self.checkpoint)
                self._backbone = FrozenBackbone()
                self._net = net
            return self._net

    @property
    def calibration(self) -> PhotoCalibration:
        self._load()
        return self._calibration

    @property
    def config(self) -> PhotoNetConfig:
        return self._load().config

    @property
    def articles(self) -> list[str]:
        return self.config.articles

    # -- batch scoring ---------------------------------------------------------------------------
    @torch.no_grad()
    def logits(
        self, pooled: np.ndarray, maps: np.ndarray, grid: np.ndarray, tail_maps: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """Raw head outputs for backbone features (N, 1280), last-block maps (N, 320, 7, 7) and
        pixel grids (N, P, P, 3) uint8 (P: ``config.pixels``): article / colour / pattern logits
        and the colour head's pixel weights ("where", N x P*P). A checkpoint with a tuned tail also
        needs ``tail_maps``, the input maps of block ``config.tail_start``."""
        net = self._load()
        assert self._backbone is not None
        out: dict[str, list[np.ndarray]] = {}
        for i in range(0, len(pooled), 256):
            part_maps, part_pooled = maps[i : i + 256], pooled[i : i + 256]
            cam = self._backbone.cams(net, part_maps, part_pooled) if net.needs_cam else None
            part = net(
                torch.as_tensor(part_pooled).float(),
                torch.as_tensor(part_maps).float(),
                lab_input(grid[i : i + 256]),
                cam,
                None if tail_maps is None else torch.as_tensor(tail_maps[i : i + 256]).float(),
            )
            for k, v in part.items():
                out.setdefault(k, []).append(v.numpy())
        return {k: np.concatenate(v) for k, v in out.items()}

    def probs(self, logits: dict[str, np.ndarray], calibrated: bool = True) -> dict[str, np.ndarray]:
        cal = self.calibration
        temps = {
            "article": cal.article_temperature,
            "colour": cal.colour_temperature,
            "pattern": cal.pattern_temperature,
        }
        return {k: softmax(logits[k], temps[k] if calibrated else 1.0) for k in temps}

    def outputs(self, images: list[Image.Image]) -> dict[str, np.ndarray]:
        """Calibrated probabilities (and pixel weights) for PIL images, batched."""
        self._load()
        assert self._backbone is not None
        size = self.config.image_size
        parts = []
        for i in range(0, len(images), 32):
            batch = images[i : i + 32]
            maps, pooled, kept = self._backbone.run(batch, size, keep=self.config.tail_start)
            grid = pixel_grid(batch, self.config.pixels)
            parts.append(
                self.logits(pooled.numpy(), maps.numpy(), grid, None if kept is None else kept.numpy())
            )
        logits = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        return {**self.probs(logits), "where": logits["where"]}

    def predict(self, images: list[Image.Image | str | Path]) -> list[PhotoPrediction]:
        """Article type, colour and pattern of each picture (one garment each), calibrated."""
        if not images:
            return []
        pics = [load_image(i) if not isinstance(i, Image.Image) else i.convert("RGB") for i in images]
        out = self.outputs(pics)
        cfg, cal = self.config, self.calibration
        preds = []
        for row in range(len(pics)):
            arts = _top(out["article"][row], cfg.articles)
            cols = _top(out["colour"][row], cfg.colours)
            slot = _slot(arts[0].label)
            # pattern labels come from clothes' product names: shoes, bags and accessories have none
            patterns = _top(out["pattern"][row], cfg.patterns) if cfg.patterns and slot in CLOTHES else []
            pattern = patterns[0] if patterns else None
            preds.append(
                PhotoPrediction(
                    article_type=arts[0].label,
                    article_confidence=arts[0].confidence,
                    slot=slot,
                    sure=arts[0].confidence >= cal.unsure_below,
                    colour=cols[0].label,
                    colour_confidence=cols[0].confidence,
                    pattern=pattern.label
                    if pattern and pattern.confidence >= cal.pattern_unsure_below
                    else None,
                    pattern_confidence=pattern.confidence if pattern else None,
                    candidates=arts,
                    colour_candidates=cols,
                    pattern_candidates=patterns,
                )
            )
        return preds

    # -- one picture -----------------------------------------------------------------------------
    def recognise(self, image: str | Path | Image.Image) -> Recognition:
        """Recognise the garment in a picture (a path or a PIL image)."""
        img = load_image(image) if not isinstance(image, Image.Image) else image.convert("RGB")
        self._load()
        fg = find_foreground(img)
        if fg.empty:
            return Recognition(
                status="no_garment",
                message="no garment found: the picture shows only background",
                model=self.model,
            )
        pred = self.predict([img])[0]
        colours = _colour_list(pred.colour_candidates)
        several = self._several(img, fg, pred)
        if several:
            return Recognition(
                status="several_garments",
                garments_found=len(several),
                parts=several,
                colours=colours,
                model=self.model,
                message=f"found {len(several)} separate garments; crop the photo to one garment for a label",
            )
        common = dict(
            candidates=pred.candidates,
            colours=colours,
            garments_found=1,
            pattern=pred.pattern,
            pattern_confidence=pred.pattern_confidence,
            pattern_candidates=pred.pattern_candidates,
            model=self.model,
        )
        if not pred.sure:
            names = ", ".join(f"{c.label} ({c.confidence:.0%})" for c in pred.candidates)
            return Recognition(
                status="unsure", message=f"unsure what this garment is; best guesses: {names}", **common
            )
        words = " ".join(c.name for c in colours[:1])
        pattern = f" {pred.pattern}" if pred.pattern and pred.pattern != "solid" else ""
        return Recognition(
            status="ok",
            message=f"{words}{pattern} {pred.article_type} ({pred.article_confidence:.0%} sure)".strip(),
            article_type=pred.article_type,
            slot=pred.slot,
            article_confidence=pred.article_confidence,
            **common,
        )

    def _several(self, img: Image.Image, fg, pred: PhotoPrediction) -> list[Candidate]:  # noqa: ANN001, ARG002
        """Two or more separate garment-sized blobs, at least two of them confidently garments on
        their own, that are not one pair (paired articles of one slot: shoes, earrings): the label
        of each, largest first (empty: one garment)."""
        blobs = [b for b in fg.blobs if b.sum() >= 0.3 * fg.blobs[0].sum()] if fg.blobs else []
        if len(blobs) < 2:
            return []
        parts = [p.candidates[0] for p in self.predict([_crop(img, b) for b in blobs[:4]])]
        sure = [c for c in parts if c.confidence >= self.calibration.unsure_below]
        if len(sure) < 2:
            return []
        if all(c.label in PAIRED for c in sure) and len({_slot(c.label) for c in sure}) == 1:
            return []  # a pair
        return parts


def _colour_list(candidates: list[Candidate]) -> list[ColourShare]:
    """The head's first colour, and a second one when it gets a fair chance. ``share`` is the
    colour head's calibrated probability here (not a pixel fraction)."""
    keep = candidates[:1] + [c for c in candidates[1:2] if c.confidence >= SECOND_COLOUR]
    return [ColourShare(name=c.label, share=c.confidence, hex=hex_of(c.label)) for c in keep]


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
