"""The photo recogniser's network: small heads on a frozen EfficientNet-Lite0 (ImageNet weights).

The backbone is the packaged EfficientNet-Lite0, frozen and shared with the image encoder; the
recogniser owns only its heads, saved in its own checkpoint (``checkpoints/photos.pt``), so a
retrained image encoder cannot change what the recogniser answers.

* article type and pattern: linear heads on the standardised pooled features (B, 1280);
* colour, one of two heads (``PhotoNetConfig.colour_head``):
  - ``"cnn"`` (shipped): a small CNN over the photo's CIELAB pixels (28 px), given where the garment
    is twice: the article head's class activation map (the predicted type's weights applied to the
    backbone's 7x7 head features, so skin and background count less) and a projection of the last
    block's maps. It pools its own attention over the picture and names the colour;
  - ``"bins"`` (the first head): pixels softly binned in CIELAB, weighted by a "where" branch on
    the last block's maps, the weighted bin histogram named by a linear layer.
  benchmarks/recognise_photos.py compares them with each other and with pixel clusters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image, ImageOps
from torch import nn

from stylist.index.imagenc.model import EfficientNetBackbone, preprocess
from stylist.tools.recognise.colours import rgb_to_lab
from stylist.tools.recognise.tail import TunedTail, fuse

PIXELS = 56  # side of the colour head's pixel grid (8 pixels per cell of the 7x7 maps at 224 px)
MAP_DIM = 320  # channels of EfficientNet-Lite0's last block
FEATURE_DIM = 1280


@dataclass
class PhotoNetConfig:
    """Architecture and label vocabularies, saved in the checkpoint."""

    articles: list[str]
    colours: list[str]
    patterns: list[str] = field(default_factory=list)
    bins: int = 32
    where_hidden: int = 16
    image_size: int = 224
    pixels: int = PIXELS
    colour_head: str = "bins"
    """"bins" (soft colour bins, the first head) or "cnn" (``ColourCNN``, needs the article CAM)."""
    colour_width: int = 32
    colour_proj: int = 8
    tail_start: int = 0
    """0: no tuned tail; else the first EfficientNet block of a ``TunedTail`` fused with the heads."""
    colour_fusion: float = 0.0
    """Weight of the tuned tail's colour log-probabilities against the colour head's (chosen on val)."""
    article_fusion: float = 0.0


class ColourHead(nn.Module):
    """Garment colour from where the garment is (CNN maps) and what colour each pixel is (Lab).

    Each pixel is softly assigned to ``bins`` learned colour bins (a linear layer on Lab then a
    softmax: a soft Voronoi partition of colour space around learned centres); a pixel weight
    from the CNN maps (where the garment is) plus the pixel's bins (background white, skin) is
    softmaxed over the picture; the weighted bin histogram is named by a linear layer.
    """

    def __init__(self, n_colours: int, bins: int = 32, hidden: int = 16) -> None:
        super().__init__()
        self.bins = nn.Conv2d(3, bins, 1)  # (B, 3, P, P) -> (B, bins, P, P)
        self.where = nn.Sequential(nn.Conv2d(MAP_DIM, hidden, 1), nn.GELU(), nn.Conv2d(hidden, 1, 1))
        self.gate = nn.Conv2d(bins, 1, 1)  # (B, bins, P, P) -> (B, 1, P, P)
        self.name = nn.Linear(bins, n_colours)

    def init_bins(self, centres: torch.Tensor, sharpness: float = 20.0) -> None:
        """Start the bins as a Voronoi partition around ``centres`` (bins x 3, scaled Lab):
        -s|x - c|^2 = 2s x.c - s|c|^2 + (a term the softmax ignores)."""
        with torch.no_grad():
            self.bins.weight.copy_((2 * sharpness * centres)[:, :, None, None])
            self.bins.bias.copy_(-sharpness * (centres**2).sum(1))

    def soft_bins(self, lab: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.bins(lab), dim=1)  # (B, bins, P, P)

    def forward(self, maps: torch.Tensor, lab: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        soft = self.soft_bins(lab)
        where = nn.functional.interpolate(self.where(maps), size=lab.shape[-2:], mode="bilinear")
        w = torch.softmax((where + self.gate(soft)).flatten(1), dim=1)  # (B, P*P), rows sum to 1
        hist = torch.einsum("bkp,bp->bk", soft.flatten(2), w)  # (B, bins)
        return self.name(torch.log(hist + 1e-3)), w


class ColourCNN(nn.Module):
    """Garment colour from CIELAB pixels, the article CAM and the last block's maps.

    The CAM and a 1x1 projection of the maps are upsampled to the pixel grid and stacked with the
    pixels; three convolutions read them; an attention map (softmax over positions) and the plain
    mean pool the result, and a linear layer names the colour.
    """

    def __init__(self, n_colours: int, width: int = 32, proj: int = 8) -> None:
        super().__init__()
        self.proj = nn.Conv2d(MAP_DIM, proj, 1)  # (B, 320, 7, 7) -> (B, proj, 7, 7)
        self.body = nn.Sequential(  # (B, 4 + proj, P, P) -> (B, 2w, P/2, P/2)
            nn.Conv2d(4 + proj, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.GELU(),
            nn.Conv2d(width, width, 3, padding=1, stride=2),
            nn.BatchNorm2d(width),
            nn.GELU(),
            nn.Conv2d(width, 2 * width, 3, padding=1),
            nn.BatchNorm2d(2 * width),
            nn.GELU(),
        )
        self.where = nn.Conv2d(2 * width, 1, 1)  # (B, 2w, P/2, P/2) -> (B, 1, P/2, P/2)
        self.name = nn.Sequential(nn.Dropout(0.2), nn.Linear(4 * width, n_colours))

    def forward(
        self, maps: torch.Tensor, lab: torch.Tensor, cam: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        side = lab.shape[-1]

        def up(t: torch.Tensor) -> torch.Tensor:
            return nn.functional.interpolate(t, size=(side, side), mode="bilinear")

        h = self.body(torch.cat([lab, up(cam[:, None]), up(self.proj(maps))], 1))
        w = torch.softmax(self.where(h).flatten(1), dim=1)  # (B, P*P/4)
        f = h.flatten(2)
        pooled = torch.cat([torch.einsum("bcp,bp->bc", f, w), f.mean(2)], 1)  # (B, 4w)
        weights = nn.functional.interpolate(w.view(-1, 1, *h.shape[-2:]), size=(side, side)).flatten(1)
        return self.name(pooled), weights / weights.sum(1, keepdim=True)


class PhotoNet(nn.Module):
    """Article, pattern and colour heads; the backbone's outputs come in as arguments."""

    def __init__(self, config: PhotoNetConfig) -> None:
        super().__init__()
        self.config = config
        self.register_buffer("mean", torch.zeros(FEATURE_DIM))
        self.register_buffer("std", torch.ones(FEATURE_DIM))
        self.article = nn.Linear(FEATURE_DIM, len(config.articles))  # (B, 1280) -> (B, articles)
        self.pattern = nn.Linear(FEATURE_DIM, max(1, len(config.patterns)))  # (B, 1280) -> (B, patterns)
        self.colour: nn.Module = (
            ColourCNN(len(config.colours), config.colour_width, config.colour_proj)
            if config.colour_head == "cnn"
            else ColourHead(len(config.colours), config.bins, config.where_hidden)
        )
        self.tail: TunedTail | None = (
            TunedTail(len(config.articles), len(config.colours), config.tail_start)
            if config.tail_start
            else None
        )

    def standardise(self, pooled: torch.Tensor) -> torch.Tensor:
        return (pooled - self.mean) / self.std

    @property
    def needs_cam(self) -> bool:
        return self.config.colour_head == "cnn"

    def colour_logits(
        self, maps: torch.Tensor, lab: torch.Tensor, cam: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if self.needs_cam:
            if cam is None:
                raise ValueError("the CNN colour head needs the article CAM (photonet.article_cam)")
            return self.colour(maps, lab, cam)
        return self.colour(maps, lab)

    def cam(self, head_maps: torch.Tensor, pooled: torch.Tensor) -> torch.Tensor:
        """Class activation map of the predicted article type, (B, 7, 7) scaled to a maximum of 1:
        the article head's weights for that type (over the standardised features) applied to the
        backbone's head features at each position (their mean is ``pooled``)."""
        cls = self.article(self.standardise(pooled)).argmax(1)
        w = self.article.weight / self.std  # (articles, 1280)
        cam = torch.einsum("bk,bkhw->bhw", w[cls], head_maps).clamp(min=0)
        return cam / (cam.amax(dim=(1, 2), keepdim=True) + 1e-6)

    def forward(
        self,
        pooled: torch.Tensor,
        maps: torch.Tensor,
        lab: torch.Tensor,
        cam: torch.Tensor | None = None,
        tail_maps: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        """Head outputs; with a tuned tail (``tail_maps``: the input maps of block ``tail_start``)
        the article and colour logits are the fused log-probabilities of both."""
        x = self.standardise(pooled)
        colour, weights = self.colour_logits(maps, lab, cam)
        article = self.article(x)
        if self.tail is not None:
            if tail_maps is None:
                raise ValueError(f"the tuned tail needs the input maps of block {self.config.tail_start}")
            tuned = self.tail(tail_maps)
            article = fuse(article, tuned["article"], self.config.article_fusion)
            colour = fuse(colour, tuned["colour"], self.config.colour_fusion)
        return {"article": article, "pattern": self.pattern(x), "colour": colour, "where": weights}


def square(img: Image.Image) -> Image.Image:
    """The photo padded to a square on white (what both the backbone and the pixel grid see)."""
    side = max(img.size)
    out = Image.new("RGB", (side, side), (255, 255, 255))
    out.paste(img.convert("RGB"), ((side - img.width) // 2, (side - img.height) // 2))
    return out


def pixel_grid(images: list[Image.Image], size: int = PIXELS) -> np.ndarray:
    """(B, size, size, 3) uint8: each photo squared on white and box-averaged to ``size``."""
    return np.stack(
        [np.asarray(ImageOps.fit(square(img), (size, size), Image.Resampling.BOX)) for img in images]
    )


def lab_input(grid: np.ndarray) -> torch.Tensor:
    """(B, P, P, 3) uint8 RGB -> (B, 3, P, P) CIELAB scaled to about [-1, 1]."""
    lab = rgb_to_lab(grid.astype(np.float64)) / np.array([50.0, 64.0, 64.0]) - np.array([1.0, 0.0, 0.0])
    return torch.from_numpy(lab.astype(np.float32)).permute(0, 3, 1, 2)


class FrozenBackbone:
    """EfficientNet-Lite0 (ImageNet weights, frozen): photos -> (last-block maps, pooled features)."""

    def __init__(self) -> None:
        self.net = EfficientNetBackbone(tune_blocks=0).net.eval()

    @torch.no_grad()
    def head_maps(self, maps: torch.Tensor) -> torch.Tensor:
        """Last-block maps (B, 320, 7, 7) -> head features (B, 1280, 7, 7); their mean is pooled."""
        net = self.net
        return net._swish(net._bn1(net._conv_head(maps)))

    @torch.no_grad()
    def from_block(self, maps: torch.Tensor, start: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Cached input maps of block ``start`` -> ((B, 320, 7, 7), (B, 1280))."""
        for block in self.net._blocks[start:]:
            maps = block(maps)
        return maps, self.head_maps(maps).mean(dim=(2, 3))

    @torch.no_grad()
    def cams(self, net: PhotoNet, maps: np.ndarray, pooled: np.ndarray, batch: int = 256) -> torch.Tensor:
        """``net``'s article CAM (N, 7, 7) for last-block maps and pooled features, in batches."""
        return (
            torch.cat(
                [
                    net.cam(
                        self.head_maps(torch.as_tensor(maps[i : i + batch]).float()),
                        torch.as_tensor(pooled[i : i + batch]).float(),
                    )
                    for i in range(0, len(maps), batch)
                ]
            )
            if len(maps)
            else torch.zeros(0, 7, 7)
        )

    @torch.no_grad()
    def __call__(self, images: list[Image.Image], size: int = 224) -> tuple[torch.Tensor, torch.Tensor]:
        maps, pooled, _ = self.run(images, size)
        return maps, pooled

    @torch.no_grad()
    def run(
        self, images: list[Image.Image], size: int = 224, keep: int = 0
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(last-block maps, pooled features, the input maps of block ``keep`` or None for 0)."""
        net = self.net
        x = preprocess(images, size)  # (B, 3, S, S)
        h = net._swish(net._bn0(net._conv_stem(x)))  # (B, 32, S/2, S/2)
        kept = None
        if keep:
            for block in net._blocks[:keep]:
                h = block(h)
            kept = h
        maps, pooled = self.from_block(h, keep)
        return maps, pooled, kept
