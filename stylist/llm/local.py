"""The shared LangChain chat model for in-process models (llama.cpp, transformers).

A backend only renders a prompt and streams text pieces; this base class adds ``bind_tools``,
streaming that holds back anything that may be a tool call, and tolerant tool-call parsing of the
finished text into ``AIMessage.tool_calls`` (unknown names and unreadable arguments become
``invalid_tool_calls``; a repaired near-miss name is recorded in ``response_metadata``).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import ConfigDict, Field, PrivateAttr

from stylist.concurrency import current_token
from stylist.llm.prompting import to_openai_tools, tool_names
from stylist.llm.toolcalls import ParsedCall, ParseResult, parse_tool_calls

# Where a tool call may begin; once one shows up while tools are bound, streaming pauses and the
# rest is parsed at the end.
CALL_OPENERS = ("<", "{", "[", "`")


@dataclass
class Prompt:
    """A rendered prompt. ``prefill`` was appended after the generation prompt (the model's
    output continues it) and ``grammar`` constrains decoding, where the backend supports it."""

    text: str
    prefill: str = ""
    grammar: Any = None
    stop: list[str] = field(default_factory=list)


@dataclass
class _Final:
    text: str
    content: str
    tail: str  # the part of the content not streamed yet
    parsed: ParseResult
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


def normalise_tool_choice(choice: Any, names: Sequence[str]) -> str | None:
    """``None`` (model decides), ``"none"``, ``"required"`` or one tool's name."""
    if choice in (None, "auto", False):
        return None
    if choice == "none":
        return "none"
    if choice in ("any", "required", True):
        return "required"
    if isinstance(choice, dict):
        choice = (choice.get("function") or {}).get("name") or choice.get("name")
    if isinstance(choice, str) and choice in names:
        return choice
    raise ValueError(f"tool_choice {choice!r} names no bound tool ({', '.join(names)})")


