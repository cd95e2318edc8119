"""The one scripted chat model of the tests: it replays the replies it was given, in order."""

from __future__ import annotations

import re
from collections.abc import Iterator as _Iterator
from collections.abc import Sequence
from typing import Any as _Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool


def tool_call(name: str, args: dict[str, _Any], call_id: str = "call-1") -> AIMessage:
    """A scripted AI message that calls one tool."""
    return AIMessage(
        content="", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}]
    )


class ScriptedChatModel(BaseChatModel):
    """Replays scripted replies, one per model call (an ``Exception`` entry is raised, a callable
    entry is called and its result used).

    Supports ``bind_tools`` (records which tools each call saw) and streaming (word by word), so
    it drives the agent exactly as a real LangChain chat model would.
    """

    script: list[_Any] = []
    calls: list[dict[str, _Any]] = []

    def enqueue(self, *replies: _Any) -> ScriptedChatModel:
        """Add replies to the end of the script (text, an ``AIMessage``, an exception, a callable)."""
        self.script.extend(replies)
        return self

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def bind_tools(self, tools: Sequence[_Any], **kwargs: _Any) -> _Any:
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, _Any]) -> AIMessage:
        self.calls.append(
            {
                "messages": list(messages),
                "tools": kwargs.get("tools"),
                "max_tokens": kwargs.get("max_tokens"),
                "tool_choice": kwargs.get("tool_choice"),
            }
        )
        if not self.script:
            raise AssertionError("the scripted chat model ran out of replies")
        reply = self.script.pop(0)
        if callable(reply) and not isinstance(reply, BaseMessage):
            reply = reply()
        if isinstance(reply, BaseException):
            raise reply
        return AIMessage(content=reply) if isinstance(reply, str) else reply

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: _Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages, kwargs))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: _Any,
    ) -> _Iterator[ChatGenerationChunk]:
        reply = self._next(messages, kwargs)
        text = reply.content if isinstance(reply.content, str) else ""
        for piece in re.findall(r"\S+\s*|\s+", text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
