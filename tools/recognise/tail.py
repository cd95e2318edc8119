"""EfficientNet-Lite0's last blocks fine-tuned for the photo recogniser (article type and colour).

The frozen backbone's pooled features read colour poorly (a linear probe: about 0.5 on the real
photos): ImageNet features are made to ignore colour. ``TunedTail`` is a copy of the last blocks
(from ``start``, 13 by default) and the 1x1 head convolution, trained jointly for article type and
colour with a linear head each, on cached input maps of block ``start`` (the frozen part runs once
per photo). Its colour logits are fused with the colour CNN's (a weighted sum of log-probabilities,
the weight chosen on validation), its article logits likewise with the frozen article head's.

The tuned weights are saved in half precision as their difference from the ImageNet weights, so a
checkpoint holds only what training changed (``tail_delta``) and the frozen copy comes from the
package at load time.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import torch
from torch import nn

from stylist.index.imagenc.model import EfficientNetBackbone

LITE0_BLOCKS = 16
Logits = TypeVar("Logits", np.ndarray, torch.Tensor)


@dataclass
class TailConfig:
    start: int = 13
    """First tuned block (its input maps are cached): 13 tunes blocks 13-15 and the head conv."""
    epochs: int = 6
    lr: float = 3e-4
    head_lr: float = 3e-3
    weight_decay: float = 0.05
    batch: int = 64
    colour_weight: float = 1.0
    dropout: float = 0.2
    seed: int = 0


@functools.lru_cache(maxsize=1)
def _imagenet_lite0() -> nn.Module:
    """The package's ImageNet EfficientNet-Lite0, read once: tails copy their blocks from it, and
    ``delta_state`` subtracts its weights."""
    return EfficientNetBackbone().net.eval()


class TunedTail(nn.Module):
    """Block-``start`` input maps (B, C, 7, 7) -> article and colour logits, through tuned last blocks."""

    def __init__(self, n_articles: int, n_colours: int, start: int = 13, dropout: float = 0.2) -> None:
        super().__init__()
        net = _imagenet_lite0()
        self.start = start
        self.blocks = nn.ModuleList(copy.deepcopy(list(net._blocks[start:])))
        self.conv_head, self.bn1, self.act = (
            copy.deepcopy(net._conv_head),
            copy.deepcopy(net._bn1),
            copy.deepcopy(net._swish),
        )
        self.drop = nn.Dropout(dropout)
        self.article = nn.Linear(EfficientNetBackbone.feature_dim, n_articles)
        self.colour = nn.Linear(EfficientNetBackbone.feature_dim, n_colours)
        for p in self.parameters():
            p.requires_grad_(True)

    def backbone_keys(self) -> list[str]:
        return [k for k in self.state_dict() if not k.startswith(("article.", "colour."))]

    def train(self, mode: bool = True) -> TunedTail:
        super().train(mode)
        for m in self.modules():  # batch-norm statistics never move (small CPU batches)
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        return self

    def pooled(self, maps: torch.Tensor) -> torch.Tensor:
        h = maps
        for block in self.blocks:
            h = block(h)  # (B, 320, 7, 7) after the last block
        return self.act(self.bn1(self.conv_head(h))).mean(dim=(2, 3))  # (B, 1280)

    def forward(self, maps: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.drop(self.pooled(maps))
        return {"article": self.article(x), "colour": self.colour(x)}

    # -- storage: half-precision differences from the ImageNet weights -------------------------------
    def delta_state(self) -> dict[str, torch.Tensor]:
        """Tuned backbone weights minus the ImageNet ones, and the heads, in fp16."""
        base = TunedTail(self.article.out_features, self.colour.out_features, self.start).state_dict()
        out = {}
        for k, v in self.state_dict().items():
            if not v.is_floating_point():
                continue
            out[k] = (v - base[k] if k in self.backbone_keys() else v).half()
        return out

    def load_delta(self, delta: dict[str, torch.Tensor]) -> TunedTail:
        state = self.state_dict()
        keys = set(self.backbone_keys())
        for k, v in delta.items():
            state[k] = state[k] + v.float() if k in keys else v.float()
        self.load_state_dict(state)
        return self.eval()

    @torch.no_grad()
    def logits(self, maps: np.ndarray | torch.Tensor, batch: int = 256) -> dict[str, np.ndarray]:
        self.eval()
        parts = [self(torch.as_tensor(maps[i : i + batch]).float()) for i in range(0, len(maps), batch)]
        if not parts:
            return {
                "article": np.zeros((0, self.article.out_features), np.float32),
                "colour": np.zeros((0, self.colour.out_features), np.float32),
            }
        return {k: torch.cat([p[k] for p in parts]).numpy() for k in parts[0]}


def fit_tail(
    maps: np.ndarray,
    articles: np.ndarray,
    colours: np.ndarray,
    n_articles: int,
    n_colours: int,
    config: TailConfig | None = None,
    on_epoch: Callable[[int, TunedTail], None] | None = None,
) -> TunedTail:
    """Train a ``TunedTail`` on block-``start`` input maps (N, C, 7, 7) and label indices (-1:
    unknown, ignored): AdamW, a cosine rate, half of each batch mirrored left-right (the 7x7 maps of
    a mirrored photo are close to the mirrored maps). ``on_epoch(epoch, tail)`` after each epoch."""
    config = config or TailConfig()
    torch.manual_seed(config.seed)
    tail = TunedTail(n_articles, n_colours, config.start, config.dropout)
    heads = [p for n, p in tail.named_parameters() if n.startswith(("article.", "colour."))]
    body = [p for n, p in tail.named_parameters() if not n.startswith(("article.", "colour."))]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": config.lr}, {"params": heads, "lr": config.head_lr}],
        weight_decay=config.weight_decay,
    )
    rows = torch.from_numpy(np.nonzero((articles >= 0) | (colours >= 0))[0])
    steps = max(1, config.epochs * -(-len(rows) // config.batch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=[config.lr, config.head_lr], total_steps=steps, pct_start=0.15
    )
    x, ya, yc = torch.as_tensor(maps), torch.from_numpy(articles), torch.from_numpy(colours)
    gen = torch.Generator().manual_seed(config.seed)
    for epoch in range(config.epochs):
        tail.train()
        for b in rows[torch.randperm(len(rows), generator=gen)].split(config.batch):
            flip = (torch.rand(len(b), generator=gen) < 0.5)[:, None, None, None]
            m = x[b].float()
            out = tail(torch.where(flip, m.flip(-1), m))
            loss = nn.functional.cross_entropy(out["article"], ya[b], ignore_index=-1)
            if (yc[b] >= 0).any():
                loss = loss + config.colour_weight * nn.functional.cross_entropy(
                    out["colour"], yc[b], ignore_index=-1
                )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        if on_epoch is not None:
            on_epoch(epoch, tail)
    return tail.eval()


def fuse(first: Logits, second: Logits, weight: float) -> Logits:
    """Weighted sum of two heads' log-probabilities (the fused answer's logits), numpy or torch."""
    if isinstance(first, np.ndarray):
        return fuse(torch.from_numpy(first), torch.as_tensor(second), weight).numpy()
    return (1 - weight) * torch.log_softmax(first, 1) + weight * torch.log_softmax(second, 1)


def best_weight(first: np.ndarray, second: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The fusion weight (0, 0.1, ..., 1) with the highest accuracy on ``labels`` (-1 ignored); ties
    go to the smaller weight. Returns (weight, accuracy)."""
    known = labels >= 0
    best = (0.0, -1.0)
    for w in np.round(np.linspace(0, 1, 11), 2):
        acc = float(np.mean(fuse(first[known], second[known], w).argmax(1) == labels[known]))
        if acc > best[1] + 1e-9:
            best = (float(w), acc)
    return best
