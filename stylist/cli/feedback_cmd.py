"""``stylist feedback import FILE``: load ratings and fit feedback into the profile store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from stylist.cli.common import JSON_OPTION, console, print_json, progress_bar, state
from stylist.profiles.feedback_import import FORMATS, import_feedback

feedback_app = typer.Typer(
    help="Ratings and fit feedback from files (RentTheRunway, plain CSV).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(feedback_app, name="feedback")


def _count_lines(path: Path) -> int | None:
    import gzip

    try:
        with path.open("rb") as fh:
            gz = fh.read(2) == b"\x1f\x8b"
        opener: Any = gzip.open if gz else open
        with opener(path, "rb") as fh:
            return max(sum(1 for _ in fh) - 1, 0)
    except OSError:
        return None


def _catalogue_check(runtime: Any) -> Any:
    """``item in catalogue`` when an index is built; else None (every item is interaction-only)."""
    from stylist.cli.wardrobe_cmd import _index_exists

    if not _index_exists(runtime):
        return None
    index = runtime.catalogue_index
    return lambda item_id: item_id in index


@feedback_app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV file, plain or gzipped.")],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help=f"File format: {', '.join(FORMATS)} (user,item,rating[,date])."),
    ] = "plain",
    show_bad: Annotated[int, typer.Option("--show-bad", help="How many bad rows to list.")] = 20,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Import ratings (and fit, size, occasion, body measurements) into the profile store."""
    runtime = state(ctx).runtime
    store = runtime.profile_store
    check = _catalogue_check(runtime)
    total = _count_lines(file) if file.is_file() else None
    with progress_bar(f"importing {file.name}", total, enabled=not as_json) as advance:
        report = import_feedback(store, file, fmt, in_catalogue=check, progress=advance)
    if as_json:
        print_json(report.as_dict())
        return
    console.print(
        f"imported {report.imported} of {report.rows} rows: {report.users} users, {report.items} items "
        f"({report.interaction_only_items} not in the catalogue, kept as interaction-only items)",
        highlight=False,
    )
    if report.bad:
        console.print(f"[yellow]{len(report.bad)} bad rows not imported:[/]", highlight=False)
        for line, error in report.bad[:show_bad]:
            console.print(f"  line {line}: {error}", highlight=False, markup=False)
        if len(report.bad) > show_bad:
            console.print(
                f"  … and {len(report.bad) - show_bad} more (--show-bad N or --json)", highlight=False
            )
