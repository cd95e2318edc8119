from __future__ import annotations

import json
import re

import pytest

from stylist.cli import main
from stylist.config import load_settings
from stylist.errors import ToolInputError
from stylist.runtime import Runtime
from stylist.tools.registry import build_registry
from stylist.tools.trends.chart import history_and_forecast_sparkline, sparkline
from stylist.tools.trends.errors import TrendDataError
from stylist.tools.trends.forecast import trend_report
from stylist.tools.trends.ingest import read_events
from tests.trends.conftest import trend_counts, weekly_rows, write_csv

SLOPES = {"sage": 2.0, "lilac": 1.0, "beige": 0.0, "navy": -0.6, "olive": -1.2}


def _known_trends(tmp_path, store, n=110):
    rows = [
        r
        for value, slope in SLOPES.items()
        for r in weekly_rows("colour", value, trend_counts(n, slope, level=300, seed=len(value)))
    ]
    series, _ = read_events(write_csv(tmp_path / "known.csv", rows), source="known")
    store.save(series, source="known")


@pytest.mark.parametrize("model", ["ets", "theta", "global"])
def test_rising_and_falling_on_series_with_known_trends(tmp_path, store, model):
    _known_trends(tmp_path, store)
    report = trend_report(store, "colour", "8w", source="known", top=2, model=model)
    assert {t.value for t in report.rising} == {"sage", "lilac"}
    assert {t.value for t in report.falling} == {"olive", "navy"}
    sage = next(t for t in report.rising if t.value == "sage")
    assert sage.growth > 0.005 and sage.growth_low < sage.growth < sage.growth_high
    assert len(sage.forecast) == len(sage.dates) == 8 and sage.dates[0] > report.as_of
    assert "│" in sage.sparkline
    assert (
        report.summary.startswith("colour over the next 8 weeks (source known")
        and "rising sage +" in report.summary
    )


def test_auto_selects_a_model_by_backtest_and_caches_it(tmp_path, store):
    _known_trends(tmp_path, store, n=60)
    report = trend_report(store, "colour", "4w", source="known", model="auto")
    assert report.model in report.model_selection and set(report.model_selection) >= {
        "seasonal_naive",
        "ets",
        "theta",
    }
    assert store.model_choice("known", "colour", 4)[0] == report.model


def test_forgetting_model_choices_makes_the_next_forecast_choose_again(tmp_path, store):
    _known_trends(tmp_path, store, n=60)
    trend_report(store, "colour", "4w", source="known", model="auto")
    assert store.forget_model_choices() == 1
    assert store.model_choice("known", "colour", 4) is None
    trend_report(store, "colour", "4w", source="known", model="auto")
    assert store.model_choice("known", "colour", 4) is not None


def test_short_series_and_unknown_names_are_refused_clearly(tmp_path, store):
    series, _ = read_events(
        write_csv(tmp_path / "s.csv", weekly_rows("colour", "red", range(1, 11))), source="short"
    )
    store.save(series, source="short")
    with pytest.raises(TrendDataError, match="too short to forecast 8 weeks ahead \\(need 16 periods\\)"):
        trend_report(store, "colour", "8w", source="short")
    with pytest.raises(ToolInputError, match="no trend source 'nope'"):
        trend_report(store, "colour", source="nope")
    with pytest.raises(ToolInputError, match="no trend series of kind 'mood'"):
        trend_report(store, "mood")
    with pytest.raises(ToolInputError, match="unknown trend model"):
        trend_report(store, "colour", model="prophet")


def test_sparkline():
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█"
    assert sparkline([3, 3]) == "▁▁" and sparkline([1, float("nan")]) == "▁ "
    assert history_and_forecast_sparkline([0, 7], [7]) == "▁█│█"


