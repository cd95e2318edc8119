"""The tolerant tool-call parser on outputs shaped like those small models really write."""

from __future__ import annotations

import pytest

from stylist.llm.toolcalls import loads_tolerant, parse_tool_calls, resolve_tool_name

TOOLS = ["search_garments", "assemble_outfit", "get_trends", "write_copy", "user_profile"]


def one(text: str, names: list[str] | None = TOOLS):
    result = parse_tool_calls(text, names)
    assert len(result.calls) == 1, result
    return result.calls[0], result.content


# ------------------------------------------------------------------ tags


def test_qwen_tool_call_tags():
    text = (
        "<tool_call>\n"
        '{"name": "search_garments", "arguments": {"query": "linen shirt", "max_price": 60, '
        '"colours": ["beige", "olive"]}}\n'
        "</tool_call>"
    )
    call, content = one(text)
    assert call.name == "search_garments"
    assert call.arguments == {"query": "linen shirt", "max_price": 60, "colours": ["beige", "olive"]}
    assert call.ok and call.repaired_name is None
    assert content == ""


def test_several_tagged_calls_and_surrounding_text():
    text = (
        "Let me look for both pieces.\n"
        '<tool_call>\n{"name": "search_garments", "arguments": {"query": "white sneakers"}}\n</tool_call>\n'
        '<tool_call>\n{"name": "search_garments", "arguments": {"query": "denim jacket"}}\n</tool_call>'
    )
    result = parse_tool_calls(text, TOOLS)
    assert [c.arguments["query"] for c in result.calls] == ["white sneakers", "denim jacket"]
    assert result.content == "Let me look for both pieces."


def test_unclosed_tag_at_end_of_output():
    # generation stopped at <|im_end|> before the closing tag
    call, _ = one('<tool_call>\n{"name": "get_trends", "arguments": {"season": "summer"}}\n')
    assert call.name == "get_trends" and call.arguments == {"season": "summer"}


def test_truncated_json_is_closed():
    # max_tokens cut the output inside the arguments
    call, _ = one(
        '<tool_call>\n{"name": "search_garments", "arguments": {"query": "red dress", "max_price": 80'
    )
    assert call.arguments == {"query": "red dress", "max_price": 80}


def test_tags_without_closing_between_calls():
    text = (
        '<tool_call>{"name": "get_trends", "arguments": {}}'
        '<tool_call>{"name": "write_copy", "arguments": {"item_id": "g12"}}'
    )
    result = parse_tool_calls(text, TOOLS)
    assert [c.name for c in result.calls] == ["get_trends", "write_copy"]


def test_python_call_inside_tags():
    call, _ = one(
        '<tool_call>search_garments(query="ankle boots", max_price=120, colours=["black"])</tool_call>'
    )
    assert call.name == "search_garments"
    assert call.arguments == {"query": "ankle boots", "max_price": 120, "colours": ["black"]}


def test_unreadable_tagged_call_is_reported_not_dropped():
    result = parse_tool_calls("<tool_call>I will search for dresses now</tool_call>", TOOLS)
    assert len(result.invalid) == 1
    assert "could not read" in result.invalid[0].error


# ------------------------------------------------------------------ fences and bare JSON


def test_fenced_json_block_with_prose():
    text = (
        "To find a summer wedding outfit I'll search the catalogue:\n\n"
        "```json\n"
        '{\n  "name": "search_garments",\n  "arguments": {\n    "query": "summer wedding dress",\n'
        '    "occasions": ["wedding"]\n  }\n}\n'
        "```\n"
        "Then I'll pick matching shoes."
    )
    call, content = one(text)
    assert call.arguments["occasions"] == ["wedding"]
    assert content.startswith("To find a summer wedding outfit")
    assert content.endswith("Then I'll pick matching shoes.")
    assert "```" not in content


def test_bare_json_object():
    call, content = one('{"name": "user_profile", "arguments": {"user_id": "default"}}')
    assert call.name == "user_profile" and content == ""


def test_bare_json_array_of_calls():
    text = (
        '[{"name": "search_garments", "arguments": {"query": "chinos"}}, '
        '{"name": "assemble_outfit", "arguments": {"occasion": "office"}}]'
    )
    result = parse_tool_calls(text, TOOLS)
    assert [c.name for c in result.calls] == ["search_garments", "assemble_outfit"]


def test_openai_function_shape_with_string_arguments():
    text = (
        '{"type": "function", "function": {"name": "search_garments", "arguments": "{\\"query\\": '
        '\\"wool coat\\"}"}}'
    )
    call, _ = one(text)
    assert call.arguments == {"query": "wool coat"}


def test_tool_calls_envelope():
    text = '{"tool_calls": [{"id": "1", "function": {"name": "get_trends", "arguments": "{}"}}]}'
    call, _ = one(text)
    assert call.name == "get_trends" and call.arguments == {}


def test_tool_and_parameters_keys():
    call, _ = one('{"tool": "get_trends", "parameters": {"season": "autumn", "top": 3}}')
    assert call.arguments == {"season": "autumn", "top": 3}


