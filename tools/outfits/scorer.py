"""Score an outfit 0-1 with the learned model and explain it with attribute diagnostics."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from stylist.errors import ToolInputError
from stylist.index.schema import Garment
from stylist.tools.outfits.attributes import missing_slots, pair_issues
from stylist.tools.outfits.checkpoint import load_checkpoint
from stylist.tools.outfits.features import item_features
from stylist.tools.outfits.infer import pair_logit_matrix, sigmoid
from stylist.tools.outfits.schemas import OutfitIssue, OutfitScore, PairReport

if TYPE_CHECKING:
    from stylist.tools.outfits.model import CompatModel

log = logging.getLogger(__name__)
VectorFn = Callable[[Sequence[Garment]], np.ndarray]


def verdict(score: float) -> str:
    if score >= 0.7:
        return "works well"
    if score >= 0.5:
        return "works"
    if score >= 0.3:
        return "weak"
    return "does not work"


def check_outfit(garments: Sequence[Garment]) -> None:
    """An outfit needs two or more distinct garments."""
    ids = [g.id for g in garments]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ToolInputError(
            f"duplicate item id(s) in the outfit: {', '.join(dupes)}", hint="list each garment once"
        )
    if len(garments) < 2:
        raise ToolInputError(
            f"an outfit needs at least two items to score, got {len(garments)}",
            hint="add the other garments, or use build_outfit with this one as an anchor to complete it",
        )


class CompatibilityScorer:
    """The learned model plus a way to get each garment's text vector."""

    def __init__(self, model: CompatModel, vectors: VectorFn, *, name: str = "compat") -> None:
        self.model = model
        self.vectors = vectors
        self.name = name

    def features(self, garments: Sequence[Garment]) -> tuple[np.ndarray, np.ndarray]:
        vecs = np.asarray(self.vectors(garments), dtype=np.float32)
        want = self.model.config.text_dim
        if vecs.ndim != 2 or vecs.shape[1] != want:
            # said in every score's ``model`` field, not only in the log
            self.name = f"{self.name.split(' (')[0]} (attributes only: no {want}-d text vectors)"
            log.warning(
                "text vectors have shape %s, the compatibility model wants %d-d; using attributes only",
                vecs.shape,
                want,
            )
            vecs = np.zeros((len(garments), want), dtype=np.float32)
        return item_features(garments, vecs, self.model.config.token_buckets)

    def pair_matrix(self, garments: Sequence[Garment]) -> np.ndarray:
        """``(n, n)`` pair logits among ``garments``."""
        feats, types = self.features(garments)
        return pair_logit_matrix(self.model, feats, types)

    def score(self, garments: Sequence[Garment]) -> OutfitScore:
        check_outfit(garments)
        return explain(list(garments), self.pair_matrix(garments), self.name)


def explain(garments: list[Garment], logits: np.ndarray, model_name: str) -> OutfitScore:
    """The score (mean pair logit through a sigmoid) and the words: weakest pair, rules, slots."""
    pairs = []
    issues: list[OutfitIssue] = []
    for i, j in combinations(range(len(garments)), 2):
        a, b = garments[i], garments[j]
        found = pair_issues(a, b)
        for issue in found:
            issues.append(
                OutfitIssue(
                    kind=issue.kind, detail=f"{a.title} + {b.title}: {issue.detail}", items=[a.id, b.id]
                )
            )
        pairs.append(
            PairReport(
                items=(a.id, b.id),
                titles=(a.title, b.title),
                score=round(float(sigmoid(logits[i, j])), 4),
                reasons=[f"{x.kind}: {x.detail}" for x in found],
            )
        )
    pairs.sort(key=lambda p: (p.score, p.items))
    iu = np.triu_indices(len(garments), 1)
    score = round(float(sigmoid(float(np.mean(logits[iu])))), 4)
    missing = missing_slots(garments)
    for slot in missing:
        issues.append(OutfitIssue(kind="missing slot", detail=f"no {slot}"))
    weakest = pairs[0] if pairs else None
    words = [f"Compatibility {score:.2f} ({verdict(score)})."]
    if weakest is not None:
        why = (
            "; ".join(weakest.reasons)
            if weakest.reasons
            else (
                "no colour, formality or season rule is broken; of these pairs the model is least sure "
                "of this one"
            )
        )
        words.append(f"Weakest pair: {weakest.titles[0]} + {weakest.titles[1]} ({weakest.score:.2f}): {why}.")
    if missing:
        words.append("Missing: " + ", ".join(missing) + ".")
    return OutfitScore(
        score=score,
        verdict=verdict(score),
        items=[g.summary() for g in garments],
        weakest_pair=weakest,
        pairs=pairs,
        issues=issues,
        missing_slots=missing,
        explanation=" ".join(words),
        model=model_name,
    )


OWN_VECTOR_CACHE = 50_000
#: The packaged model ``outfits.checkpoint = auto`` falls back to.
DEFAULT_CHECKPOINT = "maryland"


def runtime_vectors(runtime: Any, model_embedder: str | None = None) -> VectorFn:
    """Text vectors from the catalogue index (precomputed) when the index was embedded with the text
    model the compatibility model reads (``model_embedder``), else from that model itself.

    A catalogue indexed with ``--fast`` (static vectors) is scored on the same MiniLM vectors the
    model was trained on: the garments an outfit build considers (a few dozen) are embedded once and
    kept, so Kaggle and demo garments reach the model in the same text space as the real outfits.
    """
    own: dict[str, np.ndarray] = {}

    def embedder() -> Any:
        from stylist.index.embed.text import EMBEDDED_NAME

        if model_embedder == EMBEDDED_NAME:
            return runtime.text_embedder_named(model_embedder)
        return runtime.text_embedder

    def vectors(garments: Sequence[Garment]) -> np.ndarray:
        index = runtime.catalogue_index
        ids = [g.id for g in garments]
        built_with = getattr(getattr(index, "manifest", None), "embedder", None)
        same = model_embedder is None or built_with in (None, model_embedder)
        if same and all(i in index for i in ids):
            return np.asarray(index.vectors_for(ids), dtype=np.float32)
        missing = [g for g in garments if g.id not in own]
        if missing:
            if len(own) > OWN_VECTOR_CACHE:
                own.clear()
            found = np.asarray(embedder().embed_texts([g.document() for g in missing]), dtype=np.float32)
            own.update(zip((g.id for g in missing), found))
        return np.stack([own[i] for i in ids]) if ids else np.zeros((0, 1), np.float32)

    return vectors


def scorer_from_settings(runtime: Any) -> CompatibilityScorer:
    """The scorer the runtime serves: ``outfits.checkpoint`` (auto: a trained user model, else the
    packaged ``DEFAULT_CHECKPOINT``)."""
    setting = runtime.settings.outfits.checkpoint
    if setting == "auto":
        user = runtime.settings.models_dir / "compat.pt"
        setting = str(user) if user.is_file() else DEFAULT_CHECKPOINT
    model, meta = load_checkpoint(setting, device=runtime.settings.outfits.device)
    vectors = runtime_vectors(runtime, model.config.embedder)
    return CompatibilityScorer(model, vectors, name=str(meta.get("name", setting)))
