"""The real trend files in ../shared/data/trends ingest cleanly (skipped when absent)."""

from __future__ import annotations

import pytest

from stylist.tools.trends.ingest import read_events

FILES = {
    # file: (series, freq, periods per series, kinds)
    "series.csv": (93, "W", 220, {"article": 27, "colour": 10, "fabric": 56}),
    "series_visuelle_sales.csv": (53, "W", 148, {"article": 22, "colour": 10, "fabric": 21}),
    "series_gtrends_us_2020_2025.csv": (30, "W", 261, {"article": 9, "colour": 10, "fabric": 11}),
    "series_us_clothing_retail.csv": (1, "M", 407, {"retail_sales": 1}),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(FILES))
def test_real_trend_files_ingest_cleanly(shared_data, store, name):
    path = shared_data / "trends" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    n_series, freq, periods, kinds = FILES[name]
    series, report = read_events(path, source=path.stem)
    assert report.series == n_series and report.freq == freq
    assert not report.skipped_rows and not report.filled and not report.short_series
    assert {len(s) for s in series} == {periods}
    counted: dict[str, int] = {}
    for s in series:
        counted[s.key.kind] = counted.get(s.key.kind, 0) + 1
    assert counted == kinds
    store.save(series, source=path.stem)
    assert len(store.keys(source=path.stem)) == n_series
