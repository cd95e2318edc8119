"""Which size? Fit prediction and size advice from fit feedback (after Misra et al., RecSys 2018).

Each user has a true size theta_u and each item a size offset delta_i (positive: runs large).
Renting item i in size s, the fit outcome is ordinal (large < fit < small) in
z = theta_u - s - delta_i: with a scale w > 0 and cut points a1 < a2,

    P(large) = sigma(a1 - w z),  P(large or fit) = sigma(a2 - w z).

theta_u = prior_u + d_u: the prior is the mean size the user took before (leave-one-out while
training), else a size predicted from body measurements (a linear fit of height, weight and bust
to the sizes people took), else the size being asked about. d_u and delta_i are L2-regularised
and trained with the other parameters by full-batch Adam on the ordinal log-loss. The advised
size for (u, i) is the item's size with the highest P(fit).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from stylist.profiles.ratings import _Adam
from stylist.profiles.rental_data import FIT_NAME, Rentals


@dataclass
class FitConfig:
    steps: int = 300
    lr: float = 0.05
    reg_user: float = 2.0
    reg_item: float = 2.0
    seed: int = 0


def _sig(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


@dataclass
class BodySizeModel:
    """Size ≈ [1, height, weight, bust] · beta for whichever measurements are given (one least-squares
    fit per subset of the measurements)."""

    betas: dict[tuple[bool, ...], np.ndarray] = field(default_factory=dict)

    def fit(self, body: np.ndarray, size: np.ndarray) -> BodySizeModel:
        ok = np.isfinite(size)
        known = np.isfinite(body)
        for mask in itertools.product([False, True], repeat=body.shape[1]):
            if not any(mask):
                continue
            rows = ok & known[:, list(mask)].all(axis=1)
            if rows.sum() < 20:
                continue
            x = np.column_stack([np.ones(rows.sum()), body[rows][:, list(mask)]])
            self.betas[mask] = np.linalg.lstsq(x, size[rows], rcond=None)[0]
        return self

    def predict(self, body: np.ndarray) -> np.ndarray:
        out = np.full(len(body), np.nan)
        known = np.isfinite(body)
        for n, row in enumerate(body):
            beta = self.betas.get(tuple(known[n].tolist()))
            if beta is not None:
                out[n] = beta[0] + row[known[n]] @ beta[1:]
        return out


class FitModel:
    """P(small / fit / large) for a user renting an item in a size, and the size to advise."""

    def __init__(self, config: FitConfig | None = None) -> None:
        self.config = config or FitConfig()
        self.body = BodySizeModel()
        self.user_sizes: dict[str, list[float]] = {}
        self.users: dict[str, int] = {}
        self.items: dict[str, int] = {}
        self.item_sizes: dict[str, list[float]] = {}
        self.p: dict[str, np.ndarray] = {}

    # -- training -------------------------------------------------------------------------------

    def fit(self, data: Rentals) -> FitModel:
        cfg = self.config
        ok = (data.fit >= 0) & np.isfinite(data.size)
        d = data.take(ok)
        self.body = BodySizeModel().fit(d.body, d.size)
        sums: dict[str, list[float]] = defaultdict(list)
        sizes_of_item: dict[str, set[float]] = defaultdict(set)
        for user, item, size in zip(d.user.tolist(), d.item.tolist(), d.size.tolist()):
            sums[user].append(size)
            sizes_of_item[item].add(size)
        self.user_sizes = dict(sums)
        self.item_sizes = {k: sorted(v) for k, v in sizes_of_item.items()}
        self.users = {u: n for n, u in enumerate(self.user_sizes)}
        self.items = {i: n for n, i in enumerate(self.item_sizes)}
        u = np.array([self.users[x] for x in d.user.tolist()])
        i = np.array([self.items[x] for x in d.item.tolist()])
        # leave-one-out prior: the mean of the user's other sizes, else body, else the size itself
        total = np.bincount(u, d.size, len(self.users))
        count = np.bincount(u, minlength=len(self.users)).astype(float)
        others = count[u] - 1
        prior = np.where(others > 0, (total[u] - d.size) / np.maximum(others, 1), np.nan)
        prior = np.where(np.isfinite(prior), prior, self.body.predict(d.body))
        prior = np.where(np.isfinite(prior), prior, d.size)
        y = d.fit.astype(np.int64)  # 0 small, 1 fit, 2 large
        self.p = {
            "du": np.zeros(len(self.users)),
            "di": np.zeros(len(self.items)),
            "w": np.array([0.3]),
            "a": np.array([-2.0, 2.0]),
        }
        opt = _Adam(self.p, cfg.lr)
        n = len(y)
        for _ in range(cfg.steps):
            z = prior + self.p["du"][u] - d.size - self.p["di"][i]
            grad_z, grad_a = self._loss_grads(z, y)
            w = self.p["w"][0]
            gz = grad_z * w
            g = {
                "du": np.bincount(u, gz, len(self.users)) / n + cfg.reg_user * self.p["du"] / n,
                "di": -np.bincount(i, gz, len(self.items)) / n + cfg.reg_item * self.p["di"] / n,
                "w": np.array([(grad_z * z).sum() / n]),
                "a": grad_a / n,
            }
            opt.step(self.p, g)
            self.p["a"] = np.sort(self.p["a"])
        return self

    def _loss_grads(self, z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """d(-log P(y))/d(w z) and d/d(a1, a2) of the ordinal log-loss."""
        w, (a1, a2) = self.p["w"][0], self.p["a"]
        c1, c2 = _sig(a1 - w * z), _sig(a2 - w * z)
        eps = 1e-9
        gz, g1, g2 = np.zeros(len(z)), np.zeros(len(z)), np.zeros(len(z))
        large, fit_, small = y == 2, y == 1, y == 0
        # large: -log c1
        gz[large] = 1 - c1[large]
        g1[large] = -(1 - c1[large])
        # fit: -log(c2 - c1)
        d = np.maximum(c2 - c1, eps)
        dc1, dc2 = c1 * (1 - c1), c2 * (1 - c2)
        gz[fit_] = (dc2[fit_] - dc1[fit_]) / d[fit_]
        g1[fit_] = dc1[fit_] / d[fit_]
        g2[fit_] = -dc2[fit_] / d[fit_]
        # small: -log(1 - c2)
        gz[small] = -c2[small]
        g2[small] = c2[small]
        return gz, np.array([g1.sum(), g2.sum()])

    # -- inference ------------------------------------------------------------------------------

    def usual_size(self, user: str) -> float | None:
        sizes = self.user_sizes.get(user)
        return float(np.median(sizes)) if sizes else None

    def true_size(
        self, user: str, body: Sequence[float] | None = None, fallback: float | None = None
    ) -> float:
        """The user's estimated true size on the common size scale (NaN when nothing is known)."""
        sizes = self.user_sizes.get(user)
        if sizes:
            base = float(np.mean(sizes))
        else:
            base = float(self.body.predict(np.array([body if body is not None else [np.nan] * 3]))[0])
            if not np.isfinite(base):
                base = np.nan if fallback is None else fallback
        u = self.users.get(user)
        return base + (float(self.p["du"][u]) if u is not None else 0.0)

    def probabilities(
        self,
        users: Sequence[str],
        items: Sequence[str],
        sizes: np.ndarray,
        bodies: np.ndarray | None = None,
    ) -> np.ndarray:
        """(n, 3) P(small), P(fit), P(large) for renting each item in the given size."""
        sizes = np.asarray(sizes, dtype=float)
        theta = np.array(
            [
                self.true_size(u, None if bodies is None else bodies[n], fallback=float(sizes[n]))
                for n, u in enumerate(users)
            ]
        )
        di = np.array([self.p["di"][self.items[i]] if i in self.items else 0.0 for i in items])
        z = theta - sizes - di
        w, (a1, a2) = self.p["w"][0], self.p["a"]
        c1, c2 = _sig(a1 - w * z), _sig(a2 - w * z)
        return np.column_stack([1 - c2, c2 - c1, c1])

    def item_offset(self, item: str) -> float:
        return float(self.p["di"][self.items[item]]) if item in self.items else 0.0

    def advise(
        self, user: str, item: str, body: Sequence[float] | None = None, sizes: Sequence[float] | None = None
    ) -> tuple[float | None, dict[float, np.ndarray]]:
        """(advised size, {size: P(small, fit, large)}) over the item's sizes (or ``sizes``)."""
        theta = self.true_size(user, body)
        options = list(sizes or self.item_sizes.get(item) or [])
        if not np.isfinite(theta) or not options:
            return None, {}
        k = len(options)
        bodies = None if body is None else np.array([list(body)] * k, dtype=float)
        probs = self.probabilities([user] * k, [item] * k, np.array(options), bodies)
        table = {float(s): probs[n] for n, s in enumerate(options)}
        best = max(table, key=lambda s: (table[s][1], -abs(s - theta)))
        return best, table


def fit_label(probs: np.ndarray) -> str:
    return FIT_NAME[int(np.argmax(probs))]
