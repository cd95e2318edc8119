"""Biased MF by alternating least squares: learns low-rank structure, and stays biases where none is."""

from __future__ import annotations

import numpy as np
import pytest

from stylist.profiles.als import ALSMF, ALSConfig
from stylist.profiles.rental_data import Rentals


def _rentals(
    users: list[str], items: list[str], ratings: list[float], cats: list[str] | None = None
) -> Rentals:
    n = len(users)
    return Rentals(
        user=np.array(users, dtype=object),
        item=np.array(items, dtype=object),
        rating=np.array(ratings, dtype=float),
        fit=np.ones(n, dtype=np.int8),
        size=np.full(n, 4.0),
        occasion=np.array(["party"] * n, dtype=object),
        category=np.array(cats or ["dress"] * n, dtype=object),
        time=np.array(["2016-01-01"] * n, dtype="datetime64[s]"),
        body=np.full((n, 3), np.nan),
        body_type=np.array(["petite"] * n, dtype=object),
        age=np.full(n, np.nan),
    )


def _data(seed: int, interaction: float, n_u: int = 150, n_i: int = 60, per_user: int = 20) -> Rentals:
    """Ratings = 6 + user bias + item bias + ``interaction`` * (rank-2 term) + noise."""
    rng = np.random.default_rng(seed)
    q, p = rng.normal(0, 1, (n_u, 2)), rng.normal(0, 1, (n_i, 2))
    bu, bi = rng.normal(0, 0.5, n_u), rng.normal(0, 0.5, n_i)
    users, items, ratings = [], [], []
    for u in range(n_u):
        for i in rng.choice(n_i, per_user, replace=False):
            users.append(f"u{u}")
            items.append(f"i{i}")
            ratings.append(6 + bu[u] + bi[i] + interaction * q[u] @ p[i] + rng.normal(0, 0.5))
    return _rentals(users, items, ratings)


def _split(data: Rentals) -> tuple[Rentals, Rentals, Rentals]:
    k = np.arange(len(data)) % 10
    return data.take(k < 7), data.take((k == 7) | (k == 8)), data.take(k == 9)


def _rmse(m: ALSMF, rows: Rentals) -> float:
    return float(np.sqrt(np.mean((m.predict(rows) - rows.rating) ** 2)))


def test_als_learns_low_rank_ratings_and_early_stops_after_sweep_zero() -> None:
    train, val, test = _split(_data(0, interaction=1.0))
    biases = ALSMF(ALSConfig(factors=0, reg_user=2, reg_item=2)).fit(train)
    mf = ALSMF(ALSConfig(factors=2, reg_user=2, reg_item=2, reg_factor=2.0)).fit(train, val)
    assert mf.best_sweep > 0 and mf.history[0][0] == 0
    assert _rmse(mf, test) < 0.7 * _rmse(biases, test)
    assert min(h[1] for h in mf.history) == pytest.approx(_rmse(mf, val), abs=1e-9)


def test_without_interactions_validation_keeps_the_biases() -> None:
    train, val, _ = _split(_data(1, interaction=0.0, per_user=6))
    biases = ALSMF(ALSConfig(factors=0, reg_user=2, reg_item=2)).fit(train)
    mf = ALSMF(ALSConfig(factors=8, reg_user=2, reg_item=2, reg_factor=0.1)).fit(train, val)
    # weakly regularised factors only overfit here: early stopping returns sweep 0, the biases
    assert mf.best_sweep == 0
    np.testing.assert_allclose(mf.predict(val), biases.predict(val), atol=1e-9)


def test_side_prior_shares_factors_within_a_category_and_unknowns_fall_back() -> None:
    data = _data(2, interaction=1.0, n_i=40)
    data.category = np.array(
        ["gown" if int(i[1:]) % 2 else "dress" for i in data.item.tolist()], dtype=object
    )
    train, val, test = _split(data)
    m = ALSMF(ALSConfig(factors=2, reg_user=2, reg_item=2, reg_factor=2.0, side_prior=True)).fit(train, val)
    assert _rmse(m, test) < _rmse(ALSMF(ALSConfig(factors=0, reg_user=2, reg_item=2)).fit(train), test)
    unknown = _rentals(["nobody", "u0", "nobody"], ["nothing", "nothing", "i0"], [8.0, 8.0, 8.0])
    pred = m.predict(unknown)
    assert pred[0] == pytest.approx(m.mu)
    assert pred[1] == pytest.approx(np.clip(m.mu + m.bu[m.users["u0"]], m.lo, m.hi))
    assert pred[2] == pytest.approx(np.clip(m.mu + m.bi[m.items["i0"]], m.lo, m.hi))


def test_benchmark_turns_mf_on_only_past_the_validation_margin() -> None:
    from benchmarks.personalisation_rtr import ALS_NAME, MF_MARGIN, mf_default

    def tried(als: float) -> list[dict]:
        return [
            {"model": "biases only", "rmse": 1.2320},
            {"model": "biases only", "rmse": 1.2310},
            {"model": ALS_NAME, "rmse": als + 0.01},
            {"model": ALS_NAME, "rmse": als},
        ]

    assert mf_default(tried(1.2309)) == {"validation_gain_rmse": 0.0001, "margin": MF_MARGIN, "on": False}
    assert mf_default(tried(1.2310 - 2 * MF_MARGIN))["on"] is True
    # biases with the time and context biases (ALS with 0 factors) are biases-only too
    better_biases = [*tried(1.2290), {"model": ALS_NAME, "factors": 0, "context": True, "rmse": 1.2285}]
    assert mf_default(better_biases)["on"] is False


def test_context_biases_learn_the_occasion_and_the_items_age() -> None:
    """Ratings drop by 1 for "work" and by 1 once an item is over six months old: both are learned
    in the biases stage, so biases only (0 factors) gets them as well as MF."""
    rng = np.random.default_rng(0)
    n = 4000
    users = [f"u{k}" for k in rng.integers(0, 200, n)]
    items = [f"i{k}" for k in rng.integers(0, 40, n)]
    data = _rentals(users, items, [0.0] * n)
    data.occasion = rng.choice(np.array(["party", "work"], dtype=object), n)
    days = rng.integers(0, 400, n)
    days[[items.index(f"i{k}") for k in range(40)]] = 0  # each item first rated on day 0
    data.time = np.datetime64("2016-01-01") + days.astype("timedelta64[D]")
    data.rating = 8.0 - (data.occasion == "work") - (days > 183) + rng.normal(0, 0.3, n)
    plain = ALSMF(ALSConfig(factors=0, sweeps=0)).fit(data)
    timed = ALSMF(ALSConfig(factors=0, sweeps=0, context=True)).fit(data)
    late_work = data.take((data.occasion == "work") & (days > 300))
    err = {m: float(np.sqrt(np.mean((m.predict(late_work) - late_work.rating) ** 2))) for m in (plain, timed)}
    assert err[timed] < 0.4 < err[plain]
    assert timed.b_occ["work"] < timed.b_occ["party"] - 0.5 and timed.b_age[-1] < timed.b_age[0] - 0.5
