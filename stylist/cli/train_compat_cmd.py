"""``stylist train compat --outfits PATH``: train the outfit compatibility model on your outfits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stylist.cli.common import JSON_OPTION, console, print_json, progress_bar, state


def register_train(train_app: typer.Typer) -> None:
    train_app.command("compat")(train_compat_cmd)


def train_compat_cmd(
    ctx: typer.Context,
    outfits: Annotated[
        Path, typer.Option("--outfits", help="Maryland folder (outfits.jsonl) or Polyvore Outfits folder.")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Checkpoint path (default: <home>/models/compat.pt, used automatically)."),
    ] = None,
    epochs: Annotated[int, typer.Option("--epochs", min=1, max=500)] = 30,
    test_share: Annotated[
        float, typer.Option("--test-share", min=0.0, max=0.5, help="Outfits held out to report AUC.")
    ] = 0.1,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Skip malformed rows instead of stopping.")
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Train the compatibility model on real outfits (split by outfit) and save a checkpoint."""
    from stylist.tools.outfits.train_run import prepare, train_prepared

    runtime = state(ctx).runtime
    target = out or runtime.settings.models_dir / "compat.pt"
    cache = runtime.settings.home / "cache" / "compat"
    with progress_bar("embedding garments", enabled=not as_json) as advance:
        prepared = prepare(
            outfits, runtime=runtime, strict=not skip_bad_rows, cache=cache, progress=_Absolute(advance)
        )
    with progress_bar("training", epochs, enabled=not as_json) as advance:
        report = train_prepared(
            prepared, target, epochs=epochs, test_share=test_share, seed=seed, progress=_Absolute(advance)
        )
    report.pop("model")
    report.pop("test_outfit_ids")
    if as_json:
        print_json(report)
        return
    console.print(
        (
            f"saved {report['checkpoint']}: {report['train_outfits']} training outfits, held-out AUC "
            f"{report['held_out_auc']}"
        ),
        highlight=False,
    )
    for problem in report.get("problems", [])[:10]:
        console.print(f"[yellow]skipped:[/] {problem}", highlight=False)


class _Absolute:
    """Adapts ``progress(done, total)`` callbacks to the bar's ``advance(n, total)``."""

    def __init__(self, advance) -> None:  # noqa: ANN001
        self.advance = advance
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        self.advance(done - self.done, total=total)
        self.done = done
