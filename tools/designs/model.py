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
ARCHS = ("upsample", "transpose")


@dataclass
class GanConfig:
    """Architecture and vocabulary of one GAN; saved inside its checkpoint."""

    conditions: dict[str, list[str]] = field(default_factory=dict)
    """Condition name → its values, in embedding-index order (e.g. ``{"article_type": [...], "colour":
    [...]}``)."""
    image_size: int = 64
    channels: int = 3
    z_dim: int = 64
    embed_dim: int = 16
    g_width: int = 32
    """Generator channels at the last (largest) block; doubled at each smaller block."""
    d_width: int = 32
    source: str = ""
    """What it was trained on, for humans (``demo catalogue``, ``fashion-mnist``, a path)."""
    arch: str = "upsample"
    """Generator upsampling: ``upsample`` (nearest-neighbour ×2 + 3x3 conv, conditional batch norm
    in every block) or ``transpose`` (stride-2 transposed convs, conditions at the input only; the
    first checkpoints). Transposed convs left checkerboard colour speckle in the samples."""
    text_dim: int = 0
    """Width of the text embedding the GAN is also conditioned on (0: labels only). The generator
    projects it to ``text_cond`` numbers beside the label embeddings; the discriminator projects it
    onto its pooled features (a third projection term)."""
    text_cond: int = 32
    text_model: str = ""
    """Name of the text embedder whose space ``text_dim`` is (e.g. ``all-MiniLM-L6-v2``)."""
    classifier: bool = False
    """The discriminator also classifies every condition from its pooled features (AC-GAN, Odena et
    al. 2017): trained on real pictures only, and the generator is rewarded when it reads a fake's
    conditions back. The projection term alone let the photo generator ignore the article type."""

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {', '.join(ARCHS)}, not {self.arch!r}")
        if self.image_size not in (32, 64, 128):
            raise ValueError(f"image_size must be 32, 64 or 128, not {self.image_size}")
        if not self.conditions:
            raise ValueError("a GAN needs at least one condition (e.g. article_type)")
        if self.text_dim and self.arch != "upsample":
            raise ValueError("text conditioning needs the upsample generator")
        for name, values in self.conditions.items():
            if not values:
                raise ValueError(f"condition {name!r} has no values")

    @property
    def blocks(self) -> int:
        return int(math.log2(self.image_size // 4))

    @property
    def cond_dim(self) -> int:
        """Width of the generator's condition vector: label embeddings, then the projected text."""
        return self.embed_dim * len(self.conditions) + (self.text_cond if self.text_dim else 0)

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


class ConditionalBatchNorm(nn.Module):
    """Batch norm whose per-channel gain and bias come from the condition vector (de Vries et
    al. 2017; as in SNGAN/BigGAN generators); starts as plain batch norm."""

    def __init__(self, channels: int, cond_dim: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.gain = nn.Linear(cond_dim, channels)
        self.bias = nn.Linear(cond_dim, channels)
        for layer in (self.gain, self.bias):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        h = self.norm(x)
        return h * (1 + self.gain(cond))[:, :, None, None] + self.bias(cond)[:, :, None, None]


class UpBlock(nn.Module):
    """(B, c_in, s, s) → (B, c_out, 2s, 2s): nearest ×2, 3x3 conv, conditional BN, ReLU."""

    def __init__(self, c_in: int, c_out: int, cond_dim: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False)
        self.norm = ConditionalBatchNorm(c_out, cond_dim)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        x = nn.functional.interpolate(x, scale_factor=2, mode="nearest")
        return torch.relu(self.norm(self.conv(x), cond))


class Generator(nn.Module):
    """(z, labels) → image in [-1, 1], shape (B, channels, image_size, image_size)."""

    def __init__(self, config: GanConfig) -> None:
        super().__init__()
        self.config = config
        c = config.g_width * 2 ** (config.blocks - 1)
        self.start_channels = c
        self.embed = ConditionEmbedding(config.conditions, config.embed_dim)
        if config.text_dim:
            self.text = nn.Sequential(nn.Linear(config.text_dim, config.text_cond), nn.LeakyReLU(0.2, True))
        cond_dim = config.cond_dim
        self.stem = nn.Sequential(
            nn.Linear(config.z_dim + cond_dim, c * 16, bias=False), nn.BatchNorm1d(c * 16), nn.ReLU(True)
        )  # (B, c*16) → reshaped to (B, c, 4, 4)
        if config.arch == "transpose":
            layers: list[nn.Module] = []
            for _ in range(config.blocks - 1):
                layers += [
                    nn.ConvTranspose2d(c, c // 2, 4, 2, 1, bias=False),
                    nn.BatchNorm2d(c // 2),
                    nn.ReLU(True),
                ]
                c //= 2  # spatial size doubles: 4 → 8 → ... → image_size/2
            layers += [nn.ConvTranspose2d(c, config.channels, 4, 2, 1), nn.Tanh()]  # (B, channels, S, S)
            self.body = nn.Sequential(*layers)
            return
        ups = []
        for _ in range(config.blocks - 1):
            ups.append(UpBlock(c, c // 2, cond_dim))
            c //= 2  # spatial size doubles: 4 → 8 → ... → image_size/2, channels halve
        self.ups = nn.ModuleList(ups)  # (B, g_width, S/2, S/2)
        # the last doubling goes straight to pixels: full-resolution feature maps cost most on a CPU
        self.to_image = nn.Conv2d(c, config.channels, 3, 1, 1)  # (B, channels, S, S) after ×2, then tanh

    @property
    def output_layer(self) -> nn.Module:
        if self.config.arch == "transpose":
            return [m for m in self.body if isinstance(m, nn.ConvTranspose2d)][-1]
        return self.to_image

    def condition(self, labels: dict[str, torch.Tensor], text: torch.Tensor | None = None) -> torch.Tensor:
        """(B, cond_dim): the label embeddings, then the projected text embedding."""
        parts = self.embed(labels)
        if self.config.text_dim:
            if text is None:
                raise ValueError("this generator is conditioned on text: give the text embedding")
            parts.append(self.text(text))
        return torch.cat(parts, dim=1)

    def forward(
        self, z: torch.Tensor, labels: dict[str, torch.Tensor], text: torch.Tensor | None = None
    ) -> torch.Tensor:
        cond = self.condition(labels, text)
        h = self.stem(torch.cat([z, cond], dim=1)).view(z.shape[0], self.start_channels, 4, 4)
        if self.config.arch == "transpose":
            return self.body(h)
        for up in self.ups:
            h = up(h, cond)
        h = nn.functional.interpolate(h, scale_factor=2, mode="nearest")
        return torch.tanh(self.to_image(h))


class Discriminator(nn.Module):
    """Projection discriminator (Miyato & Koyama 2018) with spectral norm on every layer:
    score = w·h + Σ_k <embed_k(label_k), h>, h = pooled features. Trained with the hinge loss."""

    def __init__(self, config: GanConfig) -> None:
        super().__init__()
        self.config = config
        c = config.d_width
        layers: list[nn.Module] = [
            spectral_norm(nn.Conv2d(config.channels, c, 4, 2, 1)),
            nn.LeakyReLU(0.2, True),
        ]
        for _ in range(config.blocks - 1):
            layers += [spectral_norm(nn.Conv2d(c, c * 2, 4, 2, 1)), nn.LeakyReLU(0.2, True)]
            c *= 2  # spatial size halves: S/2 → ... → 4
        self.body = nn.Sequential(*layers)  # (B, c, 4, 4)
        self.linear = spectral_norm(nn.Linear(c, 1))
        self.embed = ConditionEmbedding(config.conditions, c, wrap=spectral_norm)
        if config.text_dim:
            self.text = spectral_norm(nn.Linear(config.text_dim, c, bias=False))
        if config.classifier:
            self.heads = nn.ModuleDict({n: nn.Linear(c, len(v)) for n, v in config.conditions.items()})

    def forward(
        self, x: torch.Tensor, labels: dict[str, torch.Tensor], text: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.score_and_logits(x, labels, text)[0]

    def score_and_logits(
        self, x: torch.Tensor, labels: dict[str, torch.Tensor], text: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """(B,) real/fake scores and, with ``config.classifier``, condition → (B, values) logits."""
        h = self.body(x).sum(dim=(2, 3))  # (B, c)
        out = self.linear(h).squeeze(1)
        for e in self.embed(labels):
            out = out + (e * h).sum(dim=1)
        if self.config.text_dim and text is not None:
            out = out + (self.text(text) * h).sum(dim=1)
        logits = {n: head(h) for n, head in self.heads.items()} if self.config.classifier else {}
        return out, logits


def classifier_loss(logits: dict[str, torch.Tensor], labels: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean cross-entropy of the discriminator's condition heads (0 when it has none)."""
    losses = [nn.functional.cross_entropy(v, labels[n]) for n, v in logits.items()]
    return torch.stack(losses).mean() if losses else torch.zeros(())


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


def config_from_dict(raw: dict[str, Any]) -> GanConfig:
    """A checkpoint's ``GanConfig``; checkpoints written before ``arch`` existed are ``transpose``."""
    return GanConfig(**{"arch": "transpose", **raw})


def generator_from_checkpoint(data: dict[str, Any], device: str = "cpu") -> Generator:
    """The (EMA, when present) generator of a checkpoint dict, in eval mode, float32."""
    try:
        config = config_from_dict(data["config"])
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"the checkpoint's model config is not one this version reads ({exc}); "
            "retrain it with: stylist train gan"
        ) from None
    generator = Generator(config)
    state = data.get("generator_ema") or data["generator"]
    try:
        generator.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    except RuntimeError as exc:
        raise ValueError(
            f"the checkpoint's weights do not fit its {config.arch!r} generator "
            f"({str(exc).splitlines()[0]}); retrain it with: stylist train gan"
        ) from None
    return generator.to(device).eval()


def export_generator(data: dict[str, Any], out: str | Path, half: bool = True) -> Path:
    """Write a sampling-only checkpoint (config + EMA generator, float16 by default): the file
    that ships inside the package."""
    state = data.get("generator_ema") or data["generator"]
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    slim = {
        "format": CHECKPOINT_FORMAT,
        "config": data["config"],
        "generator": state,
        "epoch": data.get("epoch"),
        "metrics": data.get("metrics", {}),
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(slim, out)
    return out


def config_dict(config: GanConfig) -> dict[str, Any]:
    return asdict(config)
