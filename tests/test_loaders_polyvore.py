"""Polyvore catalogues: Maryland outfits.jsonl (items inside outfits) and the item metadata JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stylist.errors import CatalogueError
from stylist.index.loaders import load_catalogue
from stylist.index.schema import Gender, Slot

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


def test_maryland_outfits_items_become_garments() -> None:
    result = load_catalogue(FIXTURES / "polyvore_outfits" / "outfits.jsonl")
    assert result.format == "polyvore-outfits" and result.rows_read == 13
    by_id = {g.id: g for g in result.garments}
    assert sorted(by_id) == ["100_1", "100_2", "100_4", "101_1", "101_3"]
    coat = by_id["100_1"]
    assert coat.slot is Slot.OUTERWEAR and coat.colours == ["camel"] and coat.material == "wool"
    assert coat.price == 189.0 and coat.title == "Camel wool wrap coat" and coat.gender is Gender.WOMEN
    assert coat.attributes["outfit_id"] == "100" and coat.attributes["polyvore_tid"] == "9001"
    assert by_id["100_2"].price is None and by_id["100_2"].slot is Slot.SHOES  # null price is kept as None
    assert by_id["100_4"].title == "Bracelets & Bangles"  # unnamed items keep their category as title
    tee = by_id["101_1"]
    assert tee.colours == ["navy blue"] and tee.pattern == "striped" and tee.price == 24.5
    sweater = by_id["101_3"]
    assert sweater.gender is Gender.MEN and sweater.price is None  # -1 is Polyvore's "no price"


def test_maryland_bad_items_are_reported() -> None:
    result = load_catalogue(FIXTURES / "polyvore_outfits" / "outfits.jsonl")
    got = [(p.line, p.field, p.reason.split(" (")[0].split(";")[0]) for p in result.problems]
    assert got == [
        (1, "items[2].category", "not a fashion item"),
        (2, "items[1].polyvore_tid", "same product as item '100_2'"),
        (2, "items[3].item_id", "missing id"),
        (2, "items[4].price", "not a number"),
        (2, "items[5].category", "unknown article type 'Gizmos'"),
        (3, None, "not valid JSON"),
        (4, "id", "duplicate id"),
        (4, "items[1].price", "negative price"),
    ]
    summary = result.summary()
    assert summary["loaded"] + summary["skipped"] == summary["rows_read"] - 0
    assert summary["skipped_by_reason"]["items[].category: not a fashion item"] == 1
    with pytest.raises(CatalogueError, match="line 1.*items\\[2\\].category"):
        load_catalogue(FIXTURES / "polyvore_outfits" / "outfits.jsonl", strict=True)


def test_item_metadata_json() -> None:
    result = load_catalogue(FIXTURES / "polyvore_meta" / "polyvore_item_metadata.json")
    assert result.format == "polyvore-metadata" and result.rows_read == 7
    by_id = {g.id: g for g in result.garments}
    assert sorted(by_id) == ["154249722", "177777777", "211990161"]
    jeans = by_id["154249722"]
    assert jeans.article_type == "Skinny Jeans"  # fine category from categories.csv
    assert jeans.slot is Slot.BOTTOM and jeans.colours == ["indigo"] and jeans.material == "denim"
    assert jeans.title == "Topshop MOTO Leigh Jeans" and jeans.image_path.endswith("images/154249722.jpg")
    assert jeans.description.startswith("Mid-rise skinny jeans")
    top = by_id["211990161"]  # misspelt "catgeories" key, no title: url_name is the title
    assert top.title == "Neck print chiffon plus size" and top.slot is Slot.TOP and top.material == "chiffon"
    assert by_id["177777777"].slot is Slot.JEWELRY and by_id["177777777"].colours == ["gold"]
    problems = {p.field: (p.line, p.reason) for p in result.problems}
    assert problems["[188425631].image"][1].startswith("broken image file")
    assert problems["[199999999].semantic_category"][1].startswith("not a fashion item")
    assert problems["[166666666]"][1] == "expected an object of item metadata"
    assert problems["[155555555].semantic_category"] == (8, "no category to tell the garment type")


def test_metadata_list_layout_and_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"item_id": 1, "title": "Red silk scarf", "semantic_category": "scarves"}]))
    [scarf] = load_catalogue(path).garments
    assert (
        scarf.id == "1"
        and scarf.slot is Slot.ACCESSORY
        and scarf.colours == ["red"]
        and scarf.material == "silk"
    )
    path.write_text('{"1": {"title": "x",\n')
    result = load_catalogue(path)
    assert result.garments == [] and result.problems[0].reason.startswith("not valid JSON")


@pytest.mark.shared_data
def test_real_polyvore_outfits(shared_data: Path) -> None:
    result = load_catalogue(shared_data / "polyvore-maryland" / "outfits.jsonl")
    summary = result.summary()
    assert summary["rows_read"] == 9070
    assert summary["loaded"] + summary["skipped"] == 9070
    reasons = summary["skipped_by_reason"]
    assert reasons["items[].category: not a fashion item"] == 1585  # the home_other items
    assert set(reasons) == {
        "items[].category: not a fashion item",
        "items[].polyvore_tid: same product as item …",
    }
    assert summary["loaded"] == len({g.attributes["polyvore_tid"] for g in result.garments})
    assert sum(1 for g in result.garments if g.colours) > 1800
    assert {Slot.TOP, Slot.BOTTOM, Slot.DRESS, Slot.OUTERWEAR, Slot.SHOES, Slot.BAG, Slot.JEWELRY} <= {
        g.slot for g in result.garments
    }
