"""``stylist doctor``: the language-model set-up, and (``--measure``) the fastest llama.cpp settings here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, print_json, state
from stylist.errors import ConfigError


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor(
    ctx: typer.Context,
    measure: Annotated[
        bool,
        typer.Option(
            "--measure",
            help="Time llama.cpp on this machine (prompt and generation tokens/s, first token) for each "
            "thread count and n_batch, and recommend llm.threads and llm.batch_tokens (a minute or two).",
        ),
    ] = False,
    threads: Annotated[
        list[int] | None, typer.Option("--threads", help="Thread counts to try (default 1, 2, 4 … cores).")
    ] = None,
    batch: Annotated[
        list[int] | None, typer.Option("--batch", help="n_batch values to try (default 128 and 512).")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Check the language model behind the agent; --measure finds the fastest settings for this machine."""
    from stylist.llm.llamacpp import default_threads

    runtime = state(ctx).runtime
    llm = runtime.settings.llm
    report: dict[str, Any] = {
        "backend": llm.backend,
        "model": llm.model or "default",
        "cores": _cores(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "threads": llm.threads or default_threads(),
        "threads_source": "llm.threads" if llm.threads else "default",
        "batch_tokens": llm.batch_tokens,
    }
    path: Path | None = None
    if llm.backend == "embedded":
        from stylist.llm.factory import resolve_gguf

        path = resolve_gguf(llm.model, runtime.settings.models_dir)  # joined and checked on first use
        report["gguf"] = str(path)
        report["gguf_bytes"] = path.stat().st_size
    elif llm.backend == "openai":
        report["base_url"] = llm.base_url
    if measure:
        if path is None:
            raise ConfigError(
                f"doctor --measure times the embedded backend (llama.cpp); llm.backend is {llm.backend!r}",
                hint="run it with --set llm.backend=embedded (and llm.model=… for another GGUF)",
            )
        report.update(_measure(path, threads or None, batch or [128, 512], as_json))
    if as_json:
        print_json(report)
        return
    for key, value in report.items():
        if key not in ("measurements", "recommended"):
            console.print(f"[bold]{key}[/]: {value}")
    if measure:
        table = Table("threads", "n_batch", "prompt tok/s", "gen tok/s", "1st token s", "cached s", "turn s")
        for row in report["measurements"]:
            table.add_row(
                *(
                    str(row[k])
                    for k in (
                        "threads",
                        "n_batch",
                        "prompt_tok_s",
                        "gen_tok_s",
                        "ttft_no_cache_s",
                        "ttft_prefix_cache_s",
                        "turn_s",
                    )
                )
            )
        console.print(table)
        best = report["recommended"]
        console.print(
            f"Fastest here: llm.threads = {best['threads']}, llm.batch_tokens = {best['batch_tokens']}. "
            f"Keep them with STYLIST_LLM__THREADS={best['threads']} "
            f"STYLIST_LLM__BATCH_TOKENS={best['batch_tokens']} or in config.toml under [llm]."
        )


def _measure(path: Path, threads: list[int] | None, batch: list[int], quiet: bool) -> dict[str, Any]:
    from stylist.llm.speed import measure, recommend, thread_options

    rows = []
    for t in threads or thread_options():
        for b in batch:
            if not quiet:
                console.print(f"measuring threads={t} n_batch={b} …")
            rows.append(measure(path, t, b))
    best = recommend(rows)
    return {
        "measurements": [r.to_dict() for r in rows],
        "recommended": {
            "threads": best.threads,
            "batch_tokens": best.n_batch,
            "turn_s": round(best.turn_s, 2),
        },
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
