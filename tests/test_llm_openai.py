"""The OpenAI-compatible backend against a local fake server: tool calls, streaming, errors."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from stylist.config import load_settings
from stylist.errors import LLMError
from stylist.llm import generate
from stylist.runtime import Runtime
from tests.fakes.openai_server import FakeOpenAIServer, Reply

SEARCH = {
    "type": "function",
    "function": {
        "name": "search_garments",
        "description": "Search the garment catalogue.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "max_price": {"type": "number"}},
            "required": ["query"],
        },
    },
}


@pytest.fixture
def server():
    with FakeOpenAIServer(api_key="secret") as fake:
        yield fake


def runtime_for(server: FakeOpenAIServer, **llm) -> Runtime:
    settings = load_settings(
        llm={
            "backend": "openai",
            "model": "qwen-7b",
            "base_url": server.base_url,
            "api_key": "secret",
            "timeout_s": 5,
            **llm,
        }
    )
    return Runtime(settings)


def test_tool_call_round_trip(server):
    server.script(
        Reply(tool_calls=[("search_garments", {"query": "red dress", "max_price": 50})]),
        Reply(content="The Red Wrap Dress (g1) is 45 EUR."),
    )
    model = runtime_for(server).chat_model.bind_tools([SEARCH])
    messages = [SystemMessage("You are a stylist."), HumanMessage("red dress under 50")]
    first = model.invoke(messages)
    assert first.tool_calls[0]["name"] == "search_garments"
    assert first.tool_calls[0]["args"] == {"query": "red dress", "max_price": 50}
    messages += [first, ToolMessage('[{"id": "g1"}]', tool_call_id=first.tool_calls[0]["id"])]
    second = model.invoke(messages)
    assert second.content == "The Red Wrap Dress (g1) is 45 EUR." and not second.tool_calls

    sent = server.requests[0]
    assert sent["model"] == "qwen-7b"
    assert sent["tools"][0]["function"]["name"] == "search_garments"
    assert server.requests[1]["messages"][-1]["role"] == "tool"
    assert server.requests[1]["messages"][-2]["tool_calls"][0]["function"]["name"] == "search_garments"


def test_streamed_text_and_tool_calls(server):
    server.script(
        Reply(content="Linen is breathable and light."),
        Reply(tool_calls=[("search_garments", {"query": "linen shirt"})]),
    )
    model = runtime_for(server).chat_model
    pieces = [c.content for c in model.stream([HumanMessage("why linen?")])]
    assert "".join(pieces) == "Linen is breathable and light."
    assert len([p for p in pieces if p]) == 5  # one chunk per word

    total = None
    for chunk in model.bind_tools([SEARCH]).stream([HumanMessage("linen shirt")]):
        total = chunk if total is None else total + chunk
    assert total.tool_calls[0]["name"] == "search_garments"
    assert total.tool_calls[0]["args"] == {"query": "linen shirt"}
    assert server.requests[-1]["stream"] is True


def test_required_tool_choice_is_sent(server):
    server.script(Reply(tool_calls=[("search_garments", {"query": "x"})]))
    runtime_for(server).chat_model.bind_tools([SEARCH], tool_choice="required").invoke([HumanMessage("x")])
    assert server.requests[0]["tool_choice"] == "required"


def test_tool_call_written_as_text_is_recovered(server):
    # a small model served without a tool-call parser answers with tags in the content
    server.script(
        Reply(
            content='<tool_call>\n{"name": "search_garment", "arguments": {"query": "boots"}}\n</tool_call>'
        )
    )
    reply = runtime_for(server).chat_model.bind_tools([SEARCH]).invoke([HumanMessage("boots")])
    assert reply.tool_calls[0]["name"] == "search_garments"
    assert reply.tool_calls[0]["args"] == {"query": "boots"}
    assert reply.content == ""
    assert reply.response_metadata["repaired_tool_names"] == {"search_garments": "search_garment"}


def test_text_without_tools_bound_is_left_alone(server):
    server.script(Reply(content='{"name": "search_garments", "arguments": {}}'))
    reply = runtime_for(server).chat_model.invoke([HumanMessage("x")])
    assert isinstance(reply, AIMessage) and reply.tool_calls == []


def test_generate_helper(server):
    server.script(Reply(content="Sun-ready linen for long summer days."))
    text = generate(
        "Write a tagline for a linen shirt",
        system="You write fashion copy.",
        max_tokens=30,
        runtime=runtime_for(server),
    )
    assert text == "Sun-ready linen for long summer days."
    body = server.requests[0]
    assert body["messages"][0] == {"role": "system", "content": "You write fashion copy."}
    assert body.get("max_completion_tokens", body.get("max_tokens")) == 30


def test_server_errors_become_llm_errors(server):
    server.script(Reply(status=500), Reply(status=500))
    with pytest.raises(LLMError, match="the language model failed"):
        generate("x", runtime=runtime_for(server))


def test_wrong_api_key_is_an_llm_error(server):
    with pytest.raises(LLMError, match="bad api key"):
        generate("x", runtime=runtime_for(server, api_key="wrong"))


def test_unreachable_server_is_an_llm_error():
    settings = load_settings(
        llm={"backend": "openai", "model": "m", "base_url": "http://127.0.0.1:9/v1", "timeout_s": 2}
    )
    with pytest.raises(LLMError, match="the language model failed"):
        generate("x", runtime=Runtime(settings))