def test_function_as_string_key():
    call, _ = one('{"function": "write_copy", "args": {"item_id": "g7", "tone": "playful"}}')
    assert call.name == "write_copy" and call.arguments["tone"] == "playful"


def test_tool_name_as_only_key():
    call, _ = one('{"search_garments": {"query": "silk scarf"}}')
    assert call.name == "search_garments" and call.arguments == {"query": "silk scarf"}


def test_arguments_flattened_next_to_name_inside_tags():
    call, _ = one('<tool_call>{"name": "search_garments", "query": "parka", "max_price": 150}</tool_call>')
    assert call.arguments == {"query": "parka", "max_price": 150}


# ------------------------------------------------------------------ sloppy JSON


def test_single_quotes_and_trailing_commas():
    call, _ = one("{'name': 'search_garments', 'arguments': {'query': 'maxi skirt', 'colours': ['rust',],},}")
    assert call.arguments == {"query": "maxi skirt", "colours": ["rust"]}


def test_python_literals_true_false_none():
    call, _ = one(
        '{"name": "search_garments", "arguments": {"query": "coat", "on_sale": True, "brand": None}}'
    )
    assert call.arguments == {"query": "coat", "on_sale": True, "brand": None}


def test_json_words_inside_strings_are_kept():
    value = loads_tolerant("{'text': 'null and void, true story', 'ok': true,}")
    assert value == {"text": "null and void, true story", "ok": True}


def test_loads_tolerant_rejects_prose():
    with pytest.raises(ValueError):
        loads_tolerant("certainly not json")


def test_arguments_string_that_is_not_json_is_an_error():
    call, _ = one('{"name": "search_garments", "arguments": "red dress please"}')
    assert not call.ok and "not a JSON object" in call.error


def test_arguments_list_is_an_error():
    call, _ = one('<tool_call>{"name": "search_garments", "arguments": ["red"]}</tool_call>')
    assert not call.ok and "must be a JSON object" in call.error


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("search_garment", "search_garments"),
        ("Search_Garments", "search_garments"),
        ("search-garments", "search_garments"),
        ("search garments", "search_garments"),
        ("functions.search_garments", "search_garments"),
        ("get_trend", "get_trends"),
        ("assemble_outfits", "assemble_outfit"),
    ],
)
def test_near_miss_names_are_repaired(written, expected):
    call, _ = one(f'<tool_call>{{"name": "{written}", "arguments": {{}}}}</tool_call>')
    assert call.name == expected and call.repaired_name == written and call.ok


def test_unknown_name_is_an_invalid_call():
    call, _ = one('<tool_call>{"name": "book_flight", "arguments": {"to": "Paris"}}</tool_call>')
    assert not call.ok and call.name == "book_flight"
    assert "unknown tool 'book_flight'" in call.error and "search_garments" in call.error


def test_cutoff_controls_repair():
    assert resolve_tool_name("srch", TOOLS)[0] is None
    assert resolve_tool_name("srch_garmnts", TOOLS, cutoff=0.6)[0] == "search_garments"
    assert resolve_tool_name("anything", None) == ("anything", None)


def test_without_tool_names_any_name_is_taken():
    result = parse_tool_calls('<tool_call>{"name": "whatever", "arguments": {"a": 1}}</tool_call>')
    assert result.calls[0].name == "whatever" and result.calls[0].ok


# ------------------------------------------------------------------ text that is not a call


@pytest.mark.parametrize(
    "text",
    [
        "For a summer wedding try the Linen Midi Dress (g102, 89 EUR) with tan sandals.",
        "I can't help with booking flights, but I can style you for the trip!",
        'The "Oxford Shirt" {slim fit} pairs well with chinos [see above].',
        "Here is a list: [1, 2, 3] and a dict {'a': 1}.",
        '{"name": "Linen shirt", "price": 30, "colour": "white"}',
        "[]",
        "",
        "   ",
    ],
)
def test_plain_answers_stay_content(text):
    result = parse_tool_calls(text, TOOLS)
    assert result.calls == []
    assert result.content == text.strip()


def test_data_json_in_fence_is_content():
    text = 'Here are the details:\n```json\n{"id": "g12", "title": "Wool Coat", "price": 120}\n```'
    result = parse_tool_calls(text, TOOLS)
    assert result.calls == [] and "Wool Coat" in result.content


def test_python_fence_call():
    text = "```python\nget_trends(season='winter')\n```"
    call, content = one(text)
    assert call.name == "get_trends" and call.arguments == {"season": "winter"} and content == ""


def test_valid_and_invalid_split():
    text = (
        '<tool_call>{"name": "get_trends", "arguments": {}}</tool_call>'
        '<tool_call>{"name": "teleport", "arguments": {}}</tool_call>'
    )
    result = parse_tool_calls(text, TOOLS)
    assert [c.name for c in result.valid] == ["get_trends"]
    assert [c.name for c in result.invalid] == ["teleport"]


def test_raw_keeps_the_source_of_the_call():
    call, _ = one('<tool_call>\n{"name": "get_trends", "arguments": {}}\n</tool_call>')
    assert call.raw == '{"name": "get_trends", "arguments": {}}'
