"""The one adapter from Stylist tools to LangChain: each ``Tool`` becomes a ``StructuredTool``.

The argument schema is the tool's own pydantic input model, so nobody writes it twice. The
LangChain tool's function validates and runs the Stylist tool and returns the typed result as
JSON-able data (the agent loop calls ``Tool.invoke`` itself to keep timing and errors; the
StructuredTool is what ``bind_tools`` renders for the model and what LangChain agents can run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.tools import StructuredTool

if TYPE_CHECKING:
    from stylist.tools.base import Tool
    from stylist.tools.registry import ToolRegistry


def to_langchain_tool(tool: Tool) -> StructuredTool:
    def call(**kwargs: Any) -> dict[str, Any]:
        return tool.invoke(kwargs).model_dump(mode="json")

    return StructuredTool.from_function(
        func=call,
        name=tool.name,
        description=tool.description,
        args_schema=tool.input_model,
        infer_schema=False,
    )


def langchain_tools(registry: ToolRegistry) -> list[StructuredTool]:
    """Every registered tool as a LangChain tool, in registry order."""
    return [to_langchain_tool(tool) for tool in registry]
