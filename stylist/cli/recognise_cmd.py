"""``stylist recognise PHOTO``: what garment a photo shows (``stylist wardrobe`` adds it to your clothes)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, state


def register(app: typer.Typer) -> None:
    app.command("recognise")(recognise)


def recognise(
    ctx: typer.Context,
    photo: Annotated[Path, typer.Argument(help="Photo of one garment (JPEG, PNG, WebP …).")],
    k: Annotated[
        int, typer.Option("-k", min=0, max=20, help="Closest catalogue items to show (0: none).")
    ] = 5,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Say what garment a photo shows: article type, slot, colours, pattern, and the closest catalogue
    items."""
    from stylist.tools.registry import tools_for

    result = tools_for(state(ctx).runtime).invoke("recognise_garment", {"image_path": str(photo), "k": k})
    if as_json:
        print_json(result)
        return
    colour = {"ok": "green", "unsure": "yellow"}.get(result.status, "red")
    console.print(f"[{colour}]{result.status}[/]: {result.message}", highlight=False)
    table = Table(show_header=False)
    if result.article_type:
        table.add_row("article", f"{result.article_type} ({result.article_confidence:.0%})")
        table.add_row("slot", result.slot or "?")
    elif result.candidates:
        table.add_row("candidates", ", ".join(f"{c.label} {c.confidence:.0%}" for c in result.candidates))
    if result.parts:
        table.add_row("garments", ", ".join(f"{c.label} {c.confidence:.0%}" for c in result.parts))
    if result.colours:
        table.add_row("colours", ", ".join(f"{c.name} {c.share:.0%}" for c in result.colours))
    if result.pattern_candidates:
        top = result.pattern_candidates[0]
        table.add_row("pattern", f"{result.pattern or 'unsure'} ({top.label} {top.confidence:.0%})")
    if result.model:
        table.add_row("model", result.model)
    if table.row_count:
        console.print(table)
    if result.closest:
        console.print("closest in the catalogue:")
        for i, c in enumerate(result.closest, 1):
            price = f" — {c.garment.price:.2f}" if c.garment.price is not None else ""
            console.print(f"  {i}. {c.garment.title} [{c.garment.id}]{price}", highlight=False)
    elif result.closest_note:
        console.print(f"[yellow]note:[/] {result.closest_note}", highlight=False)
