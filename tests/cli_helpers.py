"""Run the ``stylist`` CLI in-process and capture what it printed."""

from __future__ import annotations

import pytest


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``stylist ARGV...``."""
    from stylist.cli import main

    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:  # as the shell sees it: None is 0, a message is 1
        code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err
