"""The preference model: what a user likes, learned from their profile and feedback, used to
re-rank search results and outfit candidates.

Three signals, blended:

- **content** (from the first interaction): a preference vector in the catalogue's embedding
  space, the time-decayed sum of the vectors of items the user liked, saved or bought minus
  those they disliked; plus attribute affinities (colour, material, pattern, brand, article
  type): the share of the user's (time-decayed, shrunk) feedback weight with the attribute,
  above the attribute's rate among the candidates, or as a penalty its share among their
  dislikes; and the profile's stated likes.
  Stated dislikes are **hard filters** (such items are dropped); learned dislikes and
  over-budget prices are soft penalties.
- **collaborative** (once several users have interacted): biased matrix factorisation
  r_ui = mu + b_u + b_i + q_u·p_i (``stylist.profiles.mf``), weighted by the user's confidence
  n / (n + mf_k) for n interactions; and an item **popularity prior**, log(1 + users who liked,
  saved or bought it), which carries the ranking while a user has little feedback of their own.
- the **base** relevance score of the hit (the search engine's), z-scored per list.

The default weights were chosen on a validation split of simulated users
(``benchmarks/personalisation.py --tune``), never on the held-out split it reports.

Each re-ranked hit says why, from its largest personal contribution: "you liked linen last week",
"you said you like navy", "similar to the Black linen shirt you saved yesterday".
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from stylist.index.schema import Garment
from stylist.profiles.mf import MatrixFactorisation, MFConfig
from stylist.profiles.store import ProfileStore, utcnow
from stylist.profiles.taste import (
    FEEDBACK_WEIGHT,
    VERB,
    BlendWeights,
    Evidence,
    RankedHit,
    UserTaste,
    garment_attributes,
    humanise_age,
    stated,
)

log = logging.getLogger(__name__)


class PreferenceModel:
    """Re-ranks hits for a user. ``catalogue`` returns the catalogue index (for garments and
    ``vectors_for``); ``embed`` embeds garments when the index has no vectors for them."""

    def __init__(
        self,
        store: ProfileStore,
        catalogue: Callable[[], Any] | None = None,
        embed: Callable[[Sequence[Garment]], np.ndarray | None] | None = None,
        *,
        weights: BlendWeights | None = None,
        mf_config: MFConfig | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self._catalogue = catalogue
        self._embed = embed
        self.weights = weights or BlendWeights()
        self.mf_config = mf_config or MFConfig()
        self.clock = clock
        self._mf: MatrixFactorisation | None = None
        self._mf_version: tuple[int, int] = (-1, -1)
        self._mf_trained_at = 0.0
        self._popularity: Counter[str] = Counter()
        self._lock = threading.Lock()

    @classmethod
    def from_runtime(cls, runtime: Any) -> PreferenceModel:
        def embed(garments: Sequence[Garment]) -> np.ndarray | None:
            embedder = runtime.text_embedder
            return None if embedder is None else embedder.embed_texts([g.document() for g in garments])

        return cls(runtime.profile_store, catalogue=lambda: runtime.catalogue_index, embed=embed)

    # -- vectors ------------------------------------------------------------------------------

    def vectors(self, garments: Sequence[Garment]) -> np.ndarray | None:
        """L2-normalised vectors of ``garments`` from the index, else from the embedder."""
        if not garments:
            return None
        if self._catalogue is not None:
            try:
                v = np.asarray(self._catalogue().vectors_for([g.id for g in garments]), dtype=np.float32)
                if v.shape[0] == len(garments):
                    return v
            except Exception as exc:  # noqa: BLE001 - any index without vectors falls back to embedding
                log.debug("vectors_for failed (%s); embedding instead", type(exc).__name__)
        if self._embed is not None:
            v = self._embed(garments)
            if v is not None:
                return np.asarray(v, dtype=np.float32)
        return None

    def _garments(self, ids: Sequence[str]) -> dict[str, Garment]:
        if self._catalogue is None:
            return {}
        index = self._catalogue()
        out = {}
        for i in dict.fromkeys(ids):
            if i in index:
                out[i] = index.get(i)
        return out

    # -- the user's taste ---------------------------------------------------------------------

    def taste(self, user_id: str) -> UserTaste:
        profile = self.store.get_profile(user_id)
        events = self.store.feedback(user_id) if profile.feedback_count else []
        now = self.clock()
        garments = self._garments([e.item_id for e in events])
        evidence: dict[tuple[str, str], Evidence] = {}
        weighted: list[tuple[Garment, float]] = []
        positives: list[tuple[Garment, str, datetime]] = []
        disliked: set[str] = set()
        latest: dict[str, tuple[Garment, float]] = {}  # the latest statement about an item wins
        for e in events:
            g = garments.get(e.item_id)
            if g is None:
                continue
            decay = 0.5 ** (
                max((now - e.created_at).total_seconds(), 0) / 86400 / self.weights.half_life_days
            )
            w = FEEDBACK_WEIGHT[e.kind] * decay
            weighted.append((g, w))
            latest[g.id] = (g, w)
            if e.kind == "dislike":
                disliked.add(g.id)
            else:
                positives.append((g, e.kind, e.created_at))
                disliked.discard(g.id)
                for attr in garment_attributes(g):
                    evidence[attr] = Evidence(w, e.created_at, VERB[e.kind], g.title)
        liked: dict[tuple[str, str], float] = {}
        hated: dict[tuple[str, str], float] = {}
        for g, w in latest.values():
            side = liked if w > 0 else hated
            for attr in garment_attributes(g):
                side[attr] = side.get(attr, 0.0) + abs(w)
        liked_total = sum(w for _, w in latest.values() if w > 0)
        disliked_total = sum(-w for _, w in latest.values() if w < 0)
        vector = None
        if weighted:
            vecs = self.vectors([g for g, _ in weighted])
            if vecs is not None:
                v = (vecs * np.array([w for _, w in weighted], dtype=np.float32)[:, None]).sum(axis=0)
                norm = float(np.linalg.norm(v))
                vector = v / norm if norm > 0 else None
        return UserTaste(
            profile,
            len(events),
            vector,
            liked,
            hated,
            liked_total,
            disliked_total,
            evidence,
            positives,
            disliked,
        )

    # -- collaborative part -------------------------------------------------------------------

    def mf_model(self) -> MatrixFactorisation | None:
        """The MF model over everyone's feedback, retrained when feedback changed enough (or
        shrank, so deleted users vanish from it); ``None`` while too few users interacted."""
        self._refresh()
        return self._mf

    def popularity(self) -> Counter[str]:
        """Per item, how many users liked, saved or bought it (their latest word on it); empty
        while fewer than ``popularity_min_users`` users gave positive feedback."""
        self._refresh()
        return self._popularity

    def _refresh(self) -> None:
        with self._lock:
            version = self.store.version()
            if version != self._mf_version:
                grew = version[0] - self._mf_version[0]
                stale = (
                    version[0] < self._mf_version[0]
                    or self._mf is None
                    or grew >= max(1, 0.1 * self._mf_version[0])
                    or time.monotonic() - self._mf_trained_at > 60
                )
                if stale:
                    self._train(version)

    def _train(self, version: tuple[int, int]) -> None:
        w = self.weights
        rows = self.store.interactions()
        users = {u for u, _, k, _ in rows if k != "dislike"}
        self._mf_version, self._mf_trained_at = version, time.monotonic()
        rows.sort(key=lambda r: r[3])
        last = {(u, i): k for u, i, k, _ in rows}
        self._popularity = (
            Counter(i for (_, i), k in last.items() if k != "dislike")
            if len(users) >= w.popularity_min_users
            else Counter()
        )
        if not w.mf or len(users) < w.mf_min_users or len(rows) < w.mf_min_interactions:
            self._mf = None
            return
        self._mf = MatrixFactorisation(self.mf_config).fit([(u, i, k) for u, i, k, _ in rows])

    # -- re-ranking ---------------------------------------------------------------------------

    def rerank(self, user_id: str, hits: Sequence[Any], *, hard_filters: bool = True) -> list[RankedHit]:
        """``hits`` ((garment, score) pairs or objects with ``.garment`` and ``.score``) in the
        user's order, with blended scores and a reason. With nothing known about the user the
        order and scores are unchanged."""
        pairs = [_pair(h) for h in hits]
        if not pairs:
            return []
        taste = self.taste(user_id)
        if taste.is_empty:
            return [RankedHit(g, s, s) for g, s in pairs]
        if hard_filters:
            kept = [(g, s) for g, s in pairs if not self._excluded(g, taste)]
            pairs = kept or pairs
        return self._blend(user_id, taste, pairs)

    def _excluded(self, g: Garment, taste: UserTaste) -> bool:
        if g.id in taste.disliked_items:
            return True
        disliked = stated(taste.profile, "dislike")
        return any(value in disliked.get(kind, ()) for kind, value in garment_attributes(g)) or any(
            s in g.document().lower() for s in disliked.get("style", ())
        )

    def _blend(self, user_id: str, taste: UserTaste, pairs: list[tuple[Garment, float]]) -> list[RankedHit]:
        w = self.weights
        now = self.clock()
        floor = w.score_floor
        base_z = _z(np.array([s for _, s in pairs], dtype=np.float64), floor)
        garments = [g for g, _ in pairs]

        content = np.zeros(len(pairs))
        c_conf = taste.n_events / (taste.n_events + w.content_k)
        vecs = self.vectors(garments) if taste.vector is not None else None
        if vecs is not None:
            content = _z(vecs @ taste.vector, floor)

        mf = np.zeros(len(pairs))
        model = self.mf_model() if taste.n_events else None
        mf_conf = 0.0
        counts = self.popularity() if taste.n_events else Counter()
        popular = np.log1p([counts.get(g.id, 0) for g in garments]) if counts else np.zeros(len(pairs))
        popular = (
            popular - popular.mean()
        )  # a prior in log-count units, not standardised: one like is not a star
        if model is not None and model.knows(user_id):
            raw = model.predict(user_id, [g.id for g in garments])
            mf = _z(raw, floor)
            mf_conf = taste.n_events / (taste.n_events + w.mf_k)

        # how common each attribute is among the candidates: learned affinities count as the
        # share of the user's feedback with that attribute *above* this base rate
        prior: dict[tuple[str, str], float] = {}
        for g in garments:
            for attr in garment_attributes(g):
                prior[attr] = prior.get(attr, 0.0) + 1.0 / len(garments)
        positive_vecs = (
            self.vectors([p for p, _, _ in taste.positives]) if vecs is not None and taste.positives else None
        )
        out = []
        for n, g in enumerate(garments):
            attr_score, disliked, attr_why = self._attribute_score(g, taste, now, prior)
            budget = taste.profile.budget
            over = budget is not None and g.price is not None and g.price > budget
            parts = {
                "base": w.base * float(base_z[n]),
                "content": w.content * c_conf * float(content[n]),
                "attribute": attr_score,
                "disliked": disliked,
                "mf": w.mf * mf_conf * float(mf[n]),
                "popularity": w.popularity * float(popular[n]),
                "budget": -w.budget_penalty if over else 0.0,
            }
            why = self._why(
                parts, attr_why, g, taste, vecs[n] if vecs is not None else None, positive_vecs, now
            )
            out.append(RankedHit(g, round(sum(parts.values()), 6), pairs[n][1], why, parts))
        out.sort(key=lambda h: -h.score)
        return out

    def _attribute_score(
        self, g: Garment, taste: UserTaste, now: datetime, prior: dict[tuple[str, str], float]
    ) -> tuple[float, float, str | None]:
        """Stated likes and learned affinities of the item's attributes, weighted, the learned
        dislike penalty, and the reason: the strongest positive contribution."""
        w = self.weights
        score = penalty = 0.0
        reasons: list[tuple[float, str]] = []
        likes = stated(taste.profile, "like")
        total = taste.liked_total + taste.disliked_total + w.shrinkage
        for kind, value in garment_attributes(g):
            if value in likes.get(kind, ()):
                score += w.attribute
                reasons.append((w.attribute, f"you said you like {value}"))
            # share of the feedback weight, shrunk towards 0 while there is little of it; a liked
            # attribute counts only above its base rate (navy is common: liking navy items
            # says less than liking linen ones)
            share = (taste.liked.get((kind, value), 0.0) - taste.disliked.get((kind, value), 0.0)) / total
            learned = (
                w.learned_attribute * max(share - prior.get((kind, value), 0.0), 0.0) if share > 0 else 0.0
            )
            if share < 0:
                penalty += w.learned_dislike * share
            if learned:
                score += learned
                ev = taste.evidence.get((kind, value))
                if learned > 0 and ev is not None:
                    shown = g.brand if kind == "brand" and g.brand else value
                    reasons.append((learned, f"you {ev.verb} {shown} {humanise_age(ev.when, now)}"))
        if likes.get("style"):
            doc = g.document().lower()
            for style in likes["style"]:
                if style in doc:
                    score += w.attribute
                    reasons.append((w.attribute, f"you said you like {style} styles"))
        return score, penalty, max(reasons, key=lambda r: r[0])[1] if reasons else None

    def _why(
        self,
        parts: dict[str, float],
        attr_why: str | None,
        g: Garment,
        taste: UserTaste,
        vec: np.ndarray | None,
        positive_vecs: np.ndarray | None,
        now: datetime,
    ) -> str | None:
        personal = {k: v for k, v in parts.items() if k in ("content", "attribute", "mf") and v > 0.25}
        if not personal:
            return None
        top = max(personal, key=personal.get)  # type: ignore[arg-type]
        # a shared attribute ("you liked linen last week") says more than a similar item, so it
        # is the reason whenever it carries at least half as much as the strongest part
        if attr_why and personal.get("attribute", 0.0) >= 0.5 * personal[top]:
            return attr_why
        if top == "content" and vec is not None and positive_vecs is not None:
            sims = positive_vecs @ vec
            for n in np.argsort(-sims):
                p, kind, when = taste.positives[int(n)]
                if p.id != g.id:
                    return f"similar to the {p.title} you {VERB[kind]} {humanise_age(when, now)}"
        if top == "mf":
            return "people with tastes like yours liked it"
        return attr_why

    def personal_scores(self, user_id: str, garments: Sequence[Garment]) -> np.ndarray:
        """Blended scores with no base relevance (whole-catalogue recommendation)."""
        hits = self.rerank(user_id, [(g, 0.0) for g in garments], hard_filters=False)
        by_id = {h.garment.id: h.score for h in hits}
        return np.array([by_id[g.id] for g in garments])


def _z(x: Any, floor: float = 1e-9) -> np.ndarray:
    """Centred scores divided by their spread, or by ``floor`` when they hardly vary (so noise
    among near-equal scores is not blown up to full weight)."""
    x = np.asarray(x, dtype=np.float64)
    return (x - x.mean()) / max(float(x.std()), floor)


def _pair(hit: Any) -> tuple[Garment, float]:
    if isinstance(hit, tuple):
        return hit[0], float(hit[1])
    return hit.garment, float(hit.score)
