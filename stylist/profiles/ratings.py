"""Matrix factorisation with biases on real ratings, and an implicit ranking variant.

- :class:`ExplicitMF`: r_ui = mu + b_u + b_i + q_u·p_i fitted to observed ratings by full-batch
  Adam on the L2-regularised squared error (``factors=0`` is the biases-only model). Full batches
  make it deterministic and fast in numpy: 150k ratings train in seconds on one core.
- :class:`ImplicitMF`: x_ui = b_i + q_u·p_i trained with BPR (a rented item above a sampled item
  the user did not rent), for ranking what a user will rent next.

Unknown users and items get only the terms that are known (mu + b_i, or mu + b_u, or mu).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class MFConfig:
    factors: int = 8
    steps: int = 300
    lr: float = 0.05
    reg_user: float = 10.0
    """L2 weight on each user bias, as a pseudo-count of ratings at the mean."""
    reg_item: float = 5.0
    reg_factor: float = 10.0
    seed: int = 0


class _Adam:
    def __init__(self, params: dict[str, np.ndarray], lr: float) -> None:
        self.lr = lr
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        self.t += 1
        for k, g in grads.items():
            self.m[k] = 0.9 * self.m[k] + 0.1 * g
            self.v[k] = 0.999 * self.v[k] + 0.001 * g * g
            mh = self.m[k] / (1 - 0.9**self.t)
            vh = self.v[k] / (1 - 0.999**self.t)
            params[k] -= self.lr * mh / (np.sqrt(vh) + 1e-8)


def _scatter(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Row sums of ``values`` by ``index`` into an (n, f) array (np.add.at, but faster)."""
    return np.stack([np.bincount(index, values[:, k], n) for k in range(values.shape[1])], axis=1)


def _ids(values: Sequence[str]) -> dict[str, int]:
    return {v: n for n, v in enumerate(dict.fromkeys(str(x) for x in values))}


class ExplicitMF:
    """Biased MF for explicit ratings (``factors=0``: biases only)."""

    def __init__(self, config: MFConfig | None = None) -> None:
        self.config = config or MFConfig()
        self.users: dict[str, int] = {}
        self.items: dict[str, int] = {}
        self.mu = 0.0
        self.p: dict[str, np.ndarray] = {}

    def fit(self, users: Sequence[str], items: Sequence[str], ratings: np.ndarray) -> ExplicitMF:
        cfg = self.config
        ratings = np.asarray(ratings, dtype=float)
        keep = np.isfinite(ratings)
        users, items, r = np.asarray(users)[keep], np.asarray(items)[keep], ratings[keep]
        self.users, self.items = _ids(users), _ids(items)
        u = np.array([self.users[str(x)] for x in users], dtype=np.int64)
        i = np.array([self.items[str(x)] for x in items], dtype=np.int64)
        n_u, n_i, f, n = len(self.users), len(self.items), cfg.factors, len(r)
        self.mu = float(r.mean()) if n else 0.0
        rng = np.random.default_rng(cfg.seed)
        self.p = {
            "bu": np.zeros(n_u),
            "bi": np.zeros(n_i),
            "Q": rng.normal(0, 0.05, (n_u, f)),
            "P": rng.normal(0, 0.05, (n_i, f)),
        }
        if not n:
            return self
        opt = _Adam(self.p, cfg.lr)
        for _ in range(cfg.steps):
            q, pp = self.p["Q"][u], self.p["P"][i]
            err = self.mu + self.p["bu"][u] + self.p["bi"][i] + np.einsum("nf,nf->n", q, pp) - r
            g = {
                "bu": np.bincount(u, err, n_u) + cfg.reg_user * self.p["bu"],
                "bi": np.bincount(i, err, n_i) + cfg.reg_item * self.p["bi"],
            }
            if f:
                gq = _scatter(u, err[:, None] * pp, n_u)
                gp = _scatter(i, err[:, None] * q, n_i)
                g["Q"] = gq + cfg.reg_factor * self.p["Q"]
                g["P"] = gp + cfg.reg_factor * self.p["P"]
            opt.step(self.p, {k: v / max(1.0, n / 1000) for k, v in g.items()})
        return self

    def predict(self, users: Sequence[str], items: Sequence[str]) -> np.ndarray:
        out = np.full(len(users), self.mu)
        for n, (user, item) in enumerate(zip(users, items)):
            u, i = self.users.get(str(user)), self.items.get(str(item))
            if u is not None:
                out[n] += self.p["bu"][u]
            if i is not None:
                out[n] += self.p["bi"][i]
            if u is not None and i is not None:
                out[n] += float(self.p["Q"][u] @ self.p["P"][i])
        return out


@dataclass
class ImplicitConfig:
    factors: int = 32
    epochs: int = 20
    batch: int = 4096
    lr: float = 0.02
    reg: float = 0.01
    seed: int = 0


class ImplicitMF:
    """BPR ranking model: x_ui = b_i + q_u·p_i, trained so rented items outrank sampled others."""

    def __init__(self, config: ImplicitConfig | None = None) -> None:
        self.config = config or ImplicitConfig()
        self.users: dict[str, int] = {}
        self.items: dict[str, int] = {}
        self.p: dict[str, np.ndarray] = {}

    def fit(self, users: Sequence[str], items: Sequence[str]) -> ImplicitMF:
        cfg = self.config
        self.users, self.items = _ids(users), _ids(items)
        u = np.array([self.users[str(x)] for x in users], dtype=np.int64)
        i = np.array([self.items[str(x)] for x in items], dtype=np.int64)
        n_u, n_i, f = len(self.users), len(self.items), cfg.factors
        rng = np.random.default_rng(cfg.seed)
        self.p = {"bi": np.zeros(n_i), "Q": rng.normal(0, 0.05, (n_u, f)), "P": rng.normal(0, 0.05, (n_i, f))}
        if not len(u):
            return self
        opt = _Adam(self.p, cfg.lr)
        for _ in range(cfg.epochs):
            order = rng.permutation(len(u))
            for start in range(0, len(order), cfg.batch):
                b = order[start : start + cfg.batch]
                ub, ib, jb = u[b], i[b], rng.integers(0, n_i, len(b))
                q, pi, pj = self.p["Q"][ub], self.p["P"][ib], self.p["P"][jb]
                x = self.p["bi"][ib] - self.p["bi"][jb] + np.einsum("nf,nf->n", q, pi - pj)
                s = -1.0 / (1.0 + np.exp(np.clip(x, -30, 30)))  # d(-log sigmoid(x))/dx
                gb = np.bincount(ib, s, n_i) - np.bincount(jb, s, n_i)
                gq = _scatter(ub, s[:, None] * (pi - pj), n_u)
                gp = _scatter(ib, s[:, None] * q, n_i) - _scatter(jb, s[:, None] * q, n_i)
                scale = 1.0 / len(b)
                opt.step(
                    self.p,
                    {
                        "bi": gb * scale + cfg.reg * self.p["bi"] * scale,
                        "Q": gq * scale + cfg.reg * self.p["Q"] * scale,
                        "P": gp * scale + cfg.reg * self.p["P"] * scale,
                    },
                )
        return self

    def scores(self, user: str, item_index: dict[str, int] | None = None) -> np.ndarray:
        """Scores of every item in ``self.items`` order (the user's factors only when known)."""
        out = self.p["bi"].copy()
        u = self.users.get(str(user))
        if u is not None:
            out += self.p["P"] @ self.p["Q"][u]
        return out