class LocalChatModel(BaseChatModel):
    """Base for chat models that run in this process and write tool calls as text."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_name: str = "local"
    temperature: float = 0.2
    max_tokens: int = 512
    name_cutoff: float = Field(0.75, ge=0.0, le=1.0)
    """How close a misspelt tool name must be to a registered one to be mapped to it."""

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    # ---------------------------------------------------------------- what a backend provides
    def _render(
        self, messages: Sequence[BaseMessage], tools: list[dict[str, Any]], choice: str | None
    ) -> Prompt:
        raise NotImplementedError

    def _pieces(
        self, prompt: Prompt, *, max_tokens: int, temperature: float, stop: list[str]
    ) -> Iterator[str]:
        """Yield generated text pieces; set ``self._last_usage`` to (prompt, completion) tokens."""
        raise NotImplementedError

    _last_usage: tuple[int, int, str] = PrivateAttr(default=(0, 0, "stop"))

    # ---------------------------------------------------------------- LangChain interface
    def bind_tools(
        self,
        tools: Sequence[Any],
        *,
        tool_choice: Any = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = to_openai_tools(tools)
        normalise_tool_choice(tool_choice, tool_names(formatted))  # fail early on a bad choice
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        final: _Final | None = None
        for event in self._events(messages, stop, **kwargs):
            if isinstance(event, _Final):
                final = event
            elif run_manager:
                run_manager.on_llm_new_token(event)
        assert final is not None
        message = AIMessage(
            content=final.content,
            tool_calls=[_tool_call(c.name, c.arguments) for c in final.parsed.valid],
            invalid_tool_calls=[
                {
                    "type": "invalid_tool_call",
                    "name": c.name or None,
                    "args": c.raw,
                    "id": _call_id(),
                    "error": c.error,
                }
                for c in final.parsed.invalid
            ],
            response_metadata=self._metadata(final),
            usage_metadata=_usage(final),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for event in self._events(messages, stop, **kwargs):
            if isinstance(event, _Final):
                valid, invalid = event.parsed.valid, event.parsed.invalid
                chunks = [
                    {"name": c.name, "args": json.dumps(c.arguments), "id": _call_id(), "index": i}
                    for i, c in enumerate(valid)
                ]
                # LangChain rebuilds tool calls from chunks and lists a call as invalid only
                # when its args are not a JSON object: the args carry the error and the source
                chunks += [
                    {"name": c.name or None, "args": _invalid_args(c), "id": _call_id(), "index": i}
                    for i, c in enumerate(invalid, start=len(valid))
                ]
                yield ChatGenerationChunk(
                    message=AIMessageChunk(
                        content=event.tail,
                        tool_call_chunks=chunks,
                        response_metadata=self._metadata(event),
                        usage_metadata=_usage(event),
                        chunk_position="last",
                    )
                )
            else:
                if run_manager:
                    run_manager.on_llm_new_token(event)
                yield ChatGenerationChunk(message=AIMessageChunk(content=event))

    @property
    def _llm_type(self) -> str:
        return "stylist-local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "temperature": self.temperature}

    # ---------------------------------------------------------------- the shared loop
    def _events(
        self, messages: Sequence[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> Iterator[str | _Final]:
        """Streamed text pieces, then one ``_Final`` with the parsed result."""
        tools: list[dict[str, Any]] = list(kwargs.get("tools") or [])
        names = tool_names(tools)
        choice = normalise_tool_choice(kwargs.get("tool_choice"), names) if tools else None
        if choice == "none":
            tools, names = [], []
        max_tokens = int(kwargs.get("max_tokens") or self.max_tokens)
        temperature = float(kwargs.get("temperature", self.temperature))
        token = current_token()
        while not self._lock.acquire(timeout=0.1):  # one generation at a time; a gone client stops waiting
            token.check()
        try:
            prompt = self._render(messages, tools, choice)
            # the prefill is part of the model's answer (parsed) but never streamed
            text, emitted, holding = prompt.prefill, 0, bool(prompt.prefill)
            for piece in self._pieces(
                prompt,
                max_tokens=max_tokens,
                temperature=temperature,
                stop=[*prompt.stop, *(stop or [])],
            ):
                text += piece
                if not tools:
                    yield piece
                    emitted = len(text)
                    continue
                if holding:
                    continue
                start = _first_opener(text, emitted)
                end = len(text) if start is None else start
                if end > emitted:
                    yield text[emitted:end]
                    emitted = end
                holding = start is not None
            prompt_tokens, completion_tokens, finish = self._last_usage
        finally:
            self._lock.release()
        if tools:
            parsed = parse_tool_calls(text[emitted:], names, cutoff=self.name_cutoff)
            content, tail = (text[:emitted] + parsed.content).strip(), parsed.content
        else:
            parsed = ParseResult([], "")
            content, tail = text, ""
        yield _Final(text, content, tail, parsed, prompt_tokens, completion_tokens, finish)

    def _metadata(self, final: _Final) -> dict[str, Any]:
        repaired = {c.name: c.repaired_name for c in final.parsed.valid if c.repaired_name}
        return {
            "model_name": self.model_name,
            "finish_reason": "tool_calls" if final.parsed.valid else final.finish_reason,
            "raw_text": final.text,
            "repaired_tool_names": repaired,
        }


def _first_opener(text: str, start: int) -> int | None:
    found = [i for i in (text.find(o, start) for o in CALL_OPENERS) if i >= 0]
    return min(found) if found else None


def _invalid_args(call: ParsedCall) -> str:
    return f"error: {call.error} | model wrote: {call.raw}"


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:16]}"


def _tool_call(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_call", "name": name, "args": args, "id": _call_id()}


def _usage(final: _Final) -> UsageMetadata:
    return UsageMetadata(
        input_tokens=final.prompt_tokens,
        output_tokens=final.completion_tokens,
        total_tokens=final.prompt_tokens + final.completion_tokens,
    )
