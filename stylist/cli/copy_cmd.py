"""``stylist copy ITEM_ID…``: grounded fashion copy for a garment or an outfit."""

from __future__ import annotations

from typing import Annotated

import typer

from stylist.cli.common import JSON_OPTION, console, print_json, state


def register(app: typer.Typer) -> None:
    app.command("copy")(copy)


def copy(
    ctx: typer.Context,
    item_ids: Annotated[list[str], typer.Argument(help="A garment id, or several for an outfit.")],
    kind: Annotated[str, typer.Option(help="product, caption or outfit.")] = "product",
    tone: Annotated[str, typer.Option(help="playful, luxury or minimal.")] = "playful",
    lang: Annotated[str, typer.Option(help="Language; only en is supported.")] = "en",
    llm: Annotated[str | None, typer.Option(help="LLM backend for this call (none = template only).")] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Write fashion copy whose colours, materials, garment types and prices match the catalogue."""
    from stylist.tools.registry import tools_for

    if llm is not None:
        state(ctx).override("llm.backend", llm)
    result = tools_for(state(ctx).runtime).invoke(
        "write_copy", {"item_ids": item_ids, "kind": kind, "tone": tone, "lang": lang}
    )
    if as_json:
        print_json(result)
        return
    console.print(result.text, highlight=False)
    note = {"llm": "LLM", "llm_retry": "LLM, second draft", "template": "template"}[result.source]
    console.print(f"[dim]({note}; {result.words} words)[/]", highlight=False)
