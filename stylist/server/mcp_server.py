"""The MCP server: every registered tool, with the schemas the registry already has.

Built on the SDK's low-level ``Server`` so each tool's input and output schemas come from
its pydantic models (the one registry), not from re-deriving a function signature. Over HTTP
it takes the API's keys (``Authorization: Bearer``) and the API's rule for users and pictures:
a user key acts only as its user, pictures travel as ``image_base64``, and paths are refused
unless they name an upload. Over stdio it is a local process of the user, like the CLI.

Tool calls run on the runtime's tool pool (``Runtime.pools.tools``), as the agent's and the HTTP
API's do: a full queue is refused at once with the JSON-RPC error ``SERVER_BUSY`` (the MCP form of
the API's 503; its data carry ``code`` and ``retry_after``), and a request the client cancels
cancels the call's token, so the tool stops at its next checkpoint.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
from mcp import types
from mcp.server import Server
from mcp.shared.exceptions import MCPError

from stylist.concurrency import BoundedPool, run_cancellable
from stylist.config import ServerSettings
from stylist.errors import BusyError, ConfigError, StylistError
from stylist.server.auth import Caller, KeyChecker, with_user
from stylist.server.pictures import Uploads, served_arguments, served_schema
from stylist.tools.registry import ToolRegistry

log = logging.getLogger(__name__)

CALLER = "stylist_caller"
SERVER_BUSY = -32000
"""JSON-RPC error code (implementation-defined server error) for a full tool queue: try again later."""


def build_mcp_server(
    registry: ToolRegistry,
    *,
    name: str = "stylist",
    uploads: Uploads | None = None,
    pool: BoundedPool | None = None,
) -> Server[Any]:
    """The MCP server; with ``uploads``, tool arguments follow the remote rule (HTTP). Tool calls run
    on ``pool`` (the runtime's tool pool; a server built without one gets its own, 4 workers)."""
    pool = pool or BoundedPool("tools", 4, 64)

    async def list_tools(_ctx: Any, _params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name,
                    description=tool.description,
                    input_schema=served_schema(tool) if uploads else tool.input_schema(),
                    output_schema=tool.output_schema(),
                )
                for tool in registry
            ]
        )

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            tool = registry.get(params.name)
            args = dict(params.arguments or {})
            if uploads is not None:
                args = with_user(args, tool.input_model.model_fields, _caller_of(ctx))
                args = await anyio.to_thread.run_sync(served_arguments, tool, args, uploads)
            result = await run_cancellable(pool, tool.invoke, args)
        except BusyError as exc:  # the API's 503: a protocol error, not a result for the model to retry
            raise MCPError(
                SERVER_BUSY,
                str(exc),
                {"code": f"{exc.queue}_queue_full", "retry_after": exc.retry_after},
            ) from None
        except StylistError as exc:
            # A tool error is a result the calling model can read and retry from.
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=str(exc))], is_error=True
            )
        except Exception:  # a bug: the details go to the log, never to the client
            log.exception("MCP tool %s failed", params.name)
            return types.CallToolResult(
                content=[types.TextContent(type="text", text="internal error (details in the server log)")],
                is_error=True,
            )
        data = result.model_dump(mode="json")
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(data, ensure_ascii=False))],
            structured_content=data,
        )

    return Server(name, version="0.1.0", on_list_tools=list_tools, on_call_tool=call_tool)


def _caller_of(ctx: Any) -> Caller | None:
    request = getattr(ctx, "request", None)
    scope = getattr(request, "scope", None) or {}
    caller = (scope.get("state") or {}).get(CALLER)
    if caller is None:  # HTTP requests pass BearerAuth first; this is a bug, refuse rather than guess
        raise StylistError("no authenticated caller for this MCP request")
    return caller


class BearerAuth:
    """ASGI middleware: the API's keys in front of the MCP app (401 without a valid one)."""

    def __init__(self, app: Any, keys: KeyChecker) -> None:
        self.app, self.keys = app, keys

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            auth = headers.get(b"authorization")
            client = scope.get("client")
            caller = self.keys.identify(
                auth.decode("latin-1") if auth else None, client[0] if client else None
            )
            if caller is None:
                body = json.dumps(
                    {
                        "error": {
                            "message": "missing or invalid API key (send 'Authorization: Bearer <key>')",
                            "type": "authentication_error",
                            "code": "invalid_api_key",
                        }
                    }
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
            scope.setdefault("state", {})[CALLER] = caller
        await self.app(scope, receive, send)


def run_stdio(registry: ToolRegistry, pool: BoundedPool | None = None) -> None:
    from mcp.server.stdio import stdio_server

    server = build_mcp_server(registry, pool=pool)

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)


def http_app(
    registry: ToolRegistry,
    settings: ServerSettings,
    uploads: Uploads,
    *,
    host: str,
    path: str = "/mcp",
    pool: BoundedPool | None = None,
) -> Any:
    """MCP over streamable HTTP behind the API's keys (refuses to build without any)."""
    keys = KeyChecker(settings)
    if not keys.has_keys and not settings.allow_open:
        raise ConfigError(
            "MCP over HTTP needs API keys (server.api_keys, server.user_keys) like the chat API",
            hint="pass --api-key KEY or --user-key KEY=USER (or --allow-open for local use only)",
        )
    inner = build_mcp_server(registry, uploads=uploads, pool=pool).streamable_http_app(
        streamable_http_path=path, host=host
    )
    return BearerAuth(inner, keys)


def run_http(
    registry: ToolRegistry,
    settings: ServerSettings,
    uploads: Uploads,
    *,
    host: str,
    port: int,
    pool: BoundedPool | None = None,
) -> None:
    import uvicorn

    app = http_app(registry, settings, uploads, host=host, pool=pool)
    uvicorn.run(app, host=host, port=port, log_level="warning")
