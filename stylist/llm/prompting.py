"""Turning LangChain messages and tools into a prompt with the model's own chat template.

Both local backends (llama.cpp and transformers) go through here: messages become the
``{"role", "content", "tool_calls"}`` dicts chat templates expect, tools become OpenAI-style
function specs, and a template that knows nothing about tools (SmolLM2, many small models) gets
the tools and the ``<tool_call>`` convention written into its system message instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, SystemMessage, ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content']"
    " + '<|im_end|>\n' }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}"
)

FALLBACK_TOOLS_PROMPT = """# Tools

You may call one or more of these tools:
<tools>
{tools}
</tools>

To call a tool, reply with nothing but, for each call:
<tool_call>
{{"name": "<tool name>", "arguments": {{<arguments as a JSON object>}}}}
</tool_call>"""


def message_text(message: BaseMessage) -> str:
    """The text of a message whose content may be a list of blocks."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


def to_template_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """LangChain messages as chat-template dicts (tool calls with dict arguments)."""
    out: list[dict[str, Any]] = []
    for message in messages:
        text = message_text(message)
        if isinstance(message, SystemMessage):
            out.append({"role": "system", "content": text})
        elif isinstance(message, AIMessage):
            entry: dict[str, Any] = {"role": "assistant", "content": text}
            if message.tool_calls:
                entry["tool_calls"] = [
                    {
                        "type": "function",
                        "id": call.get("id") or "",
                        "function": {"name": call["name"], "arguments": call["args"]},
                    }
                    for call in message.tool_calls
                ]
            out.append(entry)
        elif isinstance(message, ToolMessage):
            out.append(
                {
                    "role": "tool",
                    "content": text,
                    "name": message.name or "",
                    "tool_call_id": message.tool_call_id,
                }
            )
        else:  # HumanMessage, ChatMessage with role "user", anything else
            role = getattr(message, "role", None) or "user"
            out.append({"role": role if role in ("user", "system") else "user", "content": text})
    return out


def to_openai_tools(tools: Sequence[Any]) -> list[dict[str, Any]]:
    """Tools (LangChain tools, pydantic models, functions or dicts) as OpenAI function specs."""
    return [convert_to_openai_tool(tool) for tool in tools]


def tool_names(tools: Sequence[dict[str, Any]]) -> list[str]:
    return [t["function"]["name"] for t in tools]


def template_supports_tools(template: str) -> bool:
    return "tools" in template and "tool_call" in template


def inline_tools(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For templates without tool support: tools in the system message, calls and results as text."""
    spec = "\n".join(json.dumps(t, ensure_ascii=False) for t in tools)
    instructions = FALLBACK_TOOLS_PROMPT.format(tools=spec) if tools else ""
    out: list[dict[str, Any]] = []
    for message in messages:
        if message["role"] == "assistant" and message.get("tool_calls"):
            calls = "\n".join(
                "<tool_call>\n"
                + json.dumps(
                    {"name": c["function"]["name"], "arguments": c["function"]["arguments"]},
                    ensure_ascii=False,
                )
                + "\n</tool_call>"
                for c in message["tool_calls"]
            )
            text = (message["content"] + "\n" + calls).strip()
            out.append({"role": "assistant", "content": text})
        elif message["role"] == "tool":
            text = f"<tool_response>\n{message['content']}\n</tool_response>"
            if out and out[-1]["role"] == "user" and out[-1].get("_tool_results"):
                out[-1]["content"] += "\n" + text
            else:
                out.append({"role": "user", "content": text, "_tool_results": True})
        else:
            out.append(dict(message))
    for message in out:
        message.pop("_tool_results", None)
    if instructions:
        if out and out[0]["role"] == "system":
            out[0] = {"role": "system", "content": out[0]["content"] + "\n\n" + instructions}
        else:
            out.insert(0, {"role": "system", "content": instructions})
    return out


def render_template(
    template: str,
    messages: list[dict[str, Any]],
    *,
    tools: list[dict[str, Any]] | None = None,
    bos_token: str = "",
    eos_token: str = "",
    add_generation_prompt: bool = True,
) -> str:
    """Render a Hugging Face style Jinja chat template, as ``apply_chat_template`` does."""
    from jinja2 import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise TemplateError(message)

    def tojson(value: Any, indent: int | None = None, **_: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=indent)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env.from_string(template).render(
        messages=messages,
        tools=tools or None,
        bos_token=bos_token,
        eos_token=eos_token,
        add_generation_prompt=add_generation_prompt,
    )


#: Arguments the agent fills itself (the conversation's user), never shown to a small model.
HIDDEN_ARGUMENTS = ("user_id",)


def compact_tools(tools: list[dict[str, Any]], description_chars: int = 160) -> list[dict[str, Any]]:
    """Tool specs cut down for a small model's prompt: the description's first sentence and, per
    argument, its type (with short enums) but no description, title, default or ``$defs``.

    Full JSON schemas cost hundreds of tokens per tool (``search_garments`` alone is ~780), and
    prompt evaluation dominates a CPU turn. The model only has to pick a tool and name its
    arguments; where decoding is grammar-constrained the grammar, built from the full schema,
    still enforces every type and bound.
    """
    out = []
    for tool in tools:
        function = tool["function"]
        params = function.get("parameters") or {}
        defs = {**params.get("$defs", {}), **params.get("definitions", {})}
        props = {
            name: _compact_schema(schema, defs)
            for name, schema in (params.get("properties") or {}).items()
            if name not in HIDDEN_ARGUMENTS
        }
        spec: dict[str, Any] = {"type": "object", "properties": props}
        required = [r for r in params.get("required") or [] if r not in HIDDEN_ARGUMENTS]
        if required:
            spec["required"] = required
        out.append(
            {
                "type": "function",
                "function": {
                    "name": function["name"],
                    "description": _first_sentence(function.get("description") or "", description_chars),
                    "parameters": spec,
                },
            }
        )
    return out


def _first_sentence(text: str, limit: int) -> str:
    text = " ".join(text.split())
    cut = text.find(". ")
    if 0 < cut < limit:
        return text[: cut + 1]
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _compact_schema(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    if depth > 4:
        return {}
    if "$ref" in schema:
        target = defs.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
        return _compact_schema(
            {**target, **{k: v for k, v in schema.items() if k != "$ref"}}, defs, depth + 1
        )
    for key in ("anyOf", "oneOf"):
        if key in schema:  # Optional[X]: keep X
            options = [o for o in schema[key] if o.get("type") != "null"]
            if len(options) == 1:
                return _compact_schema(options[0], defs, depth + 1)
            return {key: [_compact_schema(o, defs, depth + 1) for o in options]}
    out: dict[str, Any] = {}
    if "type" in schema:
        out["type"] = schema["type"]
    if "enum" in schema and len(schema["enum"]) <= 12:
        out["enum"] = schema["enum"]
    if "const" in schema:
        out["const"] = schema["const"]
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        out["items"] = _compact_schema(schema["items"], defs, depth + 1)
    return out
