"""Biased matrix factorisation trained by alternating least squares, with early stopping.

    r_ui = mu + b_u + b_i + q_u · p_i

Each half-sweep solves, for every user (then every item) at once, the ridge regression of its
ratings' residuals on ``[1, p_i]`` (``[1, q_u]``): bias and factors jointly, in closed form, with
separate L2 weights (pseudo-counts) on the bias and on the factors. Training starts from the
converged biases-only model (factors zero for users, small random for items), so sweep 0 *is*
the biases-only model; with a later validation period the sweep count with the lowest validation
RMSE is kept (0 included), so the factors only move away from biases where validation improves.

Optional side priors tie factors to what is known beyond the ratings, for the many users with one
or two ratings: an item's factors shrink towards the mean factors of its category, a user's
towards the mean factors of users of the same body type (instead of towards zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stylist.profiles.rental_data import Rentals


@dataclass
class ALSConfig:
    factors: int = 4
    sweeps: int = 15
    """Most sweeps (each: all users, then all items); early stopping picks fewer."""
    reg_user: float = 20.0
    """L2 weight on each user bias, as a pseudo-count of ratings at the mean."""
    reg_item: float = 25.0
    reg_factor: float = 30.0
    """L2 weight on user and item factors."""
    side_prior: bool = False
    """Shrink item factors towards their category's mean, user factors towards their body type's."""
    context: bool = False
    """Time-aware and context biases, in the biases stage (so biases-only gets them too): the
    item's age at rating time (months since its first rating in training, a shrunk curve shared
    by all items) and the occasion it was rented for (shrunk per occasion)."""
    reg_context: float = 50.0
    init_scale: float = 0.1
    patience: int = 3
    seed: int = 0


def _ids(values: np.ndarray) -> dict[str, int]:
    return {v: n for n, v in enumerate(dict.fromkeys(str(x) for x in values.tolist()))}


def _ridge_blocks(
    idx: np.ndarray, x: np.ndarray, y: np.ndarray, n: int, reg: np.ndarray, prior: np.ndarray
) -> np.ndarray:
    """Per entity k: argmin_w sum_{rows of k} (y - x·w)^2 + sum_d reg_d (w_d - prior_kd)^2.

    ``idx`` (N,), ``x`` (N, d), ``y`` (N,), ``reg`` (d,), ``prior`` (n, d) -> (n, d).
    """
    d = x.shape[1]
    order = np.argsort(idx, kind="stable")
    ids, starts = np.unique(idx[order], return_index=True)
    xs = x[order]
    a = np.zeros((n, d, d))
    b = reg[None, :] * prior  # (n, d)
    a[ids] = np.add.reduceat(xs[:, :, None] * xs[:, None, :], starts, axis=0)  # (k, d, d)
    b[ids] += np.add.reduceat(xs * y[order][:, None], starts, axis=0)
    a += np.diag(reg)[None]
    return np.linalg.solve(a, b[..., None])[..., 0]


class ALSMF:
    """Fit on a :class:`Rentals` history (optionally early-stopped on ``val``); ``predict`` rates rows."""

    def __init__(self, config: ALSConfig | None = None) -> None:
        self.config = config or ALSConfig()
        self.users: dict[str, int] = {}
        self.items: dict[str, int] = {}
        self.mu = 0.0
        self.lo, self.hi = -np.inf, np.inf
        self.bu = self.bi = np.zeros(0)
        self.Q = self.P = np.zeros((0, 0))
        self.best_sweep = 0
        self.b_age = np.zeros(0)
        self.b_occ: dict[str, float] = {}
        self.first_seen: dict[str, np.datetime64] = {}
        self.history: list[tuple[int, float]] = []
        """(sweep, validation RMSE) after each sweep; sweep 0 is biases only."""

    def fit(self, data: Rentals, val: Rentals | None = None) -> ALSMF:
        cfg = self.config
        data = data.take(np.isfinite(data.rating))
        self.users, self.items = _ids(data.user), _ids(data.item)
        u = np.array([self.users[str(x)] for x in data.user.tolist()], dtype=np.int64)
        i = np.array([self.items[str(x)] for x in data.item.tolist()], dtype=np.int64)
        r = data.rating.astype(float)
        n_u, n_i, f = len(self.users), len(self.items), cfg.factors
        self.mu, self.lo, self.hi = float(r.mean()), float(r.min()), float(r.max())
        item_group = _groups(i, data.category, n_i)
        user_group = _groups(u, data.body_type, n_u)
        self.bu, self.bi = np.zeros(n_u), np.zeros(n_i)
        ctx = np.zeros(len(r))
        if cfg.context:
            order = np.argsort(data.time, kind="stable")
            self.first_seen = {}
            for item, t in zip(data.item[order].tolist(), data.time[order]):
                self.first_seen.setdefault(str(item), t)
            age = self._age_bins(data)
            occ_ids = _ids(data.occasion)
            occ = np.array([occ_ids[str(x)] for x in data.occasion.tolist()], dtype=np.int64)
            b_age, b_occ = np.zeros(AGE_BINS), np.zeros(len(occ_ids))
        for _ in range(20):  # biases only, to convergence (closed form per entity)
            self.bu = np.bincount(u, r - self.mu - self.bi[i] - ctx, n_u) / (
                np.bincount(u, None, n_u) + cfg.reg_user
            )
            self.bi = np.bincount(i, r - self.mu - self.bu[u] - ctx, n_i) / (
                np.bincount(i, None, n_i) + cfg.reg_item
            )
            if cfg.context:
                rest = r - self.mu - self.bu[u] - self.bi[i]
                b_age = np.bincount(age, rest - b_occ[occ], AGE_BINS) / (
                    np.bincount(age, None, AGE_BINS) + cfg.reg_context
                )
                b_occ = np.bincount(occ, rest - b_age[age], len(occ_ids)) / (
                    np.bincount(occ, None, len(occ_ids)) + cfg.reg_context
                )
                ctx = b_age[age] + b_occ[occ]
        if cfg.context:
            self.b_age = b_age
            self.b_occ = {name: float(b_occ[k]) for name, k in occ_ids.items()}
        rng = np.random.default_rng(cfg.seed)
        self.Q = np.zeros((n_u, f))
        self.P = rng.normal(0.0, cfg.init_scale, (n_i, f))
        check = val.take(np.isfinite(val.rating)) if val is not None else None
        best, best_state, since = np.inf, None, 0
        sweeps = cfg.sweeps
        for sweep in range(0, sweeps + 1):
            if sweep:
                self._sweep(u, i, r - ctx, user_group, item_group)
            if check is None:
                continue
            rmse = float(np.sqrt(np.mean((self.predict(check) - check.rating) ** 2)))
            self.history.append((sweep, rmse))
            if rmse < best - 1e-5:
                best, since, self.best_sweep = rmse, 0, sweep
                best_state = (self.bu.copy(), self.bi.copy(), self.Q.copy(), self.P.copy())
            else:
                since += 1
                if since >= cfg.patience:
                    break
        if best_state is not None:
            self.bu, self.bi, self.Q, self.P = best_state
        else:
            self.best_sweep = sweeps
        return self

    def _sweep(
        self, u: np.ndarray, i: np.ndarray, r: np.ndarray, user_group: np.ndarray, item_group: np.ndarray
    ) -> None:
        cfg = self.config
        f = cfg.factors
        ones = np.ones((len(r), 1))
        reg_u = np.array([cfg.reg_user] + [cfg.reg_factor] * f)
        reg_i = np.array([cfg.reg_item] + [cfg.reg_factor] * f)
        prior_u = np.zeros((len(self.bu), f + 1))
        if cfg.side_prior and f:
            prior_u[:, 1:] = _group_means(self.Q, user_group)
        w = _ridge_blocks(
            u, np.hstack([ones, self.P[i]]), r - self.mu - self.bi[i], len(self.bu), reg_u, prior_u
        )
        self.bu, self.Q = w[:, 0], w[:, 1:]
        prior_i = np.zeros((len(self.bi), f + 1))
        if cfg.side_prior and f:
            prior_i[:, 1:] = _group_means(self.P, item_group)
        w = _ridge_blocks(
            i, np.hstack([ones, self.Q[u]]), r - self.mu - self.bu[u], len(self.bi), reg_i, prior_i
        )
        self.bi, self.P = w[:, 0], w[:, 1:]

    def _age_bins(self, rows: Rentals) -> np.ndarray:
        """Months from the item's first rating in training to the row (0 for items new to it)."""
        first = np.array([self.first_seen.get(str(x), t) for x, t in zip(rows.item.tolist(), rows.time)])
        months = (rows.time - first.astype(rows.time.dtype)).astype("timedelta64[D]").astype(float) / 30.44
        return np.clip(months, 0, AGE_BINS - 1).astype(np.int64)

    def _context(self, rows: Rentals) -> np.ndarray:
        if not self.config.context or not len(self.b_age):
            return np.zeros(len(rows))
        occ = np.array([self.b_occ.get(str(x), 0.0) for x in rows.occasion.tolist()])
        return self.b_age[self._age_bins(rows)] + occ

    def predict(self, rows: Rentals) -> np.ndarray:
        """Predicted rating of each row (unknown users or items add nothing), clipped to the scale."""
        u = np.array([self.users.get(str(x), -1) for x in rows.user.tolist()], dtype=np.int64)
        i = np.array([self.items.get(str(x), -1) for x in rows.item.tolist()], dtype=np.int64)
        ku, ki = u >= 0, i >= 0
        pred = np.full(len(rows), self.mu) + self._context(rows)
        pred += np.where(ku, self.bu[np.maximum(u, 0)] if len(self.bu) else 0.0, 0.0)
        pred += np.where(ki, self.bi[np.maximum(i, 0)] if len(self.bi) else 0.0, 0.0)
        both = ku & ki
        if both.any() and self.Q.shape[1]:
            pred[both] += np.einsum("nf,nf->n", self.Q[u[both]], self.P[i[both]])
        return np.clip(pred, self.lo, self.hi)


AGE_BINS = 13
"""Item age in months at rating time: 0 … 11, and 12 for a year or more."""


def _groups(index: np.ndarray, labels: np.ndarray, n: int) -> np.ndarray:
    """Each entity's group number (its first row's label; "" is a group of its own)."""
    out = np.zeros(n, dtype=np.int64)
    names = _ids(labels)
    out[index[::-1]] = np.array([names[str(x)] for x in labels.tolist()], dtype=np.int64)[::-1]
    return out


def _group_means(vectors: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Each row's group mean of ``vectors`` (shrunk towards 0 with a pseudo-count of 5)."""
    n_g = int(group.max()) + 1 if len(group) else 0
    sums = np.stack([np.bincount(group, vectors[:, k], n_g) for k in range(vectors.shape[1])], axis=1)
    counts = np.bincount(group, None, n_g)[:, None]
    return (sums / (counts + 5.0))[group]
