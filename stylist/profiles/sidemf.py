"""Rating MF with side information (SVD++ and feature factors), trained with early stopping.

    r_ui = mu + b_u + b_i + b_cat(i) + sum_f b_f
           + (q_u + |N(u)|^-1/2 sum_{j in N(u)} y_j + sum_f e_f) · (p_i + g_cat(i))

``N(u)``: the items the user rented in training (SVD++ implicit feedback, so a user's factors
mean something after one rental); ``f``: the row's side features (the occasion rented for, body
type, binned age, height, weight and bust), each with a bias and a factor; ``cat(i)``: the item's
category, with a bias and a factor (so new items and one-time users are not only biases).

Trained by full-batch Adam on the squared error with L2 regularisation per parameter group
(pseudo-counts, as in :class:`~stylist.profiles.ratings.ExplicitMF`), an exponentially decaying
learning rate, and early stopping on a later validation period when one is given (the step count
it chose is kept, so the final model retrains on everything with that many steps). Ratings are on
the source's scale (RentTheRunway: 2-10) and predictions are clipped to the range seen.
``factors=0, side=False, implicit=False`` is the biases-only model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from stylist.profiles.ratings import _Adam
from stylist.profiles.rental_data import Rentals

_BINS = {"age": 5.0, "height": 2.0, "weight": 15.0, "bust": 2.0}


@dataclass
class SideMFConfig:
    factors: int = 8
    side: bool = True
    """Feature and category biases and factors."""
    implicit: bool = True
    """SVD++ term over the items the user rented."""
    steps: int = 400
    lr: float = 0.03
    decay: float = 0.995
    """Learning rate multiplier per step."""
    reg_user: float = 10.0
    reg_item: float = 5.0
    reg_feature: float = 20.0
    reg_factor: float = 10.0
    """On user, item and implicit factors."""
    reg_side_factor: float = 50.0
    """On feature and category factors."""
    check_every: int = 10
    patience: int = 6
    """Validation checks without improvement before stopping."""
    seed: int = 0


def row_features(data: Rentals) -> list[list[str]]:
    """Each row's side features as names ("occasion=wedding", "age=30" …); unknowns are left out."""
    cols: list[list[str]] = []
    binned = {
        "age": data.age,
        "height": data.body[:, 0],
        "weight": data.body[:, 1],
        "bust": data.body[:, 2],
    }
    for name, values in binned.items():
        b = np.floor(values / _BINS[name]) * _BINS[name]
        cols.append([f"{name}={v:g}" if np.isfinite(v) else "" for v in b.tolist()])
    cols.append([f"occasion={o}" if o else "" for o in data.occasion.tolist()])
    cols.append([f"body={t}" if t else "" for t in data.body_type.tolist()])
    return [[f for f in fs if f] for fs in zip(*cols)]


def _ids(values: np.ndarray) -> dict[str, int]:
    return {v: n for n, v in enumerate(dict.fromkeys(str(x) for x in values.tolist()))}


