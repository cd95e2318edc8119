"""The shared local chat model: tool binding, streaming hold-back, parsed calls, templates."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel, Field

from stylist.llm.llamacpp import _call_grammar, inline_refs
from stylist.llm.local import LocalChatModel, Prompt, normalise_tool_choice
from stylist.llm.prompting import (
    CHATML_TEMPLATE,
    inline_tools,
    render_template,
    template_supports_tools,
    to_openai_tools,
    to_template_messages,
)


class SearchGarments(BaseModel):
    """Search the garment catalogue."""

    query: str = Field(description="what to look for")
    max_price: float | None = None


class GetTrends(BaseModel):
    """What is trending."""

    season: str = "summer"


class Scripted(LocalChatModel):
    """Emits fixed pieces; records what it was asked."""

    pieces: list[str]
    seen: list[dict[str, Any]] = Field(default_factory=list)

    def _render(self, messages: Sequence, tools: list, choice: str | None) -> Prompt:
        self.seen.append({"messages": list(messages), "tools": tools, "choice": choice})
        return Prompt(text="prompt", prefill="<tool_call>\n" if tools and choice else "")

    def _pieces(
        self, prompt: Prompt, *, max_tokens: int, temperature: float, stop: list[str]
    ) -> Iterator[str]:
        self.seen[-1].update(max_tokens=max_tokens, temperature=temperature, stop=stop)
        yield from self.pieces
        self._last_usage = (7, len(self.pieces), "stop")


CALL = ["<tool_", 'call>\n{"name": "search_garment", ', '"arguments": {"query": "red dress"}}\n</tool_call>']


def test_plain_answer_streams_every_piece():
    model = Scripted(pieces=["Try ", "the linen ", "shirt."])
    chunks = [c.content for c in model.stream([HumanMessage("hi")])]
    assert "".join(chunks) == "Try the linen shirt."
    assert chunks[:3] == ["Try ", "the linen ", "shirt."]
    reply = model.invoke([HumanMessage("hi")])
    assert reply.content == "Try the linen shirt." and reply.tool_calls == []
    assert reply.usage_metadata["input_tokens"] == 7


def test_tool_call_parsed_and_name_repaired():
    model = Scripted(pieces=CALL)
    reply = model.bind_tools([SearchGarments, GetTrends]).invoke([HumanMessage("red dress")])
    # pydantic tools are named after the class; the model's snake_case spelling maps onto it
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("SearchGarments", {"query": "red dress"})]


def search_tool() -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": "search_garments",
            "description": "Search the catalogue.",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string"}},
                "required": ["query"],
            },
        },
    }


def test_tool_call_with_dict_tools_and_repair_metadata():
    model = Scripted(pieces=CALL)
    reply = model.bind_tools([search_tool()]).invoke([HumanMessage("red dress")])
    assert reply.tool_calls[0]["name"] == "search_garments"
    assert reply.tool_calls[0]["args"] == {"query": "red dress"}
    assert reply.tool_calls[0]["id"].startswith("call_")
    assert reply.content == ""
    assert reply.response_metadata["repaired_tool_names"] == {"search_garments": "search_garment"}
    assert reply.response_metadata["finish_reason"] == "tool_calls"


def test_streaming_holds_back_the_call_and_ends_with_tool_call_chunks():
    model = Scripted(pieces=["Let me search. ", *CALL])
    chunks = list(model.bind_tools([search_tool()]).stream([HumanMessage("red dress")]))
    assert chunks[0].content == "Let me search. "
    assert all("tool_call" not in str(c.content) for c in chunks)
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    assert total.tool_calls[0]["name"] == "search_garments"
    assert total.tool_calls[0]["args"] == {"query": "red dress"}
    assert total.content.strip() == "Let me search."


def test_unknown_tool_becomes_invalid_tool_call():
    model = Scripted(pieces=['<tool_call>{"name": "teleport", "arguments": {}}</tool_call>'])
    reply = model.bind_tools([search_tool()]).invoke([HumanMessage("x")])
    assert reply.tool_calls == []
    assert reply.invalid_tool_calls[0]["name"] == "teleport"
    assert "unknown tool" in reply.invalid_tool_calls[0]["error"]


def test_bad_arguments_in_stream_make_an_invalid_call():
    model = Scripted(pieces=['<tool_call>{"name": "search_garments", "arguments": "red"}</tool_call>'])
    chunks = list(model.bind_tools([search_tool()]).stream([HumanMessage("x")]))
    total = chunks[0]
    for chunk in chunks[1:]:
        total += chunk
    assert total.tool_calls == [] and len(total.invalid_tool_calls) == 1
    assert "not a JSON object" in total.invalid_tool_calls[0]["args"]


def test_required_choice_prefills_and_parses_the_continuation():
    model = Scripted(pieces=['{"name": "search_garments", "arguments": {"query": "boots"}}'])
    reply = model.bind_tools([search_tool()], tool_choice="required").invoke([HumanMessage("boots")])
    assert reply.tool_calls[0]["args"] == {"query": "boots"}
    assert model.seen[-1]["choice"] == "required"


def test_choice_none_unbinds_tools_and_json_stays_text():
    model = Scripted(pieces=['{"name": "search_garments", "arguments": {}}'])
    reply = model.bind_tools([search_tool()], tool_choice="none").invoke([HumanMessage("x")])
    assert reply.tool_calls == [] and reply.content.startswith("{")
    assert model.seen[-1]["tools"] == []


def test_invoke_options_reach_the_backend():
    model = Scripted(pieces=["ok"], max_tokens=99)
    model.invoke([HumanMessage("x")], max_tokens=12, temperature=0.0, stop=["END"])
    assert model.seen[-1]["max_tokens"] == 12
    assert model.seen[-1]["temperature"] == 0.0
    assert model.seen[-1]["stop"] == ["END"]
    model.invoke([HumanMessage("x")])
    assert model.seen[-1]["max_tokens"] == 99


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (None, None),
        ("auto", None),
        ("none", "none"),
        ("any", "required"),
        ("required", "required"),
        (True, "required"),
        ("search_garments", "search_garments"),
        ({"type": "function", "function": {"name": "search_garments"}}, "search_garments"),
    ],
)
def test_tool_choice_forms(choice, expected):
    assert normalise_tool_choice(choice, ["search_garments"]) == expected


def test_bad_tool_choice_fails_at_bind_time():
    with pytest.raises(ValueError, match="names no bound tool"):
        Scripted(pieces=[]).bind_tools([search_tool()], tool_choice="get_weather")


# ------------------------------------------------------------------ prompting


def conversation():
    return [
        SystemMessage("You are a stylist."),
        HumanMessage("red dress under 50"),
        AIMessage("", tool_calls=[{"name": "search_garments", "args": {"query": "red dress"}, "id": "c1"}]),
        ToolMessage('[{"id": "g1", "title": "Red Wrap Dress"}]', tool_call_id="c1", name="search_garments"),
    ]


def test_messages_become_template_dicts():
    dicts = to_template_messages(conversation())
    assert [d["role"] for d in dicts] == ["system", "user", "assistant", "tool"]
    assert dicts[2]["tool_calls"][0]["function"] == {
        "name": "search_garments",
        "arguments": {"query": "red dress"},
    }
    assert dicts[3]["tool_call_id"] == "c1"


def test_inline_tools_for_templates_without_tool_support():
    dicts = inline_tools(to_template_messages(conversation()), [search_tool()])
    assert [d["role"] for d in dicts] == ["system", "user", "assistant", "user"]
    assert "You are a stylist." in dicts[0]["content"] and '"search_garments"' in dicts[0]["content"]
    assert "<tool_call>" in dicts[2]["content"]
    assert dicts[3]["content"].startswith("<tool_response>") and "Red Wrap Dress" in dicts[3]["content"]
    text = render_template(CHATML_TEMPLATE, dicts)
    assert text.endswith("<|im_start|>assistant\n") and not template_supports_tools(CHATML_TEMPLATE)


QWEN_LIKE = (
    "{%- if tools %}<|im_start|>system\n{{ messages[0].content }}\n<tools>"
    "{%- for tool in tools %}\n{{ tool | tojson }}{%- endfor %}\n</tools>\nUse <tool_call> tags.<|im_end|>\n"
    "{%- endif %}{%- for m in messages[1:] %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|"
    ">\n{%- endfor %}"
    "{%- if add_generation_prompt %}<|im_start|>assistant\n{%- endif %}"
)


def test_native_template_gets_the_tools():
    tools = to_openai_tools([SearchGarments])
    text = render_template(QWEN_LIKE, to_template_messages(conversation()[:2]), tools=tools)
    assert template_supports_tools(QWEN_LIKE)
    assert '"name": "SearchGarments"' in text and "<tools>" in text


def test_grammar_schema_inlines_refs_and_builds():
    class Filters(BaseModel):
        colours: list[str] = []

    class Search(BaseModel):
        """Search."""

        query: str
        filters: Filters | None = None

    schema = Search.model_json_schema()
    assert "$defs" in schema
    inlined = inline_refs(schema)
    assert "$ref" not in str(inlined) and "$defs" not in inlined
    pytest.importorskip("llama_cpp")
    assert _call_grammar(to_openai_tools([Search, GetTrends]), "required") is not None
    assert _call_grammar(to_openai_tools([Search, GetTrends]), "GetTrends") is not None


def test_copy_tool_gets_text_from_a_langchain_chat_model():
    from stylist.config import load_settings
    from stylist.runtime import Runtime
    from stylist.tools.copywriting import text_generator

    model = Scripted(pieces=["Breezy ", "linen for long days."])
    runtime = Runtime(load_settings(), chat_model=model)
    text = text_generator(runtime).generate("tagline", system="You write copy.", max_tokens=20)
    assert text == "Breezy linen for long days."
    assert model.seen[-1]["max_tokens"] == 20
    assert isinstance(model.seen[-1]["messages"][0], SystemMessage)


def test_default_threads_leave_a_core_free(monkeypatch):
    import os

    from stylist.llm.llamacpp import default_threads

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(2)), raising=False)
    assert default_threads() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(1)), raising=False)
    assert default_threads() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert default_threads() == 8


def test_compact_tools_keep_names_types_and_enums_only():
    from stylist.agent.adapters import langchain_tools
    from stylist.config import load_settings
    from stylist.llm.prompting import compact_tools, to_openai_tools
    from stylist.runtime import Runtime
    from stylist.tools.registry import build_registry

    full = to_openai_tools(langchain_tools(build_registry(Runtime(load_settings()))))
    small = compact_tools(full)
    assert [t["function"]["name"] for t in small] == [t["function"]["name"] for t in full]
    assert len(json.dumps(small)) < len(json.dumps(full)) / 2
    search = next(t["function"] for t in small if t["function"]["name"] == "search_garments")
    props = search["parameters"]["properties"]
    assert props["max_price"] == {
        "type": "number"
    }  # Optional[float]: the null branch and the description dropped
    assert props["colours"] == {"type": "array", "items": {"type": "string"}}
    assert set(props["gender"]["enum"]) >= {"women", "men"}  # short enums stay: they guide the values
    assert search["description"].endswith(".") and len(search["description"]) <= 160


class _StubLlama:
    """The few llama-cpp-python calls ``_restore_prefix`` makes, recorded."""

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._input_ids = np.array([], dtype=np.intc)
        self.evals: list[list[int]] = []
        self.loads: list[tuple[int, ...]] = []

    def reset(self) -> None:
        self._input_ids = self._np.array([], dtype=self._np.intc)

    def eval(self, tokens: list[int]) -> None:
        self.evals.append(list(tokens))
        self._input_ids = self._np.array(tokens, dtype=self._np.intc)

    def load_state(self, state: tuple[int, ...]) -> None:
        self.loads.append(state)
        self._input_ids = self._np.array(state, dtype=self._np.intc)


def test_system_prompt_states_are_saved_once_and_restored(monkeypatch, tmp_path):
    import stylist.llm.llamacpp as lc

    monkeypatch.setattr(lc, "_save_state", lambda llama: tuple(llama._input_ids.tolist()))
    model = lc.LlamaCppChatModel(model_path=tmp_path / "x.gguf")
    stub = _StubLlama()
    model._llama, model._end_of_turn = stub, 7
    select = list(range(100, 140)) + [7]  # a 41-token system prompt ending with the end-of-turn token
    answer = list(range(200, 250)) + [7]
    model._restore_prefix(select + [1, 2, 7, 9])
    assert stub.evals == [select] and not stub.loads  # first time: evaluated alone, state kept
    model._restore_prefix(answer + [3, 7])
    model._restore_prefix(select + [4, 5, 7])  # back to the selection prompt: restored, not evaluated
    assert stub.evals == [select, answer] and stub.loads == [tuple(select)]
    stub._input_ids = stub._np.array(select + [4], dtype=stub._np.intc)
    model._restore_prefix(select + [6, 7])  # already in the KV cache: nothing to do
    assert stub.evals == [select, answer] and stub.loads == [tuple(select)]
    model._restore_prefix([1, 2, 3])  # no end-of-turn token: llama.cpp's own prefix reuse only
    assert len(stub.evals) == 2 and len(stub.loads) == 1
