"""Which size? Fit prediction and size advice from fit feedback (after Misra et al., RecSys 2018).

Each user has a true size theta_u; renting item i in size s, the fit outcome is ordinal
(large < fit < small) in

    eta = w (theta_u - s) + b_i + b_u,   P(large) = sigma(a1 - eta),  P(large or fit) = sigma(a2 - eta),

with b_i the item's own lean (runs small > 0), b_u the user's (some call everything tight), a
learned scale w and cut points a1 < a2. theta_u = prior_u + d_u: the prior is the mean size the
user took before (leave-one-out while training), else a size predicted from body measurements (a
linear fit of height, weight and bust to the sizes people took), else the size asked about.
d_u, b_u and b_i are L2-regularised and trained with w and the cut points by full-batch Adam on
the ordinal log-loss. The sign of w is learned, not assumed: on RentTheRunway it comes out
negative (people who took a bigger size than usual more often said "small" -- they sized up for
items known to run small), so moving the advice to the size of highest P(fit) goes the wrong way;
the advice is the user's usual size and the model says how it (and its neighbours) will fit.
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
            "bu": np.zeros(len(self.users)),
            "bi": np.zeros(len(self.items)),
            "w": np.array([0.3]),
            "a": np.array([-2.0, 2.0]),
        }
        opt = _Adam(self.p, cfg.lr)
        n, n_u, n_i = len(y), len(self.users), len(self.items)
        for _ in range(cfg.steps):
            z = prior + self.p["du"][u] - d.size
            w = self.p["w"][0]
            grad, grad_a = self._loss_grads(w * z + self.p["bi"][i] + self.p["bu"][u], y)
            g = {
                "du": (np.bincount(u, grad * w, n_u) + cfg.reg_user * self.p["du"]) / n,
                "bu": (np.bincount(u, grad, n_u) + cfg.reg_user * self.p["bu"]) / n,
                "bi": (np.bincount(i, grad, n_i) + cfg.reg_item * self.p["bi"]) / n,
                "w": np.array([(grad * z).sum() / n]),
                "a": grad_a / n,
            }
            opt.step(self.p, g)
            self.p["a"] = np.sort(self.p["a"])
        return self

    def _loss_grads(self, eta: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """d(-log P(y))/d(eta) and d/d(a1, a2) of the ordinal log-loss."""
        a1, a2 = self.p["a"]
        c1, c2 = _sig(a1 - eta), _sig(a2 - eta)
        eps = 1e-9
        gz, g1, g2 = np.zeros(len(eta)), np.zeros(len(eta)), np.zeros(len(eta))
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
        bi = np.array([self.p["bi"][self.items[i]] if i in self.items else 0.0 for i in items])
        bu = np.array([self.p["bu"][self.users[u]] if u in self.users else 0.0 for u in users])
        eta = self.p["w"][0] * (theta - sizes) + bi + bu
        a1, a2 = self.p["a"]
        c1, c2 = _sig(a1 - eta), _sig(a2 - eta)
        return np.column_stack([1 - c2, c2 - c1, c1])

    def advise(
        self, user: str, item: str, body: Sequence[float] | None = None, sizes: Sequence[float] | None = None
    ) -> tuple[float | None, dict[float, np.ndarray]]:
        """(advised size, {size: P(small, fit, large)}) for the item's sizes (or ``sizes``) nearest
        the user's size. The advice is the size nearest the user's usual size (their median, else
        the size their body measurements predict); the probabilities say how that size and its two
        neighbours are likely to fit. Moving to the size with the highest P(fit) was measured
        worse on RentTheRunway (``benchmarks/personalisation.py``): see the module docstring."""
        usual = self.usual_size(user)
        theta = self.true_size(user, body)
        anchor = usual if usual is not None else theta
        if anchor is None or not np.isfinite(anchor):
            return None, {}
        options = sorted(sizes or self.item_sizes.get(item) or [])
        if len(options) < 2:  # one size seen says nothing about the item's range: offer the user's own
            taken = self.user_sizes.get(user) or [float(round(anchor))]
            options = sorted({*options, min(sorted(taken), key=lambda s: abs(s - anchor))})
        near = min(range(len(options)), key=lambda k: abs(options[k] - anchor))
        options = options[max(near - 1, 0) : near + 2]
        k = len(options)
        bodies = None if body is None else np.array([list(body)] * k, dtype=float)
        probs = self.probabilities([user] * k, [item] * k, np.array(options), bodies)
        table = {float(s): probs[n] for n, s in enumerate(options)}
        return float(min(options, key=lambda s: abs(s - anchor))), table


def fit_label(probs: np.ndarray) -> str:
    return FIT_NAME[int(np.argmax(probs))]
