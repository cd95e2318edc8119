"""`stylist ask` (streamed and --json), --llm none, conversations and history from the CLI."""

from __future__ import annotations

import json

import pytest

from stylist.cli import main
from tests.fakes.agent import FakeCatalogueIndex


@pytest.fixture(autouse=True)
def fake_index(monkeypatch):
    from stylist.runtime import Runtime

    original = Runtime.__init__

    def init(self, settings=None, **services):
        services.setdefault("catalogue_index", FakeCatalogueIndex())
        original(self, settings, **services)

    monkeypatch.setattr(Runtime, "__init__", init)


def ask_json(capsys, *args):
    main(["ask", "--json", "--llm", "none", *args])
    return json.loads(capsys.readouterr().out)


def test_ask_json_prints_one_object(capsys):
    out = ask_json(capsys, "what should I wear to a summer wedding? earthy colours, under 200, men")
    assert set(out) >= {"answer", "items", "tool_calls", "backend", "timings", "conversation_id"}
    assert out["backend"] == "none"
    assert out["chosen_by"] == "router" and out["route"] == ["router"]  # no model: the router chose
    assert out["items"] and all(set(i) >= {"id", "title"} for i in out["items"])
    call = out["tool_calls"][0]
    # "what should I wear" asks for a whole outfit: build_outfit, the budget read from the text
    assert call["name"] == "build_outfit" and call["ok"] is True and call["arguments"]["budget"] == 200
    assert "duration_s" in call and out["timings"]["total_s"] >= out["timings"]["first_token_s"] >= 0
    for item in out["items"]:
        assert item["id"] in out["answer"]
    # the outfit's bold heading (its total has a price but no garment id) survives grounding
    assert "**Outfit 1** — $" in out["answer"] and "in all, compatibility" in out["answer"]


def test_ask_streams_text_and_lists_items(capsys):
    main(["ask", "--llm", "none", "red party dress"])
    captured = capsys.readouterr()
    assert "Red Satin Party Dress" in captured.out and "g-0009" in captured.out
    assert "conversation" in captured.err


def test_conversation_continues_from_the_cli(capsys):
    first = ask_json(capsys, "show me dresses")
    second = ask_json(capsys, "--conversation", first["conversation_id"], "something cheaper")
    assert second["conversation_id"] == first["conversation_id"]
    assert second["tool_calls"][0]["arguments"]["slot"] == "dress"
    main(["conversations", "--json"])
    [conv] = json.loads(capsys.readouterr().out)
    assert conv["turns"] == 2
    main(["history", first["conversation_id"]])
    assert "something cheaper" in capsys.readouterr().out


def test_unknown_conversation_exits_cleanly(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ask", "--llm", "none", "--conversation", "missing", "hi"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "missing" in err and "Traceback" not in err


def test_bad_llm_flag_names_the_choices(capsys):
    with pytest.raises(SystemExit):
        main(["ask", "--llm", "gpt9", "hi"])
    assert "embedded, transformers, openai, none" in capsys.readouterr().err
