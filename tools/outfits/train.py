"""Training the compatibility model (never imported at run time).

Positives are real (or rule-made) outfits; negatives are either given (the rule generator's hard
negatives) or drawn afresh each epoch from the training outfits in three flavours:
``hard`` (every item swapped for one of the same category from other outfits, the Polyvore-Outfits
protocol), ``random`` (items from random other outfits, Han et al.'s protocol) and ``swap`` (one
item swapped for a same-category item, like a fill-in-the-blank distractor).

With ``fitb_weight`` > 0 each batch also poses item-level questions (fill in the blank): one garment
of a training outfit is hidden and must win, in a softmax over four, against three others of the same
category (hard) or of any category (random) from other training outfits.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from stylist.index.protocols import TextEmbedder
from stylist.index.schema import Garment
from stylist.tools.outfits.data.types import CompatExample, OutfitRecord
from stylist.tools.outfits.infer import FeatureTable, outfit_logits
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.training import OptimiserConfig, prepare_torch

log = logging.getLogger(__name__)
FLAVOURS = ("hard", "random", "swap")
#: Slots a fill-in-the-blank question may hide (fashion pieces, not beauty or home items).
BLANK_SLOTS = frozenset({"top", "bottom", "dress", "outerwear", "shoes", "bag", "jewelry", "accessory"})


@dataclass
class TrainConfig(OptimiserConfig):
    threads: int | None = 1
    max_items: int = 8
    flavours: tuple[str, ...] = FLAVOURS
    fitb_weight: float = 0.0
    """Weight of the fill-in-the-blank (item-level negatives) loss; 0 trains on outfits alone."""
    negatives_per_outfit: int = 1
    """Fresh negatives drawn per training outfit and epoch (each of a flavour drawn from ``flavours``;
    repeat a flavour in ``flavours`` to draw it more often)."""
    fitb_flavours: tuple[str, ...] = ("hard", "random")
    """Distractor kinds of the FITB questions, one per batch in turn."""
    average_from: int = 0
    """From this epoch on (1-based; 0: never), the weights after each epoch are averaged and the
    average is the model returned (stochastic weight averaging: steadier than the last epoch)."""


class NegativeSampler:
    """Draws negatives from a pool of outfits, by category (article type), slot or at random."""

    def __init__(self, outfits: Sequence[OutfitRecord], rng: random.Random) -> None:
        self.rng = rng
        self.outfits = list(outfits)
        self.by_category: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.by_slot: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.all: list[tuple[int, str]] = []
        for n, o in enumerate(self.outfits):
            for g in o.garments:
                self.by_category[g.article_type].append((n, g.id))
                self.by_slot[g.slot.value].append((n, g.id))
                self.all.append((n, g.id))
        self.lengths = [len(o.garments) for o in self.outfits]
        if len(self.outfits) < 2:
            raise ValueError("negatives need at least two outfits to draw from")

    def _like(self, g: Garment, avoid: set[int]) -> str:
        for pool in (self.by_category[g.article_type], self.by_slot[g.slot.value], self.all):
            for _ in range(8):
                n, gid = self.rng.choice(pool)
                if n not in avoid:
                    avoid.add(n)
                    return gid
        return self.rng.choice(self.all)[1]

    def question(self, index: int, flavour: str) -> tuple[list[str], list[str]] | None:
        """A fill-in-the-blank question from outfit ``index``: ``(the rest, [answer, 3 others])``."""
        outfit = self.outfits[index].garments
        blanks = [i for i, g in enumerate(outfit) if g.slot.value in BLANK_SLOTS]
        if len(outfit) < 3 or not blanks:
            return None
        pos = self.rng.choice(blanks)
        rest = [g.id for i, g in enumerate(outfit) if i != pos]
        if flavour == "hard":
            avoid = {index}
            others = [self._like(outfit[pos], avoid) for _ in range(3)]
        else:
            others = [self.rng.choice(self.all)[1] for _ in range(3)]
        return rest, [outfit[pos].id, *others]

    def negative(self, index: int, flavour: str) -> list[str]:
        outfit = self.outfits[index].garments
        if flavour == "hard":
            avoid = {index}
            return [self._like(g, avoid) for g in outfit]
        if flavour == "swap":
            pos = self.rng.randrange(len(outfit))
            ids = [g.id for g in outfit]
            ids[pos] = self._like(outfit[pos], {index})
            return ids
        # each item from a different other outfit (a small pool caps the length)
        length = min(self.rng.choice(self.lengths), len(self.outfits) - 1)
        picks: list[str] = []
        used = {index}
        while len(picks) < length:
            n, gid = self.rng.choice(self.all)
            if n not in used:
                used.add(n)
                picks.append(gid)
        return picks


def train_compat(
    table: FeatureTable,
    outfits: Sequence[OutfitRecord],
    *,
    fixed: Sequence[CompatExample] = (),
    model_config: CompatConfig,
    config: TrainConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CompatModel:
    """Train on ``outfits`` (label 1) and negatives: ``fixed`` ones plus fresh ones per epoch.

    With ``fixed`` given, fresh negatives are drawn only for the flavours in ``config.flavours``.
    ``progress(step, total_steps)`` is called after each epoch.
    """
    config = config or TrainConfig()
    prepare_torch(config)
    rng = random.Random(config.seed)
    model = CompatModel(model_config)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    sampler = NegativeSampler(outfits, rng) if outfits and config.flavours else None
    loss_fn = torch.nn.BCEWithLogitsLoss()
    fixed_rows = [([g.id for g in e.garments], float(e.label)) for e in fixed]
    average: dict[str, torch.Tensor] = {}
    n_avg = 0
    for epoch in range(config.epochs):
        model.train()
        rows = list(fixed_rows)
        if not fixed_rows:
            rows += [([g.id for g in o.garments], 1.0) for o in outfits]
        if sampler is not None:
            for n in range(len(outfits)):
                for _ in range(config.negatives_per_outfit):
                    rows.append((sampler.negative(n, rng.choice(config.flavours)), 0.0))
        rng.shuffle(rows)
        order = list(range(len(outfits)))
        rng.shuffle(order)
        n_batches = max(1, -(-len(rows) // config.batch_size))
        per_batch = -(-len(order) // n_batches)
        total = 0.0
        for b, start in enumerate(range(0, len(rows), config.batch_size)):
            chunk = rows[start : start + config.batch_size]
            feats, types, valid = table.gather([r[0] for r in chunk], config.max_items)
            labels = torch.tensor([r[1] for r in chunk])
            loss = loss_fn(model(feats, types, valid), labels)
            if config.fitb_weight > 0 and sampler is not None:
                part = order[b * per_batch : (b + 1) * per_batch]
                flavour = config.fitb_flavours[b % len(config.fitb_flavours)]  # one kind a batch, in turn
                asked = [q for q in (sampler.question(n, flavour) for n in part) if q is not None]
                if asked:
                    loss = loss + config.fitb_weight * fitb_loss(model, table, asked, config)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(chunk)
        log.info("epoch %d loss %.4f", epoch + 1, total / max(1, len(rows)))
        if config.average_from and epoch + 1 >= config.average_from:
            n_avg += 1
            for k, v in model.state_dict().items():
                if v.is_floating_point():
                    average[k] = (
                        v.detach().clone() if k not in average else average[k] + (v - average[k]) / n_avg
                    )
        if progress is not None:
            progress(epoch + 1, config.epochs)
    if average:
        model.load_state_dict({**model.state_dict(), **average})
    model.eval()
    return model


def fitb_loss(
    model: CompatModel, table: FeatureTable, asked: list[tuple[list[str], list[str]]], config: TrainConfig
) -> torch.Tensor:
    """Softmax cross-entropy of the answer (always candidate 0) against its three distractors."""
    outfits = [rest + [c] for rest, cands in asked for c in cands]
    feats, types, valid = table.gather(outfits, config.max_items)
    scores = model(feats, types, valid).view(len(asked), -1)  # (Q, 4)
    return torch.nn.functional.cross_entropy(scores, torch.zeros(len(asked), dtype=torch.long))


def auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve (ties count half)."""
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    allv = np.concatenate([pos, neg])[order]
    # average ranks for ties
    i = 0
    while i < len(allv):
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def evaluate_auc(model: CompatModel, table: FeatureTable, examples: Sequence[CompatExample]) -> float:
    scores = outfit_logits(model, table, [[g.id for g in e.garments] for e in examples])
    return auc([e.label for e in examples], scores)


