"""The learned compatibility model: type-aware pairwise embeddings (after Vasileva et al. 2018).

Each garment is encoded from its text vector and attributes into a general embedding; every pair
of slot types (top-bottom, bottom-shoes, ...) looks at that embedding through its own learned mask
(a type-specific subspace), and a small head turns the masked pair into a compatibility logit.
An outfit's logit is the mean of its pair logits, so the model also says which pair is weakest.

With ``pair_features`` on, each pair logit also weighs four things a stylist reads directly
(per type pair, around shared starting weights): how alike the two names are (text-vector cosine),
the words the names share (hashed words, :mod:`.tokens`, each bucket with its learned weight), how
far apart the prices sit (real outfits keep to one price tier) and the colour families they share.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from stylist.tools.outfits.attributes import COLOUR_FAMILIES
from stylist.tools.outfits.features import ATTR_DIM, FEATURE_VERSION, SLOT_ORDER

N_PAIR_FEATURES = 5  # text cosine, price gap, both priced, shared colour families, shared words
_START_WEIGHTS = (0.0, -1.0, 0.0, 0.0, 4.0)  # shared words and close prices start out as good signs


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
    token_buckets: int = 0
    """Hashed name-word buckets appended to each item's features (0: none, the older models)."""
    pair_features: bool = False
    """Add the direct pair evidence (cosine, shared words, price gap, shared colours) to each logit."""
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
        if c.pair_features:
            n_pairs = c.n_types * c.n_types
            self.type_bias = nn.Embedding(n_pairs, 1)  # a prior per type pair (shoes+bag common)
            self.pair_weights = nn.Embedding(n_pairs, N_PAIR_FEATURES)  # per type pair, around:
            self.shared_weights = nn.Parameter(torch.tensor(_START_WEIGHTS))
            self.word_weights = nn.Parameter(torch.zeros(max(1, c.token_buckets)))  # softplus(. + .5413)
            for emb in (self.type_bias, self.pair_weights):
                nn.init.zeros_(emb.weight)

    @property
    def item_dim(self) -> int:
        """Width of the item features the encoder reads (the hashed words come after them)."""
        return self.config.text_dim + self.config.attr_dim

    def encode(self, feats: torch.Tensor) -> torch.Tensor:
        feats = feats[..., : self.item_dim]
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
        logits = self.pair_logits(e.unsqueeze(2), types.unsqueeze(2), e.unsqueeze(1), types.unsqueeze(1))
        if not self.config.pair_features:
            return logits
        ta, tb = types.unsqueeze(2), types.unsqueeze(1)
        key = torch.minimum(ta, tb) * self.config.n_types + torch.maximum(ta, tb)  # (B, N, N)
        weights = self.pair_weights(key) + self.shared_weights  # (B, N, N, K)
        evidence = self.pair_evidence(feats)  # (B, N, N, K)
        return logits + self.type_bias(key).squeeze(-1) + (weights * evidence).sum(-1)

    def pair_evidence(self, feats: torch.Tensor) -> torch.Tensor:
        """The direct evidence of every pair: feats (B, N, F) -> (B, N, N, N_PAIR_FEATURES)."""
        c = self.config
        text = nn.functional.normalize(feats[..., : c.text_dim], dim=-1)
        cosine = text @ text.transpose(1, 2)  # (B, N, N)
        attrs = feats[..., c.text_dim : self.item_dim]
        price, priced = attrs[..., -2] * 8.0, attrs[..., -1]  # log1p(price), has a price
        both = priced.unsqueeze(2) * priced.unsqueeze(1)
        gap = (price.unsqueeze(2) - price.unsqueeze(1)).abs() * both  # log price ratio
        start = len(SLOT_ORDER)
        colours = attrs[..., start : start + len(COLOUR_FAMILIES)]
        shared_colours = colours @ colours.transpose(1, 2)
        words = feats[..., self.item_dim :]
        if c.token_buckets and words.shape[-1] == c.token_buckets:
            weight = nn.functional.softplus(self.word_weights + 0.5413)  # starts at 1 per bucket
            shared_words = (words * weight) @ words.transpose(1, 2)
        else:
            shared_words = torch.zeros_like(cosine)
        return torch.stack([cosine, gap, both, shared_colours, shared_words], dim=-1)

    def forward(self, feats: torch.Tensor, types: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """Outfit logits (B,): the mean logit over valid pairs i < j (valid: (B, N) bool)."""
        logits = self.pair_matrix(feats, types)  # (B, N, N)
        n = feats.shape[1]
        upper = torch.triu(torch.ones(n, n, dtype=torch.bool, device=feats.device), diagonal=1)
        pair_ok = valid.unsqueeze(2) & valid.unsqueeze(1) & upper  # (B, N, N)
        total = (logits * pair_ok).sum(dim=(1, 2))
        return total / pair_ok.sum(dim=(1, 2)).clamp(min=1)
