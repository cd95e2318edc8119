from __future__ import annotations

import numpy as np
import pytest

from stylist.tools.trends.demo import generate_demo_series, generate_training_series
from stylist.tools.trends.neural import GlobalForecaster, NetConfig, load_checkpoint, save_checkpoint
from stylist.tools.trends.train import train_global


def test_demo_series_are_seeded_and_follow_their_roles():
    a, b = generate_demo_series(), generate_demo_series()
    assert [s.values.tolist() for s in a.series] == [s.values.tolist() for s in b.series]
    assert len(a.series) >= 50 and {s.key.kind for s in a.series} == {
        "colour",
        "article",
        "pattern",
        "style",
        "fabric",
    }
    for s in a.series:
        role = a.roles[(s.key.kind, s.key.value)]
        first, last = s.values.iloc[:52].mean(), s.values.iloc[-52:].mean()
        if role == "rising":
            assert last > first * 1.3, s.key
        elif role == "falling":
            assert last < first / 1.3, s.key


@pytest.mark.slow
def test_training_one_short_run_saves_a_checkpoint_that_forecasts(tmp_path):
    series = generate_training_series(20, seed=1, min_weeks=80, max_weeks=100)
    cfg = NetConfig(context=52, horizon=8, hidden=8)
    net, cfg, meta = train_global(series, cfg=cfg, steps=5, batch=8, n_windows=64)
    assert meta["steps"] == 5 and np.isfinite(meta["val_pinball"])
    path = tmp_path / "tiny.pt"
    save_checkpoint(path, net, cfg, meta)
    _, loaded, loaded_meta = load_checkpoint(path)
    assert loaded == cfg and loaded_meta["windows"] == 64 and loaded_meta["steps"] == 5
    y = series[0]
    fc = GlobalForecaster(path).fit(y, 52).forecast(8)
    assert fc.mean.shape == (8,) and np.all(np.isfinite(fc.mean))


def test_a_checkpoint_retrained_in_place_is_loaded_afresh(tmp_path):
    import os

    series = generate_training_series(10, seed=2, min_weeks=80, max_weeks=90)
    path = tmp_path / "inplace.pt"
    first = train_global(
        series, cfg=NetConfig(context=52, horizon=8, hidden=8), steps=2, batch=8, n_windows=32
    )
    save_checkpoint(path, *first)
    assert GlobalForecaster(path).config.hidden == 8
    second = train_global(
        series, cfg=NetConfig(context=52, horizon=8, hidden=12), steps=2, batch=8, n_windows=32
    )
    save_checkpoint(path, *second)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # coarse clocks: force a new mtime
    assert GlobalForecaster(path).config.hidden == 12


@pytest.mark.slow
def test_cli_train_trends_writes_to_the_data_home(capsys):
    import json

    from stylist.cli import main

    main(["train", "trends", "--steps", "3", "--synthetic", "5", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["checkpoint"].endswith("trends_global_lstm.pt") and out["steps"] == 3
    assert "54 stored weekly series + 5 synthetic" == out["data"]
    assert out["model_choices_reset"] >= 0
