"""``stylist train ...``: train the project's small models on your data (one subcommand each)."""

from __future__ import annotations

import typer

train_app = typer.Typer(help="Train Stylist's small models on your own data.", no_args_is_help=True)

#: Modules that add a subcommand to ``train_app`` with ``register_train(train_app)``.
TRAIN_MODULES = [
    "stylist.cli.train_compat_cmd",
    "stylist.cli.train_imagenc_cmd",
    "stylist.cli.train_gan_cmd",
    "stylist.cli.train_recogniser_cmd",
]


def register(app: typer.Typer) -> None:
    import importlib

    for module in TRAIN_MODULES:
        importlib.import_module(module).register_train(train_app)
    app.add_typer(train_app, name="train")
