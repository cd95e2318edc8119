"""``stylist index build|info``, ``stylist search`` and ``stylist item``: the catalogue from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
        Path | None,
        typer.Option("--catalogue", help="Catalogue file (JSONL/CSV, Kaggle styles.csv, Polyvore JSON)."),
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Index the built-in demo catalogue.")] = False,
    images_dir: Annotated[
        Path | None,
        typer.Option("--images-dir", help="Folder of the catalogue's pictures (default: next to the file)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on the first bad row instead of skipping it.")
    ] = False,
    images: Annotated[
        bool,
        typer.Option("--images/--no-images", help="Embed garment pictures (default: embed.index_images)."),
    ] = True,
    text_model: Annotated[
        str | None,
        typer.Option("--text-model", help="Text model for this build (default: embed.text_model)."),
    ] = None,
    fast: Annotated[
        bool,
        typer.Option(
            "--fast",
            help="Static text embeddings distilled from the default model: large catalogues "
            "in a fraction of the time, precision@5 0.694 vs 0.700 on the labelled demo queries (= "
            "--text-model embedded-static).",
        ),
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Build a fresh index (the previous one stays in use until the new one is complete).

    Searches use the text model the current index was built with."""
    if catalogue is not None and demo:
        raise ConfigError("--catalogue and --demo exclude each other")
    from stylist.index.embed.static import EMBEDDED_STATIC, is_static_ref

    if fast and text_model not in (None, EMBEDDED_STATIC):
        raise ConfigError(
            f"--fast means --text-model {EMBEDDED_STATIC}; it excludes --text-model {text_model}"
        )
    from stylist.index.build import build_image_embedder, build_index
    from stylist.index.embed.factory import make_text_embedder

    runtime = state(ctx).runtime
    settings = runtime.settings
    text_embedder = (
        make_text_embedder(settings, EMBEDDED_STATIC if fast else text_model)
        if (fast or text_model)
        else runtime.text_embedder
    )
    if is_static_ref(getattr(text_embedder, "model_ref", "")):
        if text_embedder.needs_distilling and not as_json:
            console.print(
                "Distilling the static text model from the packaged MiniLM (once; a few minutes on 2 cores)"
            )
        text_embedder.dim  # noqa: B018  (loads, distilling once, before the indexing bar starts)
    demo_catalogue = demo or (catalogue is None and settings.index.catalogue is None)
    image_embedder = build_image_embedder(runtime, demo_catalogue) if images else None
    # one bar over every stage: each garment is (for the demo) drawn, then embedded, then written,
    # and its picture embedded (until that stage starts, assume every garment has a picture)
    stages = 3 if demo_catalogue else 2
    totals: dict[str, int] = {}
    with progress_bar("indexing") as advance:

        def progress(stage: str, n: int, total: int) -> None:
            totals["pictures" if stage == "pictures" else "items"] = total
            items = totals.get("items", 0)
            pictures = totals.get("pictures", items if image_embedder else 0)
            advance(n, total=stages * items + pictures)

        report = build_index(
            settings, text_embedder, catalogue=catalogue, demo=demo, strict=strict,
            image_embedder=image_embedder, progress=progress, images_dir=images_dir,
        )  # fmt: skip
    runtime.forget("catalogue_index")
    runtime.forget("text_embedder")
    runtime.forget("image_embedder")
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
        ("pictures", _pictures_line(report)),
        ("FAISS index", report.faiss_kind),
        ("time", " · ".join(f"{k.removesuffix('_s')} {v:.1f}s" for k, v in report.timings.items())),
        ("location", report.index_path),
    ]:
        table.add_row(key, str(value))
    console.print(table)
    if report.problems or report.image_problems:
        skipped = Table("file", "line", "field", "reason", title="skipped rows and unreadable pictures")
        for p in [*report.problems, *report.image_problems][:MAX_PROBLEMS_SHOWN]:
            skipped.add_row(Path(p.file).name, str(p.line or ""), p.field or "", p.reason)
        console.print(skipped)
        extra = len(report.problems) + len(report.image_problems) - MAX_PROBLEMS_SHOWN
        if extra > 0:
            console.print(f"… and {extra} more (all of them with --json)")


