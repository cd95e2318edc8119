"""What every command shares: the runtime from global options, JSON output, errors, progress."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from stylist.errors import ConfigError, StylistError

console = Console()
err_console = Console(stderr=True)

JSON_OPTION = typer.Option("--json", help="Print machine-readable JSON.")


@dataclass
class CliState:
    """Global options, turned into settings and a runtime on first use."""

    config: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    _runtime: Any = None

    @classmethod
    def from_options(
        cls, *, config: Path | None, home: Path | None, sets: list[str], log_level: str | None
    ) -> CliState:
        overrides: dict[str, Any] = {}
        for item in sets:
            _apply_set(overrides, item)
        if home is not None:
            overrides["home"] = str(home)
        if log_level:
            overrides["log_level"] = log_level
        return cls(config=config, overrides=overrides)

    def override(self, dotted: str, value: Any) -> None:
        """Apply a command-specific flag (e.g. ``--llm``) before the runtime is built."""
        _set_path(self.overrides, dotted.split("."), value)

    @property
    def runtime(self):  # -> stylist.runtime.Runtime
        if self._runtime is None:
            from stylist.config import load_settings
            from stylist.runtime import Runtime, set_default_runtime

            settings = load_settings(self.config, **self.overrides)
            logging.basicConfig(
                level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
            )
            self._runtime = Runtime(settings)
            set_default_runtime(self._runtime)
        return self._runtime


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if obj is None:  # a command invoked without the root callback (tests calling it directly)
        obj = ctx.find_root().obj = CliState()
    return obj


def _apply_set(overrides: dict[str, Any], item: str) -> None:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. --set llm.backend=none")
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    _set_path(overrides, key.strip().split("."), parsed)


def _set_path(target: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, Path):
        return str(obj)
    return obj


def print_json(obj: Any) -> None:
    """Write ``obj`` as JSON to stdout (plain, so pipes and ``jq`` read it)."""
    sys.stdout.write(json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(exc: StylistError) -> NoReturn:
    """Print the error (and its hint) on stderr and exit with the error's code.

    On a terminal rich colours it; to a pipe or a file it is written plain and never wrapped,
    so a long path stays on one line for whatever reads it (rich would wrap at 80 columns).
    """
    if err_console.is_terminal:
        err_console.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False, markup=True)
        if exc.hint:
            err_console.print(f"[yellow]hint:[/] {escape(exc.hint)}", highlight=False)
    else:
        sys.stderr.write(f"error: {exc.message}\n" + (f"hint: {exc.hint}\n" if exc.hint else ""))
        sys.stderr.flush()
    raise SystemExit(exc.exit_code)


@contextmanager
def progress_bar(description: str, total: int | None = None, *, enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar on stderr; yields a callable ``advance(n=1, total=None)``."""
    if not enabled:
        yield lambda n=1, total=None: None
        return
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )
    with bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1, total: int | None = None) -> None:
            if total is not None:
                bar.update(task, total=total)
            bar.advance(task, n)

        yield advance
