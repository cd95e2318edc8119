"""``stylist outfit score ID...`` and ``stylist outfit build "brief"``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, state

outfit_app = typer.Typer(help="Score outfits and assemble new ones from the catalogue.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(outfit_app, name="outfit")


@outfit_app.command("score")
def score(
    ctx: typer.Context,
    item_ids: Annotated[list[str], typer.Argument(help="Garment ids of the outfit (two or more).")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Score how well garments go together (0-1) and say which pair is weakest and why."""
    from stylist.tools.registry import tools_for

    result = tools_for(state(ctx).runtime).invoke("score_outfit", {"item_ids": item_ids})
    if as_json:
        print_json(result)
        return
    console.print(f"[bold]{result.score:.2f}[/] {result.verdict}", highlight=False)
    table = Table("id", "slot", "title", "price")
    for item in result.items:
        table.add_row(item["id"], item["slot"], item["title"], f"{item.get('price', '')}")
    console.print(table)
    console.print(result.explanation, highlight=False)
    for issue in result.issues:
        console.print(f"  - {issue.kind}: {issue.detail}", highlight=False)


@outfit_app.command("build")
def build(
    ctx: typer.Context,
    brief: Annotated[
        str, typer.Argument(help="The request, e.g. 'summer wedding guest, earthy colours'.")
    ] = "",
    budget: Annotated[float | None, typer.Option("--budget", help="Most the whole outfit may cost.")] = None,
    gender: Annotated[str | None, typer.Option("--gender", help="women, men, unisex, girls or boys.")] = None,
    anchor: Annotated[
        list[str] | None, typer.Option("--anchor", help="Garment id the outfit must include (repeatable).")
    ] = None,
    k: Annotated[int, typer.Option("--k", help="How many outfits.")] = 3,
    user: Annotated[str | None, typer.Option("--user", help="Use this user's profile preferences.")] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Assemble complete outfits from the catalogue for a request, or around anchor garments."""
    from stylist.tools.registry import tools_for

    args = {
        "brief": brief,
        "budget": budget,
        "gender": gender,
        "anchors": anchor or [],
        "k": k,
        "user_id": user,
        "ask_who": False,  # one command, no conversation to ask in: without --gender it dresses either
    }
    result = tools_for(state(ctx).runtime).invoke("build_outfit", args)
    if as_json:
        print_json(result)
        return
    for n, outfit in enumerate(result.outfits, 1):
        table = Table(
            "slot",
            "id",
            "title",
            "price",
            title=f"Outfit {n}: compatibility {outfit.compatibility:.2f}, total {outfit.total_price:.2f}",
        )
        for item in outfit.items:
            table.add_row(
                item.slot.value + (" (anchor)" if item.anchor else ""),
                item.id,
                item.title,
                f"{item.price or ''}",
            )
        console.print(table)
        console.print(outfit.explanation, highlight=False)
    for alt in result.alternatives:
        names = ", ".join(f"{i.title} [{i.id}]" for i in alt.items)
        console.print(f"[dim]alternatives for {alt.slot.value}:[/] {names}", highlight=False)
    for note in result.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
