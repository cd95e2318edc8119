"""The photo recogniser's network: small heads on a frozen EfficientNet-Lite0 (ImageNet weights).

The backbone is the packaged EfficientNet-Lite0, frozen and shared with the image encoder; the
recogniser owns only its heads, saved in its own checkpoint (``checkpoints/photos.pt``), so a
retrained image encoder cannot change what the recogniser answers.

* article type and pattern: linear heads on the standardised pooled features (B, 1280);
* colour: a learned head that looks at the garment region. A "where" branch reads the last
  block's maps (B, 320, 7, 7), a pixel branch reads every pixel's CIELAB value of a 56 px copy of
  the photo; their sum, softmaxed over the pixels, weights per-pixel colour embeddings, which a
  linear layer names. Skin, hair and background get low weight because the where-branch learned
  where the labelled garment is (benchmarks/recognise_photos.py compares it with pixel clusters).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image, ImageOps
from torch import nn

from stylist.index.imagenc.model import EfficientNetBackbone, preprocess
from stylist.tools.recognise.colours import rgb_to_lab

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


class PhotoNet(nn.Module):
    """Article, pattern and colour heads; the backbone's outputs come in as arguments."""

    def __init__(self, config: PhotoNetConfig) -> None:
        super().__init__()
        self.config = config
        self.register_buffer("mean", torch.zeros(FEATURE_DIM))
        self.register_buffer("std", torch.ones(FEATURE_DIM))
        self.article = nn.Linear(FEATURE_DIM, len(config.articles))  # (B, 1280) -> (B, articles)
        self.pattern = nn.Linear(FEATURE_DIM, max(1, len(config.patterns)))  # (B, 1280) -> (B, patterns)
        self.colour = ColourHead(len(config.colours), config.bins, config.where_hidden)

    def standardise(self, pooled: torch.Tensor) -> torch.Tensor:
        return (pooled - self.mean) / self.std

    def forward(self, pooled: torch.Tensor, maps: torch.Tensor, lab: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.standardise(pooled)
        colour, weights = self.colour(maps, lab)
        return {"article": self.article(x), "pattern": self.pattern(x), "colour": colour, "where": weights}


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
    def from_block(self, maps: torch.Tensor, start: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Cached input maps of block ``start`` -> ((B, 320, 7, 7), (B, 1280))."""
        net = self.net
        for block in net._blocks[start:]:
            maps = block(maps)
        pooled = net._swish(net._bn1(net._conv_head(maps))).mean(dim=(2, 3))
        return maps, pooled

    @torch.no_grad()
    def __call__(self, images: list[Image.Image], size: int = 224) -> tuple[torch.Tensor, torch.Tensor]:
        net = self.net
        x = preprocess(images, size)  # (B, 3, S, S)
        h = net._swish(net._bn0(net._conv_stem(x)))  # (B, 32, S/2, S/2)
        return self.from_block(h, 0)
