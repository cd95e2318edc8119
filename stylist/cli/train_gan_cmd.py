"""``stylist train gan``: train the design GAN on a catalogue's pictures or on Fashion-MNIST."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stylist.cli.common import JSON_OPTION, console, err_console, print_json, state
from stylist.errors import ToolInputError


def register_train(train_app: typer.Typer) -> None:
    train_app.command("gan")(train_gan_command)


def train_gan_command(
    ctx: typer.Context,
    catalogue: Annotated[
        Path | None, typer.Option(help="Catalogue with image paths (default: the demo catalogue).")
    ] = None,
    fashion_mnist: Annotated[
        Path | None,
        typer.Option(
            "--fashion-mnist",
            help=(
                "Train on Fashion-MNIST's idx .gz files in this folder instead (e.g. "
                "/usr/share/datasets/fashion-mnist)."
            ),
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, max=10_000)] = 20,
    resume: Annotated[
        bool, typer.Option("--resume", help="Carry on from <run>/last.pt after an interruption.")
    ] = False,
    run_dir: Annotated[
        Path | None,
        typer.Option(
            "--run-dir",
            help="Folder for last.pt and the per-epoch sample grids (default: <home>/models/gan-run).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Sampling checkpoint to write (default: <home>/models/gan.pt, used automatically)."
        ),
    ] = None,
    image_size: Annotated[int, typer.Option(help="32, 64 or 128 (Fashion-MNIST: 32).")] = 64,
    width: Annotated[
        int, typer.Option(min=4, max=256, help="Network width (channels of the largest block).")
    ] = 12,
    batch_size: Annotated[int, typer.Option(min=2, max=1024)] = 32,
    epoch_size: Annotated[int | None, typer.Option(min=2, help="Images per epoch (default: all).")] = None,
    max_minutes: Annotated[
        float | None, typer.Option(min=0.0, help="Stop after the epoch in which this much time passed.")
    ] = None,
    threads: Annotated[int | None, typer.Option(min=1, help="CPU threads for torch.")] = None,
    device: Annotated[str, typer.Option(help="cpu, cuda or auto.")] = "cpu",
    augment: Annotated[
        bool,
        typer.Option(
            "--augment/--no-augment", help="DiffAugment (translation, cutout) for small picture sets."
        ),
    ] = True,
    ema_decay: Annotated[
        float, typer.Option(min=0.0, max=0.99999, help="Decay of the generator's moving average, per step.")
    ] = 0.995,
    mode_seeking: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=100.0,
            help="Weight of the mode-seeking term that keeps different latents of one label apart (0: off).",
        ),
    ] = 0.3,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Train the conditional GAN (article type, colour, pattern) with progress, a checkpoint and a
    sample grid per epoch, and --resume after an interruption; then `stylist design` uses it."""
    from stylist.tools.designs import data as gan_data
    from stylist.tools.designs.model import GanConfig, export_generator, load_checkpoint
    from stylist.tools.designs.sample import user_checkpoint
    from stylist.tools.designs.train import TrainConfig, train_gan

    runtime = state(ctx).runtime
    settings = runtime.settings
    if catalogue is not None and fashion_mnist is not None:
        raise ToolInputError("give --catalogue or --fashion-mnist, not both")
    if device == "auto":
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    with console.status("reading pictures", spinner="dots") if not as_json else _nothing():
        if fashion_mnist is not None:
            data = gan_data.fashion_mnist(
                fashion_mnist, "train", image_size=32 if image_size == 64 else image_size
            )
            channels, source = 1, f"fashion-mnist ({fashion_mnist})"
        else:
            if catalogue is None:
                import tempfile

                from stylist.index.demo import generate_demo_catalogue

                folder = Path(tempfile.mkdtemp(prefix="stylist-demo-"))
                garments, base = (
                    generate_demo_catalogue(settings.index.demo_size, settings.index.demo_seed, folder),
                    None,
                )
                source = f"demo catalogue ({settings.index.demo_size}, seed {settings.index.demo_seed})"
            else:
                from stylist.index.loaders import load_catalogue

                garments, base, source = load_catalogue(catalogue).garments, catalogue.parent, str(catalogue)
            data = gan_data.from_garments(garments, base=base, image_size=image_size)
            channels = 3
    size = int(data.images.shape[-1])
    config = GanConfig(
        conditions=data.conditions,
        image_size=size,
        channels=channels,
        g_width=width,
        d_width=width,
        source=source,
    )
    train = TrainConfig(
        epochs=epochs,
        batch_size=batch_size,
        epoch_size=epoch_size,
        max_minutes=max_minutes,
        threads=threads,
        device=device,
        augment=augment,
        ema_decay=ema_decay,
        mode_seeking=mode_seeking,
    )
    run = (run_dir or settings.models_dir / "gan-run").expanduser()
    if (run / "last.pt").is_file() and not resume:
        raise ToolInputError(
            f"{run / 'last.pt'} exists from an earlier run",
            hint="add --resume to carry on from it, or give another --run-dir",
        )
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[losses]}"),
        TimeRemainingColumn(),
        console=err_console,
        disable=as_json,
    ) as bar:
        task = bar.add_task("epoch", total=None, losses="")

        def report(epoch: int, step: int, steps: int, losses: dict[str, float]) -> None:
            bar.update(
                task,
                description=f"epoch {epoch}/{epochs}",
                completed=step,
                total=steps,
                losses=f"D {losses['d_loss']:.2f} G {losses['g_loss']:.2f}",
            )

        metrics = train_gan(data, config, train, run, resume=resume, progress=report)
    target = out or user_checkpoint(settings.models_dir)
    export_generator(load_checkpoint(run / "last.pt"), target)
    summary = {
        "checkpoint": str(target),
        "run_dir": str(run),
        "train_size": len(data),
        "epochs_done": metrics["epochs_done"],
        "samples": metrics["samples"],
        "last_epoch": metrics["history"][-1] if metrics["history"] else None,
        "skipped_count": len(data.problems),
    }
    if as_json:
        print_json(summary)
        return
    console.print(f"saved [bold]{target}[/] after {metrics['epochs_done']} epochs on {len(data)} pictures")
    console.print(f"  sample grids: {metrics['samples']}")
    if data.problems:
        console.print(f"  [yellow]{len(data.problems)} garments left out (no readable picture)[/]")
    if out is not None:
        console.print(f"use it with: --set designs.model={target}")


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
