"""The project's own JSONL/CSV format: good rows, every kind of bad row, encodings, round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stylist.errors import CatalogueError
from stylist.index.loaders import CatalogueRowError, load_catalogue, write_catalogue
from stylist.index.schema import Garment, Gender, Slot

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


def test_jsonl_good_rows() -> None:
    result = load_catalogue(FIXTURES / "garments.jsonl")
    assert result.format == "garments-jsonl"
    assert result.rows_read == 3 and result.problems == []
    g1, g2, g3 = result.garments
    assert g1.slot is Slot.TOP and g1.colours == ["navy blue"] and g1.price == 49.5
    assert g1.attributes == {"fit": "slim"} and g1.occasions == ["work", "casual"]
    assert g2.slot is Slot.BOTTOM and g2.attributes == {"fit": "a-line"}  # unknown keys are kept
    assert g3.colours == ["camel", "brown"] and g3.price == 189.0 and g3.gender is Gender.UNISEX


def test_csv_good_rows() -> None:
    result = load_catalogue(FIXTURES / "garments.csv")
    assert result.format == "garments-csv" and result.problems == []
    c1, c2, c3 = result.garments
    assert c1.slot is Slot.BOTTOM and c1.colours == ["olive", "khaki"] and c1.seasons == ["spring", "autumn"]
    assert c1.description == "Relaxed trousers, with pockets"
    assert c1.attributes == {"fit": "relaxed", "care": "machine wash"}
    assert c2.currency == "EUR" and c2.occasions == ["wedding", "party"] and c2.slot is Slot.DRESS
    assert c3.slot is Slot.ACCESSORY and c3.price == 25


EXPECTED_BAD_JSONL = [
    (2, "id", "missing id"),
    (3, "price", "not a number"),
    (4, "price", "negative price"),
    (5, "slot", "unknown slot"),
    (6, "article_type", "unknown article type 'Sofa'"),
    (7, "id", "duplicate id"),
    (8, "image_path", "broken image file"),
    (9, None, "not valid JSON"),
    (10, None, "expected a JSON object"),
    (11, "gender", "Input should be"),
]


def test_jsonl_every_bad_row_is_reported_with_line_and_field() -> None:
    result = load_catalogue(FIXTURES / "garments_bad.jsonl")
    assert [g.id for g in result.garments] == ["ok1", "ok2"]
    assert result.rows_read == 12
    got = [(p.line, p.field, p.reason) for p in result.problems]
    assert len(got) == len(EXPECTED_BAD_JSONL)
    for (line, field, reason), (eline, efield, ereason) in zip(got, EXPECTED_BAD_JSONL):
        assert (line, field) == (eline, efield) and reason.startswith(ereason), (line, field, reason)
    assert all(p.file.endswith("garments_bad.jsonl") for p in result.problems)
    assert result.garments[0].title == "White sneakers"  # the first of the duplicate ids is kept
    assert Path(result.garments[1].image_path).is_file()
    summary = result.summary()
    assert summary["rows_read"] == 12 and summary["loaded"] == 2 and summary["skipped"] == 10
    assert summary["skipped_by_reason"]["price: not a number"] == 1
    assert sum(summary["skipped_by_reason"].values()) == 10


def test_csv_every_bad_row_is_reported_with_line_and_field() -> None:
    result = load_catalogue(FIXTURES / "garments_bad.csv")
    assert [g.id for g in result.garments] == ["ok1", "ok2"]
    got = {(p.line, p.field): p.reason for p in result.problems}
    assert got[(3, "id")] == "missing id"
    assert got[(4, "price")] == "not a number" and result.problems[1].value == "twenty"
    assert got[(5, "price")] == "negative price"
    assert got[(6, "slot")].startswith("unknown slot")
    assert got[(7, "article_type")] == "unknown article type 'Toaster'"
    assert got[(8, "id")].startswith("duplicate id (first seen on line 2")
    assert got[(9, None)] == "too few fields: the row has 4, the header has 8"
    assert got[(10, "image_path")].startswith("broken image file")
    assert result.rows_read == 10 and len(result.problems) == 8


def test_strict_raises_at_the_first_bad_row_naming_file_line_field() -> None:
    with pytest.raises(CatalogueRowError) as info:
        load_catalogue(FIXTURES / "garments_bad.csv", strict=True)
    message = str(info.value)
    assert "garments_bad.csv" in message and "line 3" in message and "'id'" in message
    assert isinstance(info.value, CatalogueError) and info.value.problem.line == 3


def test_strict_accepts_a_clean_file() -> None:
    assert len(load_catalogue(FIXTURES / "garments.csv", strict=True).garments) == 3


def test_cp1252_file_is_read_with_a_warning_and_refused_in_strict_mode() -> None:
    result = load_catalogue(FIXTURES / "cp1252.csv")
    assert result.encoding == "cp1252"
    assert [g.title for g in result.garments] == ["Café crème blouse", "Naïve tee € edition"]
    assert result.problems == [] and result.warnings[0].field == "encoding"
    assert "cp1252" in result.warnings[0].reason and result.warnings[0].line == 2
    with pytest.raises(CatalogueError, match="not UTF-8"):
        load_catalogue(FIXTURES / "cp1252.csv", strict=True)


def test_latin1_fallback_when_cp1252_cannot_decode(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"id,title,article_type\nx1,Odd \x81 byte shirt,Shirt\n")  # 0x81 is undefined in cp1252
    result = load_catalogue(path)
    assert result.encoding == "latin-1" and len(result.garments) == 1


def test_utf8_bom_is_accepted() -> None:
    result = load_catalogue(FIXTURES / "bom.csv")
    assert result.encoding == "utf-8-sig" and result.garments[0].id == "b1"


@pytest.mark.parametrize("name", ["empty.csv", "empty.jsonl"])
def test_empty_file_is_a_problem(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("\n  \n")
    result = load_catalogue(path)
    assert result.garments == [] and result.problems[0].reason == "file is empty"
    with pytest.raises(CatalogueError, match="file is empty"):
        load_catalogue(path, strict=True)


def test_header_only_csv_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("id,title,article_type\n")
    result = load_catalogue(path)
    assert result.rows_read == 0 and result.garments == [] and result.problems == []


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    result = load_catalogue(tmp_path / "nope.jsonl")
    assert result.problems[0].reason == "file not found" and result.rows_read == 0
    with pytest.raises(CatalogueError, match="nope.jsonl: file not found"):
        load_catalogue(tmp_path / "nope.jsonl", strict=True)


def test_folder_is_searched_for_a_catalogue(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "garments.jsonl", tmp_path / "catalogue.jsonl")
    assert len(load_catalogue(tmp_path).garments) == 3
    with pytest.raises(CatalogueError, match="no catalogue file"):
        load_catalogue(tmp_path / "..")


def test_images_dir_resolves_relative_image_paths(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "title": "T", "article_type": "Shirt", "image_path": "good.png"}\n')
    assert load_catalogue(path).problems[0].reason == "image file not found"
    result = load_catalogue(path, images_dir=FIXTURES / "images")
    assert result.problems == [] and result.garments[0].image_path == str(FIXTURES / "images" / "good.png")


def _sample(image: Path) -> list[Garment]:
    return [
        Garment(
            id="r1",
            title="Mustard knit sweater",
            description='Chunky, warm; "cosy".',
            slot=Slot.TOP,
            article_type="Sweater",
            gender=Gender.WOMEN,
            colours=["mustard", "cream"],
            pattern="striped",
            material="wool",
            seasons=["autumn", "winter"],
            occasions=["casual"],
            price=79.0,
            brand="Ochre & Co",
            image_path=str(image),
            attributes={"fit": "oversized", "neck": "crew"},
        ),
        Garment(id="r2", title="Plain belt", slot=Slot.ACCESSORY, article_type="Belt"),
        Garment(
            id="r3",
            title="Ünïcode, commas | pipes",
            slot=Slot.SHOES,
            article_type="Sneakers",
            price=0.0,
            currency="EUR",
            gender=Gender.BOYS,
            attributes={"note": "a, b"},
        ),
    ]


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv"])
def test_write_then_load_round_trips(tmp_path: Path, name: str) -> None:
    (tmp_path / "images").mkdir()
    image = tmp_path / "images" / "r1.png"
    shutil.copy(FIXTURES / "images" / "good.png", image)
    garments = _sample(image)
    path = write_catalogue(garments, tmp_path / name)
    if name.endswith(".jsonl"):
        assert '"image_path": "images/r1.png"' in path.read_text()  # relative inside the folder
    result = load_catalogue(path, strict=True)
    assert result.garments == garments


def test_write_refuses_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="out.xlsx"):
        write_catalogue([], tmp_path / "out.xlsx")


def test_aliases_and_attribute_columns_do_not_collide(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text("id,name,articleType,color,season\na1,Sage linen shirt,Shirt,sage,Fall\n")
    [g] = load_catalogue(path).garments
    assert g.title == "Sage linen shirt" and g.colours == ["sage"] and g.seasons == ["autumn"]
    garment = Garment(
        id="x",
        title="T",
        slot=Slot.TOP,
        article_type="Shirt",
        colours=["red"],
        attributes={"color": "crimson-ish"},
    )
    out = write_catalogue([garment], tmp_path / "out.csv")
    assert load_catalogue(out).garments == [garment]


def test_oversized_csv_field_is_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text('id,title,article_type\nh1,"' + "x" * 200_000 + '",Shirt\nok,Fine shirt,Shirt\n')
    result = load_catalogue(path)
    assert [g.id for g in result.garments] == ["ok"]
    assert result.problems[0].line == 2 and result.problems[0].reason.startswith("unreadable CSV record")


def test_csv_attributes_column_may_hold_json(tmp_path: Path) -> None:
    path = tmp_path / "attrs.csv"
    path.write_text(
        'id,title,article_type,attributes\na,Shirt,Shirt,"{""fit"": ""slim""}"\nb,Shirt,Shirt,"{broken"\n'
    )
    result = load_catalogue(path)
    assert result.garments[0].attributes == {"fit": "slim"}
    assert (result.problems[0].line, result.problems[0].field) == (3, "attributes")
