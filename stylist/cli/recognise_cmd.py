"""``stylist recognise PHOTO`` and ``stylist wardrobe add/list/remove``: garments from photos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, state
from stylist.errors import ProfileError
from stylist.events import DEFAULT_USER

USER_OPTION = typer.Option("--user", "-u", help="Whose wardrobe (default: the local user).")
wardrobe_app = typer.Typer(help="Clothes you own, added from photos (recognised, editable).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("recognise")(recognise)
    app.add_typer(wardrobe_app, name="wardrobe")


def recognise(
    ctx: typer.Context,
    photo: Annotated[Path, typer.Argument(help="Photo of one garment (JPEG, PNG, WebP …).")],
    k: Annotated[int, typer.Option("-k", min=0, max=20, help="Closest catalogue items to show (0: none).")] = 5,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Say what garment a photo shows: article type, slot, colours, pattern, and the closest catalogue items."""
    from stylist.tools.recognise.tool import RecogniseGarment

    result = RecogniseGarment(state(ctx).runtime).invoke({"image_path": str(photo), "k": k})
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
    if table.row_count:
        console.print(table)
    if result.closest:
        console.print("closest in the catalogue:")
        for i, c in enumerate(result.closest, 1):
            price = f" — {c.garment.price:.2f}" if c.garment.price is not None else ""
            console.print(f"  {i}. {c.garment.title} [{c.garment.id}]{price}", highlight=False)
    elif result.closest_note:
        console.print(f"[yellow]note:[/] {result.closest_note}", highlight=False)


def _row(item: Any) -> list[str]:
    return [str(item.id), item.label, item.article_type or "", item.slot or "", ", ".join(item.colours), item.pattern or "",
            item.item_id or ("photo" if item.image_path else "text")]


def _table(items: list[Any]) -> Table:
    table = Table("id", "item", "article", "slot", "colours", "pattern", "source")
    for item in items:
        table.add_row(*_row(item))
    return table


@wardrobe_app.command("add")
def wardrobe_add(
    ctx: typer.Context,
    photo: Annotated[Path, typer.Argument(help="Photo of the garment.")],
    name: Annotated[Optional[str], typer.Option("--name", help="Your name for it, e.g. 'my blue oxford'.")] = None,
    article: Annotated[Optional[str], typer.Option("--article", help="Article type, overriding the recognised one (e.g. shirt).")] = None,
    colour: Annotated[Optional[list[str]], typer.Option("--colour", "--color", help="Colour(s), overriding the recognised ones (repeatable).")] = None,
    pattern: Annotated[Optional[str], typer.Option("--pattern", help="Pattern, overriding the recognised one.")] = None,
    slot: Annotated[Optional[str], typer.Option("--slot", help="Outfit slot, when the article type does not say it.")] = None,
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Add a garment you own from its photo; recognised attributes can be set with the flags."""
    from stylist.tools.recognise.wardrobe import add_from_photo

    item, recognition = add_from_photo(state(ctx).runtime, user, photo, name=name, article_type=article,
                                       colours=colour, pattern=pattern, slot=slot)
    if as_json:
        print_json({"item": item.model_dump(mode="json", exclude={"embedding"}) | {"has_embedding": item.embedding is not None},
                    "recognition": recognition})
        return
    console.print(f"[green]✓[/] added #{item.id}: {item.label} ({recognition.message})", highlight=False)
    console.print(_table([item]))


@wardrobe_app.command("list")
def wardrobe_list(ctx: typer.Context, user: Annotated[str, USER_OPTION] = DEFAULT_USER,
                  as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """List the clothes you own."""
    items = state(ctx).runtime.profile_store.wardrobe(user)
    if as_json:
        print_json([i.model_dump(mode="json", exclude={"embedding"}) | {"has_embedding": i.embedding is not None} for i in items])
        return
    console.print(_table(items) if items else "The wardrobe is empty. Add a photo: stylist wardrobe add photo.jpg")


@wardrobe_app.command("remove")
def wardrobe_remove(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="Entry id (see `stylist wardrobe list`).")],
                    user: Annotated[str, USER_OPTION] = DEFAULT_USER, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """Remove an item from your wardrobe (its stored photo copy is deleted too)."""
    if not state(ctx).runtime.profile_store.wardrobe_remove(user, ref):
        raise ProfileError(f"{ref!r} is not in the wardrobe of {user!r}", hint="see `stylist wardrobe list`")
    print_json({"removed": ref}) if as_json else console.print(f"[green]✓[/] removed {ref}", highlight=False)
