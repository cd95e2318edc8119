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
    assert (
        g.check_line("Rust Wrap Dress [g-0003] fits your $200 budget")
        == "Rust Wrap Dress [g-0003] fits your $200 budget"
    )
    assert g.report.price_fixes == 0


def test_numeric_catalogue_ids():
    g = Grounder({"15970": SeenItem(id="15970", title="Navy Blue Shirt", price=20.0, colours=["navy blue"])})
    assert g.check_line("Navy Blue Shirt (15970)") is not None
    assert g.check_line("Or the Grey Tee (39386)") is None
    assert g.check_text("Shirt 15970 costs $20\nTee [11111] $9") == "Shirt 15970 costs $20"


def test_a_title_shared_by_several_garments_keeps_each_ones_price():
    twins = {
        f"d-{n}": SeenItem(id=f"d-{n}", title="Black sneakers", price=price, colours=["black"])
        for n, price in ((771, 156.99), (2701, 270.99), (851, 95.0))
    }
    g = Grounder(twins)
    lines = [
        f"{i}. Black sneakers [d-{n}] — ${price}, black shoes."
        for i, (n, price) in enumerate(((771, "156.99"), (2701, "270.99"), (851, "95")), 1)
    ]
    assert [g.check_line(line) for line in lines] == lines  # each line's id says which pair: no "fix"
    assert g.report.price_fixes == 0 and sorted(g.report.grounded) == ["d-2701", "d-771", "d-851"]
    assert (
        g.check_line("The Black sneakers at $95 are the bargain.")
        == "The Black sneakers at $95 are the bargain."
    )
    assert (
        g.check_line("Black sneakers [d-851] at $120.") == "Black sneakers [d-851] at $95."
    )  # wrong for its id: fixed
    assert (
        g.check_line("Black sneakers for $20.") == "Black sneakers for $156.99."
    )  # no twin costs 20: the first's price


def test_a_line_naming_an_id_is_checked_against_that_id_only():
    # "Beige sandals" is another garment's title inside this one's: the id says which is meant
    known = {
        "demo-00524": SeenItem(id="demo-00524", title="Girls' beige sandals", price=39.99, colours=["beige"]),
        "demo-00311": SeenItem(id="demo-00311", title="Beige sandals", price=56.99, colours=["beige"]),
    }
    g = Grounder(known)
    line = "Girls' beige sandals [demo-00524] — $39.99"
    assert g.check_line(line) == line
    assert g.report.grounded == ["demo-00524"] and g.report.price_fixes == 0
    # the same line with a wrong price is corrected to the named id's price, not the title twin's
    assert (
        g.check_line("Girls' beige sandals [demo-00524] — $56.99")
        == "Girls' beige sandals [demo-00524] — $39.99"
    )
    # a wrong colour next to the id is corrected from that id's colours
    assert g.check_line("Red sandals [demo-00524] — $39.99") == "beige sandals [demo-00524] — $39.99"


def test_another_garments_title_just_before_an_id_does_not_claim_the_line():
    known = {
        "demo-00524": SeenItem(id="demo-00524", title="Kids sandal", price=39.99, colours=["beige"]),
        "demo-00311": SeenItem(id="demo-00311", title="Beige sandals", price=56.99, colours=["beige"]),
    }
    g = Grounder(known)
    line = "Girls' beige sandals [demo-00524] — $39.99"
    assert g.check_line(line) == line and g.report.grounded == ["demo-00524"]
    # two garments on one line, each by its own name, keep their own prices
    two = "Beige sandals [demo-00311] — $56.99, or Kids sandal [demo-00524] — $39.99"
    assert g.check_line(two) == two


TWO = {
    "demo-00011": SeenItem(id="demo-00011", title="Olive linen shirt", price=45.0, colours=["olive"]),
    "demo-00033": SeenItem(id="demo-00033", title="Slim trousers", price=50.0, colours=["navy"]),
    "demo-00044": SeenItem(id="demo-00044", title="Leather loafers", price=90.0, colours=["brown"]),
}


def test_a_line_naming_two_garments_keeps_each_ones_true_colour():
    lines = [
        "- the olive shirt [demo-00011] and the navy trousers [demo-00033]",
        "Wear the olive shirt (demo-00011) and navy trousers (demo-00033) — $95 in all",
        "Pair demo-00011 (olive shirt) and demo-00033 (navy trousers)",
        "The olive linen shirt [demo-00011] goes with the navy slim trousers [demo-00033] and brown loafers "
        "[demo-00044].",
        "- **Olive linen shirt** [demo-00011] + **Slim trousers** [demo-00033]: olive and navy both earthy",
        "olive linen shirt and navy slim trousers",
    ]
    for line in lines:
        g = Grounder(TWO)
        assert g.check_line(line) == line, line
        assert g.report.colour_fixes == 0


def test_a_wrong_colour_next_to_one_of_two_garments_is_still_corrected():
    cases = {
        "the red shirt [demo-00011] and the navy trousers [demo-00033]": "the olive shirt [demo-00011]"
        " and the navy trousers [demo-00033]",
        "the olive shirt [demo-00011] and the red trousers [demo-00033]": "the olive shirt [demo-00011]"
        " and the navy trousers [demo-00033]",
        "olive linen shirt and red slim trousers": "olive linen shirt and navy slim trousers",
        # the other garment's colour in front of this one's name is still wrong for this one
        "the navy shirt [demo-00011] and the navy trousers [demo-00033]": "the olive shirt [demo-00011]"
        " and the navy trousers [demo-00033]",
    }
    for line, want in cases.items():
        g = Grounder(TWO)
        assert g.check_line(line) == want
        assert g.report.colour_fixes == 1


def test_a_garment_the_answer_names_only_by_its_noun_keeps_its_colour():
    # the outfit's reason: the trousers are named "the green trousers" (no title, no id) before the
    # titled "Beige sneakers"; the sneakers' clause starts after "and the", so green stays green
    known = {"s": SeenItem(id="s", title="Beige sneakers", price=40.0, colours=["beige"])}
    line = "Watch: The green trousers and the beige sneakers: trousers are much dressier than sneakers."
    g = Grounder(known)
    assert g.check_line(line) == line and g.report.colour_fixes == 0
    assert g.check_line("Watch: the green beige sneakers.") == "Watch: the beige beige sneakers."
