"""The model's sentences that only repeat the request back are dropped before they are sent."""

from __future__ import annotations

import pytest

from benchmarks.agent import answer_rubric
from stylist.agent.echo import drop_echoes, drop_repeats, is_echo
from stylist.agent.items import SeenItem
from stylist.events import Done
from tests.fakes.agent import ScriptedChatModel, fake_stylist, tool_call

REQUEST = "what should I wear to a summer wedding? earthy colours, under 200"


@pytest.mark.parametrize(
    "sentence",
    [
        "To a summer wedding, earthy colours, under $200.",  # the 0.5B model's echo (issue #20)
        "What should I wear to a summer wedding?",
        "A summer wedding in earthy colours.",  # mostly the request's words
    ],
)
def test_sentences_that_repeat_the_request_are_echoes(sentence):
    assert is_echo(sentence, REQUEST)


@pytest.mark.parametrize(
    "sentence",
    [
        "The olive linen dress breathes in summer heat.",
        "For a summer wedding the sage midi dress is light and formal enough.",
        "Together they cost $163.98, within your $200 budget.",
        "Yes.",
    ],
)
def test_sentences_that_answer_are_kept(sentence):
    assert not is_echo(sentence, REQUEST)


def test_drop_echoes_keeps_the_rest_of_the_line():
    text = (
        "To a summer wedding, earthy colours, under $200. The olive dress is linen. Total $150, under 200.\n"
    )
    kept, dropped = drop_echoes(text, REQUEST)
    assert dropped == 1
    assert kept == "The olive dress is linen. Total $150, under 200.\n"
    assert drop_echoes("The olive dress is linen.", REQUEST) == ("The olive dress is linen.", 0)


def test_the_agent_drops_an_echoed_sentence_and_the_rubric_passes():
    message = "a red party dress under 100 please"
    answer = (
        "A red party dress under 100 please.\n"
        "Red Satin Party Dress [g-0009] ($85) is bold red satin for a party, $85 within your $100 budget."
    )
    model = ScriptedChatModel().enqueue(
        tool_call("search_garments", {"query": "party dress", "slot": "dress", "max_price": 100}), answer
    )
    stylist = fake_stylist("embedded", chat_model=model)
    reply = [e for e in stylist.stream(message) if isinstance(e, Done)][0].reply
    assert "please" not in reply.text.lower()
    assert reply.metadata["echo_sentences"] == 1
    assert [i.id for i in reply.items] == ["g-0009"]
    rubric = answer_rubric(reply, message, reply.tool_calls[0].arguments)
    assert rubric["echo"] and rubric["pass"], rubric


def test_a_sentence_already_said_is_dropped_but_garment_lines_stay():
    said: set[str] = set()
    first = "1. Olive Linen Shirt [g-0001] — $45, olive top. Why: a close match in the catalogue."
    second = "2. Beige Linen Trousers [g-0002] — $60, beige bottom. Why: a close match in the catalogue."
    assert drop_repeats(first, said) == first
    assert drop_repeats(second, said) == "2. Beige Linen Trousers [g-0002] — $60, beige bottom."
    assert drop_repeats("- Beige Linen Trousers [g-0002] — $60, beige (bottom)", said).startswith("- Beige")
    assert drop_repeats("- Beige Linen Trousers [g-0002] — $60, beige (bottom)", said).startswith("- Beige")
    assert drop_repeats("Why: a close match in the catalogue.", said) == ""


def test_the_template_answer_says_a_reason_once_and_passes_the_repeat_check():
    stylist = fake_stylist("none")
    reply = stylist.chat("show me 3 linen pieces")
    assert reply.items
    sentences = [s.strip() for s in reply.text.replace("\n", " ").split(". ") if "[" not in s]
    assert len(sentences) == len(set(sentences)), reply.text
    assert answer_rubric(reply, "show me 3 linen pieces", reply.tool_calls[0].arguments)["repeat"]


def test_the_template_does_not_quote_a_long_query_back():
    from stylist.agent.template import why

    item = SeenItem(id="g-1", title="Denim Jacket", colours=[])
    assert why(item, {"query": "denim jacket"}) == 'closest match to "denim jacket"'
    long = {"query": "i just got a denim jacket put it in my closet"}
    assert why(item, long) == "closest match to your words"


def test_a_result_naming_a_bare_id_gets_the_garment_title():
    from stylist.agent.answer import _titled

    items = [SeenItem(id="g-0009", title="Red Satin Party Dress", colours=["red"])]
    assert _titled("Noted: saved g-0009.", items) == "Noted: saved Red Satin Party Dress [g-0009]."
    kept = "Red Satin Party Dress [g-0009] and g-00091"
    assert _titled(kept, items) == kept  # already titled, or another id that starts the same


def test_an_answer_copied_from_the_prompt_example_is_dropped():
    # Seen in the TUI: the 0.5B model answered a wedding request with the prompt's example, shirt,
    # chinos and a "$120 budget" the user never gave.
    from stylist.agent.prompts import ANSWER_EXAMPLE

    message = "a red party dress under 100 please"
    answer = "Red Satin Party Dress [g-0009] ($85) is bold red satin for a party.\n" + ANSWER_EXAMPLE
    model = ScriptedChatModel().enqueue(
        tool_call("search_garments", {"query": "party dress", "slot": "dress", "max_price": 100}), answer
    )
    stylist = fake_stylist("embedded", chat_model=model)
    reply = [e for e in stylist.stream(message) if isinstance(e, Done)][0].reply
    assert "chinos" not in reply.text and "$120" not in reply.text, reply.text
    assert "bold red satin" in reply.text
    assert reply.metadata["echo_sentences"] == 2
    kept, dropped = drop_echoes("Camel, tan and olive are all earthy tones.", message, ANSWER_EXAMPLE)
    assert dropped == 0 and kept.startswith("Camel")
