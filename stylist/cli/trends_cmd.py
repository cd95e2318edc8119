"""``stylist trends``: rising and falling attributes; ingest events and posts; one series;
``stylist train trends`` retrains the global model on the stored series."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stylist.cli.common import JSON_OPTION, console, err_console, print_json, progress_bar, state
from stylist.errors import ModelUnavailableError, ToolInputError

trends_app = typer.Typer(help="Trend forecasts: what is rising and what is fading.", no_args_is_help=False)

FILL_HELP = "Gaps: error (default), zero (no activity) or interpolate."


def register(app: typer.Typer) -> None:
    app.add_typer(trends_app, name="trends")
    _train_group(app).command("trends")(train_trends)


def _train_group(app: typer.Typer) -> typer.Typer:
    """The shared ``stylist train`` group (other modules may add their own trainers to it)."""
    for group in app.registered_groups:
        if group.name == "train" and group.typer_instance is not None:
            return group.typer_instance
    train = typer.Typer(help="Train the project's small models.", no_args_is_help=True)
    app.add_typer(train, name="train")
    return train


def _checkpoint(settings) -> Path:
    from stylist.tools.trends.neural import default_checkpoint

    return settings.trends.checkpoint or default_checkpoint(settings.models_dir)


@trends_app.callback(invoke_without_command=True)
def trends(
    ctx: typer.Context,
    by: Annotated[
        str, typer.Option("--by", help="Attribute kind: colour, article, pattern, style, fabric …")
    ] = "colour",
    horizon: Annotated[
        str | None, typer.Option("--horizon", help="How far ahead: 8w, 3m, 1y (default from settings).")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Data source; default: the newest with this kind.")
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, max=50, help="How many rising and falling attributes.")
    ] = 5,
    model: Annotated[
        str | None, typer.Option("--model", help="auto, seasonal_naive, ets, theta or global.")
    ] = None,
    region: Annotated[str, typer.Option("--region", help="Region, when the data has one.")] = "",
    chart: Annotated[Path | None, typer.Option("--chart", help="Write a PNG chart here.")] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Top rising and falling attributes of one kind, with forecasts and prediction intervals."""
    if ctx.invoked_subcommand is not None:
        return
    from stylist.tools.trends.forecast import trend_report

    runtime = state(ctx).runtime
    cfg = runtime.settings.trends
    report = trend_report(
        runtime.trend_store,
        by,
        horizon or cfg.horizon,
        source=source,
        top=top,
        model=model or cfg.model,
        region=region,
        level=cfg.level,
        chart_path=chart,
        checkpoint=_checkpoint(runtime.settings),
    )
    if as_json:
        print_json(report)
        return
    from rich.table import Table

    title = (
        f"{report.kind} trends, {report.horizon_label} ahead of {report.as_of} (source "
        f"{report.source}, model {report.model})"
    )
    for label, items, colour in (("rising", report.rising, "green"), ("falling", report.falling, "red")):
        table = Table(title=f"{title}: {label}" if label == "rising" else label, title_justify="left")
        for col in ("", "recent", "forecast", "growth", f"{report.level:.0%} interval", "last 26 │ forecast"):
            table.add_column(col, justify="right" if col in ("recent", "forecast", "growth") else "left")
        for t in items:
            table.add_row(
                t.value,
                f"{t.recent:,.1f}",
                f"{t.forecast_mean:,.1f}",
                f"[{colour}]{t.growth:+.1%}[/]",
                f"{t.growth_low:+.0%} … {t.growth_high:+.0%}",
                t.sparkline,
            )
        if not items:
            table.add_row(f"(nothing {label})", "", "", "", "", "")
        console.print(table)
    if report.model_selection:
        scores = ", ".join(
            f"{k} {v:.3f}" if v is not None else f"{k} n/a" for k, v in report.model_selection.items()
        )
        console.print(f"model chosen by backtest (MASE, lower is better): {scores}")
    for line in report.skipped:
        err_console.print(f"[yellow]skipped[/] {line}")
    if report.chart_path:
        console.print(f"chart: {report.chart_path}")


