"""``stylist chat`` builds the app on the facade; bad flags are clear errors, not tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from stylist.cli import main
from tests.fakes.tui import FakeStylist


def test_chat_rejects_unknown_backend(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["chat", "--llm", "gpt9"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "--llm 'gpt9' is not a backend" in err and "embedded, transformers, openai, none" in err
    assert "Traceback" not in err


def test_chat_rejects_unknown_graphics(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["chat", "--graphics", "sixel9"])
    assert "--graphics 'sixel9' is not a mode" in capsys.readouterr().err


def test_chat_opens_the_app_with_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from stylist.cli import chat_tui
    from stylist.tui.app import StylistApp

    fake = FakeStylist(tmp_path)
    seen: dict = {}

    def stylist_for(ctx, llm):
        seen["llm"] = llm
        return fake

    monkeypatch.setattr(chat_tui, "_stylist", stylist_for)
    monkeypatch.setattr(StylistApp, "run", lambda self: seen.update(app=self))
    main(["chat", "--llm", "none", "--user", "ana", "-C", "conv-9", "--graphics", "halfcell"])
    app = seen["app"]
    assert seen["llm"] == "none"
    assert (
        app.stylist is fake
        and app.user_id == "ana"
        and app._resume == "conv-9"
        and app.graphics == "halfcell"
    )