class SideMF:
    """Fit on a :class:`Rentals` history; ``predict`` rates rows of another one."""

    def __init__(self, config: SideMFConfig | None = None) -> None:
        self.config = config or SideMFConfig()
        self.users: dict[str, int] = {}
        self.items: dict[str, int] = {}
        self.features: dict[str, int] = {}
        self.cats: dict[str, int] = {}
        self.item_cat = np.zeros(0, dtype=np.int64)
        self.implicit = sparse.csr_matrix((0, 0))
        self.mu, self.lo, self.hi = 0.0, -np.inf, np.inf
        self.p: dict[str, np.ndarray] = {}
        self.best_step = 0
        self.history: list[tuple[int, float]] = []
        """(step, validation RMSE) at each check."""

    # -- design matrices --------------------------------------------------------------------------

    def _feature_matrix(self, data: Rentals) -> sparse.csr_matrix:
        rows, cols = [], []
        for n, fs in enumerate(row_features(data)):
            for f in fs:
                k = self.features.get(f)
                if k is not None:
                    rows.append(n)
                    cols.append(k)
        vals = np.ones(len(rows))
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(data), len(self.features)))

    def _index(self, values: np.ndarray, ids: dict[str, int]) -> np.ndarray:
        return np.array([ids.get(str(v), -1) for v in values.tolist()], dtype=np.int64)

    # -- training ---------------------------------------------------------------------------------

    def fit(self, data: Rentals, val: Rentals | None = None) -> SideMF:
        cfg = self.config
        data = data.take(np.isfinite(data.rating))
        self.users, self.items = _ids(data.user), _ids(data.item)
        self.features = {
            f: n for n, f in enumerate(dict.fromkeys(f for fs in row_features(data) for f in fs))
        }
        self.cats = _ids(np.array([c for c in data.category.tolist() if c] or [""]))
        u, i = self._index(data.user, self.users), self._index(data.item, self.items)
        n_u, n_i, f, n = len(self.users), len(self.items), cfg.factors, len(data)
        self.item_cat = np.zeros(n_i, dtype=np.int64)
        self.item_cat[i] = self._index(data.category, self.cats).clip(0)
        # N(u): the items each user rented, rows scaled by |N(u)|^-1/2
        pairs = np.unique(np.column_stack([u, i]), axis=0)
        counts = np.bincount(pairs[:, 0], minlength=n_u).astype(float)
        w = 1.0 / np.sqrt(np.maximum(counts[pairs[:, 0]], 1))
        self.implicit = sparse.csr_matrix((w, (pairs[:, 0], pairs[:, 1])), shape=(n_u, n_i))
        feats = self._feature_matrix(data)
        r = data.rating
        self.mu, self.lo, self.hi = float(r.mean()), float(r.min()), float(r.max())
        rng = np.random.default_rng(cfg.seed)
        n_f, n_c = len(self.features), len(self.cats)
        self.p = {
            "bu": np.zeros(n_u),
            "bi": np.zeros(n_i),
            "bf": np.zeros(n_f),
            "bc": np.zeros(n_c),
            "Q": rng.normal(0, 0.01, (n_u, f)),
            "P": rng.normal(0, 0.01, (n_i, f)),
            "Y": rng.normal(0, 0.01, (n_i, f)),
            "E": rng.normal(0, 0.01, (n_f, f)),
            "G": rng.normal(0, 0.01, (n_c, f)),
        }
        use = self._used_groups()
        by_user = sparse.csr_matrix((np.ones(n), (u, np.arange(n))), shape=(n_u, n))
        by_item = sparse.csr_matrix((np.ones(n), (i, np.arange(n))), shape=(n_i, n))
        cat_of = sparse.csr_matrix((np.ones(n_i), (np.arange(n_i), self.item_cat)), shape=(n_i, n_c))
        val_rows = self._design(val.take(np.isfinite(val.rating))) if val is not None else None
        opt = _Adam(self.p, cfg.lr)
        best, best_p, since = np.inf, None, 0
        scale = 1.0 / max(1.0, n / 1000)
        for step in range(1, cfg.steps + 1):
            opt.lr = cfg.lr * cfg.decay**step
            pu, qi, err = self._forward(u, i, feats, r)
            g = {
                "bu": by_user @ err + cfg.reg_user * self.p["bu"],
                "bi": by_item @ err + cfg.reg_item * self.p["bi"],
                "bf": feats.T @ err + cfg.reg_feature * self.p["bf"],
            }
            g["bc"] = cat_of.T @ (by_item @ err) + cfg.reg_feature * self.p["bc"]
            if f:
                du, di = by_user @ (err[:, None] * qi), by_item @ (err[:, None] * pu)
                g["Q"] = du + cfg.reg_factor * self.p["Q"]
                g["P"] = di + cfg.reg_factor * self.p["P"]
                g["Y"] = self.implicit.T @ du + cfg.reg_factor * self.p["Y"]
                g["E"] = feats.T @ (err[:, None] * qi) + cfg.reg_side_factor * self.p["E"]
                g["G"] = cat_of.T @ di + cfg.reg_side_factor * self.p["G"]
            opt.step(self.p, {k: v * scale for k, v in g.items() if k in use})
            if val_rows is not None and step % cfg.check_every == 0:
                rmse = float(np.sqrt(np.mean((self._predict_design(*val_rows[:4]) - val_rows[4]) ** 2)))
                self.history.append((step, rmse))
                if rmse < best - 1e-5:
                    best, best_p, since, self.best_step = (
                        rmse,
                        {k: v.copy() for k, v in self.p.items()},
                        0,
                        step,
                    )
                else:
                    since += 1
                    if since >= cfg.patience:
                        break
        if best_p is not None:
            self.p = best_p
        else:
            self.best_step = cfg.steps
        return self

    def _used_groups(self) -> set[str]:
        cfg = self.config
        use = {"bu", "bi"}
        if cfg.side:
            use |= {"bf", "bc"}
        if cfg.factors:
            use |= {"Q", "P"}
            if cfg.implicit:
                use.add("Y")
            if cfg.side:
                use |= {"E", "G"}
        for k in self.p:
            if k not in use:
                self.p[k] = np.zeros_like(self.p[k])
        return use

    def _forward(
        self, u: np.ndarray, i: np.ndarray, feats: sparse.csr_matrix, r: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pu = self._user_vectors(u, feats)
        qi = self.p["P"][i] + self.p["G"][self.item_cat[i]]
        pred = self.mu + self.p["bu"][u] + self.p["bi"][i] + self.p["bc"][self.item_cat[i]]
        pred = pred + feats @ self.p["bf"] + np.einsum("nf,nf->n", pu, qi)
        return pu, qi, pred - r

    def _user_vectors(self, u: np.ndarray, feats: sparse.csr_matrix) -> np.ndarray:
        known = u >= 0
        out = feats @ self.p["E"]
        uk = u[known]
        out[known] += self.p["Q"][uk] + np.asarray(self.implicit[uk] @ self.p["Y"])
        return out

    # -- inference --------------------------------------------------------------------------------

    def _design(
        self, rows: Rentals
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, sparse.csr_matrix, np.ndarray]:
        i = self._index(rows.item, self.items)
        # an item new since training still has its category (from the row)
        cat = np.where(i >= 0, self.item_cat[np.maximum(i, 0)], self._index(rows.category, self.cats))
        return self._index(rows.user, self.users), i, cat, self._feature_matrix(rows), rows.rating

    def _predict_design(
        self, u: np.ndarray, i: np.ndarray, cat: np.ndarray, feats: sparse.csr_matrix
    ) -> np.ndarray:
        ki, ku = i >= 0, u >= 0
        pred = self.mu + feats @ self.p["bf"]
        pred += np.where(ku, self.p["bu"][np.maximum(u, 0)], 0.0)
        pred += np.where(ki, self.p["bi"][np.maximum(i, 0)], 0.0)
        pred += np.where(cat >= 0, self.p["bc"][np.maximum(cat, 0)], 0.0)
        pu = self._user_vectors(u, feats)
        qi = np.where(ki[:, None], self.p["P"][np.maximum(i, 0)], 0.0)
        qi += np.where(cat[:, None] >= 0, self.p["G"][np.maximum(cat, 0)], 0.0)
        pred += np.einsum("nf,nf->n", pu, qi)
        return np.clip(pred, self.lo, self.hi)

    def predict(self, rows: Rentals) -> np.ndarray:
        """Predicted rating of each row (unknown users, items and features add nothing)."""
        u, i, cat, feats, _ = self._design(rows)
        return self._predict_design(u, i, cat, feats)

    def item_bias(self, item: str) -> float:
        k = self.items.get(str(item))
        return 0.0 if k is None else float(self.p["bi"][k] + self.p["bc"][self.item_cat[k]])
