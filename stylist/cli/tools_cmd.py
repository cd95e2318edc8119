"""``stylist tools`` lists the registered tools; ``stylist tool NAME ARGS`` calls one."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, state
from stylist.errors import ToolInputError


def register(app: typer.Typer) -> None:
    app.command("tools")(list_tools)
    app.command("tool")(call_tool)


def list_tools(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """List the tools the agent can call, with their argument schemas."""
    from stylist.tools.registry import build_registry

    registry = build_registry(state(ctx).runtime)
    if as_json:
        print_json(registry.specs())
        return
    table = Table("tool", "arguments", "description", show_lines=True)
    for tool in registry:
        props = tool.input_schema().get("properties", {})
        first_line = tool.description.splitlines()[0] if tool.description else ""
        table.add_row(tool.name, ", ".join(props), first_line)
    console.print(table)


def call_tool(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Tool name (see `stylist tools`).")],
    arguments: Annotated[str, typer.Argument(help="Arguments as a JSON object.")] = "{}",
    as_json: Annotated[bool, JSON_OPTION] = True,
) -> None:
    """Call one tool directly, without the LLM, and print its typed result."""
    from stylist.tools.registry import build_registry

    try:
        raw = json.loads(arguments)
    except json.JSONDecodeError as exc:
        raise ToolInputError(f"arguments are not valid JSON: {exc.msg} at column {exc.colno}") from None
    result = build_registry(state(ctx).runtime).invoke(name, raw)
    print_json(result) if as_json else console.print(result)
