"""``stylist wardrobe add/list/show/remove``: the clothes you own, from photos, catalogue ids or words.

``add`` tells the three apart per item: an existing file is a photo (recognised; the flags
override what was recognised), an id in the catalogue is that garment, anything else is a
description ("grey wool coat"). A path-like item whose file is missing is an error, never
stored as a description; ``--id`` makes every item a catalogue id (an unknown one is an error).
``stylist profile wardrobe …`` is a hidden, deprecated alias of this group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, state
from stylist.errors import ItemNotFoundError, ProfileError, ToolInputError
from stylist.events import DEFAULT_USER

USER_OPTION = typer.Option("--user", "-u", help="Whose wardrobe (default: the local user).")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".avif"}
wardrobe_app = typer.Typer(
    help="Clothes you own: add from photos, catalogue ids or descriptions; list, show, remove.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(wardrobe_app, name="wardrobe")


def _source(item: Any) -> str:
    return "catalogue" if item.item_id else ("photo" if item.image_path else "text")


def _dump(item: Any) -> dict:
    """An item as JSON: everything but the embedding vector (only whether there is one)."""
    return item.model_dump(mode="json", exclude={"embedding"}) | {
        "label": item.label,
        "source": _source(item),
        "has_embedding": item.embedding is not None,
    }


def _table(items: list[Any]) -> Table:
    table = Table("#", "article", "slot", "colours", "pattern", "source")
    table.add_column("item", no_wrap=True)  # the name people look for; long ones are cut with …
    for i in items:
        table.add_row(
            str(i.id),
            i.article_type or "",
            i.slot or "",
            ", ".join(i.colours),
            i.pattern or "",
            i.item_id or _source(i),
            i.label,
        )
    return table


def classify(item: str, runtime: Any, force_id: bool = False) -> str:
    """``photo``, ``catalogue`` or ``text`` for one ``add`` argument; raises for a missing photo
    file or (with ``force_id``) an id the catalogue does not have."""
    path = Path(item).expanduser()
    if not force_id and path.is_file():
        return "photo"
    pathlike = Path(item).suffix.lower() in IMAGE_SUFFIXES or (
        ("/" in item or "\\" in item) and " " not in item.strip()
    )
    if not force_id and pathlike:  # "navy/white striped tee" is a description, "pics/tee" a path
        raise ToolInputError(f"{item}: no such file", hint="check the photo's path")
    if not force_id and not _index_exists(runtime):
        return "text"  # nothing to check ids against, and a one-word garment must not build the demo index
    if force_id or (" " not in item.strip() and len(item) <= 128):
        try:
            known = item in runtime.catalogue_index
        except Exception as exc:  # no index built: ids cannot be checked
            if force_id:
                raise ItemNotFoundError(
                    item, hint=f"the catalogue is not available to check ids: {exc}"
                ) from None
            known = False
        if known:
            return "catalogue"
        if force_id:
            raise ItemNotFoundError(
                item, hint="use an id from `stylist search` or `stylist tool search_garments`"
            )
    return "text"


def _index_exists(runtime: Any) -> bool:
    from stylist.index.store.layout import IndexLayout

    return runtime.has("catalogue_index") or IndexLayout(runtime.settings.index_dir).current_id() is not None


@wardrobe_app.command("add")
def add(
    ctx: typer.Context,
    items: Annotated[
        list[str], typer.Argument(help="Photos, catalogue ids or descriptions ('grey wool coat').")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Your name for a photo's item, e.g. 'my blue oxford'.")
    ] = None,
    article: Annotated[
        str | None,
        typer.Option("--article", help="A photo's article type, overriding the recognised one."),
    ] = None,
    colour: Annotated[
        list[str] | None,
        typer.Option(
            "--colour", "--color", help="A photo's colour(s), overriding the recognised ones (repeatable)."
        ),
    ] = None,
    pattern: Annotated[
        str | None, typer.Option("--pattern", help="A photo's pattern, overriding the recognised one.")
    ] = None,
    slot: Annotated[
        str | None,
        typer.Option("--slot", help="A photo's outfit slot, when the article type does not say it."),
    ] = None,
    force_id: Annotated[
        bool, typer.Option("--id", help="Every item is a catalogue id; an unknown id is an error.")
    ] = False,
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Add clothes you own: a photo (recognised; flags override), a catalogue id, or a description."""
    from stylist.tools.recognise.wardrobe import add_from_photo

    runtime = state(ctx).runtime
    kinds = [classify(i, runtime, force_id) for i in items]  # every item checked before anything is stored
    photo_flags = any(v is not None for v in (name, article, colour, pattern, slot))
    if photo_flags and kinds.count("photo") != 1:
        raise ToolInputError(
            "--name/--article/--colour/--pattern/--slot describe one photo",
            hint=f"add photos one at a time with flags (got {kinds.count('photo')} photos)",
        )
    store = runtime.profile_store
    added: list[dict] = []
    words = [i for i, k in zip(items, kinds) if k != "photo"]
    for item, kind in zip(items, kinds):
        if kind == "photo":
            entry, recognition = add_from_photo(
                runtime,
                user,
                item,
                name=name,
                article_type=article,
                colours=colour,
                pattern=pattern,
                slot=slot,
            )
            added.append({"item": entry, "recognition": recognition})
    if words:
        before = {w.id for w in store.wardrobe(user)}
        after = store.update_profile(user, {"wardrobe_add": words}).profile.wardrobe
        added += [{"item": w, "recognition": None} for w in after if w.id not in before]
    if as_json:
        print_json({"added": [{"item": _dump(a["item"]), "recognition": a["recognition"]} for a in added]})
        return
    for a in added:
        seen = f" ({a['recognition'].message})" if a["recognition"] is not None else ""
        console.print(f"[green]✓[/] added #{a['item'].id}: {a['item'].label}{seen}", highlight=False)
    console.print(_table([a["item"] for a in added]))


