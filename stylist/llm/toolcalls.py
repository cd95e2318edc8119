"""Tolerant extraction of tool calls from the text a small model writes.

Small local models are asked for ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` but
also answer with fenced JSON, bare JSON objects or arrays, OpenAI-style ``{"function": ...}``
shapes, arguments as a JSON string, Python-ish literals (single quotes, trailing commas, ``True``),
``name(arg=value)`` calls, truncated JSON, and tool names with a typo. ``parse_tool_calls`` turns
all of these into ``ParsedCall`` records and leaves every other piece of text as content.

Pure functions, no model and no LangChain: the chat models and the agent loop build on them.
Checking the arguments against the tool's schema is the agent loop's job.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import re
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

NAME_KEYS = ("name", "tool", "tool_name", "function_name", "action", "recipient_name")
ARG_KEYS = ("arguments", "parameters", "args", "input", "action_input", "params", "kwargs")
DEFAULT_CUTOFF = 0.75


@dataclass(frozen=True)
class ParsedCall:
    """One tool call found in model text.

    ``name`` is the registered tool name when one matched (``repaired_name`` then holds what the
    model actually wrote, if it differed). ``error`` is set when the call cannot be run as is: an
    unknown tool name or arguments that are not a JSON object; the agent can feed it back.
    """

    name: str
    arguments: dict[str, Any]
    raw: str
    repaired_name: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ParseResult:
    """The calls found in a message and the text that is not a call."""

    calls: list[ParsedCall] = field(default_factory=list)
    content: str = ""

    @property
    def valid(self) -> list[ParsedCall]:
        return [c for c in self.calls if c.ok]

    @property
    def invalid(self) -> list[ParsedCall]:
        return [c for c in self.calls if not c.ok]


# --------------------------------------------------------------------------- public API


def parse_tool_calls(
    text: str,
    tool_names: Sequence[str] | None = None,
    *,
    cutoff: float = DEFAULT_CUTOFF,
) -> ParseResult:
    """Find the tool calls in ``text``.

    ``tool_names`` are the registered tools: near-miss names are mapped to the closest one
    (``difflib`` ratio at least ``cutoff``), unknown names give a call with ``error`` set, and a
    JSON object outside tags only counts as a call when its name resolves or it has an arguments
    key. Without ``tool_names`` every name is accepted as written.
    """
    if not text or not text.strip():
        return ParseResult([], text.strip() if text else "")
    names = list(tool_names) if tool_names is not None else None
    spans: list[tuple[int, int, list[ParsedCall]]] = []

    for start, end, inner in _tagged_blocks(text):
        spans.append((start, end, _calls_from_block(inner, names, cutoff, tagged=True)))
    for start, end, lang, inner in _fenced_blocks(text):
        if _overlaps(start, end, spans):
            continue
        calls = _calls_from_block(inner, names, cutoff, tagged=False, lang=lang)
        if calls:
            spans.append((start, end, calls))
    for start, end, value, raw in _bare_json(text, spans):
        calls = _calls_from_value(value, raw, names, cutoff, tagged=False)
        if calls:
            spans.append((start, end, calls))

    spans.sort(key=lambda s: s[0])
    calls = [c for _, _, found in spans for c in found]
    return ParseResult(calls, _remove_spans(text, [(s, e) for s, e, _ in spans]))


def resolve_tool_name(
    name: str, tool_names: Sequence[str] | None, cutoff: float = DEFAULT_CUTOFF
) -> tuple[str | None, str | None]:
    """``(registered name or None, the model's spelling when it was repaired)``."""
    name = name.strip()
    if tool_names is None:
        return name, None
    if name in tool_names:
        return name, None
    candidates = [name]
    if "." in name:  # "functions.search_garments", "tools.search"
        candidates.append(name.rsplit(".", 1)[1])
    normal = {_normalise(t): t for t in tool_names}
    for candidate in candidates:
        if _normalise(candidate) in normal:
            return normal[_normalise(candidate)], name
    for candidate in candidates:
        close = difflib.get_close_matches(_normalise(candidate), list(normal), n=1, cutoff=cutoff)
        if close:
            return normal[close[0]], name
    return None, None


def loads_tolerant(text: str) -> Any:
    """Parse JSON written by a model: trailing commas, single quotes, Python literals.

    Raises ``ValueError`` when nothing makes sense of it.
    """
    text = text.strip()
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    no_trailing = re.sub(r",\s*([}\]])", r"\1", text)
    try:
        return json.loads(no_trailing, strict=False)
    except ValueError:
        pass
    try:
        return ast.literal_eval(_json_words_to_python(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    raise ValueError(f"not JSON: {text[:80]!r}")


# --------------------------------------------------------------------------- finding blocks

_TAG_RE = re.compile(r"<\s*(tool_call|toolcall|function_call|tool_calls)\s*>", re.IGNORECASE)
_FENCE_RE = re.compile(r"```[ \t]*([A-Za-z_]*)[^\n`]*\n(.*?)(?:```|\Z)", re.DOTALL)


def _tagged_blocks(text: str) -> Iterable[tuple[int, int, str]]:
    """``<tool_call>...</tool_call>``; an unclosed last tag runs to the end of the text."""
    pos = 0
    while True:
        match = _TAG_RE.search(text, pos)
        if not match:
            return
        tag = match.group(1)
        close = re.compile(rf"<\s*/\s*{tag}\s*>", re.IGNORECASE).search(text, match.end())
        nxt = _TAG_RE.search(text, match.end())
        if close and (not nxt or close.start() < nxt.start()):
            yield match.start(), close.end(), text[match.end() : close.start()]
            pos = close.end()
        elif nxt:  # "<tool_call>{...}<tool_call>{...}" without closing tags
            yield match.start(), nxt.start(), text[match.end() : nxt.start()]
            pos = nxt.start()
        else:
            yield match.start(), len(text), text[match.end() :]
            return


def _fenced_blocks(text: str) -> Iterable[tuple[int, int, str, str]]:
    for match in _FENCE_RE.finditer(text):
        yield match.start(), match.end(), match.group(1).lower(), match.group(2)


def _bare_json(
    text: str, taken: list[tuple[int, int, list[ParsedCall]]]
) -> Iterable[tuple[int, int, Any, str]]:
    """Top-level JSON objects/arrays in free text, outside the spans already taken."""
    pos = 0
    while pos < len(text):
        start = _next_opener(text, pos)
        if start is None:
            return
        inside = next((e for s, e, _ in taken if s <= start < e), None)
        if inside is not None:
            pos = inside
            continue
        end, closers = _balanced_end(text, start)
        raw = text[start:end] + closers
        try:
            value = loads_tolerant(raw)
        except ValueError:
            pos = start + 1
            continue
        if isinstance(value, (dict, list)):
            yield start, end, value, raw
            pos = end
        else:
            pos = start + 1


def _next_opener(text: str, pos: int) -> int | None:
    brace, bracket = text.find("{", pos), text.find("[", pos)
    found = [i for i in (brace, bracket) if i >= 0]
    return min(found) if found else None


def _balanced_end(text: str, start: int) -> tuple[int, str]:
    """End of the bracketed value at ``start`` and the closers to append if it was truncated."""
    stack: list[str] = []
    quote: str | None = None
    escaped = False
    pairs = {"{": "}", "[": "]"}
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
            continue
        if ch in "\"'":
            # an apostrophe inside a word ("it's") is not a quote
            if ch == "'" and i > 0 and text[i - 1].isalnum():
                continue
            quote = ch
        elif ch in pairs:
            stack.append(pairs[ch])
        elif ch in "}]":
            if not stack or stack[-1] != ch:
                return i + 1, ""
            stack.pop()
            if not stack:
                return i + 1, ""
    closers = (quote or "") + "".join(reversed(stack))
    return len(text), closers


def _overlaps(start: int, end: int, spans: list[tuple[int, int, list[ParsedCall]]]) -> bool:
    return any(s < end and start < e for s, e, _ in spans)


def _remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(text[pos:start])
        pos = max(pos, end)
    out.append(text[pos:])
    content = "".join(out)
    content = re.sub(r"[ \t]+\n", "\n", content)
    content = re.sub(r"\n{3,}", "\n\n", content)
    return content.strip()


# --------------------------------------------------------------------------- blocks to calls


def _calls_from_block(
    inner: str, names: list[str] | None, cutoff: float, *, tagged: bool, lang: str = "json"
) -> list[ParsedCall]:
    raw = inner.strip()
    if not raw:
        return []
    if raw.startswith(("{", "[")):
        end, closers = _balanced_end(raw, 0)
        try:
            value = loads_tolerant(raw[:end] + closers)
        except ValueError:
            value = None
        if value is not None:
            calls = _calls_from_value(value, raw, names, cutoff, tagged=tagged)
            if calls or not tagged:
                return calls
    call = _python_call(raw, names, cutoff)
    if call is not None and (tagged or lang in ("python", "py", "tool_code", "tool_call")):
        return [call]
    if tagged:
        return [ParsedCall("", {}, raw, error=f"could not read the tool call {raw[:120]!r}")]
    return []


def _calls_from_value(
    value: Any, raw: str, names: list[str] | None, cutoff: float, *, tagged: bool
) -> list[ParsedCall]:
    if isinstance(value, list):
        calls = []
        for item in value:
            found = (
                _calls_from_value(item, raw, names, cutoff, tagged=tagged) if isinstance(item, dict) else []
            )
            if not found:
                return []  # a list of data, not a list of calls
            calls.extend(found)
        return calls
    if not isinstance(value, dict):
        return []
    if isinstance(value.get("tool_calls"), list):
        return _calls_from_value(value["tool_calls"], raw, names, cutoff, tagged=tagged)

    name, args, has_args = _name_and_args(value, names)
    if name is None:
        return []
    resolved, repaired = resolve_tool_name(name, names, cutoff)
    if not (tagged or has_args or resolved is not None):
        return []  # {"name": "Linen shirt", "price": 30} in an answer is data
    arguments, error = _coerce_arguments(args)
    if resolved is None:
        known = ", ".join(names or [])
        return [ParsedCall(name, arguments, raw, error=f"unknown tool {name!r}; tools: {known}")]
    return [ParsedCall(resolved, arguments, raw, repaired, error)]


def _name_and_args(value: dict[str, Any], names: list[str] | None) -> tuple[str | None, Any, bool]:
    function = value.get("function")
    if isinstance(function, dict) and isinstance(function.get("name"), str):
        return _name_and_args(function, names)
    if isinstance(function, str):
        args_key = next((k for k in ARG_KEYS if k in value), None)
        return function, value.get(args_key) if args_key else None, args_key is not None
    name_key = next((k for k in NAME_KEYS if isinstance(value.get(k), str)), None)
    if name_key is not None:
        args_key = next((k for k in ARG_KEYS if k in value), None)
        if args_key is None:
            rest = {k: v for k, v in value.items() if k not in (name_key, "type", "id")}
            return value[name_key], rest, False
        return value[name_key], value[args_key], True
    # {"search_garments": {"query": ...}}: one key that is a tool name
    if names is not None and len(value) == 1:
        ((key, inner),) = value.items()
        if isinstance(inner, dict) and resolve_tool_name(key, names)[0] is not None:
            return key, inner, True
    return None, None, False


def _coerce_arguments(args: Any) -> tuple[dict[str, Any], str | None]:
    if args is None:
        return {}, None
    if isinstance(args, str):
        if not args.strip():
            return {}, None
        try:
            args = loads_tolerant(args)
        except ValueError:
            return {}, f"arguments are not a JSON object: {args[:80]!r}"
    if isinstance(args, dict):
        return args, None
    return {}, f"arguments must be a JSON object, got {type(args).__name__}"


def _python_call(raw: str, names: list[str] | None, cutoff: float) -> ParsedCall | None:
    """``search_garments(query="red dress", max_price=50)``."""
    source = raw.strip().rstrip(";")
    try:
        node = ast.parse(_json_words_to_python(source), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    if not isinstance(node, ast.Call) or node.args:
        return None
    func = node.func
    if isinstance(func, ast.Attribute):
        name = func.attr
    elif isinstance(func, ast.Name):
        name = func.id
    else:
        return None
    try:
        arguments = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
    except ValueError:
        return None
    resolved, repaired = resolve_tool_name(name, names, cutoff)
    if resolved is None:
        return ParsedCall(name, arguments, raw, error=f"unknown tool {name!r}")
    return ParsedCall(resolved, arguments, raw, repaired)


def _json_words_to_python(text: str) -> str:
    """``true/false/null`` -> ``True/False/None`` outside strings."""
    words = {"true": "True", "false": "False", "null": "None"}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return text
    out = [
        tok._replace(string=words[tok.string]) if tok.type == tokenize.NAME and tok.string in words else tok
        for tok in tokens
    ]
    try:
        return tokenize.untokenize(out)
    except ValueError:
        return text


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())
