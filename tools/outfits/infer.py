"""Inference helpers shared by the scorer, assembly, training validation and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from stylist.index.schema import Garment
from stylist.tools.outfits.features import item_features

if TYPE_CHECKING:
    import torch

    from stylist.tools.outfits.model import CompatModel


class FeatureTable:
    """Model features of many garments, addressed by garment id."""

    def __init__(self, garments: Sequence[Garment], text_vectors: np.ndarray, token_buckets: int = 0) -> None:
        if len(garments) != len(text_vectors):
            raise ValueError(f"{len(garments)} garments but {len(text_vectors)} vectors")
        self.row = {g.id: i for i, g in enumerate(garments)}
        self.feats, self.types = item_features(garments, text_vectors, token_buckets)

    def gather(
        self, outfits: Sequence[Sequence[str]], max_items: int
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Padded ``(feats (B, N, F), types (B, N), valid (B, N))`` for outfits given as id lists."""
        import torch  # heavy: imported on the first model call, not with the registry

        n = min(max_items, max(len(o) for o in outfits))
        idx = np.zeros((len(outfits), n), dtype=np.int64)
        valid = np.zeros((len(outfits), n), dtype=bool)
        for b, outfit in enumerate(outfits):
            rows = [self.row[i] for i in outfit[:n]]
            idx[b, : len(rows)] = rows
            valid[b, : len(rows)] = True
        return torch.from_numpy(self.feats[idx]), torch.from_numpy(self.types[idx]), torch.from_numpy(valid)


def outfit_logits(
    model: CompatModel,
    table: FeatureTable,
    outfits: Sequence[Sequence[str]],
    batch: int = 512,
    max_items: int = 12,
) -> np.ndarray:
    """One compatibility logit per outfit (mean pair logit)."""
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(outfits), batch):
            feats, types, valid = table.gather(outfits[start : start + batch], max_items)
            out.append(model(feats, types, valid).numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def pair_logit_matrix(model: CompatModel, feats: np.ndarray, types: np.ndarray) -> np.ndarray:
    """``(n, n)`` pair logits among ``n`` garments (one forward pass; symmetric)."""
    import torch

    model.eval()
    f = torch.from_numpy(np.asarray(feats, dtype=np.float32)).unsqueeze(0)
    t = torch.from_numpy(np.asarray(types, dtype=np.int64)).unsqueeze(0)
    with torch.no_grad():
        return model.pair_matrix(f, t)[0].numpy()


def sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
