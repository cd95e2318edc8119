"""``stylist serve`` (OpenAI-compatible HTTP API) and ``stylist mcp`` (MCP tools)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from stylist.cli.common import err_console, state
from stylist.errors import ToolInputError

API_KEY = typer.Option(
    "--api-key", help="Service key (repeatable): may act for any end user it names (the 'user' field)."
)
USER_KEY = typer.Option(
    "--user-key", help="User key as KEY=USER (repeatable): acts only as USER, whatever the request says."
)
ALLOW_OPEN = typer.Option("--allow-open", help="Serve without API keys (local use only).")


def _keys(cli: Any, api_key: list[str] | None, user_key: list[str] | None, allow_open: bool) -> None:
    if api_key:
        cli.override("server.api_keys", list(api_key))
    if user_key:
        pairs = {}
        for item in user_key:
            key, sep, user = item.partition("=")
            if not sep or not key.strip() or not user.strip():
                raise ToolInputError(f"--user-key {item!r}: expected KEY=USER")
            pairs[key.strip()] = user.strip()
        cli.override("server.user_keys", pairs)
    if allow_open:
        cli.override("server.allow_open", True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("mcp")(mcp)


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default from config: 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from config: 8080).")] = None,
    api_key: Annotated[list[str] | None, API_KEY] = None,
    user_key: Annotated[list[str] | None, USER_KEY] = None,
    allow_open: Annotated[bool, ALLOW_OPEN] = False,
    llm: Annotated[
        str | None, typer.Option("--llm", help="LLM backend: embedded, transformers, openai, none.")
    ] = None,
) -> None:
    """Serve the stylist over an OpenAI-compatible chat API, plus its tools and images."""
    cli = state(ctx)
    for key, value in (("server.host", host), ("server.port", port), ("llm.backend", llm)):
        if value is not None:
            cli.override(key, value)
    _keys(cli, api_key, user_key, allow_open)
    import uvicorn

    from stylist import Stylist
    from stylist.server.app import create_app

    runtime = cli.runtime
    settings = runtime.settings.server
    stylist = Stylist(runtime)
    app = create_app(stylist, settings)
    if stylist.prepare_index():  # opened (or, on a first run, built) in the background, once
        err_console.print("stylist: opening the catalogue index (building it first on a first run)")
    err_console.print(
        f"stylist: serving on http://{settings.host}:{settings.port}/v1 (OpenAI-compatible; model 'stylist')"
    )
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


def mcp(
    ctx: typer.Context,
    transport: Annotated[str, typer.Option(help="stdio or http (streamable HTTP).")] = "stdio",
    host: Annotated[str, typer.Option(help="Interface for --transport http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for --transport http.")] = 8765,
    api_key: Annotated[list[str] | None, API_KEY] = None,
    user_key: Annotated[list[str] | None, USER_KEY] = None,
    allow_open: Annotated[bool, ALLOW_OPEN] = False,
) -> None:
    """Run an MCP server exposing every Stylist tool (stdio by default; over HTTP it needs keys)."""
    from stylist.server.mcp_server import run_http, run_stdio
    from stylist.server.pictures import Uploads, upload_dir
    from stylist.tools.registry import build_registry

    cli = state(ctx)
    _keys(cli, api_key, user_key, allow_open)
    runtime = cli.runtime
    registry = build_registry(runtime)
    if transport == "stdio":
        run_stdio(registry, runtime.pools.tools)
    elif transport == "http":
        settings = runtime.settings.server
        uploads = Uploads(upload_dir(settings, runtime.settings.home), settings)
        err_console.print(f"stylist: MCP over streamable HTTP at http://{host}:{port}/mcp")
        run_http(registry, settings, uploads, host=host, port=port, pool=runtime.pools.tools)
    else:
        raise ToolInputError(f"--transport must be 'stdio' or 'http', not {transport!r}")
