"""The outfit answer is valid Markdown (issue #21, item 6): a list per outfit, reasons their own paragraph."""

from __future__ import annotations

from markdown_it import MarkdownIt

from stylist.index.schema import Slot
from stylist.tools.outfits.brief import parse_brief
from stylist.tools.outfits.schemas import AssembledOutfit, BuildResult, OutfitItem


def _result() -> BuildResult:
    def item(gid, title, slot, price, colour):
        return OutfitItem(id=gid, title=title, slot=slot, price=price, colours=[colour])

    outfit = AssembledOutfit(
        items=[
            item("demo-00012", "Camel linen *wrap* dress", Slot.DRESS, 89.5, "camel"),
            item("demo-00340", "Gold heels", Slot.SHOES, 49.5, "gold"),
        ],
        total_price=139.0,
        compatibility=0.91,
        relevance=0.6,
        objective=1.2,
        weakest_pair=None,
        explanation="unused when there are reasons",
        reasons=["Camel is the one earthy accent.", "139.00 of your 200.00 budget, 61.00 left."],
        watch="The gold heels and the camel dress: nothing clashes.",
    )
    second = outfit.model_copy(update={"reasons": [], "watch": None, "explanation": "Plain why."})
    return BuildResult(
        brief=parse_brief("summer wedding, earthy, under 200"),
        outfits=[outfit, second],
        alternatives=[],
        notes=["bag: nothing in the catalogue suits a wedding, so the outfit goes without one"],
    )


EXPECTED = """**Outfit 1** — $139 in all, compatibility 0.91

- Camel linen \\*wrap\\* dress [demo-00012] — $89.50, camel (dress)
- Gold heels [demo-00340] — $49.50, gold (shoes)

*Why:* Camel is the one earthy accent. 139.00 of your 200.00 budget, 61.00 left.

*Watch:* The gold heels and the camel dress: nothing clashes.

**Outfit 2** — $139 in all, compatibility 0.91

- Camel linen \\*wrap\\* dress [demo-00012] — $89.50, camel (dress)
- Gold heels [demo-00340] — $49.50, gold (shoes)

*Why:* Plain why.

Notes:

- bag: nothing in the catalogue suits a wedding, so the outfit goes without one"""


def test_outfit_answer_snapshot():
    assert _result().to_text() == EXPECTED


def test_outfit_answer_parses_as_lists_and_paragraphs():
    tokens = MarkdownIt().parse(_result().to_text())
    lists = [t for t in tokens if t.type == "bullet_list_open"]
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(lists) == 3 and len(items) == 5  # two outfits of two items, one list of notes
    inline = [t.content for t in tokens if t.type == "inline"]
    assert "*Why:* Camel is the one earthy accent. 139.00 of your 200.00 budget, 61.00 left." in inline
    html = MarkdownIt().render(_result().to_text())
    assert "<em>wrap</em>" not in html and "*wrap*" in html  # titles are shown as written


def test_every_line_of_an_outfit_answer_survives_the_grounding_check():
    """``stylist ask --llm none`` sends the tool's text line by line through the grounder, which took
    the bold "Outfit N — $139 in all" heading (a price, no garment id) for an invented garment."""
    from stylist.agent.grounding import Grounder

    result = _result()
    grounder = Grounder({i.id: i for i in result.garments()})
    headings = [line for line in result.to_text().split("\n") if line.startswith("**Outfit")]
    assert len(headings) == 2 and [grounder.check_line(line) for line in headings] == headings
    items = [line for line in result.to_text().split("\n") if line.startswith("- Camel")]
    assert [grounder.check_line(line) for line in items] == items
    assert grounder.check_line("**Linen Suit** — $139") is None  # an invented garment still goes


def test_outfits_that_share_their_reasons_still_each_say_why():
    """The answer drops a sentence it already said, so three outfits with the same reasons printed
    an empty *Why:* for the second and third (the Kaggle date answer); each now points back."""
    from stylist.agent.echo import drop_repeats

    first = _result().outfits[0]
    other = first.model_copy(update={"reasons": [first.reasons[0], "Linen breathes in July."]})
    result = _result().model_copy(update={"outfits": [first, first, other]})
    said: set[str] = set()
    lines = [drop_repeats(line, said) for line in result.to_text().split("\n")]
    why = [line for line in lines if line.startswith("*Why:*")]
    watch = [line for line in lines if line.startswith("*Watch:*")]
    assert why == [
        "*Why:* Camel is the one earthy accent. 139.00 of your 200.00 budget, 61.00 left.",
        "*Why:* Outfit 2: as outfit 1.",
        "*Why:* Linen breathes in July. Outfit 3 otherwise has the reasons of outfit 1.",
    ]
    assert watch[1:] == ["*Watch:* Outfit 2: as outfit 1.", "*Watch:* Outfit 3: as outfit 1."]
