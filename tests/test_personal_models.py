"""MF with biases, the implicit ranker, the fit model and "for you" on small synthetic data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from stylist.profiles.fit import FitModel
from stylist.profiles.foryou import RankWeights, RentalRecommender
from stylist.profiles.ratings import ExplicitMF, ImplicitMF, MFConfig
from stylist.profiles.rental_data import from_csv

FIXTURES = Path(__file__).parent / "fixtures" / "renttherunway"


def _low_rank(seed: int = 0, n_u: int = 120, n_i: int = 60, per_user: int = 20):  # noqa: ANN202
    rng = np.random.default_rng(seed)
    q, p = rng.normal(0, 1, (n_u, 2)), rng.normal(0, 1, (n_i, 2))
    users, items, ratings = [], [], []
    for u in range(n_u):
        for i in rng.choice(n_i, per_user, replace=False):
            users.append(f"u{u}")
            items.append(f"i{i}")
            ratings.append(6 + 1.5 * q[u] @ p[i] + rng.normal(0, 0.3))
    return np.array(users), np.array(items), np.array(ratings)


def test_mf_beats_biases_on_low_rank_ratings() -> None:
    users, items, r = _low_rank()
    test = np.arange(len(r)) % 5 == 0
    rmse = {}
    for name, cfg in (("biases", MFConfig(factors=0)), ("mf", MFConfig(factors=4, reg_factor=1.0))):
        model = ExplicitMF(cfg).fit(users[~test], items[~test], r[~test])
        rmse[name] = float(np.sqrt(((model.predict(users[test], items[test]) - r[test]) ** 2).mean()))
    assert rmse["mf"] < 0.7 * rmse["biases"]


def test_explicit_mf_unknown_user_and_item_fall_back_to_known_terms() -> None:
    model = ExplicitMF(MFConfig(factors=0)).fit(["a", "a", "b"], ["x", "y", "x"], np.array([10.0, 10.0, 2.0]))
    mu, pred = model.mu, model.predict(["nobody", "a", "nobody"], ["nothing", "nothing", "x"])
    assert pred[0] == pytest.approx(mu) and pred[1] > mu
    assert pred[2] == pytest.approx(mu + model.p["bi"][model.items["x"]])


def test_implicit_mf_ranks_what_similar_users_rented() -> None:
    # two groups renting disjoint item sets; a user of group A should get A's items first
    users, items = [], []
    for u in range(30):
        group = range(0, 10) if u % 2 == 0 else range(10, 20)
        for i in list(group)[u % 3 :: 2]:
            users.append(f"u{u}")
            items.append(f"i{i}")
    model = ImplicitMF().fit(users, items)
    s = model.scores("u0")
    top = [list(model.items)[n] for n in np.argsort(-s)[:5]]
    assert all(int(i[1:]) < 10 for i in top)


def test_fit_model_learns_sizes_and_item_history() -> None:
    data = from_csv(FIXTURES / "history.csv")
    model = FitModel().fit(data)
    probs = model.probabilities(["u00", "u00"], ["it04", "it04"], np.array([4.0, 16.0]))
    assert np.allclose(probs.sum(1), 1)
    assert probs[0, 1] > probs[1, 1]  # the user's own size fits better than a far one
    best, table = model.advise("u00", "it04")
    assert best == 4.0 and set(table) <= set(model.item_sizes["it04"]) and 4.0 in table
    # a cold user: from body measurements, or nothing at all
    big = model.advise("newbie", "it04", body=[67, 180, 38])[0]
    small = model.advise("newbie", "it04", body=[63, 115, 32])[0]
    assert small is not None and big is not None and small < big
    assert model.advise("newbie", "it04")[0] is None


def test_recommender_reasons_and_cold_start() -> None:
    data = from_csv(FIXTURES / "history.csv")
    implicit = ImplicitMF().fit(data.user, data.item)
    explicit = ExplicitMF(MFConfig(factors=0)).fit(data.user, data.item, data.rating)
    rec = RentalRecommender(RankWeights()).fit(data, implicit, explicit)
    cold = rec.recommend("stranger", "wedding", k=3)
    assert len(cold) == 3 and all(r.reasons for r in cold)
    assert any("wedding" in reason for r in cold for reason in r.reasons)
    rented = {i for u, i in zip(data.user, data.item) if u == "u00"}
    warm = rec.recommend("u00", k=20)
    assert not rented & {r.item_id for r in warm}
    assert "dress" not in {r.category for r in rec.recommend("stranger", k=3)}
    liked = rec.recommend("stranger", k=3, liked_categories=["dress"])
    assert liked[0].category == "dress" and "you said you like dresses" in liked[0].reasons


def test_an_item_seen_in_one_size_is_advised_in_the_users_own_size() -> None:
    data = from_csv(FIXTURES / "history.csv")
    model = FitModel().fit(data)
    model.item_sizes["rare"] = [16.0]
    best, table = model.advise("u00", "rare")
    assert best in set(model.user_sizes["u00"]) and best != 16.0 and 16.0 in table
