"""The learned compatibility model: type-aware pairwise embeddings (after Vasileva et al. 2018).

Each garment is encoded from its text vector and attributes into a general embedding; every pair
of slot types (top-bottom, bottom-shoes, ...) looks at that embedding through its own learned mask
(a type-specific subspace), and a small head turns the masked pair into a compatibility logit.
An outfit's logit is the mean of its pair logits, so the model also says which pair is weakest.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from stylist.tools.outfits.features import ATTR_DIM, FEATURE_VERSION, SLOT_ORDER


@dataclass
class CompatConfig:
    """Architecture, saved inside every checkpoint so the model rebuilds from the file alone."""

    text_dim: int = 384
    attr_dim: int = ATTR_DIM
    n_types: int = len(SLOT_ORDER)
    hidden: int = 256
    embed_dim: int = 64
    pair_hidden: int = 64
    dropout: float = 0.1
    use_text: bool = True
    embedder: str = "all-MiniLM-L6-v2"
    feature_version: int = FEATURE_VERSION
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class CompatModel(nn.Module):
    def __init__(self, config: CompatConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        self.encoder = nn.Sequential(
            nn.Linear(c.text_dim + c.attr_dim, c.hidden),
            nn.ReLU(),
            nn.Dropout(c.dropout),
            nn.Linear(c.hidden, c.embed_dim),
        )  # (n, F) -> (n, D)
        self.masks = nn.Embedding(c.n_types * c.n_types, c.embed_dim)  # one mask per (unordered) type pair
        nn.init.constant_(self.masks.weight, 1.0)
        self.pair_head = nn.Sequential(
            nn.Linear(2 * c.embed_dim, c.pair_hidden),
            nn.ReLU(),
            nn.Linear(c.pair_hidden, 1),
        )  # (..., 2D) -> (..., 1)

    def encode(self, feats: torch.Tensor) -> torch.Tensor:
        if not self.config.use_text:
            feats = torch.cat(
                [torch.zeros_like(feats[..., : self.config.text_dim]), feats[..., self.config.text_dim :]], -1
            )
        return self.encoder(feats)

    def pair_logits(
        self, ea: torch.Tensor, ta: torch.Tensor, eb: torch.Tensor, tb: torch.Tensor
    ) -> torch.Tensor:
        """Logits for pairs, broadcasting: embeddings (..., D), types (...) -> (...)."""
        lo, hi = torch.minimum(ta, tb), torch.maximum(ta, tb)
        m = torch.nn.functional.softplus(self.masks(lo * self.config.n_types + hi))  # (..., D)
        pair = torch.cat([m * ea * eb, m * (ea - eb).abs()], dim=-1)  # (..., 2D), symmetric in a, b
        return self.pair_head(pair).squeeze(-1)

    def pair_matrix(self, feats: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        """All pair logits of a padded batch: feats (B, N, F), types (B, N) -> (B, N, N)."""
        e = self.encode(feats)  # (B, N, D)
        return self.pair_logits(e.unsqueeze(2), types.unsqueeze(2), e.unsqueeze(1), types.unsqueeze(1))

    def forward(self, feats: torch.Tensor, types: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """Outfit logits (B,): the mean logit over valid pairs i < j (valid: (B, N) bool)."""
        logits = self.pair_matrix(feats, types)  # (B, N, N)
        n = feats.shape[1]
        upper = torch.triu(torch.ones(n, n, dtype=torch.bool, device=feats.device), diagonal=1)
        pair_ok = valid.unsqueeze(2) & valid.unsqueeze(1) & upper  # (B, N, N)
        total = (logits * pair_ok).sum(dim=(1, 2))
        return total / pair_ok.sum(dim=(1, 2)).clamp(min=1)