@wardrobe_app.command("list")
def list_items(
    ctx: typer.Context,
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List the clothes you own."""
    items = state(ctx).runtime.profile_store.wardrobe(user)
    if as_json:
        print_json([_dump(i) for i in items])
        return
    console.print(
        _table(items)
        if items
        else "The wardrobe is empty. Add a photo, id or description: stylist wardrobe add photo.jpg"
    )


def find(items: list[Any], ref: str) -> Any | None:
    """The item ``ref`` names: its entry number, catalogue id, or label/description (any case)."""
    for i in items:
        if str(i.id) == ref or i.item_id == ref:
            return i
    return next((i for i in items if ref.lower() in {(i.description or "").lower(), i.label.lower()}), None)


@wardrobe_app.command("show")
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Entry number, catalogue id or description (see list).")],
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Show one owned item: attributes, photo, what was recognised and what you edited."""
    item = find(state(ctx).runtime.profile_store.wardrobe(user), ref)
    if item is None:
        raise ProfileError(f"{ref!r} is not in the wardrobe of {user!r}", hint="see `stylist wardrobe list`")
    if as_json:
        print_json(_dump(item))
        return
    table = Table(show_header=False, title=f"#{item.id} {item.label}")
    recognised = item.attributes.get("recognised") or {}
    for label, value in (
        ("source", item.item_id or _source(item)),
        ("description", item.description),
        ("name", item.name),
        ("article", item.article_type),
        ("slot", item.slot),
        ("colours", ", ".join(item.colours)),
        ("pattern", item.pattern),
        ("photo", item.image_path),
        ("image vector", "yes" if item.embedding is not None else None),
        (
            "recognised",
            " ".join(
                f"{k}={v}"
                for k, v in recognised.items()
                if k in ("status", "article_type", "article_confidence", "pattern")
            ),
        ),
        ("edited by you", ", ".join(item.attributes.get("edited") or [])),
        ("added", item.added_at.strftime("%Y-%m-%d %H:%M")),
    ):
        if value:
            table.add_row(label, str(value))
    console.print(table)


@wardrobe_app.command("remove")
def remove(
    ctx: typer.Context,
    refs: Annotated[
        list[str], typer.Argument(help="Entry numbers, catalogue ids or descriptions (see list).")
    ],
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Remove owned items (a photo's stored copy is deleted too; your own file never is)."""
    store = state(ctx).runtime.profile_store
    items = store.wardrobe(user)
    missing = [r for r in refs if find(items, r) is None]
    if missing:  # nothing is removed unless every reference is found
        raise ProfileError(
            f"{', '.join(repr(r) for r in missing)} not in the wardrobe of {user!r}",
            hint="see `stylist wardrobe list`",
        )
    removed = []
    for ref in refs:
        item = find(store.wardrobe(user), ref)
        if item is not None and store.wardrobe_remove(user, str(item.id)):
            removed.append(ref)
    if as_json:
        print_json({"removed": removed})
        return
    for ref in removed:
        console.print(f"[green]✓[/] removed {ref}", highlight=False)
