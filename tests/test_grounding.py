"""Grounding: ids and titles checked against the conversation's tool results."""

from __future__ import annotations

from stylist.agent.grounding import Grounder
from stylist.agent.items import SeenItem

KNOWN = {
    "g-0001": SeenItem(id="g-0001", title="Olive Linen Shirt", price=45.0, colours=["olive"]),
    "g-0003": SeenItem(id="g-0003", title="Rust Wrap Dress", price=120.0, colours=["rust"]),
}


def test_known_ids_and_titles_are_grounded():
    g = Grounder(KNOWN)
    assert g.check_line("Try the Olive Linen Shirt, it breathes.") is not None
    assert g.check_line("- Rust Wrap Dress [g-0003] ($120)") is not None
    assert g.report.grounded == ["g-0001", "g-0003"] and g.report.rate == 1.0


def test_invented_ids_and_priced_products_are_removed():
    g = Grounder(KNOWN)
    assert g.check_line("- Silk Scarf [g-0999] ($30)") is None
    assert g.check_line("- **Velvet Blazer** — $210") is None
    assert g.check_line("1. Linen Shorts (id 4521-x) $20") is None
    assert g.check_line("Everything here is under $200, as you asked.") is not None
    assert len(g.report.invented) == 3 and g.report.rate == 0.0


def test_prices_and_colours_are_corrected():
    g = Grounder(KNOWN)
    assert g.check_line("The blue Olive Linen Shirt [g-0001] is $39.99, pair it with black shoes") == (
        "The olive Olive Linen Shirt [g-0001] is $45, pair it with black shoes"
    )
    assert g.report.price_fixes == 1 and g.report.colour_fixes == 1


def test_budget_mentions_are_not_item_prices():
    g = Grounder(KNOWN)
    assert g.check_line("Rust Wrap Dress [g-0003] fits your $200 budget") == "Rust Wrap Dress [g-0003] fits your $200 budget"
    assert g.report.price_fixes == 0


def test_numeric_catalogue_ids():
    g = Grounder({"15970": SeenItem(id="15970", title="Navy Blue Shirt", price=20.0, colours=["navy blue"])})
    assert g.check_line("Navy Blue Shirt (15970)") is not None
    assert g.check_line("Or the Grey Tee (39386)") is None
    assert g.check_text("Shirt 15970 costs $20\nTee [11111] $9") == "Shirt 15970 costs $20"
