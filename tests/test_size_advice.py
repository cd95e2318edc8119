"""The learned size advice: sizes up for an item that runs small, keeps the usual size otherwise."""

from __future__ import annotations

import numpy as np

from stylist.profiles.rental_data import FIT_CODE, Rentals
from stylist.profiles.sizeadvice import SizeAdvisor


def _rentals(rows: list[tuple[str, str, float, str]], body: list[float] | None = None) -> Rentals:
    n = len(rows)
    return Rentals(
        user=np.array([r[0] for r in rows], dtype=object),
        item=np.array([r[1] for r in rows], dtype=object),
        rating=np.full(n, 10.0),
        fit=np.array([FIT_CODE[r[3]] for r in rows]),
        size=np.array([r[2] for r in rows], dtype=float),
        occasion=np.full(n, "party", dtype=object),
        category=np.full(n, "dress", dtype=object),
        time=np.datetime64("2016-01-01T00:00:00") + np.arange(n).astype("timedelta64[s]"),
        body=np.array([body or [np.nan] * 3] * n, dtype=float),
        body_type=np.full(n, "", dtype=object),
        age=np.full(n, np.nan),
    )


def _shop(seed: int = 0) -> Rentals:
    """Users who wear 8 (some 4, some 12). Item "tight" runs one size small: in their usual size
    it is "small", one up it fits. Item "true" fits in the usual size, one up it is "large"."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(120):
        usual = float(rng.choice([4.0, 8.0, 12.0], p=[0.2, 0.6, 0.2]))
        user = f"u{u}"
        for k in range(2):  # a history on other items, in the usual size
            rows.append((user, f"basic{(u + k) % 6}", usual, "fit"))
        if rng.random() < 0.5:
            rows.append((user, "tight", usual, "small"))
        else:
            rows.append((user, "tight", usual + 4, "fit"))
        if rng.random() < 0.5:
            rows.append((user, "true", usual, "fit"))
        else:
            rows.append((user, "true", usual + 4, "large"))
    return _rentals(rows)


def test_sizes_up_for_an_item_that_runs_small_and_keeps_the_usual_size_otherwise() -> None:
    advisor = SizeAdvisor().fit(_shop())
    assert advisor.fitted and True in advisor.weights
    shopper = _rentals([("me", "basic0", 8.0, "fit"), ("me", "basic1", 8.0, "fit")])
    advisor_with_me = SizeAdvisor().fit(_shop().concat(shopper))
    assert advisor_with_me.advise("me", "true") == 8.0
    assert advisor_with_me.advise("me", "tight") == 12.0
    sizes, p = advisor_with_me.choices("me", "tight")
    assert np.isclose(p.sum(), 1.0) and sizes[int(np.argmax(p))] == 12.0


def test_first_time_users_are_anchored_by_their_measurements_or_not_at_all() -> None:
    rows = []
    for u in range(60):
        small = u % 2 == 0
        body = [62.0, 115.0, 32.0] if small else [68.0, 170.0, 38.0]
        size = 4.0 if small else 16.0
        rows.append(_rentals([(f"u{u}", "item", size, "fit"), (f"u{u}", "other", size, "fit")], body))
    data = rows[0]
    for r in rows[1:]:
        data = data.concat(r)
    advisor = SizeAdvisor().fit(data)
    assert advisor.advise("new", "item", body=[62.0, 115.0, 32.0]) == 4.0
    assert advisor.advise("new", "item", body=[68.0, 170.0, 38.0]) == 16.0
    assert advisor.advise("new", "item") is None  # nothing anchors a first-time user
    assert advisor.advise("u0", "never-rented") is None and not advisor.knows_item("never-rented")


def test_too_little_to_learn_from_is_the_usual_size_rule() -> None:
    advisor = SizeAdvisor().fit(_rentals([("a", "x", 8.0, "fit"), ("b", "x", 12.0, "fit")]))
    assert not advisor.fitted
    sizes, p = advisor.choices("a", "x")
    assert sizes == [8.0, 12.0] and p[0] > p[1] and advisor.advise("b", "x") == 12.0


def test_the_product_falls_back_to_the_usual_size_and_says_why() -> None:
    from types import SimpleNamespace

    from stylist.profiles.personal import _learned_choice

    basis: list[str] = []
    old = SimpleNamespace()  # a pickle from before the advisor existed
    assert _learned_choice(old, "me", "tight", None, 8.0, basis) == (8.0, "usual size")
    assert "not trained" in basis[-1]
    shop = _shop().concat(_rentals([("me", "basic0", 8.0, "fit"), ("me", "basic1", 8.0, "fit")]))
    models = SimpleNamespace(size_advisor=SizeAdvisor().fit(shop))
    assert _learned_choice(models, "me", "unseen", None, 8.0, basis) == (8.0, "usual size")
    assert "no fit history for this item" in basis[-1]
    basis.clear()
    assert _learned_choice(models, "me", "tight", None, 8.0, basis) == (12.0, "learned choice")
    assert basis and "runs small" in basis[0]
