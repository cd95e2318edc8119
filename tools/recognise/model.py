"""The recogniser network: a small two-branch CNN, and its checkpoint format.

The shape branch reads the 28x28 Fashion-MNIST-style silhouette and predicts the article type;
the texture branch reads the 48x48 mean-removed colour crop and predicts the pattern. Branches
are separate because their training data differ (Fashion-MNIST has article labels only).
The architecture config and the calibration live inside the checkpoint, so ``load_checkpoint``
rebuilds everything from the file alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import nn

from stylist.errors import ModelUnavailableError

FORMAT = "stylist-recogniser/1"


@dataclass
class RecogniserConfig:
    """Label vocabularies and layer widths."""

    articles: list[str]
    patterns: list[str]
    shape_width: int = 24
    texture_width: int = 32
    dropout: float = 0.3


@dataclass
class Calibration:
    """Temperatures fitted on a held-out split, and the confidence below which we say "unsure"."""

    article_temperature: float = 1.0
    pattern_temperature: float = 1.0
    unsure_below: float = 0.5
    metrics: dict[str, float] = field(default_factory=dict)


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)
    )


class RecogniserNet(nn.Module):
    def __init__(self, config: RecogniserConfig) -> None:
        super().__init__()
        w = config.shape_width
        self.config = config
        self.shape = nn.Sequential(
            _block(1, w),
            nn.MaxPool2d(2),  # B x w x 14 x 14
            _block(w, 2 * w),
            nn.MaxPool2d(2),  # B x 2w x 7 x 7
            _block(2 * w, 4 * w),
            nn.MaxPool2d(2),  # B x 4w x 3 x 3
            nn.Flatten(),
            nn.Dropout(config.dropout),
            nn.Linear(4 * w * 9, 128),
            nn.ReLU(inplace=True),
            nn.Dropout(config.dropout),  # B x 128
            nn.Linear(128, len(config.articles)),  # B x articles
        )
        w = config.texture_width
        self.texture = nn.Sequential(
            _block(3, w // 2),
            nn.MaxPool2d(2),  # B x w/2 x 24 x 24
            _block(w // 2, w),
            nn.MaxPool2d(2),  # B x w x 12 x 12
            _block(w, 2 * w),  # B x 2w x 12 x 12
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),  # B x 2w
            nn.Linear(2 * w, len(config.patterns)),  # B x patterns
        )

    def article_logits(self, shape: torch.Tensor) -> torch.Tensor:
        return self.shape(shape)

    def pattern_logits(self, texture: torch.Tensor) -> torch.Tensor:
        return self.texture(texture)

    def forward(self, shape: torch.Tensor, texture: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.article_logits(shape), self.pattern_logits(texture)


def save_checkpoint(
    path: str | Path, net: RecogniserNet, calibration: Calibration, meta: dict | None = None
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        k: (v.half() if v.is_floating_point() else v) for k, v in net.state_dict().items()
    }  # fp16 halves the file
    torch.save(
        {
            "format": FORMAT,
            "config": asdict(net.config),
            "calibration": asdict(calibration),
            "state": state,
            "meta": meta or {},
        },
        path,
    )
    return path


def load_checkpoint(path: str | Path) -> tuple[RecogniserNet, Calibration, dict]:
    """The network (eval mode, float32), its calibration and its training metadata."""
    path = Path(path)
    if not path.is_file():
        raise ModelUnavailableError(
            f"recogniser checkpoint {path} does not exist", hint="train one with `stylist train recogniser`"
        )
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a corrupt file
        raise ModelUnavailableError(f"recogniser checkpoint {path} could not be read: {exc}") from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise ModelUnavailableError(f"{path} is not a recogniser checkpoint (expected format {FORMAT})")
    net = RecogniserNet(RecogniserConfig(**blob["config"]))
    net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in blob["state"].items()})
    net.eval()
    return net, Calibration(**blob["calibration"]), blob.get("meta", {})
