"""Recognising one garment in a photo: checkpoint loading, calibrated prediction, bad-input cases.

A picture gets one of four verdicts: ``ok`` (a confident label), ``unsure`` (calibrated
confidence below the checkpoint's threshold, 0.9 on a photo-like backdrop, or a busy background
that hides the outline: the top candidates, no label), ``no_garment`` (nothing stands out from
the background) or ``several_garments`` (separate garment-sized blobs, a blob cut at a neck, or
two merged copies of one garment, that are not a pair). Colours come from the pixels in every
case where a garment was found. "Never a confident wrong label" is measured by the hard cases of
``benchmarks/recognise.py``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

from stylist.index.imagenc.images import load_image
from stylist.index.slots import slot_for_article
from stylist.tools.recognise.calibrate import softmax
from stylist.tools.recognise.colours import main_colours, rgb_to_lab
from stylist.tools.recognise.preprocess import (
    Foreground,
    colour_weights,
    evened,
    find_foreground,
    shape_input,
    split_at_necks,
    split_repeat,
    texture_input,
)

if TYPE_CHECKING:
    from stylist.tools.recognise.model import Calibration, RecogniserNet

PACKAGED_CHECKPOINT = Path(__file__).parent / "checkpoints" / "demo.pt"
"""The demo-drawing / Fashion-MNIST recogniser (silhouettes); real photos use ``PHOTO_CHECKPOINT``."""
PHOTO_CHECKPOINT = Path(__file__).parent / "checkpoints" / "photos.pt"
USER_CHECKPOINT_NAME = "recogniser.pt"
#: Articles that come in twos (a photo of a pair shows two similar blobs, which is one item).
PAIRS = {"earrings", "sneakers", "boots", "heels", "sandals", "loafers", "sunglasses"}
#: A part of a possible pair labelled alone this confidently as a one-piece article is its own garment.
SINGLE_CONFIDENT = 0.9
#: The confidence a label needs on a photo-like backdrop: the temperatures were fitted on clean
#: pictures, and the held-out photo-like ones are over-confident below this (benchmarks/recognise.py).
TEXTURED_UNSURE_BELOW = 0.9
#: Slots of clothes worn one at a time (a pair's half is never one of these).
CLOTHES = {"top", "bottom", "dress", "outerwear"}
Status = Literal["ok", "unsure", "no_garment", "several_garments"]


class Candidate(BaseModel):
    label: str
    confidence: float = Field(description="Calibrated probability, 0-1.")


class ColourShare(BaseModel):
    name: str = Field(description="Canonical colour name, as used in the catalogue.")
    share: float = Field(
        description="0-1: the fraction of the garment's pixels (silhouette recogniser) or the colour "
        "head's calibrated probability (photo recogniser)."
    )
    hex: str


class Recognition(BaseModel):
    """What the recogniser sees in one picture."""

    status: Status
    message: str
    article_type: str | None = None
    slot: str | None = None
    article_confidence: float | None = None
    candidates: list[Candidate] = Field(
        default_factory=list, description="Top article types with calibrated confidences."
    )
    pattern: str | None = None
    pattern_confidence: float | None = None
    pattern_candidates: list[Candidate] = Field(default_factory=list)
    colours: list[ColourShare] = Field(default_factory=list)
    garments_found: int = 0
    parts: list[Candidate] = Field(
        default_factory=list, description="With several garments: the best label of each, largest first."
    )
    model: str | None = Field(None, description="Which recogniser answered (and its checkpoint file).")


def _plain_scene(image: Image.Image, fg: Foreground) -> bool:
    """A cluttered-looking photo whose centre looks like its border (a textured backdrop, no garment)."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64)
    h, w = rgb.shape[:2]
    centre = rgb[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].reshape(-1, 3)
    ring = np.concatenate(
        [
            rgb[: h // 8].reshape(-1, 3),
            rgb[-h // 8 :].reshape(-1, 3),
            rgb[:, : w // 8].reshape(-1, 3),
            rgb[:, -w // 8 :].reshape(-1, 3),
        ]
    )
    d_mean = np.linalg.norm(rgb_to_lab(centre.mean(0)) - rgb_to_lab(ring.mean(0)))
    d_std = abs(centre.std(0).mean() - ring.std(0).mean())
    return bool(d_mean < 8 and d_std < 8)


class Recogniser:
    """Loads the checkpoint on first use; thread-safe; CPU unless ``device`` says otherwise."""

    def __init__(self, checkpoint: str | Path | None = None, device: str = "cpu") -> None:
        import torch  # heavy: loads with the first recogniser, not with the tool registry

        from stylist.tools.recognise.model import Calibration  # a torch module

        self.checkpoint = Path(checkpoint) if checkpoint else PACKAGED_CHECKPOINT
        self.device = (
            "cuda"
            if device == "auto" and torch.cuda.is_available()
            else ("cpu" if device == "auto" else device)
        )
        self._net: RecogniserNet | None = None
        self._calibration = Calibration()
        self.meta: dict = {}
        self._lock = threading.Lock()

    def _load(self) -> RecogniserNet:
        from stylist.tools.recognise.model import load_checkpoint

        with self._lock:
            if self._net is None:
                net, self._calibration, self.meta = load_checkpoint(self.checkpoint)
                self._net = net.to(self.device)
            return self._net

    @property
    def calibration(self) -> Calibration:
        self._load()
        return self._calibration

    @property
    def articles(self) -> list[str]:
        return self._load().config.articles

    @property
    def patterns(self) -> list[str]:
        return self._load().config.patterns

    # -- batch scoring (benchmarks, evaluation) ------------------------------------------------
    def article_probs(self, shapes: np.ndarray, calibrated: bool = True) -> np.ndarray:
        """Article probabilities for N x 28 x 28 shape inputs."""
        import torch

        net = self._load()
        with torch.no_grad():
            logits = torch.cat(
                [
                    net.article_logits(
                        torch.from_numpy(shapes[i : i + 512]).unsqueeze(1).float().to(self.device)
                    ).cpu()
                    for i in range(0, len(shapes), 512)
                ]
            ).numpy()
        return softmax(logits, self._calibration.article_temperature if calibrated else 1.0)

    def pattern_probs(self, textures: np.ndarray) -> np.ndarray:
        import torch

        net = self._load()
        with torch.no_grad():
            logits = net.pattern_logits(torch.from_numpy(textures).float().to(self.device)).cpu().numpy()
        return softmax(logits, self._calibration.pattern_temperature)

    def _top(self, probs: np.ndarray, labels: list[str], n: int = 3) -> list[Candidate]:
        order = np.argsort(probs)[::-1][:n]
        return [Candidate(label=labels[i], confidence=round(float(probs[i]), 3)) for i in order]

    @property
    def model(self) -> str:
        return f"silhouette recogniser for drawings and Fashion-MNIST ({self.checkpoint.name})"

    # -- one picture ---------------------------------------------------------------------------
    def recognise(self, image: str | Path | Image.Image) -> Recognition:
        """Recognise the garment in a picture (a path or a PIL image)."""
        result = self._recognise(image)
        result.model = self.model
        return result

    def _recognise(self, image: str | Path | Image.Image) -> Recognition:
        img = load_image(image) if not isinstance(image, Image.Image) else image.convert("RGB")
        self._load()
        fg = find_foreground(img)
        if fg.empty or (fg.cluttered and _plain_scene(img, fg)):
            return Recognition(
                status="no_garment", message="no garment found: the picture shows only background"
            )
        if fg.cluttered:
            return self._busy(img, fg)
        parts = fg.blobs
        if len(parts) == 1:
            parts = self._split_joined(img, parts[0])
        if len(parts) == 1:
            parts = split_repeat(img, parts[0])  # two copies of one garment, merged
        mask = parts[0]
        if len(parts) == 2 and parts[1].sum() >= 0.6 * parts[0].sum():
            mask = parts[0] | parts[1]  # maybe a pair (shoes, earrings): decided by the labels below
        probs = self.article_probs(shape_input(img, mask)[None])[0]
        candidates = self._top(probs, self.articles)
        top = candidates[0]
        several = len(parts) >= 3 or (
            len(parts) == 2 and not (mask is not parts[0] and self._is_pair(img, parts, top))
        )
        colours = [
            ColourShare(name=c.name, share=c.share, hex=c.hex)
            for c in main_colours(evened(img, fg), colour_weights(fg, fg.mask if several else mask))
        ]
        if several:
            labels = [
                self._top(self.article_probs(shape_input(img, b)[None])[0], self.articles, 1)[0]
                for b in parts[:4]
            ]
            if fg.textured and any(c.confidence < TEXTURED_UNSURE_BELOW for c in labels):
                # pieces on a photo-like backdrop that are not each clearly a garment are more
                # likely one garment that blends into the backdrop than several
                return Recognition(
                    status="unsure",
                    colours=colours,
                    garments_found=len(parts),
                    parts=labels,
                    message=f"unsure: the garment does not stand out clearly from the backdrop "
                    f"({len(parts)} pieces found); photograph it on a plain background",
                )
            how = "separate" if len(fg.blobs) > 1 else "touching or overlapping"
            return Recognition(
                status="several_garments",
                garments_found=len(parts),
                parts=labels,
                colours=colours,
                message=f"found {len(parts)} {how} garments; crop the photo to one garment for a label",
            )
        pattern_probs = self.pattern_probs(texture_input(img, mask)[None])[0]
        pattern_candidates = self._top(pattern_probs, self.patterns)
        threshold = (
            max(self._calibration.unsure_below, TEXTURED_UNSURE_BELOW)
            if fg.textured
            else self._calibration.unsure_below
        )
        pattern_ok = pattern_candidates[0].confidence >= threshold
        common = dict(
            candidates=candidates,
            colours=colours,
            garments_found=1,
            pattern_candidates=pattern_candidates,
            pattern=pattern_candidates[0].label if pattern_ok else None,
            pattern_confidence=pattern_candidates[0].confidence,
        )
        if top.confidence < threshold:
            names = ", ".join(f"{c.label} ({c.confidence:.0%})" for c in candidates)
            return Recognition(
                status="unsure", message=f"unsure what this garment is; best guesses: {names}", **common
            )
        slot = _slot(top.label)
        colour_words = " and ".join(c.name for c in colours[:2])
        pattern_word = f" {common['pattern']}" if common["pattern"] and common["pattern"] != "solid" else ""
        message = f"{colour_words}{pattern_word} {top.label.lower()} ({top.confidence:.0%} sure)".strip()
        return Recognition(
            status="ok",
            message=message,
            article_type=top.label,
            slot=slot,
            article_confidence=top.confidence,
            **common,
        )

    def _busy(self, img: Image.Image, fg: Foreground) -> Recognition:
        """A busy background hides the garment's outline, and the article head reads outlines:
        no label (a centred ellipse would be labelled with confidence it has not earned), only
        the colours at the centre of the photo."""
        colours = [
            ColourShare(name=c.name, share=c.share, hex=c.hex) for c in main_colours(img, colour_weights(fg))
        ]
        words = " and ".join(c.name for c in colours[:2])
        return Recognition(
            status="unsure",
            colours=colours,
            garments_found=1,
            message="unsure what this garment is: the background is too busy to see its outline"
            f"{'; mostly ' + words + ' at the centre' if words else ''}; "
            "photograph it on a plain background",
        )

    def _split_joined(self, img: Image.Image, blob: np.ndarray) -> list[np.ndarray]:
        """A blob cut at a neck counts as two garments touching when its parts are copies of one
        shape, or both parts alone are confidently garments, or one is, more so than the whole is anything;
        otherwise the neck is part of one garment (a heel's strap, the bridge of sunglasses)."""
        parts = split_at_necks(blob)
        if len(parts) != 2 or _twins(parts[0], parts[1], tolerance=0.25, min_iou=0.7):
            return parts
        whole = float(self.article_probs(shape_input(img, blob)[None])[0].max())
        alone = [float(self.article_probs(shape_input(img, p)[None])[0].max()) for p in parts]
        sure = [c >= SINGLE_CONFIDENT for c in alone]
        return parts if all(sure) or (any(sure) and max(alone) > whole) else [blob]

    def _is_pair(self, img: Image.Image, parts: list[np.ndarray], union: Candidate) -> bool:
        """Two similar parts are one item when together they read as shoes/earrings/… Each part
        is also labelled alone: a part that is confidently (>= ``SINGLE_CONFIDENT``) an article
        worn one at a time (a shirt, a coat) is a garment of its own, however the two look
        squashed together (two shirts side by side read as a pair of sandals). A part that is
        itself a paired article confirms the pair; parts too small to mean anything alone
        (one earring) defer to the union when the two are copies of one shape."""
        if union.label.lower() not in PAIRS or union.confidence < self._calibration.unsure_below:
            return False
        alone = [
            self._top(self.article_probs(shape_input(img, b)[None])[0], self.articles, 1)[0]
            for b in parts[:2]
        ]
        if all(c.label.lower() in PAIRS for c in alone):
            return True
        if any(_slot(c.label) in CLOTHES and c.confidence >= SINGLE_CONFIDENT for c in alone):
            return False
        return union.confidence >= SINGLE_CONFIDENT and _twins(parts[0], parts[1])


def _twins(a: np.ndarray, b: np.ndarray, tolerance: float = 0.1, min_iou: float = 0.85) -> bool:
    """Whether two blobs are copies of one shape: same area and box size, and overlapping
    silhouettes once their boxes are aligned (a pair of earrings, not a sweater beside a jacket)."""

    def crop(m: np.ndarray) -> np.ndarray:
        ys, xs = np.nonzero(m)
        return m[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]

    ca, cb = crop(a), crop(b)
    sizes = ((float(a.sum()), float(b.sum())), (ca.shape[0], cb.shape[0]), (ca.shape[1], cb.shape[1]))
    if not all(abs(p - q) <= tolerance * max(p, q) for p, q in sizes):
        return False
    sa, sb = (np.asarray(Image.fromarray(c.astype(np.uint8) * 255).resize((32, 32))) > 127 for c in (ca, cb))
    iou = (sa & sb).sum() / max(1, (sa | sb).sum())
    mirrored = (sa & sb[:, ::-1]).sum() / max(1, (sa | sb[:, ::-1]).sum())
    return max(iou, mirrored) >= min_iou


def _slot(article: str) -> str | None:
    try:
        return slot_for_article(article).value
    except Exception:  # an article name the slot table does not know
        return None
