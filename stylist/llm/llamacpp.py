"""GGUF models on llama.cpp (llama-cpp-python): the embedded default backend.

The prompt is rendered with the chat template stored in the GGUF (Qwen2.5's template lists the
tools and asks for ``<tool_call>`` tags). When the caller requires a tool call
(``tool_choice="required"`` or a tool's name), the answer is prefilled with ``<tool_call>`` and
decoding is constrained by a grammar built from the tools' JSON schemas, so the output is always
one well-formed call to a registered tool with schema-shaped arguments.
"""

from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from pydantic import PrivateAttr

from stylist.concurrency import current_token
from stylist.errors import LLMError, ModelUnavailableError
from stylist.llm.local import LocalChatModel, Prompt
from stylist.llm.prompting import (
    CHATML_TEMPLATE,
    compact_tools,
    inline_tools,
    render_template,
    template_supports_tools,
    to_template_messages,
)

log = logging.getLogger(__name__)

CALL_PREFILL = "<tool_call>\n"
END_MARKERS = ("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<end_of_turn>")


class LlamaCppChatModel(LocalChatModel):
    """A GGUF file run by llama.cpp, loaded on first use."""

    model_path: Path
    context_tokens: int = 4096
    threads: int | None = None
    constrain_tool_calls: bool = True
    """Grammar-constrained decoding when a tool call is required."""
    compact_tools: bool = True
    """Show the model compact tool specs (first sentence, argument types) instead of full JSON
    schemas: a third of the prompt tokens on the default model; grammars still use the full schemas."""
    batch_tokens: int = 512
    """llama.cpp ``n_batch``: prompt tokens evaluated per batch."""
    prefix_cache: bool = True
    """Keep the evaluated state of each system prompt (the selection prompt with its tools, the
    answer prompt) and restore it instead of evaluating it again; see :meth:`_restore_prefix`."""
    prefix_states: int = 12
    """How many system-prompt states to keep (a few MB each), least recently used dropped."""

    _llama: Any = PrivateAttr(default=None)
    _template: str = PrivateAttr(default="")
    _prefixes: OrderedDict = PrivateAttr(default_factory=OrderedDict)
    _end_of_turn: int | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "stylist-llamacpp"

    def load(self) -> Any:
        """Load the model now (otherwise the first message does)."""
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ModelUnavailableError(
                    "llama-cpp-python is not installed (the embedded LLM backend needs it)",
                    hint="CMAKE_ARGS='-DGGML_NATIVE=OFF' pip install llama-cpp-python",
                ) from None
            if not self.model_path.is_file():
                raise ModelUnavailableError(f"GGUF model {self.model_path} does not exist")
            threads = self.threads or default_threads()
            try:
                self._llama = Llama(
                    model_path=str(self.model_path),
                    n_ctx=self.context_tokens,
                    n_threads=threads,
                    n_threads_batch=threads,
                    n_batch=min(self.batch_tokens, self.context_tokens),
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                raise ModelUnavailableError(
                    f"llama.cpp could not load {self.model_path}: {exc}",
                    hint="is it a GGUF file of an architecture llama.cpp supports?",
                ) from None
            self._template = self._llama.metadata.get("tokenizer.chat_template") or CHATML_TEMPLATE
            for marker in END_MARKERS:
                ids = self._llama.tokenize(marker.encode("utf-8"), add_bos=False, special=True)
                if len(ids) == 1 and marker in self._template:
                    self._end_of_turn = ids[0]
                    break
        return self._llama

    def get_num_tokens(self, text: str) -> int:
        return len(self.load().tokenize(text.encode("utf-8"), add_bos=False, special=True))

    # ---------------------------------------------------------------- LocalChatModel hooks
    def _render(
        self, messages: Sequence[BaseMessage], tools: list[dict[str, Any]], choice: str | None
    ) -> Prompt:
        llama = self.load()
        dicts = to_template_messages(messages)
        native = template_supports_tools(self._template)
        shown = compact_tools(tools) if self.compact_tools else tools
        if not native:  # tools, earlier calls and their results written as text
            dicts = inline_tools(dicts, shown)
        text = render_template(
            self._template,
            dicts,
            tools=shown if native else None,
            bos_token=_token_text(llama, llama.token_bos()),
            eos_token=_token_text(llama, llama.token_eos()),
        )
        prompt = Prompt(text=text, stop=[m for m in END_MARKERS if m in self._template])
        if tools and choice is not None:
            prompt.prefill = CALL_PREFILL
            if self.constrain_tool_calls:
                prompt.grammar = _call_grammar(tools, choice)
                if prompt.grammar is not None and choice != "required":
                    # a named tool: its name is written here, not decoded token by token
                    prompt.prefill += _CALL_START + choice + _CALL_MIDDLE
            prompt.text += prompt.prefill
        return prompt

    def _pieces(
        self, prompt: Prompt, *, max_tokens: int, temperature: float, stop: list[str]
    ) -> Iterator[str]:
        llama = self._llama
        tokens = llama.tokenize(prompt.text.encode("utf-8"), add_bos=False, special=True)
        room = self.context_tokens - len(tokens)
        if room < 16:
            raise LLMError(
                f"the prompt is {len(tokens)} tokens but the context window is {self.context_tokens}",
                hint="shorten the conversation or raise llm.context_tokens",
            )
        if self.prefix_cache:
            self._restore_prefix(tokens)
        count, finish = 0, "stop"
        token = current_token()  # the turn's: set when its client disconnects
        for chunk in llama.create_completion(
            tokens,
            max_tokens=min(max_tokens, room),
            temperature=temperature,
            stop=stop or None,
            grammar=prompt.grammar,
            stream=True,
        ):
            token.check()  # raising here closes llama.cpp's generator: decoding stops at this token
            choice = chunk["choices"][0]
            if choice.get("text"):
                count += 1
                yield choice["text"]
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
        self._last_usage = (len(tokens), count, finish)

    def _restore_prefix(self, tokens: list[int]) -> None:
        """Make llama.cpp's KV cache start with this prompt's system message, from a saved state.

        The selection and answer steps alternate between two system prompts, so llama.cpp's own
        reuse of the previous prompt's prefix never applies across them and each step would
        evaluate its system prompt (and tool list) again: hundreds of tokens, most of a CPU turn.
        The first time a system prompt is seen it is evaluated alone and its state saved; later
        prompts that start with it load that state and evaluate only the rest.
        """
        llama = self._llama
        if self._end_of_turn is None or self._end_of_turn not in tokens:
            return
        end = tokens.index(self._end_of_turn) + 1
        if end < 32 or end >= len(tokens):
            return
        key = tuple(tokens[:end])
        if _common_prefix(llama._input_ids.tolist(), tokens) >= end:
            return  # already in the KV cache (same system prompt as the previous call)
        state = self._prefixes.get(key)
        if state is not None:
            self._prefixes.move_to_end(key)
            llama.load_state(state)
            return
        llama.reset()
        llama.eval(list(key))
        self._prefixes[key] = _save_state(llama)
        while len(self._prefixes) > self.prefix_states:
            self._prefixes.popitem(last=False)


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _save_state(llama: Any) -> Any:
    """``Llama.save_state`` without its copy of the logits matrix (n_batch x vocabulary floats,
    ~300 MB for Qwen2.5): sampling does not read it unless ``logits_all`` is on."""
    import ctypes

    import llama_cpp
    import numpy as np
    from llama_cpp.llama import LlamaState

    size = llama_cpp.llama_state_get_size(llama._ctx.ctx)
    buffer = (ctypes.c_uint8 * int(size))()
    written = int(llama_cpp.llama_state_get_data(llama._ctx.ctx, buffer, size))
    return LlamaState(
        input_ids=llama.input_ids.copy(),
        scores=np.zeros((1, llama.n_vocab()), dtype=np.single),
        n_tokens=llama.n_tokens,
        llama_state=bytes(buffer)[:written],
        llama_state_size=written,
        seed=llama._seed,
    )


def default_threads() -> int:
    """All usable cores but one (at most 8).

    llama.cpp's worker threads spin while they wait for each other; when they outnumber the free
    cores (other processes, the app's own embedding work) generation slows down ten-fold or more.
    Measured on 2 shared cores: 1 thread 30 tokens in 3.5-3.9 s, 2 threads 45-79 s.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores - 1, 8))


def _token_text(llama: Any, token: int) -> str:
    if token < 0:
        return ""
    return llama._model.token_get_text(token)


_CALL_START = '{"name": "'
_CALL_MIDDLE = '", "arguments": '


def _call_grammar(tools: list[dict[str, Any]], choice: str) -> Any:
    """A llama.cpp grammar for one ``{"name": ..., "arguments": {...}}`` call, or None; for a
    named ``choice`` only the ``{...}}`` after the prefilled ``{"name": "X", "arguments": ``.

    The grammar fixes the JSON shape, the tool's name, which arguments it may use and each argument's
    type; the arguments may come in any order, and required or repeated ones are checked against the
    schema afterwards (with one repair), as are length bounds and patterns. With the converter's
    whole-object grammars of a dozen tools, llama.cpp's sampler crashed (segmentation fault, 0.3.x).
    """
    from llama_cpp import LlamaGrammar
    from llama_cpp.llama_grammar import SchemaConverter

    converter = SchemaConverter(prop_order={}, allow_fetch=False, dotall=False, raw_pattern=False)
    branches = []
    try:
        for tool in tools:
            function = tool["function"]
            name = function["name"]
            if choice != "required" and name != choice:
                continue
            params = inline_refs(function.get("parameters") or {"type": "object"})
            properties = params.get("properties") or {}
            if properties:
                # each argument with its own value grammar, in any order: linear in the arguments
                pairs = [
                    f'{json.dumps(json.dumps(key))} space ":" space '
                    + converter.visit(_unbounded(converter.resolve_refs(schema, "tool")), f"{name}-{key}")
                    for key, schema in properties.items()
                ]
                kv = converter._add_rule(f"{name}-kv", " | ".join(f"( {pair} )" for pair in pairs))
                required = set(params.get("required") or [])
                # one required argument and nothing else: exactly that key once (the 0.5B model
                # otherwise repeated '"tool": ...' until max_tokens, and the last one won)
                body = (
                    kv
                    if len(properties) == 1 and set(properties) <= required
                    else f'( {kv} ( "," space {kv} )* )?'
                )
                args = converter._add_rule(f"{name}-arguments", f'"{{" space {body} "}}" space')
            else:
                args = converter._add_rule(f"{name}-arguments", '"{" space "}" space')
            branches.append(f"{json.dumps(name + _CALL_MIDDLE)} {args}")
        if not branches:
            return None
        if choice != "required":  # the name is prefilled: only the arguments are decoded
            converter._add_rule("root", f'{args} "}}"')
        else:
            converter._add_rule("root", f'{json.dumps(_CALL_START)} ( {" | ".join(branches)} ) "}}"')
        return LlamaGrammar.from_string(converter.format_grammar(), verbose=False)
    except Exception as exc:  # a grammar the engine rejects: decode freely then, and say so
        log.warning("no tool-call grammar (%s); decoding unconstrained", exc)
        return None


#: Schema keywords left to validation: length bounds become repetitions of up to thousands of
#: characters in the grammar, which llama.cpp's sampler crashed on.
_CHECKED_AFTER = frozenset({"maxLength", "minLength", "pattern", "format", "maxItems", "minItems"})


def _unbounded(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _unbounded(v) for k, v in schema.items() if k not in _CHECKED_AFTER}
    if isinstance(schema, list):
        return [_unbounded(v) for v in schema]
    return schema


def inline_refs(schema: Any, defs: dict[str, Any] | None = None, depth: int = 0) -> Any:
    """Replace local ``$ref``s by their definitions (grammar conversion sees one tree)."""
    if depth > 20:
        return {}
    if isinstance(schema, dict):
        defs = {**(defs or {}), **schema.get("$defs", {}), **schema.get("definitions", {})}
        if "$ref" in schema and isinstance(schema["$ref"], str):
            target = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
            merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            return inline_refs(merged, defs, depth + 1)
        return {
            k: inline_refs(v, defs, depth + 1) for k, v in schema.items() if k not in ("$defs", "definitions")
        }
    if isinstance(schema, list):
        return [inline_refs(v, defs, depth + 1) for v in schema]
    return schema
