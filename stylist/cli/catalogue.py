"""``stylist catalogue demo`` writes the demo catalogue; ``stylist catalogue check`` loads a
catalogue file and reports what would be indexed and which rows are skipped, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, err_console, print_json, progress_bar
from stylist.errors import CatalogueError

catalogue_app = typer.Typer(help="Create and check garment catalogues.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(catalogue_app, name="catalogue")


@catalogue_app.command("demo")
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for catalogue.jsonl and images/.")],
    n: Annotated[int, typer.Option("-n", "--count", min=1, max=200_000, help="Number of garments.")] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Generator seed (same seed, same catalogue).")] = 7,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Write the deterministic demo catalogue (JSONL + one PNG per garment) into OUT."""
    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.loaders import write_catalogue

    if out.exists() and not out.is_dir():
        raise CatalogueError(f"--out {str(out)!r} is a file, not a folder")
    with progress_bar("rendering garments", total=n, enabled=not as_json) as advance:
        garments = generate_demo_catalogue(n=n, seed=seed, image_dir=out / "images", progress=advance)
    path = write_catalogue(garments, out / "catalogue.jsonl")
    summary = {"catalogue": str(path), "images": str(out / "images"), "garments": len(garments), "seed": seed}
    if as_json:
        print_json(summary)
    else:
        console.print(f"wrote {len(garments)} garments to {path} (images in {out / 'images'})")


@catalogue_app.command("check")
def check(
    path: Annotated[
        Path, typer.Argument(help="Catalogue file (JSONL, CSV, Kaggle styles.csv, Polyvore JSON) or folder.")
    ],
    strict: Annotated[bool, typer.Option("--strict", help="Fail at the first bad row.")] = False,
    images_dir: Annotated[
        Path | None, typer.Option("--images-dir", help="Folder of images (default: next to the file).")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Load a catalogue and print what was read, loaded and skipped (with file, line, field, reason)."""
    from stylist.index.loaders import load_catalogue

    result = load_catalogue(path, strict=strict, images_dir=images_dir)
    summary = result.summary()
    if as_json:
        print_json(summary)
    else:
        _print_summary(summary)
    if not result.garments:
        raise CatalogueError(
            f"no garments could be loaded from {str(path)!r}",
            hint=result.problems[0].reason if result.problems else "the file has no rows",
        )


def _print_summary(summary: dict) -> None:
    table = Table("catalogue", "", show_header=False)
    for key in ("file", "format", "encoding", "rows_read", "loaded", "skipped"):
        table.add_row(key.replace("_", " "), str(summary[key]))
    console.print(table)
    if summary["skipped_by_reason"]:
        reasons = Table("skipped because", "rows")
        for reason, count in summary["skipped_by_reason"].items():
            reasons.add_row(reason, str(count))
        console.print(reasons)
    if summary["problems"]:
        problems = Table("file", "line", "field", "reason", "value", title="problems")
        shown = summary["problems"][:200]
        for p in shown:
            problems.add_row(
                Path(p["file"]).name, str(p["line"] or ""), p["field"] or "", p["reason"], p["value"] or ""
            )
        console.print(problems)
        if len(summary["problems"]) > len(shown):
            console.print(f"… and {len(summary['problems']) - len(shown)} more (use --json for all)")
    for w in summary["warnings"]:
        err_console.print(
            f"[yellow]warning:[/] {Path(w['file']).name}, line {w['line']}: {w['reason']}", highlight=False
        )
