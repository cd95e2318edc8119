""" "For you" over the installed catalogue: what a user's rentals say they like, applied to garments.

Rental items (RentTheRunway) are not catalogue garments, so the ranking goes through what both
have: the garment kind (the rental's category "sheath" is a dress, "romper" a jumpsuit …; a
catalogue garment's article type, and its title for finer kinds such as "maxi" or "sheath") and
the occasion ("formal affair" is formal, "everyday" casual, "vacation" travel).

Per user, from their imported rentals: how much more often than everyone they rent each kind
(a shrunk lift), how they rate it against their own average, and which occasions they rent for.
A garment scores

    category * kind lift + rating * kind rating + fine * fine-kind lift + occasion * occasion match
    + popularity * log(everyone's rentals of the kind for the occasion) + stated likes,

with reasons in words ("you rate sheath dresses highly: 9.5/10 over 4 rentals"). A user with no
rentals gets what everyone rents for the occasion and their stated likes. Disliked kinds, and
garments for another gender than the profile's, are left out.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from stylist.fashion.terms import article_key
from stylist.index.schema import Garment
from stylist.profiles.rental_data import Rentals

#: Rental categories the garment vocabulary does not know, as the garment word they are.
RENTAL_KIND = {
    "sheath": "dress",
    "shift": "dress",
    "maxi": "dress",
    "mini": "dress",
    "midi": "dress",
    "shirtdress": "dress",
    "frock": "dress",
    "print": "dress",
    "romper": "jumpsuit",
    "down": "coat",
    "parka": "coat",
    "peacoat": "coat",
    "trench": "coat",
    "cape": "coat",
    "poncho": "coat",
    "bomber": "jacket",
    "vest": "waistcoat",
    "pant": "trousers",
    "pants": "trousers",
    "culotte": "trousers",
    "culottes": "trousers",
    "trouser": "trousers",
    "legging": "leggings",
    "tight": "leggings",
    "tank": "top",
    "cami": "top",
    "kimono": "top",
    "kaftan": "top",
    "caftan": "top",
    "knit": "sweater",
    "pullover": "sweater",
    "turtleneck": "sweater",
    "henley": "t-shirt",
    "tee": "t-shirt",
}
HIGH = 8.0
"""A mean rating at or above this (of 10) is "rated highly"."""
#: Rental occasions as the catalogue's occasion words.
RENTAL_OCCASION = {
    "wedding": "wedding",
    "formal affair": "formal",
    "party": "party",
    "everyday": "casual",
    "work": "work",
    "date": "date",
    "vacation": "travel",
}
#: Catalogue occasions that also suit a rental occasion (a formal garment suits a wedding).
RELATED = {
    "wedding": {"formal"},
    "formal": {"wedding"},
    "date": {"party"},
    "work": {"office"},
    "casual": set(),
}


def kind_of(category: str) -> str:
    """The garment word of a rental category ("gown" -> "dress", "romper" -> "jumpsuit")."""
    c = category.strip().lower()
    return RENTAL_KIND.get(c) or article_key(c)


@dataclass
class CatalogueWeights:
    category: float = 1.0
    rating: float = 1.0
    fine: float = 0.5
    occasion: float = 1.5
    popularity: float = 0.5
    stated: float = 3.0
    shrink: float = 2.0


@dataclass
class CataloguePick:
    garment: Garment
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Taste:
    kinds: Counter[str]
    fines: Counter[str]
    kind_rating: dict[str, list[float]]
    fine_rating: dict[str, list[float]]
    occasions: Counter[str]
    mean: float


class CatalogueForYou:
    """Everyone's kind-by-occasion counts, and each user's taste, from rental history."""

    def __init__(self, weights: CatalogueWeights | None = None) -> None:
        self.weights = weights or CatalogueWeights()
        self.kind_share: dict[str, float] = {}
        self.fine_share: dict[str, float] = {}
        self.kind_occasion: dict[tuple[str, str], int] = {}
        self.tastes: dict[str, _Taste] = {}
        self.mu = 0.0

    def fit(self, data: Rentals) -> CatalogueForYou:
        kinds = [kind_of(c) if c else "" for c in data.category.tolist()]
        fines = [c.strip().lower() for c in data.category.tolist()]
        occasions = [RENTAL_OCCASION.get(o, o) for o in data.occasion.tolist()]
        self.mu = float(np.nanmean(data.rating)) if np.isfinite(data.rating).any() else 0.0
        total = Counter(k for k in kinds if k)
        n = sum(total.values()) or 1
        self.kind_share = {k: v / n for k, v in total.items()}
        fine_total = Counter(f for f in fines if f)
        self.fine_share = {k: v / n for k, v in fine_total.items()}
        self.kind_occasion = dict(Counter((k, o) for k, o in zip(kinds, occasions) if k and o))
        rows: dict[str, list[int]] = defaultdict(list)
        for n_row, user in enumerate(data.user.tolist()):
            rows[user].append(n_row)
        for user, idx in rows.items():
            kr: dict[str, list[float]] = defaultdict(list)
            fr: dict[str, list[float]] = defaultdict(list)
            for k in idx:
                r = float(data.rating[k])
                if kinds[k] and r == r:
                    kr[kinds[k]].append(r)
                    fr[fines[k]].append(r)
            ratings = [r for k in idx if (r := float(data.rating[k])) == r]
            self.tastes[user] = _Taste(
                kinds=Counter(kinds[k] for k in idx if kinds[k]),
                fines=Counter(fines[k] for k in idx if fines[k]),
                kind_rating=dict(kr),
                fine_rating=dict(fr),
                occasions=Counter(occasions[k] for k in idx if occasions[k]),
                mean=float(np.mean(ratings)) if ratings else float("nan"),
            )
        return self

    def knows(self, user: str) -> bool:
        return user in self.tastes

    def _lift(self, counts: Counter[str], share: dict[str, float], key: str) -> float:
        """log of how much more often than everyone the user rents ``key`` (shrunk)."""
        p = share.get(key, 0.0)
        if not p:
            return 0.0
        k, total = self.weights.shrink, sum(counts.values())
        return math.log((counts.get(key, 0) + k * p) / (total + k) / p)

    def _rating(self, taste: _Taste, ratings: list[float]) -> float:
        """How the user rates a kind against everyone's average rating, shrunk by one pseudo-rating,
        on a 0-1 scale per point of the 2-10 scale / 2."""
        if not ratings:
            return 0.0
        return float(sum(r - self.mu for r in ratings) / (len(ratings) + 1)) / 2

    def rank(
        self,
        user: str,
        garments: Iterable[Garment],
        occasion: str | None = None,
        k: int = 10,
        liked_kinds: Iterable[str] = (),
        disliked_kinds: Iterable[str] = (),
        genders: set[str] | None = None,
    ) -> list[CataloguePick]:
        """The ``k`` best garments for ``user`` (for ``occasion``, a rental or catalogue word)."""
        w = self.weights
        occ = RENTAL_OCCASION.get(occasion, occasion) if occasion else None
        taste = self.tastes.get(user)
        liked = {article_key(x) for x in liked_kinds}
        disliked = {article_key(x) for x in disliked_kinds}
        picks: list[CataloguePick] = []
        for g in garments:
            kind = article_key(g.article_type)
            if kind in disliked or (genders and g.gender.value not in genders):
                continue
            fine = self._fine_kind(g)
            score, reasons = 0.0, []
            if taste is not None:
                lift = self._lift(taste.kinds, self.kind_share, kind)
                rate = self._rating(taste, taste.kind_rating.get(kind, []))
                fine_lift = self._lift(taste.fines, self.fine_share, fine) if fine else 0.0
                score += w.category * lift + w.rating * rate + w.fine * fine_lift
                reasons += self._taste_reasons(taste, kind, fine, lift, rate, fine_lift)
            wanted = {occ} if occ else set(taste.occasions) if taste else set()
            match = self._occasion_match(g, wanted, taste)
            score += w.occasion * match
            if match > 0 and occ:
                reasons.append(f"for {occasion}: {', '.join(g.occasions)}")
            elif match > 0 and taste is not None:
                top = max(
                    (o for o in g.occasions if o in taste.occasions), key=taste.occasions.get, default=""
                )
                if top:
                    reasons.append(f"you rent for {top} ({_times(taste.occasions[top])} so far)")
            pop = self._popularity(kind, occ)
            score += w.popularity * math.log1p(pop)
            if taste is None and pop:
                reasons.append(
                    f"customers rented {pop} {_plural(kind)}" + (f" for {occasion}" if occ else "")
                )
            if kind in liked:
                score += w.stated
                reasons.insert(0, f"you said you like {kind}")
            picks.append(CataloguePick(g, score, reasons[:3]))
        picks.sort(key=lambda p: -p.score)
        return picks[:k]

    def _fine_kind(self, g: Garment) -> str:
        words = set(g.title.lower().replace("-", " ").split())
        return next((f for f in self.fine_share if f in words and f != article_key(g.article_type)), "")

    def _occasion_match(self, g: Garment, wanted: set[str], taste: _Taste | None) -> float:
        if not wanted:
            return 0.0
        mine = set(g.occasions)
        if mine & wanted:
            if taste is None or len(wanted) == 1:
                return 1.0
            total = sum(taste.occasions.values()) or 1
            return sum(taste.occasions.get(o, 0) for o in mine & wanted) / total
        if any(mine & RELATED.get(o, set()) for o in wanted):
            return 0.5
        return 0.0

    def _popularity(self, kind: str, occasion: str | None) -> int:
        if occasion:
            return self.kind_occasion.get((kind, occasion), 0)
        return sum(v for (k, _), v in self.kind_occasion.items() if k == kind)

    def _taste_reasons(
        self, taste: _Taste, kind: str, fine: str, lift: float, rate: float, fine_lift: float
    ) -> list[str]:
        out = []
        if fine_lift > 0:
            name, ratings, count = (
                f"{fine} {_plural(kind)}",
                taste.fine_rating.get(fine, []),
                taste.fines[fine],
            )
        else:
            name, ratings, count = _plural(kind), taste.kind_rating.get(kind, []), taste.kinds.get(kind, 0)
        if ratings and np.mean(ratings) >= HIGH and (rate > 0 or lift > 0 or fine_lift > 0):
            n = len(ratings)
            out.append(
                f"you rate {name} highly: {np.mean(ratings):.1f}/10 over {n} rental{'s' if n > 1 else ''}"
            )
        elif lift > 0 or fine_lift > 0:
            out.append(f"you often rent {name} ({count} of {sum(taste.kinds.values())} rentals)")
        return out


def _plural(word: str) -> str:
    if word.endswith(("ss", "sh", "ch", "x")):
        return word + "es"
    return word if word.endswith("s") else word + "s"


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"
