"""``stylist index build|info``, ``stylist search`` and ``stylist item``: the catalogue from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, progress_bar, state
from stylist.errors import ConfigError, IndexNotBuiltError

MAX_PROBLEMS_SHOWN = 20


def register(app: typer.Typer) -> None:
    index_app = typer.Typer(help="Build and inspect the catalogue index.", no_args_is_help=True)
    index_app.command("build")(build)
    index_app.command("info")(info)
    app.add_typer(index_app, name="index")
    app.command("search")(search)
    app.command("item")(item)


def build(
    ctx: typer.Context,
    catalogue: Annotated[
        Optional[Path], typer.Option("--catalogue", help="Catalogue file (JSONL/CSV, Kaggle styles.csv, Polyvore JSON).")
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Index the built-in demo catalogue.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on the first bad row instead of skipping it.")] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Build a fresh index (the previous one stays in use until the new one is complete)."""
    if catalogue is not None and demo:
        raise ConfigError("--catalogue and --demo exclude each other")
    from stylist.index.build import build_index

    runtime = state(ctx).runtime
    with progress_bar("indexing") as advance:
        # one bar over both stages: each garment is embedded, then written
        report = build_index(
            runtime.settings,
            runtime.text_embedder,
            catalogue=catalogue,
            demo=demo,
            strict=strict,
            progress=lambda stage, n, total: advance(n, total=2 * total),
        )
    runtime.forget("catalogue_index")
    if as_json:
        print_json(report)
        return
    table = Table("build", "", show_header=False)
    for key, value in [
        ("source", report.source),
        ("format", report.format),
        ("rows read", report.rows_read),
        ("indexed", report.indexed),
        ("skipped", report.skipped),
        ("embedder", f"{report.embedder} ({report.dim}-d)"),
        ("FAISS index", report.faiss_kind),
        ("time", " · ".join(f"{k.removesuffix('_s')} {v:.1f}s" for k, v in report.timings.items())),
        ("location", report.index_path),
    ]:
        table.add_row(key, str(value))
    console.print(table)
    if report.problems:
        skipped = Table("file", "line", "field", "reason", title="skipped rows")
        for p in report.problems[:MAX_PROBLEMS_SHOWN]:
            skipped.add_row(Path(p.file).name, str(p.line or ""), p.field or "", p.reason)
        console.print(skipped)
        if len(report.problems) > MAX_PROBLEMS_SHOWN:
            console.print(f"… and {len(report.problems) - MAX_PROBLEMS_SHOWN} more (all of them with --json)")


def info(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """Show the current index: size, embedder, FAISS kind, source, location."""
    from stylist.index.store.layout import IndexLayout, read_manifest

    settings = state(ctx).runtime.settings
    build_dir = IndexLayout(settings.index_dir).current_dir()
    if build_dir is None:
        raise IndexNotBuiltError(
            f"no catalogue index in {settings.index_dir} yet",
            hint="run `stylist index build` (or any search builds the demo index)",
        )
    data: dict[str, Any] = {**read_manifest(build_dir).model_dump(mode="json"), "path": str(build_dir)}
    if as_json:
        print_json(data)
        return
    table = Table("index", "", show_header=False)
    for key in ("count", "embedder", "dim", "faiss_kind", "image_count", "source", "source_format", "created", "chroma_url", "path"):
        table.add_row(key, str(data.get(key)))
    console.print(table)


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='What you are looking for, e.g. "navy formal shirt for men".')] = "",
    slot: Annotated[Optional[str], typer.Option("--slot", help="top, bottom, dress, outerwear, shoes, bag, accessory …")] = None,
    gender: Annotated[Optional[str], typer.Option("--gender", help="women, men, unisex, girls, boys.")] = None,
    colour: Annotated[Optional[list[str]], typer.Option("--colour", "--color", help="Any of these colours (repeatable).")] = None,
    article_type: Annotated[Optional[list[str]], typer.Option("--article-type", help="Any of these article types (repeatable).")] = None,
    occasion: Annotated[Optional[list[str]], typer.Option("--occasion", help="e.g. formal, party, casual (repeatable).")] = None,
    season: Annotated[Optional[list[str]], typer.Option("--season", help="summer, winter, spring, fall (repeatable).")] = None,
    brand: Annotated[Optional[list[str]], typer.Option("--brand", help="Any of these brands (repeatable).")] = None,
    min_price: Annotated[Optional[float], typer.Option("--min-price")] = None,
    max_price: Annotated[Optional[float], typer.Option("--max-price")] = None,
    k: Annotated[int, typer.Option("-k", "--k", help="How many garments (1-50).")] = 10,
    image: Annotated[Optional[Path], typer.Option("--image", help="A photo to find similar garments to.")] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Search the catalogue by words and filters; prints ranked garments with scores."""
    from stylist.tools.search import SearchGarments

    args: dict[str, Any] = {"query": query, "k": k}
    for key, value in [
        ("slot", slot), ("gender", gender), ("colours", colour), ("article_types", article_type),
        ("occasions", occasion), ("seasons", season), ("brands", brand),
        ("min_price", min_price), ("max_price", max_price), ("image_path", str(image) if image else None),
    ]:  # fmt: skip
        if value is not None:
            args[key] = value
    result = SearchGarments(state(ctx).runtime).invoke(args)
    if as_json:
        print_json([{**h.garment.model_dump(mode="json"), "score": h.score, "matched": h.matched} for h in result.hits])
        return
    if not result.hits:
        console.print("no garments match", style="yellow")
        return
    table = Table("#", "score", "id", "title", "slot", "gender", "colours", "price")
    for rank, hit in enumerate(result.hits, 1):
        g = hit.garment
        price = f"{g.price:.2f} {g.currency}" if g.price is not None else "-"
        table.add_row(str(rank), f"{hit.score:.3f}", g.id, g.title, g.slot.value, g.gender.value, ", ".join(g.colours), price)
    console.print(table)


def item(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(help="Garment id (from `stylist search`).")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Show one garment by id."""
    garment = state(ctx).runtime.catalogue_index.get(item_id)
    if as_json:
        print_json(garment)
        return
    table = Table("field", "value", title=garment.title)
    for key, value in garment.model_dump(mode="json").items():
        if value not in (None, [], {}, ""):
            table.add_row(key, ", ".join(map(str, value)) if isinstance(value, list) else str(value))
    console.print(table)
