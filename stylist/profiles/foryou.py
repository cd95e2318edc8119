""" "For you": rank items for a user from rental history, with reasons.

Signals per candidate item, each z-scored over the candidates and blended with ``RankWeights``:

- ``popularity``: log(1 + rentals of the item);
- ``occasion``: log(1 + rentals of the item for the asked occasion) (popularity when none is asked);
- ``mf``: the implicit MF score q_u·p_i + b_i (``stylist.profiles.ratings.ImplicitMF``), for users
  it has seen;
- ``category``: the user's affinity for the item's category: the shrunk share of their rentals in
  it, plus their stated liked article types (the cold-start profile);
- ``rating``: the item's bias in the explicit rating model (items people rate highly).

Cold-start users (no history) get popularity, occasion popularity and their stated profile. The
default weights were chosen on a validation split later in time than training
(``benchmarks/personalisation.py --dataset renttherunway``), never on its test split.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

import numpy as np

from stylist.profiles.ratings import ExplicitMF, ImplicitMF
from stylist.profiles.rental_data import Rentals

SIGNALS = ("popularity", "occasion", "mf", "category", "rating")


@dataclass
class RankWeights:
    popularity: float = 0.0
    occasion: float = 1.0
    mf: float = 0.5
    category: float = 0.5
    rating: float = 0.0
    shrink: float = 2.0
    """Pseudo-count shrinking a user's category shares towards everyone's."""
    stated: float = 3.0
    """Added (unscaled) to items in a category the user said they like. Not tuned (nobody in the
    rental data states likes): set above the spread of one z-scored signal, so saying it counts."""

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


#: Chosen on the validation split of ``benchmarks/personalisation.py --dataset renttherunway`` (HR@10
#: over a grid; the MF weight came out 0 for warm and cold users alike: the implicit MF ranked no
#: better than popularity there, so it is off by default).
WARM = RankWeights(popularity=0.0, occasion=1.0, mf=0.0, category=0.5, rating=0.5)
COLD = RankWeights(popularity=1.0, occasion=2.0, mf=0.0, category=0.0, rating=0.0)


@dataclass
class Recommendation:
    item_id: str
    score: float
    category: str | None
    components: dict[str, float]
    reasons: list[str] = field(default_factory=list)


_OCCASION = {"wedding": "weddings", "party": "parties", "date": "dates", "vacation": "vacations"}


def _plural(word: str) -> str:
    return word + ("es" if word.endswith(("s", "sh", "ch", "x")) else "s")


def _z(x: np.ndarray) -> np.ndarray:
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)


class RentalRecommender:
    """Trained on a ``Rentals`` history; ``scores`` ranks every item it knows for one user."""

    def __init__(self, weights: RankWeights | None = None, cold: RankWeights | None = None) -> None:
        self.weights = weights or WARM
        self.cold = cold or COLD
        self.items: list[str] = []
        self.index: dict[str, int] = {}
        self.category: list[str] = []
        self.pop = np.zeros(0)
        self.occ: dict[str, np.ndarray] = {}
        self.user_items: dict[str, list[tuple[str, float]]] = {}
        self.users_of: dict[str, set[str]] = {}
        self.user_cats: dict[str, Counter[str]] = {}
        self.cat_share: dict[str, float] = {}
        self.implicit: ImplicitMF | None = None
        self.explicit: ExplicitMF | None = None

    def fit(
        self, data: Rentals, implicit: ImplicitMF | None = None, explicit: ExplicitMF | None = None
    ) -> RentalRecommender:
        self.items = list(dict.fromkeys(data.item.tolist()))
        self.index = {i: n for n, i in enumerate(self.items)}
        cats: dict[str, Counter[str]] = defaultdict(Counter)
        for item, cat in zip(data.item.tolist(), data.category.tolist()):
            if cat:
                cats[item][cat] += 1
        self.category = [cats[i].most_common(1)[0][0] if cats[i] else "" for i in self.items]
        ids = np.array([self.index[i] for i in data.item.tolist()], dtype=np.int64)
        n = len(self.items)
        self.pop = np.log1p(np.bincount(ids, minlength=n).astype(float))
        self.occ = {}
        for occasion in set(data.occasion.tolist()) - {""}:
            mask = data.occasion == occasion
            self.occ[occasion] = np.log1p(np.bincount(ids[mask], minlength=n).astype(float))
        self.users_of: dict[str, set[str]] = defaultdict(set)
        for user, item in zip(data.user.tolist(), data.item.tolist()):
            self.users_of[item].add(user)
        self.user_items = defaultdict(list)
        self.user_cats = defaultdict(Counter)
        for user, item, rating, cat in zip(
            data.user.tolist(), data.item.tolist(), data.rating.tolist(), data.category.tolist()
        ):
            self.user_items[user].append((item, rating))
            if cat:
                self.user_cats[user][cat] += 1
        total = Counter(c for c in data.category.tolist() if c)
        all_n = sum(total.values()) or 1
        self.cat_share = {c: v / all_n for c, v in total.items()}
        self.implicit, self.explicit = implicit, explicit
        if self.implicit is not None:
            self._mf_rows = np.array([self.implicit.items.get(i, -1) for i in self.items])
        if self.explicit is not None:
            bi = self.explicit.p["bi"]
            self._item_bias = np.array(
                [bi[self.explicit.items[i]] if i in self.explicit.items else 0.0 for i in self.items]
            )
        return self

    def knows(self, user: str) -> bool:
        return user in self.user_items

    def components(
        self, user: str, occasion: str | None = None, liked_categories: list[str] | None = None
    ) -> dict[str, np.ndarray]:
        """Each signal's raw value for every item (in ``self.items`` order)."""
        n = len(self.items)
        out = {"popularity": self.pop, "occasion": self.occ.get(occasion or "", self.pop)}
        mf = np.zeros(n)
        if self.implicit is not None and self.implicit.users.get(user) is not None:
            s = self.implicit.scores(user)
            mf = np.where(self._mf_rows >= 0, s[np.maximum(self._mf_rows, 0)], s.min())
        out["mf"] = mf
        cats = self.user_cats.get(user, Counter())
        k, total = self.weights.shrink, sum(cats.values())
        share = {c: (cats.get(c, 0) + k * p) / (total + k) - p for c, p in self.cat_share.items()}
        out["category"] = np.array([share.get(c, 0.0) for c in self.category])
        liked = set(liked_categories or [])
        out["stated"] = np.array([1.0 if c in liked else 0.0 for c in self.category])
        out["rating"] = self._item_bias if self.explicit is not None else np.zeros(n)
        return out

    def weighted(
        self, user: str, occasion: str | None = None, liked_categories: list[str] | None = None
    ) -> dict[str, np.ndarray]:
        """Each signal's contribution to every item's score (warm or cold-start weights)."""
        comps = self.components(user, occasion, liked_categories)
        w = (self.weights if self.knows(user) else self.cold).as_dict()
        out = {name: w[name] * _z(comps[name]) for name in SIGNALS}
        out["stated"] = w["stated"] * comps["stated"]
        return out

    def scores(
        self, user: str, occasion: str | None = None, liked_categories: list[str] | None = None
    ) -> np.ndarray:
        return sum(self.weighted(user, occasion, liked_categories).values())  # type: ignore[return-value]

    def recommend(
        self,
        user: str,
        occasion: str | None = None,
        k: int = 10,
        liked_categories: list[str] | None = None,
        exclude_rented: bool = True,
    ) -> list[Recommendation]:
        zs = self.weighted(user, occasion, liked_categories)
        total = sum(zs.values())
        if exclude_rented:
            for item, _ in self.user_items.get(user, []):
                total[self.index[item]] = -np.inf
        order = np.argsort(-total, kind="stable")[:k]
        return [
            Recommendation(
                item_id=self.items[n],
                score=float(total[n]),
                category=self.category[n] or None,
                components={name: round(float(v[n]), 3) for name, v in zs.items()},
                reasons=self.reasons(user, n, occasion, zs, liked_categories or []),
            )
            for n in order
            if np.isfinite(total[n])
        ]

    def reasons(
        self, user: str, n: int, occasion: str | None, zs: dict[str, np.ndarray], liked: list[str]
    ) -> list[str]:
        out = []
        if twin := self._twin(user, n):
            out.append(f"people who rented {twin[0]} (you rated it {twin[1]:g}/10) also rented this")
        cat = self.category[n]
        contributions = sorted(((float(v[n]), s) for s, v in zs.items()), reverse=True)
        for value, signal in contributions:
            if value <= 0:
                continue
            if signal == "mf":
                out.append("people with rentals like yours rented it")
            elif signal == "stated" and cat:
                out.append(f"you said you like {_plural(cat)}")
            elif signal == "category" and cat:
                rated = [r for i, r in self.user_items.get(user, []) if self.category[self.index[i]] == cat]
                if rated:
                    good = [r for r in rated if r == r]
                    mean = f", rated {np.mean(good):.1f}/10 on average" if good else ""
                    out.append(
                        f"you rented {len(rated)} {_plural(cat) if len(rated) > 1 else cat} before{mean}"
                    )
            elif signal == "occasion" and occasion and occasion in self.occ:
                count = int(round(np.expm1(self.occ[occasion][n])))
                out.append(f"rented {count} times for {_OCCASION.get(occasion, occasion)}")
            elif signal == "popularity":
                out.append(f"popular: rented {int(round(np.expm1(self.pop[n])))} times")
            elif signal == "rating":
                out.append("people rate it highly")
        return out[:3]

    def _twin(self, user: str, n: int) -> tuple[str, float] | None:
        """Of the items the user rated 8/10 or more, the one most often rented by the same people
        as item ``n`` (None when none shares a renter)."""
        renters = self.users_of.get(self.items[n], set())
        best, best_shared = None, 0
        for item, rating in self.user_items.get(user, []):
            if not (rating == rating and rating >= 8) or item == self.items[n]:
                continue
            shared = len(renters & self.users_of.get(item, set()))
            if shared > best_shared:
                best, best_shared = (item, rating), shared
        return best