@trends_app.command("ingest")
def ingest(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV with date,kind,value,count[,region,segment].")],
    source: Annotated[
        str | None, typer.Option("--source", help="Name to keep this data apart (default: the file name).")
    ] = None,
    aggregate: Annotated[
        bool, typer.Option("--aggregate", help="Rows are events: sum them per week (or month).")
    ] = False,
    fill: Annotated[str, typer.Option("--fill", help=FILL_HELP)] = "error",
    freq: Annotated[str, typer.Option("--freq", help="auto, W (weekly) or M (monthly).")] = "auto",
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Leave out bad rows (listed) instead of stopping.")
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Ingest a CSV of dated attribute counts (sales, searches or mentions) into the trend store."""
    from stylist.tools.trends.ingest import read_events

    if fill not in ("error", "zero", "interpolate"):
        raise ToolInputError(f"--fill {fill!r}: choose error, zero or interpolate")
    if freq not in ("auto", "W", "M"):
        raise ToolInputError(f"--freq {freq!r}: choose auto, W or M")
    name = source or file.stem
    series, report = read_events(
        file, source=name, aggregate=aggregate, fill=fill, freq=freq, on_bad="skip" if skip_bad else "error"
    )  # type: ignore[arg-type]
    state(ctx).runtime.trend_store.save(series, source=name, origin=str(file))
    _print_ingest(report, as_json)


@trends_app.command("ingest-text")
def ingest_text(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help='JSONL with one {"date": …, "text": …} per line (region, segment optional).'),
    ],
    source: Annotated[str, typer.Option("--source", help="Name to keep this data apart.")] = "posts",
    no_embed: Annotated[
        bool, typer.Option("--no-embed", help="Lexicons only, no embedding matching.")
    ] = False,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Leave out bad lines (listed) instead of stopping.")
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Extract colour/article/pattern/style/fabric mentions from dated posts into weekly series."""
    from stylist.tools.trends.text import MentionExtractor, ingest_posts

    runtime = state(ctx).runtime
    embedder = None
    if not no_embed:
        try:
            embedder = runtime.text_embedder
        except ModelUnavailableError as exc:
            err_console.print(
                f"[yellow]note:[/] no text embedder ({exc.message}); matching with the lexicons only"
            )
    extractor = MentionExtractor(embedder, threshold=runtime.settings.trends.embed_threshold)
    series, report = ingest_posts(file, extractor, source=source, on_bad="skip" if skip_bad else "error")
    runtime.trend_store.save(series, source=source, origin=str(file))
    _print_ingest(report, as_json)


def _print_ingest(report, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    console.print(
        f"ingested {report.file} as source [bold]{report.source}[/]: {report.series} series, "
        f"{report.periods} periods ({'weekly' if report.freq == 'W' else 'monthly'}, {report.first} "
        f"… {report.last}) from {report.rows_read} rows"
    )
    extra = report.model_dump()
    if "posts" in extra:
        console.print(
            f"posts: {extra['posts']} ({extra['posts_with_mentions']} with mentions); mentions: "
            f"{extra['mentions_lexicon']} by lexicon, {extra['mentions_embedding']} by embedding "
            f"({extra['embedder']})"
        )
    for line in report.filled:
        console.print(f"[yellow]filled[/] {line}")
    for problem in report.skipped_rows:
        err_console.print(f"[yellow]skipped[/] {problem}")
    if report.short_series:
        err_console.print(
            "[yellow]too short to forecast yet:[/] "
            f"{', '.join(report.short_series[:10])}{' …' if len(report.short_series) > 10 else ''}"
        )


@trends_app.command("series")
def series(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="Attribute kind, e.g. colour.")],
    value: Annotated[str, typer.Argument(help="Attribute value, e.g. sage.")],
    horizon: Annotated[str | None, typer.Option("--horizon", help="How far ahead: 8w, 3m, 1y.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Data source; default: the newest with this kind.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="auto, seasonal_naive, ets, theta or global.")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """One attribute's history and forecast."""
    from stylist.tools.trends.forecast import series_forecast

    runtime = state(ctx).runtime
    cfg = runtime.settings.trends
    s, result = series_forecast(
        runtime.trend_store,
        kind,
        value,
        horizon or cfg.horizon,
        source=source,
        model=model or cfg.model,
        level=cfg.level,
        checkpoint=_checkpoint(runtime.settings),
    )
    if as_json:
        payload = result.model_dump(mode="json")
        payload["history"] = {str(d.date()): float(v) for d, v in s.values.items()}
        print_json(payload)
        return
    console.print(
        f"[bold]{result.kind}/{result.value}[/] in {result.source}: {result.periods} periods, "
        f"{result.first} … {result.last}"
    )
    console.print(f"last 52 │ next {result.horizon_label}: {result.sparkline}")
    if result.trend is not None:
        t = result.trend
        console.print(
            f"recent {t.recent:,.1f} → forecast {t.forecast_mean:,.1f} ({t.growth:+.1%}; "
            f"{result.level:.0%} interval {t.growth_low:+.0%} … {t.growth_high:+.0%}) by "
            f"{result.model}"
        )
        if t.note:
            console.print(f"[yellow]note:[/] {t.note}")
    else:
        console.print(
            f"no activity recently; forecast mean {sum(result.forecast) / len(result.forecast):,.1f} "
            f"by {result.model}"
        )
    for d, m, lo, hi in zip(result.dates, result.forecast, result.lower, result.upper):
        console.print(f"  {d}  {m:>10,.1f}  [{lo:,.1f} … {hi:,.1f}]")


@trends_app.command("sources")
def sources(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """The ingested trend sources with their kinds and sizes."""
    store = state(ctx).runtime.trend_store
    store.ensure_demo()
    rows = store.sources()
    if as_json:
        print_json(rows)
        return
    for row in rows:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(row["kinds"].items()))
        console.print(
            f"[bold]{row['name']}[/] ({row['freq']}, {row['series']} series: {kinds}) from "
            f"{row['origin']} at {row['ingested_at']}"
        )


@trends_app.command("demo-posts")
def demo_posts(
    file: Annotated[Path, typer.Argument(help="Where to write the JSONL posts.")],
    n: Annotated[int, typer.Option("--n", min=1, max=100_000, help="How many posts.")] = 1200,
) -> None:
    """Write the synthetic demo posts (for trying `stylist trends ingest-text`)."""
    import json

    from stylist.tools.trends.demo import generate_demo_posts

    posts = generate_demo_posts(n)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")
    console.print(f"wrote {len(posts)} posts to {file}")


def train_trends(
    ctx: typer.Context,
    steps: Annotated[int, typer.Option("--steps", min=1, help="Optimiser steps.")] = 1500,
    synthetic: Annotated[
        int,
        typer.Option("--synthetic", min=0, help="Synthetic demo-generator series to add to the stored ones."),
    ] = 200,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Checkpoint path (default: the data home's models folder)."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Retrain the global trend model on every weekly series in the store (plus synthetic ones)."""
    from stylist.tools.trends.demo import generate_training_series
    from stylist.tools.trends.neural import RETRAINED_NAME, save_checkpoint
    from stylist.tools.trends.train import train_global, weekly_series_from_store

    runtime = state(ctx).runtime
    store = runtime.trend_store
    store.ensure_demo()
    series = weekly_series_from_store(store)
    stored = len(series)
    if synthetic:
        series += generate_training_series(synthetic)
    with progress_bar("training the trend model", total=steps, enabled=not as_json) as advance:
        net, cfg, meta = train_global(series, steps=steps, progress=lambda step, loss: advance())
    meta["data"] = f"{stored} stored weekly series + {synthetic} synthetic"
    path = out or runtime.settings.models_dir / RETRAINED_NAME
    save_checkpoint(path, net, cfg, meta)
    # Backtests chose models against the old weights: choose again on the next forecast.
    meta["model_choices_reset"] = store.forget_model_choices()
    if as_json:
        print_json({"checkpoint": str(path), **meta})
    else:
        console.print(f"saved {path}: {meta}")
