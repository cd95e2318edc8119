"""``stylist train recogniser``: fit the garment recogniser to Fashion-MNIST and/or your catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stylist.cli.common import JSON_OPTION, console, err_console, print_json, state


def register_train(train_app: typer.Typer) -> None:
    train_app.command("recogniser")(train_recogniser)


def train_recogniser(
    ctx: typer.Context,
    catalogue: Annotated[
        Path | None,
        typer.Option(help="Catalogue with image paths (default: freshly rendered demo garments)."),
    ] = None,
    fashion_mnist: Annotated[
        Path | None, typer.Option("--fashion-mnist", help="Folder with the Fashion-MNIST idx .gz files.")
    ] = None,
    no_fashion_mnist: Annotated[
        bool, typer.Option("--no-fashion-mnist", help="Train on the catalogue pictures only.")
    ] = False,
    epochs: Annotated[int, typer.Option(min=1, max=200)] = 6,
    demo_size: Annotated[
        int, typer.Option(min=10, max=100_000, help="Demo garments to render when no --catalogue.")
    ] = 5000,
    out: Annotated[
        Path | None,
        typer.Option(help="Checkpoint path (default: <home>/models/recogniser.pt, used automatically)."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Train the article-type and pattern recogniser (CPU: minutes), calibrate it on a held-out
    split, and save a checkpoint that `stylist recognise` then uses."""
    from rich.progress import Progress

    from stylist.tools.recognise.data import FASHION_MNIST_DIR, fashion_mnist_available
    from stylist.tools.recognise.recogniser import USER_CHECKPOINT_NAME
    from stylist.tools.recognise.train import TrainConfig, train_on_catalogue, train_on_demo

    settings = state(ctx).runtime.settings
    folder = None
    if not no_fashion_mnist:
        folder = fashion_mnist or (FASHION_MNIST_DIR if fashion_mnist_available() else None)
    target = out or settings.models_dir / USER_CHECKPOINT_NAME
    config = TrainConfig(epochs=epochs, fashion_mnist=str(folder) if folder else None)
    with Progress(console=err_console, disable=as_json) as bar:
        task = bar.add_task("pictures", total=None)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        if catalogue is None:
            metrics = train_on_demo(target, config, n=demo_size, progress=report)
        else:
            from stylist.index.loaders import load_catalogue

            garments = load_catalogue(catalogue).garments
            metrics = train_on_catalogue(
                garments, target, base=catalogue.parent, config=config, progress=report
            )
    if as_json:
        print_json(metrics)
        return
    console.print(
        f"saved [bold]{target}[/] ({metrics['train_pictures']} training pictures, "
        f"{metrics['val_pictures']} held out)"
    )
    for key in (
        "article_val_accuracy",
        "fashion_mnist_val_accuracy",
        "catalogue_article_val_accuracy",
        "pattern_val_accuracy",
        "article_ece",
        "pattern_ece",
    ):
        if metrics.get(key) is not None:
            console.print(f"  held-out {key}: {metrics[key]:.3f}")
    if metrics.get("skipped_pictures"):
        console.print(
            f"  [yellow]{metrics['skipped_pictures']} garments left out (no readable picture or no "
            "garment found)[/]"
        )
    if folder is None and not no_fashion_mnist:
        console.print("[yellow]note:[/] Fashion-MNIST not found; trained on catalogue pictures only")
