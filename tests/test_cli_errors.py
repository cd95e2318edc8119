"""CLI errors printed to a pipe or a file are plain and never wrapped at the terminal width."""

from __future__ import annotations

import pytest

from stylist.cli.common import fail
from stylist.errors import ToolInputError


def test_error_to_a_pipe_is_one_unwrapped_line(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    path = "/tmp/pytest-of-someone/" + "a-very-long-temporary-folder-name/" * 6 + "nope.jpg"
    with pytest.raises(SystemExit) as exit_info:
        fail(ToolInputError(f"no such file: {path} [not markup]", hint="check the path"))
    assert exit_info.value.code == ToolInputError("x").exit_code
    err = capsys.readouterr().err
    assert err.splitlines() == [f"error: no such file: {path} [not markup]", "hint: check the path"]
