"""``stylist feedback import``: RentTheRunway and plain CSVs into the profile store, bad rows named."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from stylist.db import open_database
from stylist.errors import ProfileError
from stylist.profiles.feedback_import import import_feedback
from stylist.profiles.rental_data import from_store
from stylist.profiles.rental_models import BodyRow, InteractionItemRow, RatingRow
from stylist.profiles.store import ProfileStore
from tests.cli_helpers import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "renttherunway"


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(open_database(f"sqlite:///{tmp_path / 'p.db'}"))


def _count(store: ProfileStore, model: type) -> int:
    with store.db.session() as s:
        return s.query(model).count()


def test_rtr_import_keeps_every_row_and_items_with_category_and_occasions(store: ProfileStore) -> None:
    ticks: list[int] = []
    report = import_feedback(store, FIXTURES / "history.csv", "renttherunway", progress=ticks.append)
    assert report.rows == 56 and report.imported == 56 and not report.bad
    assert sum(ticks) == 56
    assert _count(store, RatingRow) == 56
    assert report.interaction_only_items == report.items == _count(store, InteractionItemRow)
    with store.db.session() as s:
        item = s.get(InteractionItemRow, "it04")
        body = s.get(BodyRow, "u00")
    assert item.category == "sheath" and json.loads(item.occasions_json) == {"work": 5}
    assert body.height_in == 63 and body.weight_lbs == 115
    data = from_store(store)
    assert len(data) == 56 and set(data.fit.tolist()) <= {0, 1, 2}
    assert (data.time[:-1] <= data.time[1:]).all()


def test_catalogue_items_are_not_duplicated_as_interaction_only(store: ProfileStore) -> None:
    report = import_feedback(
        store, FIXTURES / "history.csv", "renttherunway", in_catalogue=lambda i: i == "it04"
    )
    assert report.interaction_only_items == report.items - 1
    with store.db.session() as s:
        assert s.get(InteractionItemRow, "it04") is None


def test_bad_rows_are_named_by_line_and_good_rows_kept(store: ProfileStore) -> None:
    report = import_feedback(store, FIXTURES / "bad.csv", "renttherunway")
    errors = dict(report.bad)
    assert report.rows == 7 and report.imported == 2 and len(report.bad) == 5
    assert "rating 'ten' is not a number" in errors[3]
    assert "fit 'tight'" in errors[4]
    assert "date 'last tuesday'" in errors[5]
    assert "user id" in errors[6]
    assert "expected 14 fields, got 3" in errors[8]


def test_plain_csv_with_header_and_missing_date(store: ProfileStore) -> None:
    report = import_feedback(store, FIXTURES / "plain.csv", "plain")
    assert report.imported == 3 and report.bad == [(4, "rating 'x' is not a number")]
    data = from_store(store)
    assert sorted(data.user.tolist()) == ["bob", "bob", "carol"]
    assert set(data.fit.tolist()) == {-1}


def test_gzipped_file_and_unknown_format(store: ProfileStore, tmp_path: Path) -> None:
    gz = tmp_path / "h.csv.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "history.csv").read_bytes()))
    assert import_feedback(store, gz, "renttherunway").imported == 56
    with pytest.raises(ProfileError, match="unknown feedback format"):
        import_feedback(store, gz, "json")
    with pytest.raises(ProfileError, match="not a RentTheRunway file"):
        import_feedback(store, FIXTURES / "plain.csv", "renttherunway")
    with pytest.raises(ProfileError, match="no such file"):
        import_feedback(store, tmp_path / "missing.csv", "plain")


def test_cli_import_reports_bad_rows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "feedback", "import", str(FIXTURES / "bad.csv"), "--format", "renttherunway"
    )
    assert code == 0
    assert "imported 2 of 7 rows" in out and "line 3: rating 'ten' is not a number" in out
    code, out, _ = run_cli(capsys, "feedback", "import", str(FIXTURES / "plain.csv"), "--json")
    assert code == 0 and json.loads(out)["bad_rows"] == [{"line": 4, "error": "rating 'x' is not a number"}]
    code, _, err = run_cli(capsys, "feedback", "import", str(FIXTURES / "plain.csv"), "--format", "xml")
    assert code == 1 and "unknown feedback format" in err


def test_export_and_delete_cover_imported_feedback(store: ProfileStore) -> None:
    import_feedback(store, FIXTURES / "alice.csv", "renttherunway")
    export = store.export("alice")
    assert len(export.other["rated_items"]) == 3 and export.other["body_measurements"][0]["height_in"] == 63
    counts = store.delete("alice")
    assert counts["rated_items"] == 3 and counts["body_measurements"] == 1
    assert store.export("alice").other.get("rated_items") == []
    assert _count(store, RatingRow) == 0
