"""The contract every tool in ``build_registry`` keeps, checked on fakes: a new tool gets these
checks by being registered. Schema, LangChain and MCP conversion, a routing hint the router can
reach it with (``--llm none``, through the agent), ``to_text()``, and bad arguments naming the field."""

from __future__ import annotations

import json
import re

import anyio
import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from mcp import Client

from stylist.agent.adapters import to_langchain_tool
from stylist.agent.router import Router
from stylist.config import load_settings
from stylist.errors import ToolInputError
from stylist.facade import Stylist
from stylist.runtime import Runtime
from stylist.server.mcp_server import build_mcp_server
from stylist.tools.base import Tool
from stylist.tools.output import ToolOutput
from stylist.tools.registry import ToolRegistry, build_registry
from stylist.tools.routing import RouteContext, RouteHint
from tests.fakes.tools import tools_runtime

NAMES = [tool.name for tool in build_registry(Runtime(load_settings()))]  # building loads nothing

#: What a message may add to a tool's keyword: garments by id, a photo, an occasion, a garment.
SUFFIXES = ("", " g-0001", " g-0001 and g-0002", " ~/photos/top.jpg", " for a summer wedding", " a red dress")


@pytest.fixture
def runtime():
    return tools_runtime()


@pytest.fixture
def registry(runtime) -> ToolRegistry:
    return build_registry(runtime)


def candidates(hint: RouteHint) -> list[str]:
    """Messages made of one of the hint's keywords and a suffix, shortest first."""
    return [f"{word}{suffix}" for suffix in SUFFIXES for word in hint.keywords]


def reach(tool: Tool, registry: ToolRegistry) -> tuple[str, ToolOutput]:
    """A message that starts a conversation, which the router sends to ``tool`` with arguments
    that run it, and the result."""
    router = Router(registry)
    for message in candidates(tool.routing):
        decision = router.route(message, RouteContext())
        if decision.tool != tool.name:
            continue
        try:
            return message, tool.invoke(decision.arguments)
        except ToolInputError:
            continue  # routed, but this message does not say enough ("I hate" with nothing named)
    raise AssertionError(f"no message built from {tool.name}'s keywords reaches and runs it")


def check_contract(tool: Tool, registry: ToolRegistry, stylist: Stylist) -> None:
    # the schema: a JSON object of named arguments, unknown ones refused, a description for the model
    spec = json.loads(json.dumps(tool.spec()))
    assert re.fullmatch(r"[a-z][a-z0-9_]*", tool.name) and len(spec["description"]) > 40
    assert spec["input_schema"]["type"] == "object" and spec["output_schema"]["type"] == "object"
    assert tool.input_model.model_config.get("extra") == "forbid"
    assert issubclass(tool.output_model, ToolOutput)
    # LangChain: the agent binds the same schema
    function = convert_to_openai_tool(to_langchain_tool(tool))["function"]
    assert function["name"] == tool.name
    assert set(function["parameters"]["properties"]) == set(spec["input_schema"]["properties"])
    # routing: a hint with keywords, whose messages reach the tool and whose arguments run it
    assert isinstance(tool.routing, RouteHint) and tool.routing.keywords
    message, result = reach(tool, registry)
    assert isinstance(result, tool.output_model)
    text = result.to_text()
    assert isinstance(text, str) and text.strip()
    json.dumps(result.model_dump(mode="json"))
    for item in result.garments():
        assert item.id and item.title
    for path, caption in result.pictures():
        assert path.endswith(".png") and isinstance(caption, str)
    # the same message through the whole agent with no model (--llm none)
    reply = stylist.chat(message)
    assert reply.tool_calls and reply.tool_calls[0].name == tool.name and reply.tool_calls[0].ok, reply
    assert reply.text.strip()
    # the error path: an unknown argument, and a bad value that names its field
    with pytest.raises(ToolInputError, match="unknown argument 'no_such_argument'"):
        tool.invoke({"no_such_argument": 1})
    field = next(iter(tool.input_model.model_fields))
    with pytest.raises(ToolInputError, match=re.escape(field)):
        tool.invoke({field: {"not": "a valid value"}})


@pytest.mark.parametrize("name", NAMES)
def test_every_registered_tool_keeps_the_contract(name, runtime, registry) -> None:
    check_contract(registry.get(name), registry, Stylist(runtime))


def test_the_mcp_server_lists_every_tool_with_its_schemas(registry) -> None:
    async def listed() -> list:
        async with Client(build_mcp_server(registry)) as client:
            return (await client.list_tools()).tools

    tools = anyio.run(listed)
    assert [t.name for t in tools] == NAMES
    for listed_tool in tools:
        tool = registry.get(listed_tool.name)
        assert listed_tool.input_schema == tool.input_schema()
        assert listed_tool.output_schema == tool.output_schema()
        assert listed_tool.description == tool.description
