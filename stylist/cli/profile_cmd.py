"""``stylist profile …``: show and edit a user's profile, feedback and wardrobe; export or erase it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, state
from stylist.cli.wardrobe_cmd import wardrobe_app
from stylist.errors import ProfileError
from stylist.events import DEFAULT_USER

USER_OPTION = typer.Option("--user", "-u", help="Whose profile (default: the local user).")

profile_app = typer.Typer(
    help="Your style profile: likes, dislikes, sizes, budget, wardrobe and feedback.", no_args_is_help=True
)


def _wardrobe_alias() -> None:
    """``stylist profile wardrobe …`` forwards to ``stylist wardrobe …`` (hidden, deprecated:
    one wardrobe group handles photos, catalogue ids and descriptions)."""
    profile_app.add_typer(wardrobe_app, name="wardrobe", hidden=True, deprecated=True)


_wardrobe_alias()


def register(app: typer.Typer) -> None:
    app.add_typer(profile_app, name="profile")


def _store(ctx: typer.Context) -> Any:
    return state(ctx).runtime.profile_store


def _show(profile: Any, changes: list[str] | None = None, notes: list[str] | None = None) -> None:
    for line in changes or []:
        console.print(f"[green]✓[/] {line}", highlight=False)
    for line in notes or []:
        console.print(f"[yellow]note:[/] {line}", highlight=False)
    if changes is not None:
        return
    if not profile.exists:
        console.print(f"No profile stored for {profile.user_id!r} yet.", highlight=False)
        return
    table = Table(show_header=False, title=f"profile of {profile.user_id}")
    for label, value in (
        ("name", profile.name),
        ("gender presentation", profile.gender_presentation),
        ("sizes", ", ".join(f"{k} {v}" for k, v in profile.sizes.items())),
        ("fit", profile.fit_notes),
        ("body", profile.body_notes),
        ("budget", f"{profile.budget:g} {profile.currency}" if profile.budget is not None else None),
        ("climate", profile.climate),
        ("region", profile.region),
        ("likes", "; ".join(f"{k}: {', '.join(v)}" for k, v in profile.likes.items())),
        ("dislikes", "; ".join(f"{k}: {', '.join(v)}" for k, v in profile.dislikes.items())),
        ("wardrobe", f"{len(profile.wardrobe)} items"),
        ("feedback", f"{profile.feedback_count} events"),
    ):
        if value:
            table.add_row(label, str(value))
    console.print(table)


@profile_app.command("show")
def show(
    ctx: typer.Context,
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Show everything the stylist knows about your taste."""
    profile = _store(ctx).get_profile(user)
    print_json(profile) if as_json else _show(profile)


@profile_app.command("set")
def set_fields(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="Your name (optional).")] = None,
    gender: Annotated[str | None, typer.Option(help="Gender presentation: women, men or unisex.")] = None,
    size: Annotated[
        list[str] | None,
        typer.Option(help="A size, e.g. --size top=M --size shoes=42 (empty value removes)."),
    ] = None,
    fit: Annotated[str | None, typer.Option(help="Fit notes, e.g. 'relaxed, not cropped'.")] = None,
    body: Annotated[str | None, typer.Option(help="Body notes.")] = None,
    budget: Annotated[float | None, typer.Option(help="Most you want to pay per item.")] = None,
    currency: Annotated[str | None, typer.Option(help="Currency of the budget, e.g. USD.")] = None,
    climate: Annotated[str | None, typer.Option(help="e.g. 'hot and humid'.")] = None,
    region: Annotated[str | None, typer.Option(help="e.g. 'Lisbon'.")] = None,
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Set profile fields (only the ones you pass change)."""
    changes: dict[str, Any] = {
        k: v
        for k, v in dict(
            name=name,
            gender_presentation=gender,
            fit_notes=fit,
            body_notes=body,
            budget=budget,
            currency=currency,
            climate=climate,
            region=region,
        ).items()
        if v is not None
    }
    if size:
        sizes = {}
        for item in size:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise ProfileError(f"--size {item!r}: expected NAME=SIZE, e.g. --size top=M")
            sizes[key] = value
        changes["sizes"] = sizes
    if not changes:
        raise ProfileError("nothing to set", hint="pass at least one option, e.g. --budget 200 (see --help)")
    report = _store(ctx).update_profile(user, changes)
    print_json(report) if as_json else _show(report.profile, report.changes, report.notes)


def _preference(
    ctx: typer.Context, polarity: str, kind: str, values: list[str], user: str, as_json: bool
) -> None:
    report = _store(ctx).update_profile(user, {polarity: {kind: values}})
    print_json(report) if as_json else _show(report.profile, report.changes or ["no change"], report.notes)


KIND_ARG = typer.Argument(help="colour, style, brand, material, pattern or article_type.")
VALUES_ARG = typer.Argument(help="One or more values, e.g. navy olive.")


@profile_app.command("like")
def like(
    ctx: typer.Context,
    kind: Annotated[str, KIND_ARG],
    values: Annotated[list[str], VALUES_ARG],
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Like colours, styles, brands, materials, patterns or article types (replaces a dislike)."""
    _preference(ctx, "like", kind, values, user, as_json)


@profile_app.command("dislike")
def dislike(
    ctx: typer.Context,
    kind: Annotated[str, KIND_ARG],
    values: Annotated[list[str], VALUES_ARG],
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Dislike colours, styles, … (replaces a like); disliked things are left out of suggestions."""
    _preference(ctx, "dislike", kind, values, user, as_json)


@profile_app.command("forget")
def forget(
    ctx: typer.Context,
    kind: Annotated[str, KIND_ARG],
    values: Annotated[list[str], VALUES_ARG],
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Remove likes or dislikes."""
    _preference(ctx, "forget", kind, values, user, as_json)


@profile_app.command("feedback")
def feedback(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(help="Catalogue id of the garment.")],
    kind: Annotated[str, typer.Argument(help="like, dislike, save or buy.")],
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Record a like, dislike, save or buy on a garment; later suggestions learn from it."""
    event = _store(ctx).record_feedback(user, item_id, kind)
    print_json(event) if as_json else console.print(f"[green]✓[/] {kind} {item_id}", highlight=False)


@profile_app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = True,
) -> None:
    """Export everything stored about you as JSON (always JSON; --json is accepted for symmetry)."""
    data = _store(ctx).export(user)
    if out is None:
        print_json(data)
        return
    text = json.dumps(data.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"cannot write {out}: {exc.strerror}") from None
    console.print(f"[green]✓[/] wrote {out}", highlight=False)


@profile_app.command("delete")
def delete(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Erase everything stored about you (profile, likes, wardrobe, feedback). Cannot be undone."""
    if not yes and not typer.confirm(f"Erase everything stored about {user!r}?", default=False):
        raise ProfileError("nothing was deleted", hint="pass --yes to erase without asking")
    counts = _store(ctx).delete(user)
    if as_json:
        print_json({"user_id": user, "deleted": counts})
    else:
        console.print(f"[green]✓[/] erased {sum(counts.values())} records about {user}", highlight=False)
