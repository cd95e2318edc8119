"""The MCP server: every registered tool, with the schemas the registry already has.

Built on the SDK's low-level ``Server`` so each tool's input and output schemas come from
its pydantic models (the one registry), not from re-deriving a function signature.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
from mcp import types
from mcp.server import Server

from stylist.errors import StylistError
from stylist.tools.registry import ToolRegistry


def build_mcp_server(registry: ToolRegistry, *, name: str = "stylist") -> Server[Any]:
    async def list_tools(_ctx: Any, _params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name,
                    description=tool.description,
                    input_schema=tool.input_schema(),
                    output_schema=tool.output_schema(),
                )
                for tool in registry
            ]
        )

    async def call_tool(_ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            tool = registry.get(params.name)
            result = await anyio.to_thread.run_sync(tool.invoke, dict(params.arguments or {}))
        except StylistError as exc:
            # A tool error is a result the calling model can read and retry from.
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=str(exc))], is_error=True
            )
        data = result.model_dump(mode="json")
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(data, ensure_ascii=False))],
            structured_content=data,
        )

    return Server(name, version="0.1.0", on_list_tools=list_tools, on_call_tool=call_tool)


def run_stdio(registry: ToolRegistry) -> None:
    from mcp.server.stdio import stdio_server

    server = build_mcp_server(registry)

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)


def run_http(registry: ToolRegistry, *, host: str, port: int, path: str = "/mcp") -> None:
    import uvicorn

    app = build_mcp_server(registry).streamable_http_app(streamable_http_path=path, host=host)
    uvicorn.run(app, host=host, port=port, log_level="warning")
