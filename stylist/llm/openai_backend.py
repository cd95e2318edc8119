"""Any OpenAI-compatible server (vLLM, llama.cpp server, ``transformers serve``, Ollama).

``ChatOpenAI`` does the protocol, tools and streaming. A small model served without a tool-call
parser still writes its calls as text; when tools were bound and the server returned none, the
text is run through the same tolerant parser the local backends use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI

from stylist.concurrency import cancellable, current_token
from stylist.llm.local import _call_id  # same id scheme as the local backends
from stylist.llm.prompting import message_text
from stylist.llm.toolcalls import parse_tool_calls


class TolerantChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` that also reads tool calls a served model wrote as text, and hangs up on the
    upstream when the turn is cancelled."""

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if cancellable() and not self.streaming:
            # a server turn's call streams even when nobody reads its chunks: a served model stops
            # generating when its client hangs up only on a streamed request (llama_cpp.server runs a
            # plain one to its end), and _stream hangs up at the first chunk after a disconnect
            chunks = self._stream(messages, stop=stop, run_manager=run_manager, **kwargs)
            result = generate_from_stream(chunks)
        else:
            result = super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        tools = kwargs.get("tools") or []
        if not tools:
            return result
        names = [t.get("function", {}).get("name", "") for t in tools]
        generations = []
        for generation in result.generations:
            message = generation.message
            if isinstance(message, AIMessage) and not message.tool_calls:
                message = _with_text_calls(message, names)
            generations.append(ChatGeneration(message=message, generation_info=generation.generation_info))
        return ChatResult(generations=generations, llm_output=result.llm_output)

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        token = current_token()
        named: set[int] = set()
        with closing(super()._stream(*args, **kwargs)) as chunks:  # closing ends the HTTP response
            for chunk in chunks:
                token.check()
                yield _once_named(chunk, named)

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        # ChatOpenAI sends a tool-call message's empty text as null; llama_cpp.server rejects the
        # whole request for it (HTTP 500), while "" means the same to every server.
        for message in payload.get("messages", []):
            if message.get("role") == "assistant" and message.get("content") is None:
                message["content"] = ""
        return payload


def _once_named(chunk: ChatGenerationChunk, named: set[int]) -> ChatGenerationChunk:
    """llama_cpp.server repeats a streamed call's name and id in every chunk (OpenAI and vLLM send
    them once), and merged chunks would read "pickpickpick"; keep each call's first name and id."""
    message = chunk.message
    calls = getattr(message, "tool_call_chunks", None)
    if not calls:
        return chunk
    for call in calls:
        if call.get("index") in named:
            call["name"] = call["id"] = None
        named.add(call.get("index"))
    message.additional_kwargs.pop("function_call", None)  # the same call again, in the legacy field
    return chunk


def _with_text_calls(message: AIMessage, names: list[str]) -> AIMessage:
    parsed = parse_tool_calls(message_text(message), names)
    if not parsed.calls:
        return message
    repaired = {c.name: c.repaired_name for c in parsed.valid if c.repaired_name}
    return message.model_copy(
        update={
            "content": parsed.content,
            "tool_calls": [
                {"type": "tool_call", "name": c.name, "args": c.arguments, "id": _call_id()}
                for c in parsed.valid
            ],
            "invalid_tool_calls": [
                {
                    "type": "invalid_tool_call",
                    "name": c.name or None,
                    "args": c.raw,
                    "id": _call_id(),
                    "error": c.error,
                }
                for c in parsed.invalid
            ],
            "response_metadata": {
                **message.response_metadata,
                "repaired_tool_names": repaired,
                "tool_calls_from_text": True,
            },
        }
    )


def make_openai_chat_model(
    *,
    model: str,
    base_url: str | None,
    api_key: str | None,
    temperature: float,
    max_tokens: int,
    timeout_s: float,
) -> ChatOpenAI:
    # local servers ignore the key, but the client refuses to start without one
    key = api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
    return TolerantChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=key,
        temperature=temperature,
        max_tokens=max_tokens,
        timeout=timeout_s,
        # no retries: a retried timeout held a model worker (and the upstream) for twice the turn's
        # deadline; a failed call falls back to the router within the turn instead
        max_retries=0,
        stream_usage=True,
    )
