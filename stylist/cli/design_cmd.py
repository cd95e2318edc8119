"""``stylist design "a navy striped summer dress"``: new garment designs from the GAN."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from stylist.cli.common import JSON_OPTION, console, print_json, state


def register(app: typer.Typer) -> None:
    app.command("design")(design)


def design(
    ctx: typer.Context,
    brief: Annotated[str, typer.Argument(help="What to design, e.g. 'a navy striped summer dress'.")],
    n: Annotated[int, typer.Option("-n", "--n", min=1, max=16, help="How many designs.")] = 4,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Same seed, same designs (default: new ones).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the PNGs (default: <home>/designs/<run>).")
    ] = None,
    size: Annotated[int, typer.Option(min=32, max=512, help="PNG side in pixels.")] = 256,
    article_type: Annotated[str | None, typer.Option(help="Article type, when the brief has none.")] = None,
    colour: Annotated[str | None, typer.Option(help="Colour, when the brief has none.")] = None,
    pattern: Annotated[str | None, typer.Option(help="Pattern, when the brief has none.")] = None,
    inspired_by: Annotated[
        int,
        typer.Option(min=0, max=10, help="Closest catalogue garments per design (0: skip the catalogue)."),
    ] = 3,
    variation: Annotated[
        bool,
        typer.Option("--variation", help="n variations of one design (a walk through the latent space)."),
    ] = False,
    dataset: Annotated[
        str | None,
        typer.Option(help="Packaged model by training data: photos, demo (the default), fashion-mnist."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Draw new garment designs with the conditional GAN; each PNG comes with the closest
    catalogue garments that inspired it."""
    from stylist.tools.designs.sample import DATASETS
    from stylist.tools.registry import tools_for

    if dataset is not None:
        if dataset not in DATASETS:
            raise typer.BadParameter(f"unknown dataset {dataset!r}; one of: {', '.join(DATASETS)}")
        state(ctx).override("designs.model", dataset)
    args = {
        "brief": brief,
        "n": n,
        "seed": seed,
        "size": size,
        "article_type": article_type,
        "colour": colour,
        "pattern": pattern,
        "inspired_by": inspired_by,
        "variation": variation or None,
    }
    result = tools_for(state(ctx).runtime).invoke(
        "design_garments", {k: v for k, v in args.items() if v is not None}
    )
    if out is not None:
        folder = out.expanduser().resolve()
        folder.mkdir(parents=True, exist_ok=True)
        for d in result.designs:
            target = folder / Path(d.path).name
            shutil.move(d.path, target)
            d.path = str(target)
        result.images = [d.path for d in result.designs]
    if as_json:
        print_json(result)
        return
    console.print(
        (
            f"[bold]{len(result.designs)} designs[/] for “{brief}” ({'; '.join(result.understood)}; "
            f"seed {result.seed}, model {result.model})"
        ),
        highlight=False,
    )
    if result.note:
        console.print(f"[dim]{result.note}[/]", highlight=False)
    for i, d in enumerate(result.designs, 1):
        console.print(f"{i:>2}. {d.path}  [dim]{d.understood}[/]", highlight=False)
        for hit in d.inspired_by:
            console.print(
                f"     inspired by {hit.garment.id} {hit.garment.title} [dim]({hit.similarity:.2f})[/]",
                highlight=False,
            )