def test_tool_is_registered_and_answers_on_the_demo_data(runtime):
    registry = build_registry(runtime)
    assert "trend_forecast" in registry
    result = registry.invoke("trend_forecast", {"kind": "pattern", "horizon": "8w", "top": 3, "chart": True})
    assert result.source == "demo" and result.model == "theta" and result.series == 8
    assert len(result.rising) == 3 and len(result.falling) == 3
    assert all(t.growth > 0 for t in result.rising) and all(t.growth < 0 for t in result.falling)
    assert result.rising[0].history == []  # history only with detail=True
    png = runtime.settings.designs_dir
    assert (
        result.chart_path
        and result.chart_path.startswith(str(png))
        and open(result.chart_path, "rb").read(4) == b"\x89PNG"
    )
    assert result.images == [result.chart_path] and result.image_captions == ["pattern trends, 8w ahead"]
    with pytest.raises(ToolInputError, match="horizon"):
        registry.invoke("trend_forecast", {"horizon": "soon"})
    with pytest.raises(ToolInputError, match="top"):
        registry.invoke("trend_forecast", {"top": 0})


def test_plain_function_uses_the_default_runtime(monkeypatch):
    from stylist.runtime import set_default_runtime
    from stylist.tools.functions import trend_forecast

    set_default_runtime(Runtime(load_settings(trends={"model": "seasonal_naive"})))
    result = trend_forecast("style", "2m", top=2, detail=True)
    assert result.horizon == 9 and result.model == "seasonal_naive" and len(result.rising[0].history) == 52


def _cli(capsys, *args):
    try:
        main(["--set", "trends.model=theta", *args])
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, re.sub(r"\s+", " ", out.err)  # rich wraps long lines


def test_cli_ingest_report_and_series_json(tmp_path, capsys):
    rows = [
        r
        for value, slope in SLOPES.items()
        for r in weekly_rows("colour", value, trend_counts(80, slope, level=150))
    ]
    path = write_csv(tmp_path / "shop.csv", rows)
    code, out, _ = _cli(capsys, "trends", "ingest", str(path), "--source", "shop", "--json")
    assert code == 0 and json.loads(out)["series"] == 5
    code, out, _ = _cli(capsys, "trends", "--by", "colour", "--source", "shop", "--top", "2", "--json")
    report = json.loads(out)
    assert code == 0 and [t["value"] for t in report["rising"]] == ["sage", "lilac"]
    code, out, _ = _cli(
        capsys, "trends", "series", "colour", "olive", "--source", "shop", "--horizon", "4w", "--json"
    )
    one = json.loads(out)
    assert (
        code == 0 and len(one["forecast"]) == 4 and one["trend"]["growth"] < 0 and len(one["history"]) == 80
    )
    code, out, _ = _cli(capsys, "trends", "sources", "--json")
    assert {s["name"] for s in json.loads(out)} == {"shop"}


def test_cli_plain_output_and_chart(tmp_path, capsys):
    code, out, _ = _cli(capsys, "trends", "--by", "fabric", "--top", "2", "--chart", str(tmp_path / "f.png"))
    assert code == 0 and "rising" in out and "falling" in out and (tmp_path / "f.png").is_file()


def test_cli_errors_have_no_traceback(tmp_path, capsys):
    bad = write_csv(tmp_path / "bad.csv", ["2022-01-03,colour,red,-2"])
    code, _, err = _cli(capsys, "trends", "ingest", str(bad))
    assert code == 1 and ":2: count: negative count" in err and "Traceback" not in err
    code, _, err = _cli(capsys, "trends", "--horizon", "8x")
    assert code == 2 and "horizon '8x' is not understood" in err
    code, _, err = _cli(capsys, "trends", "series", "colour", "sagee")
    assert code == 2 and "did you mean sage" in err


def test_cli_ingest_text(tmp_path, capsys):
    posts = tmp_path / "posts.jsonl"
    code, _, _ = _cli(capsys, "trends", "demo-posts", str(posts), "--n", "300")
    assert code == 0
    code, out, _ = _cli(capsys, "trends", "ingest-text", str(posts), "--no-embed", "--json")
    report = json.loads(out)
    assert (
        code == 0
        and report["posts"] == 300
        and report["mentions_lexicon"] > 300
        and report["embedder"] == "off"
    )
