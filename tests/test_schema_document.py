"""The text each garment is embedded by: every sentence ends once, whatever the description ends with."""

from __future__ import annotations

import pytest

from stylist.index.schema import Garment


def _garment(description: str) -> Garment:
    return Garment(
        id="g1",
        title="Navy oxford shirt",
        description=description,
        slot="top",
        article_type="Shirts",
        gender="men",
        colours=["navy blue"],
        material="cotton",
        brand="Acme",
    )


@pytest.mark.parametrize(
    "description", ["Button-down collar.", "Button-down collar", "Is it crisp?", "  Crisp!  "]
)
def test_document_has_no_doubled_full_stops(description):
    doc = _garment(description).document()
    assert ".." not in doc and ". ." not in doc and "?." not in doc and "!." not in doc
    assert doc.startswith("Navy oxford shirt. ") and doc.endswith("brand Acme.")
    assert "men's shirts (top); colour navy blue; material cotton" in doc


def test_document_without_description():
    assert _garment("").document().startswith("Navy oxford shirt. men's shirts (top); ")


def test_a_description_the_loader_composed_is_not_embedded_again():
    generated = _garment("A navy shirt for men by Acme.").model_copy(
        update={"attributes": {"description": "generated"}}
    )
    doc = generated.document()
    assert "A navy shirt for men" not in doc and doc.startswith("Navy oxford shirt. men's shirts (top)")
    assert generated.description == "A navy shirt for men by Acme."  # still shown to people


def test_kaggle_rows_mark_their_composed_descriptions(tmp_path):
    from stylist.index.loaders import load_catalogue

    csv = tmp_path / "styles.csv"
    csv.write_text(
        "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"
        "15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Men Navy Blue Shirt\n"
    )
    (garment,) = load_catalogue(csv).garments
    assert garment.description.startswith("A navy blue shirt for men")
    assert garment.document().startswith(
        "Turtle Check Men Navy Blue Shirt. men's shirts (top); colour navy blue"
    )
