"""``stylist index build|info``, ``stylist search``, ``stylist item`` and the search tool on the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stylist.config import load_settings
from stylist.index.build import build_index
from stylist.runtime import Runtime
from stylist.tools.functions import search_garments
from stylist.tools.search import SearchResult
from tests.cli_helpers import run_cli
from tests.fakes import HashingTextEmbedder
from tests.sample_catalogue import sample_garments

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch):
    """Every runtime the CLI makes gets the fast fake embedder instead of MiniLM."""
    monkeypatch.setattr(
        "stylist.index.embed.factory.make_text_embedder", lambda settings, model=None: HashingTextEmbedder()
    )


run = run_cli


@pytest.fixture
def built(stylist_home):
    """An index of the sample garments in STYLIST_HOME."""
    settings = load_settings()
    build_index(settings, HashingTextEmbedder(), garments=sample_garments())
    return settings


def test_build_reports_skipped_rows_with_file_line_field(capsys, stylist_home):
    code, out, err = run(
        capsys, "index", "build", "--catalogue", str(FIXTURES / "garments_bad.csv"), "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["indexed"] == 2 and report["rows_read"] == 10 and report["skipped"] == 8
    assert report["format"] and report["timings"]["total_s"] >= 0
    problem = next(p for p in report["problems"] if p["field"] == "price" and p["value"] == "twenty")
    assert problem["file"].endswith("garments_bad.csv") and problem["line"] == 4 and problem["reason"]
    assert (stylist_home / "index" / "CURRENT").is_file()
    code, out, _ = run(capsys, "index", "info", "--json")
    assert code == 0 and json.loads(out)["count"] == 2


def test_build_table_and_strict_failure_keep_previous_index(capsys, stylist_home):
    code, out, err = run(capsys, "index", "build", "--catalogue", str(FIXTURES / "garments.csv"))
    assert code == 0, err
    assert "rows read" in out and "indexed" in out
    code, out, err = run(
        capsys, "index", "build", "--catalogue", str(FIXTURES / "garments_bad.csv"), "--strict"
    )
    assert code != 0
    assert "garments_bad.csv" in err and "line" in err and "Traceback" not in err
    code, out, _ = run(capsys, "item", "c1", "--json")  # the previous index still answers
    assert code == 0 and json.loads(out)["title"] == "Olive cargo trousers"


def test_build_bad_arguments(capsys):
    code, _, err = run(capsys, "index", "build", "--catalogue", "x.csv", "--demo")
    assert code == 2 and "exclude" in err
    code, _, err = run(capsys, "index", "build", "--catalogue", "/no/such/file.csv")
    assert code != 0 and "file.csv" in err and "Traceback" not in err
    code, _, err = run(capsys, "index", "info")
    assert code != 0 and "stylist index build" in err


def test_search_json_shape_and_filters(capsys, built):
    code, out, err = run(
        capsys,
        "search",
        "navy formal shirt for men",
        "--slot",
        "top",
        "--gender",
        "men",
        "--max-price",
        "120",
        "-k",
        "4",
        "--json",
    )
    assert code == 0, err
    hits = json.loads(out)
    assert len(hits) == 4
    for hit in hits:
        assert {"id", "title", "slot", "gender", "colours", "price", "score", "matched"} <= hit.keys()
        assert hit["slot"] == "top" and hit["gender"] in ("men", "unisex") and hit["price"] <= 120
    assert hits[0]["colours"] == ["navy"] and hits[0]["article_type"] == "Shirts"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)

    code, out, _ = run(
        capsys, "search", "boots", "--colour", "red", "--colour", "black", "--season", "winter", "--json"
    )
    assert code == 0 and all(
        set(h["colours"]) & {"red", "black"} and "winter" in h["seasons"] for h in json.loads(out)
    )
    code, out, _ = run(capsys, "search", "--brand", "Rarebrand", "--json")
    assert code == 0 and sorted(h["id"] for h in json.loads(out)) == ["rare-0", "rare-1", "rare-2"]


def test_search_table_and_bad_flags(capsys, built):
    code, out, _ = run(capsys, "search", "red leather boots", "-k", "3")
    assert code == 0 and "score" in out and "boots" in out
    code, _, err = run(capsys, "search", "x", "--slot", "spaceship")
    assert code == 2 and "slot" in err and "Traceback" not in err
    code, _, err = run(capsys, "search", "x", "--min-price", "90", "--max-price", "10")
    assert code == 2 and "price" in err


def test_item_known_and_unknown(capsys, built):
    code, out, _ = run(capsys, "item", "g0001", "--json")
    assert code == 0 and json.loads(out)["id"] == "g0001"
    code, out, _ = run(capsys, "item", "g0001")
    assert code == 0 and "article_type" in out
    code, out, err = run(capsys, "item", "no-such-id")
    assert code != 0 and "no-such-id" in err and "Traceback" not in err


def test_search_tool_on_runtime(built):
    runtime = Runtime(built, text_embedder=HashingTextEmbedder())
    result = search_garments("black leather boots", runtime=runtime, slot="shoes", max_price=150, k=3)
    assert isinstance(result, SearchResult) and len(result.hits) == 3
    assert result.hits[0].garment.title == "Black leather boots"
    assert set(result.hits[0].matched) == {"slot", "price"}
    rare = search_garments("anything", runtime=runtime, brands="Rarebrand", k=5)
    assert {h.garment.id for h in rare.hits} == {"rare-0", "rare-1", "rare-2"}


def test_runtime_builds_the_demo_index_on_first_use(tmp_path):
    settings = load_settings(home=str(tmp_path / "h"), index={"demo_size": 30})
    runtime = Runtime(settings, text_embedder=HashingTextEmbedder())
    index = runtime.catalogue_index
    assert len(index) == 30
    pictures = [Path(g.image_path) for g in index]
    assert all(p.is_file() and p.is_relative_to(settings.index_dir) for p in pictures)
    first = runtime.catalogue_index.search("red dress", k=3)
    again = Runtime(settings, text_embedder=HashingTextEmbedder()).catalogue_index  # opens, does not rebuild
    assert again.build_dir == index.build_dir
    assert [g.id for g, _ in again.search("red dress", k=3)] == [g.id for g, _ in first]


def test_demo_build_from_the_cli(capsys, stylist_home):
    code, out, err = run(capsys, "--set", "index.demo_size=12", "index", "build", "--demo", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["format"] == "demo" and report["indexed"] == 12 and report["skipped"] == 0
    code, out, _ = run(capsys, "index", "info")
    assert code == 0 and "demo" in out
    code, out, _ = run(capsys, "search", "--slot", "shoes", "--json")
    assert code == 0 and all(h["slot"] == "shoes" for h in json.loads(out))
