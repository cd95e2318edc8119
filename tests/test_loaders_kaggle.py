"""The Kaggle "Fashion Product Images" styles.csv layout and its circulating variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from stylist.errors import CatalogueError
from stylist.index.loaders import load_catalogue
from stylist.index.schema import Gender, Slot

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


def test_original_layout_with_year_and_bad_rows() -> None:
    result = load_catalogue(FIXTURES / "kaggle_year" / "styles.csv")
    assert result.format == "kaggle-styles" and result.rows_read == 11
    by_id = {g.id: g for g in result.garments}
    assert sorted(by_id) == ["11000", "12002", "12005", "15970", "21379", "39386"]

    shirt = by_id["15970"]
    assert shirt.title == "Turtle Check Men Navy Blue Shirt" and shirt.slot is Slot.TOP
    assert shirt.gender is Gender.MEN and shirt.colours == ["navy blue"] and shirt.seasons == ["autumn"]
    assert shirt.occasions == ["casual"] and shirt.price is None and shirt.brand == "Turtle Check"
    assert shirt.pattern == "checked" and shirt.attributes["year"] == "2011"
    assert shirt.description.startswith(
        "A navy blue shirt for men by Turtle Check, suited to casual wear in autumn."
    )
    assert by_id["39386"].description.startswith("A pair of blue jeans for men")

    dress = by_id["21379"]  # unquoted commas in the name are joined back
    assert dress.title == "Mango Women Rust, Floral, Wrap Dress" and dress.pattern == "floral"
    assert dress.colours == ["rust"] and dress.occasions == ["party"] and dress.slot is Slot.DRESS

    assert by_id["11000"].slot is Slot.BEAUTY  # personal care is kept
    assert by_id["12002"].slot is Slot.OTHER  # home items are kept, out of outfit slots
    heels = by_id["12005"]  # blank season, year, usage, name
    assert (
        heels.title == "Gold Heels"
        and heels.seasons == []
        and heels.occasions == []
        and heels.gender is Gender.GIRLS
    )

    problems = {p.line: (p.field, p.reason) for p in result.problems}
    assert problems == {
        6: ("id", "missing id"),
        7: ("gender", "unknown gender (expected Men, Women, Boys, Girls or Unisex)"),
        9: ("articleType", "unknown article type 'Hoverboard' (sub-category 'Things', category 'Gadgets')"),
        10: (None, "too few fields: the row has 4, the header has 10"),
        11: ("id", "duplicate id (first seen on line 2; the first is kept)"),
    }
    summary = result.summary()
    assert summary["loaded"] + summary["skipped"] == summary["rows_read"]


def test_variant_without_year_with_colorgroup() -> None:
    result = load_catalogue(FIXTURES / "kaggle_colorgroup" / "styles.csv")
    assert result.problems == [] and len(result.garments) == 4
    watch, tee, bag, shoes = result.garments
    assert watch.colours == ["silver", "grey"] and watch.attributes["colour_group"] == "grey"
    assert "year" not in watch.attributes and watch.slot is Slot.ACCESSORY
    assert tee.title == "Nike Boys Olive, Striped T-shirt" and tee.gender is Gender.BOYS
    assert (
        tee.pattern == "striped" and tee.occasions == ["sports"] and tee.attributes["colour_group"] == "green"
    )
    assert bag.title == "Hidesign Women Tan Leather Handbag, Large" and bag.material == "leather"
    assert bag.slot is Slot.BAG and bag.occasions == ["formal"]
    assert shoes.colours == [] and shoes.occasions == [] and shoes.brand == "Puma"


def test_images_folder_next_to_the_csv_with_one_broken_image() -> None:
    result = load_catalogue(FIXTURES / "kaggle_images" / "styles.csv")
    by_id = {g.id: g for g in result.garments}
    assert by_id["1"].image_path == str(FIXTURES / "kaggle_images" / "images" / "1.jpg")
    assert by_id["3"].image_path is None  # no image file: the garment is kept without one
    assert "2" not in by_id
    [problem] = result.problems
    assert (problem.line, problem.field) == (3, "image") and problem.reason.startswith("broken image file")
    with pytest.raises(CatalogueError, match="line 3.*'image'"):
        load_catalogue(FIXTURES / "kaggle_images" / "styles.csv", strict=True)


def test_images_dir_overrides_the_images_folder(tmp_path: Path) -> None:
    result = load_catalogue(FIXTURES / "kaggle_images" / "styles.csv", images_dir=tmp_path)
    assert result.problems == [] and all(g.image_path is None for g in result.garments)


def test_price_column_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "styles.csv"
    path.write_text(
        "id,gender,masterCategory,subCategory,articleType,baseColour,season,usage,productDisplayName,price,link\n"
        "1,Men,Apparel,Topwear,Shirts,White,Summer,Formal,Arrow Men White Shirt,24.99,http://x/1\n"
        "2,Men,Apparel,Topwear,Shirts,White,Summer,Formal,Arrow Men White Shirt,about ten,\n"
        "3,Men,Apparel,Topwear,Shirts,White,Summer,Formal,Arrow Men White Shirt,-1,\n",
        encoding="utf-8",
    )
    result = load_catalogue(path)
    [shirt] = result.garments
    assert shirt.price == 24.99 and shirt.attributes["link"] == "http://x/1"
    assert [(p.line, p.field, p.reason) for p in result.problems] == [
        (3, "price", "not a number"),
        (4, "price", "negative price"),
    ]


def test_header_without_article_type_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "styles.csv"
    path.write_text("id,gender,masterCategory,subCategory,productDisplayName\n1,Men,Apparel,Topwear,Shirt\n")
    result = load_catalogue(path)
    assert result.garments == [] and result.problems[0].field == "articleType"


def test_cp1252_kaggle_file(tmp_path: Path) -> None:
    path = tmp_path / "styles.csv"
    path.write_bytes(
        b"id,gender,masterCategory,subCategory,articleType,baseColour,season,usage,productDisplayName\n"
        b"7,Women,Apparel,Topwear,Tops,Cream,Summer,Casual,Caf\xe9 Women Cream Top\n"
    )
    result = load_catalogue(path)
    assert result.encoding == "cp1252" and result.garments[0].title == "Café Women Cream Top"


@pytest.mark.shared_data
def test_real_kaggle_styles_file(shared_data: Path) -> None:
    result = load_catalogue(shared_data / "kaggle-fashion-styles" / "styles.csv")
    summary = result.summary()
    assert summary["rows_read"] == 39_596
    assert summary["loaded"] + summary["skipped"] == 39_596
    assert sum(summary["skipped_by_reason"].values()) == summary["skipped"]
    assert summary["loaded"] > 39_000  # every article type maps; nothing valid is lost
    slots = {g.slot for g in result.garments}
    assert {
        Slot.TOP,
        Slot.BOTTOM,
        Slot.DRESS,
        Slot.OUTERWEAR,
        Slot.SHOES,
        Slot.BAG,
        Slot.ACCESSORY,
        Slot.JEWELRY,
    } <= slots
    assert all(g.colours for g in result.garments[:1000] if g.attributes.get("colour_group"))
