"""OpenAI semantics (issue #22): the official ``openai`` client and LangChain's ``ChatOpenAI``
against a live server; the facade's stateless turn with system prompt, history and options."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.messages import AIMessage

from stylist.config import ServerSettings, load_settings
from stylist.events import Done
from stylist.runtime import Runtime
from stylist.server.app import create_app
from stylist.tools.registry import ToolRegistry
from tests.fakes import EchoStylist
from tests.fakes.agent import fake_stylist
from tests.fakes.chat import ScriptedChatModel
from tests.server_helpers import serving

KEY = "openai-key"


@pytest.fixture
def live() -> Iterator[tuple[str, EchoStylist]]:
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry())
    with serving(create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=4)) as port:
        yield f"http://127.0.0.1:{port}/v1", stylist


def test_openai_client_history_system_options_stop_and_usage(live) -> None:
    from openai import OpenAI

    url, stylist = live
    client = OpenAI(base_url=url, api_key=KEY)
    messages = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "a hat"},
        {"role": "assistant", "content": "a straw hat"},
        {"role": "user", "content": "cheaper"},
    ]
    done = client.chat.completions.create(
        model="stylist", messages=messages, max_tokens=40, temperature=0.3, stop=["said"]
    )
    assert done.choices[0].message.content == "turn 2: you "  # the history counted, cut at the stop
    assert stylist.last_call["system"] == "be brief" and stylist.last_call["history"] == [
        ("a hat", "a straw hat")
    ]
    assert stylist.last_call["generation"] == {"max_tokens": 40, "temperature": 0.3, "stop": ["said"]}
    assert done.usage.prompt_tokens > 0 and done.usage.completion_tokens > 0
    assert done.usage.total_tokens == done.usage.prompt_tokens + done.usage.completion_tokens
    chunks = list(
        client.chat.completions.create(
            model="stylist",
            messages=[{"role": "user", "content": "red dress"}],
            stream=True,
            stream_options={"include_usage": True},
            stop=["dress"],
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "turn 1: you said red "
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    named = client.chat.completions.create(
        model="stylist", messages=[{"role": "user", "content": "x"}], metadata={"conversation_id": "c-1"}
    )
    again = client.chat.completions.create(
        model="stylist", messages=[{"role": "user", "content": "y"}], metadata={"conversation_id": "c-1"}
    )
    assert named.model_extra["stylist"]["conversation_id"] == "c-1"
    assert again.choices[0].message.content == "turn 2: you said y"


def test_langchain_chat_openai_against_the_server(live) -> None:
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_openai import ChatOpenAI

    url, stylist = live
    llm = ChatOpenAI(base_url=url, api_key=KEY, model="stylist", temperature=0.5, max_tokens=64)
    reply = llm.invoke(
        [SystemMessage("you are terse"), HumanMessage("hi"), AIMessage("hello"), HumanMessage("a coat")]
    )
    assert reply.content == "turn 2: you said a coat"
    assert stylist.last_call["system"] == "you are terse"
    assert stylist.last_call["generation"]["max_tokens"] == 64
    assert reply.usage_metadata["output_tokens"] > 0
    streamed = "".join(chunk.content for chunk in llm.stream([HumanMessage("boots")]))
    assert streamed == "turn 1: you said boots"


def test_facade_stateless_turn_uses_system_history_and_options_and_stores_nothing() -> None:
    model = ScriptedChatModel(script=[lambda: AIMessage(content="Voici.")] * 6, calls=[])
    stylist = fake_stylist("openai", chat_model=model)
    events = list(
        stylist.stream(
            "tell me something about style",
            history=[("hi", "hello")],
            system="answer in French",
            generation={"max_tokens": 50},
        )
    )
    assert isinstance(events[-1], Done) and events[-1].reply.conversation_id.startswith("stateless-")
    assert all("answer in French" in call["messages"][0].content for call in model.calls)
    assert all([m.content for m in call["messages"][1:3]] == ["hi", "hello"] for call in model.calls)
    answer = [call for call in model.calls if call["tools"] is None]
    assert answer and answer[-1]["max_tokens"] == 50
    assert stylist.conversations() == []  # stateless: nothing was stored
