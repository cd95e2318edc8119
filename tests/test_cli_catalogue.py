"""``stylist catalogue demo`` and ``stylist catalogue check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


run = run_cli


def test_demo_writes_catalogue_and_images(tmp_path: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "catalogue", "demo", "--out", str(tmp_path / "demo"), "-n", "12", "--seed", "3", "--json"
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["garments"] == 12
    assert len(list((tmp_path / "demo" / "images").glob("*.png"))) == 12
    code, out, _ = run(capsys, "catalogue", "check", str(tmp_path / "demo"), "--json")
    assert code == 0 and json.loads(out)["loaded"] == 12


def test_check_prints_each_problem(capsys) -> None:
    code, out, _ = run(capsys, "catalogue", "check", str(FIXTURES / "garments_bad.csv"), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["rows_read"] == 10 and summary["loaded"] == 2 and summary["skipped"] == 8
    first = summary["problems"][0]
    assert first["line"] == 3 and first["field"] == "id" and first["reason"] == "missing id"
    assert first["file"].endswith("garments_bad.csv")
    code, out, _ = run(capsys, "catalogue", "check", str(FIXTURES / "garments_bad.csv"))
    assert "missing id" in out and "negative price" in out and "skipped because" in out


def test_check_strict_fails_without_traceback(capsys) -> None:
    code, out, err = run(capsys, "catalogue", "check", str(FIXTURES / "garments_bad.jsonl"), "--strict")
    assert code == 1
    assert "line 2" in err and "'id'" in err and "Traceback" not in err


def test_check_missing_file_fails_clearly(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "catalogue", "check", str(tmp_path / "missing.csv"))
    err = " ".join(err.split())
    assert code == 1 and "no garments could be loaded" in err and "file not found" in err


@pytest.mark.parametrize("flag", ["--json", None])
def test_demo_refuses_a_file_as_out(tmp_path: Path, capsys, flag) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    args = ["catalogue", "demo", "--out", str(target), "-n", "2"] + ([flag] if flag else [])
    code, _, err = run(capsys, *args)
    assert code == 1 and "is a file" in " ".join(err.split())