def split_by_outfit(
    outfits: Sequence[OutfitRecord], test_share: float, seed: int
) -> tuple[set[str], set[str]]:
    """Outfit ids for train and test: an outfit (and everything made from it) is on one side only."""
    ids = sorted({o.outfit_id for o in outfits})
    random.Random(seed).shuffle(ids)
    n_test = max(1, int(round(len(ids) * test_share))) if len(ids) > 1 else 0
    return set(ids[n_test:]), set(ids[:n_test])


def embed_garments(
    garments: Sequence[Garment],
    embedder: TextEmbedder,
    batch: int = 64,
    cache: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Text vectors of ``garment.document()``, cached in an .npz keyed by the texts' hash."""
    import hashlib

    texts = [g.document() for g in garments]
    key = hashlib.sha256(("\n".join(texts) + embedder.name).encode()).hexdigest()[:16]
    if cache is not None:
        path = Path(cache) / f"vectors-{key}.npz"
        if path.is_file():
            return np.load(path)["vectors"]
    out = []
    for start in range(0, len(texts), batch):
        out.append(np.asarray(embedder.embed_texts(texts[start : start + batch]), dtype=np.float32))
        if progress is not None:
            progress(min(start + batch, len(texts)), len(texts))
    vectors = np.concatenate(out) if out else np.zeros((0, embedder.dim), np.float32)
    if cache is not None:
        Path(cache).mkdir(parents=True, exist_ok=True)
        np.savez(Path(cache) / f"vectors-{key}.npz", vectors=vectors)
    return vectors


def report_dict(config: TrainConfig) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()}
