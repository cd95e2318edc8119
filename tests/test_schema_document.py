"""The text each garment is embedded by: every sentence ends once, whatever the description ends with."""

from __future__ import annotations

import pytest

from stylist.index.schema import Garment


def _garment(description: str) -> Garment:
    return Garment(id="g1", title="Navy oxford shirt", description=description, slot="top", article_type="Shirts",
                   gender="men", colours=["navy blue"], material="cotton", brand="Acme")


@pytest.mark.parametrize("description", ["Button-down collar.", "Button-down collar", "Is it crisp?", "  Crisp!  "])
def test_document_has_no_doubled_full_stops(description):
    doc = _garment(description).document()
    assert ".." not in doc and ". ." not in doc and "?." not in doc and "!." not in doc
    assert doc.startswith("Navy oxford shirt. ") and doc.endswith("brand Acme.")
    assert "men's shirts (top); colour navy blue; material cotton" in doc


def test_document_without_description():
    assert _garment("").document().startswith("Navy oxford shirt. men's shirts (top); ")
