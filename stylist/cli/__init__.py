"""The ``stylist`` command line: one app, one module per command group.

Each module in ``COMMAND_MODULES`` has a ``register(app)`` function. Heavy libraries are
imported inside commands, so ``stylist --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import click
import typer

from stylist.cli.common import CliState, fail
from stylist.errors import StylistError

# recent typer vendors its own click: its usage errors, Exit and Abort are not click's classes
_ABORT: tuple[type[BaseException], ...] = (
    click.exceptions.Abort,
    *filter(None, [getattr(typer, "Abort", None)]),
)
_EXIT: tuple[type[BaseException], ...] = (
    click.exceptions.Exit,
    *filter(None, [getattr(typer, "Exit", None)]),
)
try:
    from typer._click.exceptions import ClickException as _TyperClickException

    _CLICK_ERROR: tuple[type[BaseException], ...] = (click.ClickException, _TyperClickException)
except ImportError:  # pragma: no cover - older typer raises click's own
    _CLICK_ERROR = (click.ClickException,)

app = typer.Typer(
    name="stylist",
    help="Stylist: a conversational stylist on a real garment catalogue, offline by default.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

COMMAND_MODULES = [
    "stylist.cli.tools_cmd",
    "stylist.cli.chat_cmd",
    "stylist.cli.index_cmd",
    "stylist.cli.serve_cmd",
    "stylist.cli.catalogue",
    "stylist.cli.profile_cmd",
    "stylist.cli.copy_cmd",
    "stylist.cli.outfit_cmd",
    "stylist.cli.train_cmd",
    "stylist.cli.trends_cmd",
    "stylist.cli.design_cmd",
    "stylist.cli.chat_tui",
    "stylist.cli.recognise_cmd",
    "stylist.cli.wardrobe_cmd",
    "stylist.cli.feedback_cmd",
    "stylist.cli.personal_cmd",
    "stylist.cli.doctor_cmd",
]


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file.")] = None,
    home: Annotated[Path | None, typer.Option("--home", help="Data home (overrides STYLIST_HOME).")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a setting: --set llm.temperature=0.5 (repeatable)."),
    ] = None,
    log_level: Annotated[str | None, typer.Option("--log-level", help="DEBUG, INFO, WARNING …")] = None,
) -> None:
    ctx.obj = CliState.from_options(config=config, home=home, sets=set_ or [], log_level=log_level)


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``stylist`` console script: user errors print without a traceback."""
    try:
        app(args=argv, prog_name="stylist", standalone_mode=False)
    except StylistError as exc:
        fail(exc)
    except _ABORT:
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except _CLICK_ERROR as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except _EXIT as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
