"""Polyvore loaders (both layouts, good and malformed) and the rule-made demo outfits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from stylist.errors import CatalogueError
from stylist.index.schema import Slot
from stylist.tools.outfits.attributes import pair_issues
from stylist.tools.outfits.data import load_outfits
from stylist.tools.outfits.data.demo import demo_fitb, generate_demo_outfits
from stylist.tools.outfits.rules import rule_score
from tests.fakes.compat import fake_catalogue

FIXTURES = Path(__file__).parent / "fixtures"


def test_maryland_fixture_loads_outfits_and_benchmarks():
    data = load_outfits(FIXTURES / "polyvore_maryland")
    assert data.format == "polyvore-maryland"
    assert len(data.outfits) == 12
    first = data.outfits[0].garments
    assert [g.id for g in first][:2] == ["100000_1", "100000_2"]
    assert first[0].slot is Slot.DRESS  # one_piece
    assert {len(v) for v in data.compat.values()} == {6, 2}
    assert [e.label for e in data.compat["hard"]].count(0) == 3
    random_neg = [e for e in data.compat["random"] if e.label == 0][0]
    assert random_neg.source == random_neg.example_id  # random negatives come from no one outfit
    q = data.fitb["hard"][0]
    assert len(q.candidates) == 4 and q.candidates[q.answer_index].id.startswith(q.outfit_id)


def test_colours_are_read_from_item_names():
    data = load_outfits(FIXTURES / "polyvore_maryland")
    by_title = {g.title: g for g in data.garments().values()}
    assert by_title["white leather sneakers"].colours == ["white"]
    assert by_title["tan suede ankle boots"].colours == ["tan"]


def test_maryland_single_file_loads_without_benchmarks():
    data = load_outfits(FIXTURES / "polyvore_maryland" / "outfits.jsonl")
    assert len(data.outfits) == 12 and data.compat == {} and data.fitb == {}


def test_polyvore_outfits_layout():
    data = load_outfits(FIXTURES / "polyvore_outfits")
    assert data.format == "polyvore-outfits"
    assert len(data.outfits) == 12
    assert [e.label for e in data.compat["test"]] == [1, 0]
    q = data.fitb["test"][0]
    assert q.candidates[q.answer_index].id == data.outfits[9].garments[-1].id
    assert all(g.slot is not Slot.BEAUTY for o in data.outfits for g in o.garments)


def _copy_maryland(tmp_path: Path) -> Path:
    folder = tmp_path / "mary"
    shutil.copytree(FIXTURES / "polyvore_maryland", folder)
    return folder


def _rewrite_line(path: Path, line: int, change) -> None:
    lines = path.read_text().splitlines()
    lines[line - 1] = change(lines[line - 1])
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s[:-5], "outfits.jsonl line 3: field '(line)': not valid JSON"),
        (
            lambda s: json.dumps({k: v for k, v in json.loads(s).items() if k != "outfit_id"}),
            "line 3: field 'outfit_id': missing",
        ),
        (lambda s: s.replace('"coarse_type": "shoes"', '"coarse_type": "spaceship"'), "items[2].coarse_type"),
        (lambda s: json.dumps({**json.loads(s), "items": "none"}), "field 'items': expected a list"),
        (lambda s: s.replace('"price": ', '"price": -', 1), ".price': expected a non-negative number"),
        (lambda s: "[1, 2]", "expected a JSON object"),
    ],
)
def test_malformed_maryland_rows_name_file_line_and_field(tmp_path, change, expected):
    folder = _copy_maryland(tmp_path)
    _rewrite_line(folder / "outfits.jsonl", 3, change)
    with pytest.raises(CatalogueError) as err:
        load_outfits(folder)
    assert expected in err.value.message


def test_non_strict_skips_bad_rows_and_reports_them(tmp_path):
    folder = _copy_maryland(tmp_path)
    _rewrite_line(folder / "outfits.jsonl", 3, lambda s: s[:-5])
    data = load_outfits(folder, strict=False)
    assert len(data.outfits) == 11
    assert len(data.problems) == 1 and "outfits.jsonl line 3" in data.problems[0]


def test_bad_fitb_answer_index(tmp_path):
    folder = _copy_maryland(tmp_path)
    _rewrite_line(folder / "fitb.jsonl", 2, lambda s: json.dumps({**json.loads(s), "answer_index": 9}))
    with pytest.raises(CatalogueError, match=r"fitb.jsonl line 2: field 'answer_index'"):
        load_outfits(folder)


def test_polyvore_outfits_unknown_item_id(tmp_path):
    folder = tmp_path / "po"
    shutil.copytree(FIXTURES / "polyvore_outfits", folder)
    path = folder / "nondisjoint" / "train.json"
    rows = json.loads(path.read_text())
    rows[1]["items"][0]["item_id"] = "nope"
    path.write_text(json.dumps(rows))
    with pytest.raises(
        CatalogueError, match=r"train.json outfit 2: field '\[1\].items\[0\].item_id': 'nope' is not in"
    ):
        load_outfits(folder)


def test_missing_or_unknown_layout(tmp_path):
    with pytest.raises(CatalogueError, match="does not exist"):
        load_outfits(tmp_path / "absent")
    with pytest.raises(CatalogueError, match="no outfits.jsonl"):
        load_outfits(tmp_path)


def test_demo_outfits_are_deterministic_and_negatives_break_a_rule():
    catalogue = fake_catalogue(600)
    outfits, examples = generate_demo_outfits(catalogue, n=60, seed=1)
    again, _ = generate_demo_outfits(catalogue, n=60, seed=1)
    assert [o.garments for o in outfits] == [o.garments for o in again]
    assert len(examples) == 120
    for pos, neg in zip(examples[::2], examples[1::2]):
        assert pos.label == 1 and neg.label == 0 and pos.source == neg.source
        assert rule_score(list(pos.garments)) > rule_score(list(neg.garments))
        swapped = [g for g in neg.garments if g not in pos.garments]
        assert len(swapped) == 1
        assert any(pair_issues(swapped[0], g) for g in neg.garments if g is not swapped[0])
        slots = {g.slot for g in pos.garments}
        assert Slot.SHOES in slots and (Slot.DRESS in slots or {Slot.TOP, Slot.BOTTOM} <= slots)
    assert {e.reason for e in examples if e.label == 0} == {
        "colour clash",
        "formality mismatch",
        "season mismatch",
    }
    questions = demo_fitb(catalogue, outfits)
    assert all(q.candidates[q.answer_index].slot == c.slot for q in questions for c in q.candidates)


@pytest.mark.shared_data
def test_real_maryland_data_loads(shared_data):
    data = load_outfits(shared_data / "polyvore-maryland")
    assert len(data.outfits) == 1497
    assert sum(len(o.garments) for o in data.outfits) == 9070
    assert {k: len(v) for k, v in data.compat.items()} == {"hard": 2994, "random": 2994}
    assert {k: len(v) for k, v in data.fitb.items()} == {"hard": 1318, "random": 1318}


def test_polyvore_outfits_bad_metadata_names_the_item(tmp_path):
    folder = tmp_path / "po"
    shutil.copytree(FIXTURES / "polyvore_outfits", folder)
    path = folder / "polyvore_item_metadata.json"
    meta = json.loads(path.read_text())
    first = next(iter(meta))
    meta[first]["semantic_category"] = "furniture"
    path.write_text(json.dumps(meta))
    with pytest.raises(
        CatalogueError, match=rf"metadata\['{first}'\].semantic_category.: unknown value 'furniture'"
    ):
        load_outfits(folder)
    data = load_outfits(folder, strict=False)
    assert len(data.outfits) == 11 and len(data.problems) == 1
