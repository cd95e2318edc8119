"""Finding the garment in a picture and turning it into the model's two inputs.

The background colour is read from the picture's border; pixels far from it are foreground.
When the border is textured (grain, weave, noise, a lighting gradient), the picture is smoothed
and the light fitted as a plane before that (``Foreground.textured``); when even then it is not
uniform (a busy scene), a centred ellipse stands in for the mask and ``Foreground.cluttered``
says so. ``split_at_necks`` and ``split_repeat`` cut one blob that is two garments. Both model inputs are cut
from the mask's bounding box:

- *shape*: 28x28 greyscale, inverted (garment bright on black), long side scaled to 28 and
  centred, which is how Fashion-MNIST was made, so its 60k real photos train the same input;
- *texture*: 48x48 RGB of the garment with its mean colour removed (masked), for the pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

SHAPE_SIZE = 28
TEXTURE_SIZE = 48
MIN_GARMENT_FRACTION = 0.01  # the largest blob must cover 1% of the picture to be a garment
BLOB_FRACTION = 0.12  # a separate blob this large (share of all foreground) counts as a garment


@dataclass
class Foreground:
    """The garment mask and what it says about the picture."""

    mask: np.ndarray  # bool, HxW
    blobs: list[np.ndarray]  # bool masks of significant separate blobs, largest first
    background: tuple[int, int, int]
    cluttered: bool
    textured: bool = (
        False  # found on a photo-like backdrop (texture, lighting): less like the training pictures
    )
    light: np.ndarray | None = None  # HxW relative light (mean 1) fitted to a textured backdrop's border

    @property
    def fraction(self) -> float:
        return float(self.mask.mean())

    @property
    def empty(self) -> bool:
        return not self.blobs or self.blobs[0].mean() < MIN_GARMENT_FRACTION


def _border(rgb: np.ndarray, width: int) -> np.ndarray:
    return np.concatenate(
        [
            rgb[:width].reshape(-1, 3),
            rgb[-width:].reshape(-1, 3),
            rgb[:, :width].reshape(-1, 3),
            rgb[:, -width:].reshape(-1, 3),
        ]
    ).astype(np.float32)


def _plane(border_xy: np.ndarray, border_rgb: np.ndarray, h: int, w: int) -> np.ndarray:
    """The background as a per-channel plane a + b*x + c*y fitted to the border (a lighting
    gradient across the backdrop), evaluated over the whole picture: HxWx3."""
    design = np.c_[np.ones(len(border_xy)), border_xy]
    coef, *_ = np.linalg.lstsq(design, border_rgb, rcond=None)
    yy, xx = np.mgrid[0:h, 0:w]
    return (coef[0] + xx[..., None] * coef[1] + yy[..., None] * coef[2]).astype(np.float32)


def _border_mask(h: int, w: int, width: int) -> np.ndarray:
    m = np.zeros((h, w), bool)
    m[:width], m[-width:], m[:, :width], m[:, -width:] = True, True, True, True
    return m


def _clean(mask: np.ndarray, h: int, w: int) -> np.ndarray:
    from scipy import ndimage  # scipy loads with the first photo, not with the tool registry

    # noise specks are removed by size rather than by an opening, which would also erase thin outlines
    mask = ndimage.binary_fill_holes(ndimage.binary_closing(mask, iterations=2))
    labels, count = ndimage.label(mask)
    if count:
        sizes = ndimage.sum(mask, labels, index=range(1, count + 1))
        mask = np.isin(labels, 1 + np.nonzero(sizes >= 0.001 * h * w)[0])
    return mask


def _textured_backdrop_mask(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The garment on a photo-like backdrop (grain, weave, noise, JPEG, a lighting gradient):
    smooth away the fine texture, fit the light as a plane to the border, and keep what stands
    out from it. None when even then the border is not uniform (a truly busy scene)."""
    from scipy import ndimage

    h, w = rgb.shape[:2]
    smooth = ndimage.gaussian_filter(rgb, sigma=(2.0, 2.0, 0))
    width = max(2, min(h, w) // 20)
    ring = _border_mask(h, w, width)
    ys, xs = np.nonzero(ring)
    background = _plane(np.c_[xs, ys], smooth[ring], h, w)
    residual = np.abs(smooth - background).max(axis=2)
    spread = float(np.percentile(residual[ring], 90))
    if spread > 14:
        return None
    mask = _clean(residual > max(14.0, 3 * spread + 6), h, w)
    luma = background.mean(axis=2)
    light = np.clip(luma / max(float(luma.mean()), 1e-6), 0.5, 2.0)
    return ndimage.binary_erosion(
        mask, iterations=2
    ), light  # the smoothing spread the garment's edge by ~2 px


def find_foreground(image: Image.Image) -> Foreground:
    """The garment's mask in ``image`` (RGB)."""
    from scipy import ndimage

    rgb = np.asarray(image.convert("RGB"), dtype=np.float32)
    h, w = rgb.shape[:2]
    border = _border(rgb, max(1, min(h, w) // 40))
    background = np.median(border, axis=0)
    spread = np.median(np.abs(border - background).max(axis=1))
    cluttered = bool(spread > 18 or np.mean(np.abs(border - background).max(axis=1) > 40) > 0.25)
    textured = None if not cluttered and spread <= 6 else _textured_backdrop_mask(rgb)
    light = None
    if textured is not None:
        (mask, light), cluttered = textured, False
    elif cluttered:
        yy, xx = np.mgrid[0:h, 0:w]
        mask = ((yy - h / 2) / (0.42 * h)) ** 2 + ((xx - w / 2) / (0.36 * w)) ** 2 <= 1
    else:
        distance = np.abs(rgb - background).max(axis=2)
        # low threshold: a white shirt on white paper differs by ~10 levels
        mask = _clean(distance > max(8.0, 4 * float(spread) + 4), h, w)
    labels, count = ndimage.label(mask)
    blobs: list[np.ndarray] = []
    if count:
        sizes = ndimage.sum(mask, labels, index=range(1, count + 1))
        total = float(sizes.sum())
        for i in np.argsort(sizes)[::-1]:
            if sizes[i] >= BLOB_FRACTION * total or not blobs:
                blobs.append(labels == i + 1)
    bg = tuple(int(v) for v in background)
    return Foreground(
        mask=mask.astype(bool),
        blobs=blobs,
        background=bg,
        cluttered=cluttered,  # type: ignore[arg-type]
        textured=textured is not None,
        light=light,
    )


def split_at_necks(
    blob: np.ndarray, core: float = 0.45, min_peak: float = 0.6, min_part: float = 0.2
) -> list[np.ndarray]:
    """Split one blob where it narrows to a neck between two or more thick bodies (two garments
    touching or overlapping a little), largest part first; ``[blob]`` when there is no such neck.

    The cores are where the distance to the blob's edge exceeds ``core`` x its maximum; sleeves,
    straps and legs are thinner than a garment's body, so they drop out and one garment keeps
    one core. Only cores nearly as thick as the thickest (``min_peak``) count as bodies, and every
    pixel goes to the nearest body; each part must hold ``min_part`` of the blob.
    """
    from scipy import ndimage

    dist = ndimage.distance_transform_edt(blob)
    peak = float(dist.max())
    if peak < 3:
        return [blob]
    cores, count = ndimage.label(dist > core * peak)
    if count < 2:
        return [blob]
    peaks = ndimage.maximum(dist, cores, index=range(1, count + 1))
    bodies = [i + 1 for i, p in enumerate(peaks) if p >= min_peak * peak]
    if len(bodies) < 2:
        return [blob]
    owner = np.stack([ndimage.distance_transform_edt(cores != b) for b in bodies]).argmin(axis=0)
    parts = [blob & (owner == j) for j in range(len(bodies))]
    total = float(blob.sum())
    parts = sorted((p for p in parts if p.sum() >= min_part * total), key=lambda p: -int(p.sum()))
    return parts if len(parts) >= 2 else [blob]


def split_repeat(
    image: Image.Image, blob: np.ndarray, agree: float = 0.9, contrast: float = 0.15
) -> list[np.ndarray]:
    """Split one blob that is two copies of one garment side by side or one above the other,
    touching or overlapping (the silhouettes merge, and the neck between them can be wide).

    The picture inside the blob's box is compared with itself shifted by 30-70% of the box,
    across and down: two copies match almost everywhere at their offset (``agree`` of the
    pixels within 12 grey levels, silhouette included) and clearly less (by ``contrast``) an
    eighth of the box either side, which one plain rectangle, matching itself at every shift,
    does not. ``[blob]`` when there is no such repeat; else the two halves, cut at the offset.
    """
    y0, y1, x0, x1 = _bbox(blob)
    grey = np.asarray(image.convert("L"), dtype=np.float32)[y0:y1, x0:x1]
    ink = np.where(blob[y0:y1, x0:x1], grey, -64.0)  # the silhouette counts as well as the pixels
    for axis in (1, 0):
        size = ink.shape[axis]
        if size < 24:
            continue

        def agreement(d: int) -> float:
            # the first copy's visible part against the second copy (on top where they overlap)
            span = min(d, size - d)
            a, b = ink.take(range(0, span), axis=axis), ink.take(range(d, d + span), axis=axis)
            keep = (a > -64) | (b > -64)
            return float((np.abs(a - b)[keep] < 12).mean()) if keep.any() else 0.0

        scores = {d: agreement(d) for d in range(int(0.3 * size), int(0.7 * size) + 1, 3)}  # coarse, then ±1
        coarse = max(scores, key=scores.__getitem__)
        scores.update({d: agreement(d) for d in (coarse - 1, coarse + 1)})
        best = max(scores, key=scores.__getitem__)
        if scores[best] < agree:
            continue
        side = max(2, size // 8)
        around = [agreement(d) for d in (best - side, best + side) if 0 < d < size]
        if around and max(around) <= scores[best] - contrast:
            cut = np.zeros_like(blob)
            if axis == 1:
                cut[:, x0 + best :] = True
            else:
                cut[y0 + best :, :] = True
            return sorted((blob & ~cut, blob & cut), key=lambda p: -int(p.sum()))
    return [blob]


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1


def _square(arr: np.ndarray, size: int, fill: float = 0.0) -> np.ndarray:
    """Scale ``arr`` (HxW or HxWxC float) so its long side is ``size`` and centre it on a square."""
    h, w = arr.shape[:2]
    scale = size / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    channels = [arr] if arr.ndim == 2 else [arr[..., c] for c in range(arr.shape[2])]
    resized = [
        np.asarray(
            Image.fromarray(c.astype(np.float32), mode="F").resize((nw, nh), Image.Resampling.BILINEAR)
        )
        for c in channels
    ]
    out = np.full((size, size, len(resized)), fill, dtype=np.float32)
    top, left = (size - nh) // 2, (size - nw) // 2
    for c, plane in enumerate(resized):
        out[top : top + nh, left : left + nw, c] = plane
    return out[..., 0] if arr.ndim == 2 else out


def shape_input(image: Image.Image, mask: np.ndarray) -> np.ndarray:
    """28x28 float32 in [0, 1]: inverted greyscale of the masked garment, Fashion-MNIST style."""
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    ink = np.where(mask, 255.0 - grey, 0.0)
    y0, y1, x0, x1 = _bbox(mask)
    return np.clip(_square(ink[y0:y1, x0:x1], SHAPE_SIZE) / 255.0, 0, 1)


def texture_input(image: Image.Image, mask: np.ndarray) -> np.ndarray:
    """3x48x48 float32: the garment's RGB minus its mean colour, zero off the garment."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    y0, y1, x0, x1 = _bbox(mask)
    crop, m = rgb[y0:y1, x0:x1], mask[y0:y1, x0:x1]
    mean = crop[m].mean(axis=0) if m.any() else np.zeros(3, np.float32)
    centred = np.where(m[..., None], crop - mean, 0.0)
    return np.ascontiguousarray(_square(centred, TEXTURE_SIZE).transpose(2, 0, 1))


def fashion_mnist_inputs(images: np.ndarray) -> np.ndarray:
    """Fashion-MNIST uint8 Nx28x28 → the same shape input as ``shape_input`` gives for photos
    (cropped to the garment and re-centred), so train and inference see one distribution."""
    out = np.zeros(images.shape, dtype=np.float32)
    for i, img in enumerate(images):
        mask = img > 8
        if not mask.any():
            continue
        y0, y1, x0, x1 = _bbox(mask)
        out[i] = _square(np.where(mask, img, 0)[y0:y1, x0:x1].astype(np.float32), SHAPE_SIZE) / 255.0
    return np.clip(out, 0, 1)


def evened(image: Image.Image, fg: Foreground) -> Image.Image:
    """``image`` with the lighting gradient fitted to a textured backdrop divided out (colours are
    read from this), or ``image`` itself when there is none."""
    if fg.light is None:
        return image
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32) / fg.light[..., None]
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def colour_weights(fg: Foreground, blob: np.ndarray | None = None) -> np.ndarray:
    """Pixel weights for naming colours: the garment without its rim (outlines, shadows and
    background-blended edge pixels), or a centre weighting for a cluttered photo."""
    from scipy import ndimage

    mask = fg.mask if blob is None else blob
    if fg.cluttered:
        h, w = mask.shape
        yy, xx = np.mgrid[0:h, 0:w]
        return np.exp(-(((yy - h / 2) / (0.25 * h)) ** 2 + ((xx - w / 2) / (0.22 * w)) ** 2)) * mask
    inner = ndimage.binary_erosion(mask, iterations=2)
    return (inner if inner.sum() >= 0.3 * mask.sum() else mask).astype(np.float32)
