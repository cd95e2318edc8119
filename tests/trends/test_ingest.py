from __future__ import annotations

import pytest

from stylist.tools.trends.errors import TrendDataError
from stylist.tools.trends.ingest import read_events
from tests.trends.conftest import weekly_rows, write_csv


def test_good_weekly_file_ingests_and_round_trips(tmp_path, store):
    rows = weekly_rows("colour", "Black", range(1, 31)) + weekly_rows("article", "skirt", range(30, 0, -1))
    path = write_csv(tmp_path / "events.csv", rows)
    series, report = read_events(path, source="shop")
    assert report.freq == "W" and report.series == 2 and report.periods == 60 and report.rows_read == 60
    assert report.first == "2022-01-03" and not report.skipped_rows and not report.short_series
    store.save(series, source="shop", origin=str(path))
    loaded = store.load(source="shop", kind="colour")
    assert [s.key.value for s in loaded] == ["black"]  # values are lower-cased
    assert loaded[0].values.tolist() == list(map(float, range(1, 31)))
    assert loaded[0].values.index[0].isoformat().startswith("2022-01-03")


def test_region_and_segment_columns_make_separate_series(tmp_path):
    rows = [
        "2022-01-03,colour,red,5,eu,women",
        "2022-01-03,colour,red,7,us,women",
        "2022-01-10,colour,red,6,eu,women",
        "2022-01-10,colour,red,8,us,women",
    ]
    series, _ = read_events(
        write_csv(tmp_path / "r.csv", rows, "date,kind,value,count,region,segment"), source="s", min_length=1
    )
    assert sorted((s.key.region, s.values.tolist()[0]) for s in series) == [("eu", 5.0), ("us", 7.0)]


def test_monthly_file_is_detected(tmp_path):
    rows = [f"2020-{m:02d}-01,retail_sales,all,{100 + m}" for m in range(1, 13)]
    series, report = read_events(write_csv(tmp_path / "m.csv", rows), source="m")
    assert report.freq == "M" and len(series[0]) == 12
    assert report.short_series  # 12 months is under the 16 needed to forecast: said, not hidden


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2022-01-17,colour,black,-3", "line 4: count: negative count"),
        ("17/01/2022,colour,black,3", "line 4: date: not an ISO date"),
        ("2022-01-17,colour,black,many", "line 4: count: not a number"),
        ("2022-01-17,,black,3", "line 4: kind: empty"),
        ("2022-01-17,colour,black,nan", "line 4: count: not a finite number"),
    ],
)
def test_bad_rows_are_named_by_file_line_and_field(tmp_path, row, expected):
    rows = weekly_rows("colour", "black", [1, 2]) + [row]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(TrendDataError) as err:
        read_events(path, source="x")
    assert f"bad.csv:{expected.split(':', 1)[0].split()[1]}" in str(err.value)
    assert expected.split(": ", 1)[1] in str(err.value)


def test_skip_bad_drops_and_lists_the_rows(tmp_path):
    rows = weekly_rows("colour", "black", [1, 2, 3]) + ["2022-01-24,colour,black,-1"]
    series, report = read_events(write_csv(tmp_path / "bad.csv", rows), source="x", on_bad="skip")
    assert len(series[0]) == 3
    assert [(p.line, p.field) for p in report.skipped_rows] == [(5, "count")]


def test_duplicate_period_names_both_lines(tmp_path):
    rows = weekly_rows("colour", "black", [1, 2, 3]) + ["2022-01-10,colour,black,9"]
    with pytest.raises(
        TrendDataError, match=r"dup.csv:5: duplicate row for x:colour/black on 2022-01-10 \(first at line 3\)"
    ):
        read_events(write_csv(tmp_path / "dup.csv", rows), source="x")


def test_aggregate_sums_events_into_monday_weeks(tmp_path):
    rows = [
        "2022-01-04,colour,red,1",
        "2022-01-06,colour,red,2",
        "2022-01-12,colour,red,5",
        "2022-01-09,colour,red,1",
    ]
    series, report = read_events(
        write_csv(tmp_path / "ev.csv", rows), source="x", aggregate=True, min_length=1
    )
    assert series[0].values.tolist() == [4.0, 5.0]
    assert [str(d.date()) for d in series[0].values.index] == ["2022-01-03", "2022-01-10"]


def test_gaps_are_an_error_unless_filled(tmp_path):
    rows = weekly_rows("colour", "black", [10, 20, 30, 40])
    del rows[1:3]  # drop two weeks
    path = write_csv(tmp_path / "gap.csv", rows)
    with pytest.raises(
        TrendDataError, match="x:colour/black has 2 missing period\\(s\\), the first on 2022-01-10"
    ) as err:
        read_events(path, source="x")
    assert "--fill" in (err.value.hint or "")
    zero, report = read_events(path, source="x", fill="zero")
    assert zero[0].values.tolist() == [10.0, 0.0, 0.0, 40.0] and "2 period(s)" in report.filled[0]
    interp, _ = read_events(path, source="x", fill="interpolate")
    assert interp[0].values.tolist() == [10.0, 20.0, 30.0, 40.0]


def test_irregular_weekly_dates_are_rejected(tmp_path):
    rows = ["2022-01-03,colour,red,1", "2022-01-12,colour,red,2"]
    with pytest.raises(TrendDataError, match="is not weekly: 2022-01-12 follows 2022-01-03 \\(9 days\\)"):
        read_events(write_csv(tmp_path / "irr.csv", rows), source="x")


def test_header_problems_are_named(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["2022-01-03,red,1"], header="date,value,count")
    with pytest.raises(TrendDataError, match="h.csv:1: missing column\\(s\\) kind"):
        read_events(path, source="x")
    path = write_csv(tmp_path / "h2.csv", ["2022-01-03,colour,red,1,x"], header="date,kind,value,count,shop")
    with pytest.raises(TrendDataError, match="unknown column\\(s\\) shop"):
        read_events(path, source="x")
    empty = write_csv(tmp_path / "e.csv", [])
    with pytest.raises(TrendDataError, match="no data rows"):
        read_events(empty, source="x")
    with pytest.raises(TrendDataError, match="no such file"):
        read_events(tmp_path / "missing.csv", source="x")


def test_reingest_replaces_points_and_sources_stay_apart(tmp_path, store):
    a, _ = read_events(write_csv(tmp_path / "a.csv", weekly_rows("colour", "black", [1] * 20)), source="a")
    b, _ = read_events(write_csv(tmp_path / "b.csv", weekly_rows("colour", "black", [5] * 20)), source="b")
    store.save(a, source="a")
    store.save(b, source="b")
    a2, _ = read_events(write_csv(tmp_path / "a2.csv", weekly_rows("colour", "black", [2] * 25)), source="a")
    store.save(a2, source="a")
    got = {s.key.source: s.values.tolist() for s in store.load(kind="colour", value="black")}
    assert got == {"a": [2.0] * 25, "b": [5.0] * 20}
    assert {s["name"] for s in store.sources()} == {"a", "b"}


def test_demo_loads_only_into_an_empty_store(store):
    assert store.ensure_demo() is True
    assert store.ensure_demo() is False
    kinds = store.sources()[0]["kinds"]
    assert set(kinds) == {"colour", "article", "pattern", "style", "fabric"}
