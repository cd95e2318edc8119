"""Fitting the photo recogniser's heads on image-encoder features, and calibrating them.

Linear article and colour heads on the encoder's pooled features (N, 1280), full-batch on CPU
(seconds); then a temperature per head and the "unsure" threshold are fitted on a validation
split: the lowest confidence at which the answered validation photos are right at least
``target_precision`` of the time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from stylist.errors import ToolInputError
from stylist.tools.recognise.calibrate import expected_calibration_error, fit_temperature, softmax
from stylist.tools.recognise.photo import PhotoCalibration, PhotoHeads, PhotoHeadsConfig


@dataclass
class HeadsTrainConfig:
    steps: int = 300
    lr: float = 1e-2
    weight_decay: float = 1e-3
    min_count: int = 3
    """Labels with fewer training photos than this are left out of the vocabulary."""
    target_precision: float = 0.95
    seed: int = 0


def vocabulary(labels: Sequence[str], min_count: int) -> list[str]:
    counts = Counter(labels)
    return sorted(label for label, n in counts.items() if n >= min_count and label)


def _indices(labels: Sequence[str], vocab: list[str]) -> np.ndarray:
    pos = {v: i for i, v in enumerate(vocab)}
    return np.array([pos.get(label, -1) for label in labels])


def fit_photo_heads(
    train_feats: np.ndarray,
    train_articles: Sequence[str],
    train_colours: Sequence[str],
    val_feats: np.ndarray,
    val_articles: Sequence[str],
    val_colours: Sequence[str],
    config: HeadsTrainConfig | None = None,
    encoder: str = "photos.pt",
) -> tuple[PhotoHeads, PhotoCalibration]:
    config = config or HeadsTrainConfig()
    if len(train_feats) < 8 or len(val_feats) < 2:
        raise ToolInputError(
            "fitting the photo heads needs 8+ training and 2+ validation photos, got "
            f"{len(train_feats)} and {len(val_feats)}"
        )
    torch.manual_seed(config.seed)
    articles = vocabulary(train_articles, config.min_count)
    colours = vocabulary(train_colours, config.min_count)
    if len(articles) < 2 or len(colours) < 2:
        raise ToolInputError("fitting the photo heads needs at least 2 article types and 2 colours")
    heads = PhotoHeads(PhotoHeadsConfig(articles, colours, encoder=encoder, feature_dim=train_feats.shape[1]))
    x = torch.from_numpy(np.asarray(train_feats, dtype=np.float32))
    ya = torch.from_numpy(_indices(train_articles, articles))
    yc = torch.from_numpy(_indices(train_colours, colours))
    optimiser = torch.optim.AdamW(heads.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-1)
    heads.train()
    for _ in range(config.steps):
        a, c = heads(x)
        loss = loss_fn(a, ya) + loss_fn(c, yc)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    heads.eval()
    with torch.no_grad():
        va, vc = (t.numpy() for t in heads(torch.from_numpy(np.asarray(val_feats, dtype=np.float32))))
    la, lc = _indices(val_articles, articles), _indices(val_colours, colours)
    ka, kc = la >= 0, lc >= 0
    ta = fit_temperature(va[ka], la[ka])
    tc = fit_temperature(vc[kc], lc[kc])
    pa = softmax(va, ta)
    threshold = unsure_threshold(pa.max(axis=1), pa.argmax(axis=1) == la, config.target_precision)
    metrics = {
        "val_article_accuracy": float(np.mean(pa.argmax(axis=1) == la)),
        "val_colour_accuracy": float(np.mean(vc.argmax(axis=1) == lc)),
        "val_article_ece": expected_calibration_error(pa[ka], la[ka]),
    }
    return heads, PhotoCalibration(ta, tc, threshold, metrics)


def unsure_threshold(confidence: np.ndarray, correct: np.ndarray, precision: float) -> float:
    """The lowest confidence above which answers are right at least ``precision`` of the time."""
    for t in np.arange(0.2, 0.96, 0.05):
        answered = confidence >= t
        if answered.any() and correct[answered].mean() >= precision:
            return round(float(t), 2)
    return 0.95
