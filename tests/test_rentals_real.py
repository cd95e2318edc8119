"""The real RentTheRunway file (../shared/data/renttherunway): every row parses, and the models
train on it in reasonable time and beat the baselines the benchmark reports."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from stylist.profiles.feedback_import import parse
from stylist.profiles.rental_data import from_csv

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def rtr_file(shared_data: Path) -> Path:
    path = shared_data / "renttherunway" / "interactions.csv.gz"
    if not path.is_file():
        pytest.skip("the RentTheRunway file is absent")
    return path


def test_the_real_file_parses_without_bad_rows(rtr_file: Path) -> None:
    rows = bad = 0
    for row in parse(rtr_file, "renttherunway"):
        rows += 1
        bad += isinstance(row, tuple)
        if rows == 20_000:  # the first 20k rows (all 154,033: `stylist feedback import`, ~20 s)
            break
    assert rows == 20_000 and bad == 0


def test_fit_model_beats_always_fit_on_real_rentals(rtr_file: Path) -> None:
    from stylist.profiles.fit import FitModel

    data = from_csv(rtr_file)
    assert len(data) == 154_033
    train, test = data.between("2016-01-01", "2016-10-01"), data.between("2016-10-01", "2017-01-01")
    t = time.perf_counter()
    model = FitModel().fit(train)
    assert time.perf_counter() - t < 120
    warm = test.take(np.isin(test.user, train.user))
    probs = model.probabilities(warm.user, warm.item, warm.size, warm.body)
    # accuracy of the model's most likely label against always saying "fit"
    assert (probs.argmax(1) == warm.fit).mean() > (warm.fit == 1).mean()
