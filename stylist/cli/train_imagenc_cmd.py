"""``stylist train image-encoder``: fit the picture encoder to your catalogue's images."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stylist.cli.common import JSON_OPTION, console, err_console, print_json, state
from stylist.errors import ToolInputError


def register_train(train_app: typer.Typer) -> None:
    train_app.command("image-encoder")(train_image_encoder)


def train_image_encoder(
    ctx: typer.Context,
    catalogue: Annotated[
        Path | None, typer.Option(help="Catalogue with image paths (default: the demo catalogue).")
    ] = None,
    images_dir: Annotated[
        Path | None,
        typer.Option("--images-dir", help="Folder of the catalogue's photos (default: next to the file)."),
    ] = None,
    backbone: Annotated[
        str, typer.Option(help="efficientnet-lite0 (frozen, pretrained) or compact (from scratch).")
    ] = "efficientnet-lite0",
    image_size: Annotated[int, typer.Option(min=32, max=384, help="Input size in pixels.")] = 96,
    epochs: Annotated[int, typer.Option(min=1, max=1000)] = 40,
    tune_blocks: Annotated[
        int,
        typer.Option(
            min=0, max=16, help="efficientnet-lite0: train its last N blocks too (0: frozen, fastest)."
        ),
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option(help="Checkpoint path (default: <home>/models/image_encoder.pt, used automatically)."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Train the image encoder on a catalogue's pictures and descriptions, then rebuild the index
    (`stylist index build`) to give every garment an image vector from it."""
    from stylist.index.imagenc.catalogue import train_on_catalogue
    from stylist.index.imagenc.embedder import user_checkpoint
    from stylist.index.imagenc.model import EncoderConfig
    from stylist.index.imagenc.train import TrainConfig

    runtime = state(ctx).runtime
    settings = runtime.settings
    base = None
    if catalogue is None:
        import tempfile

        from stylist.index.demo import generate_demo_catalogue

        folder = Path(tempfile.mkdtemp(prefix="stylist-demo-"))
        garments = generate_demo_catalogue(settings.index.demo_size, settings.index.demo_seed, folder)
    else:
        from stylist.index.loaders import load_catalogue

        result = load_catalogue(catalogue, images_dir=images_dir)
        garments, base = result.garments, catalogue.parent
    if backbone not in ("efficientnet-lite0", "compact"):
        raise ToolInputError(f"--backbone must be efficientnet-lite0 or compact, not {backbone!r}")
    target = out or user_checkpoint(settings.models_dir)
    train = TrainConfig(epochs=epochs)
    config = EncoderConfig(
        backbone=backbone,  # type: ignore[arg-type]
        image_size=image_size,
        tune_blocks=tune_blocks if backbone == "efficientnet-lite0" else 0,
    )
    from rich.progress import Progress

    with Progress(console=err_console, disable=as_json) as bar:
        task = bar.add_task("pictures", total=None)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        metrics = train_on_catalogue(
            garments, runtime.text_embedder, target, base=base, config=config, train=train, progress=report
        )
    summary = {
        "checkpoint": str(target),
        **{k: v for k, v in metrics.items() if k != "loss"},
        "final_loss": metrics["loss"][-1],
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        f"saved [bold]{target}[/] (trained on {metrics['train_size']}, held out {metrics['val_size']})"
    )
    for key in ("text_to_image_R@1", "text_to_image_R@5", "image_to_text_R@1", "image_to_text_R@5"):
        if key in metrics:
            console.print(f"  held-out {key}: {metrics[key]:.3f}")
    if metrics["skipped_count"]:
        console.print(f"  [yellow]{metrics['skipped_count']} garments left out (no readable picture)[/]")
    if out is not None:
        console.print(f"use it with: --set embed.image_model={target}")
    console.print("rebuild the index to use it: stylist index build")