def _pictures_line(report: Any) -> str:
    if not report.image_embedder:
        return "not indexed (embed.index_images off, --no-images or embed.image_model=none)"
    line = f"{report.image_vectors} embedded with {report.image_embedder}"
    if report.images_per_s:
        line += f" ({report.images_per_s:.0f}/s)"
    if report.images_missing:
        line += f"; {report.images_missing} garments have no picture"
    if report.image_problems:
        line += f"; {len(report.image_problems)} pictures unreadable"
    return line + (" (text-only for those)" if report.images_missing or report.image_problems else "")


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
    if data.get("image_embedder"):  # which encoder built the pictures: demo, photos, yours (a path)
        from stylist.index.imagenc.embedder import encoder_ref

        data["image_model"] = encoder_ref(data["image_embedder"], settings.models_dir) or "other"
    if as_json:
        print_json(data)
        return
    table = Table("index", "", show_header=False)
    for key in (
        "count",
        "embedder",
        "dim",
        "faiss_kind",
        "image_count",
        "image_model",
        "image_embedder",
        "source",
        "source_format",
        "created",
        "chroma_url",
        "path",
    ):
        table.add_row(key, str(data.get(key)))
    console.print(table)


def search(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help='What you are looking for, e.g. "navy formal shirt for men".')
    ] = "",
    slot: Annotated[
        str | None, typer.Option("--slot", help="top, bottom, dress, outerwear, shoes, bag, accessory …")
    ] = None,
    gender: Annotated[str | None, typer.Option("--gender", help="women, men, unisex, girls, boys.")] = None,
    colour: Annotated[
        list[str] | None, typer.Option("--colour", "--color", help="Any of these colours (repeatable).")
    ] = None,
    article_type: Annotated[
        list[str] | None, typer.Option("--article-type", help="Any of these article types (repeatable).")
    ] = None,
    occasion: Annotated[
        list[str] | None, typer.Option("--occasion", help="e.g. formal, party, casual (repeatable).")
    ] = None,
    season: Annotated[
        list[str] | None, typer.Option("--season", help="summer, winter, spring, fall (repeatable).")
    ] = None,
    brand: Annotated[
        list[str] | None, typer.Option("--brand", help="Any of these brands (repeatable).")
    ] = None,
    min_price: Annotated[float | None, typer.Option("--min-price")] = None,
    max_price: Annotated[float | None, typer.Option("--max-price")] = None,
    k: Annotated[int, typer.Option("-k", "--k", help="How many garments (1-50).")] = 10,
    image: Annotated[
        Path | None, typer.Option("--image", help="A photo to find similar garments to.")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Search the catalogue by words, a photo (--image) or both, and filters; prints ranked garments
    with scores (text: words vs description, text_image: words vs picture, image: photo vs picture)."""
    from stylist.tools.registry import tools_for

    args: dict[str, Any] = {"query": query, "k": k}
    for key, value in [
        ("slot", slot), ("gender", gender), ("colours", colour), ("article_types", article_type),
        ("occasions", occasion), ("seasons", season), ("brands", brand),
        ("min_price", min_price), ("max_price", max_price), ("image_path", str(image) if image else None),
    ]:  # fmt: skip
        if value is not None:
            args[key] = value
    result = tools_for(state(ctx).runtime).invoke("search_garments", args)
    if as_json:
        print_json(
            [
                {
                    **h.garment.model_dump(mode="json"),
                    "score": h.score,
                    "scores": h.scores,
                    "matched": h.matched,
                }
                for h in result.hits
            ]
        )
        return
    if not result.hits:
        console.print("no garments match", style="yellow")
        return
    parts = [p for p in ("text", "text_image", "image") if any(p in h.scores for h in result.hits)]
    table = Table(
        "#", "score", *(parts if len(parts) > 1 else []), "id", "title", "slot", "gender", "colours", "price"
    )
    for rank, hit in enumerate(result.hits, 1):
        g = hit.garment
        price = f"{g.price:.2f} {g.currency}" if g.price is not None else "-"
        shown = [f"{hit.scores[p]:.3f}" if p in hit.scores else "-" for p in parts] if len(parts) > 1 else []
        table.add_row(
            str(rank),
            f"{hit.score:.3f}",
            *shown,
            g.id,
            g.title,
            g.slot.value,
            g.gender.value,
            ", ".join(g.colours),
            price,
        )
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
