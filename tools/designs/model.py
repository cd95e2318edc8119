"""A small conditional GAN for garment designs: a DCGAN-style generator and a projection
discriminator, both conditioned on learned embeddings of named attributes (article type,
colour, pattern — whichever the training data has).

The architecture is a ``GanConfig`` dataclass stored inside every checkpoint, so the sampler
rebuilds the generator from the file alone. Training (``train.py``) and sampling
(``sample.py``) both import this module; neither imports the other.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn.utils import spectral_norm

CHECKPOINT_FORMAT = "stylist-gan/1"


@dataclass
class GanConfig:
    """Architecture and vocabulary of one GAN; saved inside its checkpoint."""

    conditions: dict[str, list[str]] = field(default_factory=dict)
    """Condition name → its values, in embedding-index order (e.g. ``{"article_type": [...], "colour": [...]}``)."""
    image_size: int = 64
    channels: int = 3
    z_dim: int = 64
    embed_dim: int = 16
    g_width: int = 32
    """Generator channels at the last (largest) block; doubled at each smaller block."""
    d_width: int = 32
    source: str = ""
    """What it was trained on, for humans (``demo catalogue``, ``fashion-mnist``, a path)."""

    def __post_init__(self) -> None:
        if self.image_size not in (32, 64, 128):
            raise ValueError(f"image_size must be 32, 64 or 128, not {self.image_size}")
        if not self.conditions:
            raise ValueError("a GAN needs at least one condition (e.g. article_type)")
        for name, values in self.conditions.items():
            if not values:
                raise ValueError(f"condition {name!r} has no values")

    @property
    def blocks(self) -> int:
        return int(math.log2(self.image_size // 4))

    def index_of(self, labels: dict[str, str]) -> dict[str, int]:
        """Embedding indices of one set of condition labels (all conditions must be given)."""
        return {name: values.index(labels[name]) for name, values in self.conditions.items()}


class ConditionEmbedding(nn.Module):
    """One learned embedding table per condition; the vectors are concatenated."""

    def __init__(self, conditions: dict[str, list[str]], dim: int, wrap: Any = None) -> None:
        super().__init__()
        wrap = wrap or (lambda m: m)
        self.names = list(conditions)
        self.tables = nn.ModuleDict({n: wrap(nn.Embedding(len(v), dim)) for n, v in conditions.items()})

    def forward(self, labels: dict[str, torch.Tensor]) -> list[torch.Tensor]:
        return [self.tables[n](labels[n]) for n in self.names]


class Generator(nn.Module):
    """(z, labels) → image in [-1, 1], shape (B, channels, image_size, image_size)."""

    def __init__(self, config: GanConfig) -> None:
        super().__init__()
        self.config = config
        c = config.g_width * 2 ** (config.blocks - 1)
        self.start_channels = c
        self.embed = ConditionEmbedding(config.conditions, config.embed_dim)
        cond_dim = config.embed_dim * len(config.conditions)
        self.stem = nn.Sequential(
            nn.Linear(config.z_dim + cond_dim, c * 16, bias=False), nn.BatchNorm1d(c * 16), nn.ReLU(True)
        )  # (B, c*16) → reshaped to (B, c, 4, 4)
        layers: list[nn.Module] = []
        for _ in range(config.blocks - 1):
            layers += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c // 2), nn.ReLU(True)]
            c //= 2  # spatial size doubles: 4 → 8 → ... → image_size/2
        layers += [nn.ConvTranspose2d(c, config.channels, 4, 2, 1), nn.Tanh()]  # (B, channels, S, S)
        self.body = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor:
        h = torch.cat([z, *self.embed(labels)], dim=1)
        h = self.stem(h).view(z.shape[0], self.start_channels, 4, 4)
        return self.body(h)


class Discriminator(nn.Module):
    """Projection discriminator (Miyato & Koyama 2018) with spectral norm on every layer:
    score = w·h + Σ_k <embed_k(label_k), h>, h = pooled features. Trained with the hinge loss."""

    def __init__(self, config: GanConfig) -> None:
        super().__init__()
        self.config = config
        c = config.d_width
        layers: list[nn.Module] = [spectral_norm(nn.Conv2d(config.channels, c, 4, 2, 1)), nn.LeakyReLU(0.2, True)]
        for _ in range(config.blocks - 1):
            layers += [spectral_norm(nn.Conv2d(c, c * 2, 4, 2, 1)), nn.LeakyReLU(0.2, True)]
            c *= 2  # spatial size halves: S/2 → ... → 4
        self.body = nn.Sequential(*layers)  # (B, c, 4, 4)
        self.linear = spectral_norm(nn.Linear(c, 1))
        self.embed = ConditionEmbedding(config.conditions, c, wrap=spectral_norm)

    def forward(self, x: torch.Tensor, labels: dict[str, torch.Tensor]) -> torch.Tensor:
        h = self.body(x).sum(dim=(2, 3))  # (B, c)
        out = self.linear(h).squeeze(1)
        for e in self.embed(labels):
            out = out + (e * h).sum(dim=1)
        return out  # (B,)


def load_checkpoint(path: str | Path, device: str = "cpu") -> dict[str, Any]:
    """The raw checkpoint dict; raises ``ValueError`` naming the file when it is not one of ours."""
    try:
        data = torch.load(Path(path), map_location=device, weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - torch raises many kinds for a bad file
        raise ValueError(f"{path} is not a readable GAN checkpoint: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not a Stylist GAN checkpoint (format {CHECKPOINT_FORMAT!r} expected)")
    return data


def generator_from_checkpoint(data: dict[str, Any], device: str = "cpu") -> Generator:
    """The (EMA, when present) generator of a checkpoint dict, in eval mode, float32."""
    config = GanConfig(**data["config"])
    generator = Generator(config)
    state = data.get("generator_ema") or data["generator"]
    generator.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    return generator.to(device).eval()


def export_generator(data: dict[str, Any], out: str | Path, half: bool = True) -> Path:
    """Write a sampling-only checkpoint (config + EMA generator, float16 by default): the file
    that ships inside the package."""
    state = data.get("generator_ema") or data["generator"]
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    slim = {"format": CHECKPOINT_FORMAT, "config": data["config"], "generator": state,
            "epoch": data.get("epoch"), "metrics": data.get("metrics", {})}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(slim, out)
    return out


def config_dict(config: GanConfig) -> dict[str, Any]:
    return asdict(config)
