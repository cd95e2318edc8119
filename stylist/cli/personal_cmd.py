"""``stylist fit ITEM --user U`` (which size?) and ``stylist recommend --user U`` (for you)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, state
from stylist.errors import ProfileError
from stylist.events import DEFAULT_USER
from stylist.profiles.personal import advise_size, recommend_for
from stylist.profiles.personal_cache import personal_cache

USER_OPTION = typer.Option("--user", "-u", help="Whose history (default: the local user).")


def register(app: typer.Typer) -> None:
    app.command("fit")(fit_cmd)
    app.command("recommend")(recommend_cmd)


def _models(runtime: Any) -> Any:
    return personal_cache(runtime).get(runtime.profile_store)


def fit_cmd(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="Item id (from imported feedback or the catalogue).")],
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    height: Annotated[float | None, typer.Option("--height", help="Height in inches.")] = None,
    weight: Annotated[float | None, typer.Option("--weight", help="Weight in pounds.")] = None,
    bust: Annotated[float | None, typer.Option("--bust", help="Bust in inches.")] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Which size to take of ITEM, and the chance it runs small, fits or runs large."""
    runtime = state(ctx).runtime
    advice = advise_size(
        runtime.profile_store, _models(runtime), user, item, height_in=height, weight_lbs=weight, bust_in=bust
    )
    if as_json:
        print_json(advice)
        return
    if advice.recommended_size is None:
        console.print(f"No size advice for {item}: " + "; ".join(advice.basis), highlight=False)
        return
    p = advice.probabilities
    console.print(
        f"Take size {advice.recommended_size:g} of {item}"
        f"{f' ({advice.category})' if advice.category else ''}: fits {p['fit']:.0%}, "
        f"small {p['small']:.0%}, large {p['large']:.0%}.",
        highlight=False,
    )
    for line in advice.basis:
        console.print(f"  from {line}", highlight=False)
    table = Table("size", "small", "fit", "large")
    for o in advice.options:
        table.add_row(f"{o.size:g}", f"{o.small:.0%}", f"{o.fit:.0%}", f"{o.large:.0%}")
    console.print(table)


def recommend_cmd(
    ctx: typer.Context,
    user: Annotated[str, USER_OPTION] = DEFAULT_USER,
    occasion: Annotated[
        str | None, typer.Option("--occasion", "-o", help="wedding, party, work, date, vacation …")
    ] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="How many items.")] = 10,
    source: Annotated[
        str,
        typer.Option(
            "--from", help="catalogue: garments of the installed catalogue; rentals: items from rentals."
        ),
    ] = "catalogue",
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Garments for you from your rental history (or, for a new user, what is popular for the occasion)."""
    if source not in ("catalogue", "rentals"):
        raise ProfileError(f"--from {source!r}: expected catalogue or rentals")
    runtime = state(ctx).runtime
    models = _models(runtime)
    garments = runtime.catalogue_index if source == "catalogue" else None
    result = recommend_for(runtime.profile_store, models, user, occasion=occasion, k=k, garments=garments)
    if as_json:
        print_json(result)
        return
    head = "for you" if result.known_user else "popular (no history of yours yet)"
    console.print(f"{head}{f' for {result.occasion}' if result.occasion else ''}:", highlight=False)
    table = Table("item", "title" if result.source == "catalogue" else "category", "why")
    for it in result.items:
        table.add_row(it.item_id, it.title or it.category or "", "; ".join(it.reasons))
    console.print(table)
