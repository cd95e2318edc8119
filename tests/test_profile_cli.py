"""``stylist profile …`` and ``stylist copy``: JSON output, errors without tracebacks, export/delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stylist.cli.common import CliState
from tests.cli_helpers import run_cli
from tests.fakes.profile import ProfileCatalogueIndex, ScriptedChatModel, profile_runtime


@pytest.fixture(autouse=True)
def fake_cli_runtime(monkeypatch: pytest.MonkeyPatch) -> dict:
    shared: dict = {
        "index": ProfileCatalogueIndex(),
        "llm": ScriptedChatModel(script=["A navy linen shirt for formal days. $20.00."]),
    }

    def runtime(self: CliState):  # noqa: ANN202
        if self._runtime is None:
            from stylist.config import load_settings

            self._runtime = profile_runtime(
                load_settings(self.config, **self.overrides),
                catalogue_index=shared["index"],
                chat_model=shared["llm"],
            )
        return self._runtime

    monkeypatch.setattr(CliState, "runtime", property(runtime))
    return shared


run = run_cli


def run_json(capsys: pytest.CaptureFixture[str], *argv: str):  # noqa: ANN201
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_profile_round_trip_in_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = run_json(
        capsys, "profile", "set", "--user", "ana", "--budget", "150", "--size", "top=M", "--gender", "female"
    )
    assert data["profile"]["budget"] == 150 and data["profile"]["sizes"] == {"top": "M"}
    run_json(capsys, "profile", "like", "colour", "navy", "orange", "--user", "ana")
    data = run_json(capsys, "profile", "dislike", "colour", "orange", "--user", "ana")
    assert data["notes"] == ["orange was a liked colour; it is now disliked (the later statement wins)"]
    assert run_json(capsys, "profile", "feedback", "g001", "save", "--user", "ana")["kind"] == "save"
    added = run_json(capsys, "wardrobe", "add", "g002", "grey wool coat", "--user", "ana")["added"]
    assert [a["item"]["item_id"] for a in added] == ["g002", None]
    assert len(run_json(capsys, "wardrobe", "list", "--user", "ana")) == 2
    assert run_json(capsys, "wardrobe", "remove", "grey wool coat", "--user", "ana") == {
        "removed": ["grey wool coat"]
    }
    shown = run_json(capsys, "profile", "show", "--user", "ana")
    assert shown["likes"] == {"colour": ["navy"]} and shown["dislikes"] == {"colour": ["orange"]}
    assert shown["feedback_count"] == 1 and shown["gender_presentation"] == "women"

    out_file = tmp_path / "ana.json"
    code, _, _ = run(capsys, "profile", "export", "--user", "ana", "--out", str(out_file))
    exported = json.loads(out_file.read_text())
    assert code == 0 and exported["user_id"] == "ana" and len(exported["feedback"]) == 1
    assert (
        run_json(capsys, "profile", "export", "--user", "ana")["user_id"] == "ana"
    )  # stdout form is JSON already

    deleted = run_json(capsys, "profile", "delete", "--user", "ana", "--yes")
    assert {k: v for k, v in deleted["deleted"].items() if v} == {
        "profiles": 1,
        "profile_preferences": 2,
        "wardrobe_items": 1,
        "feedback_events": 1,
    }
    assert run_json(capsys, "profile", "show", "--user", "ana")["exists"] is False


def test_profile_errors_are_messages_not_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "profile", "feedback", "g404", "like")
    assert code == 1 and "no garment with id 'g404'" in err and "Traceback" not in err
    code, _, err = run(capsys, "profile", "feedback", "g001", "love")
    assert code == 1 and "unknown feedback kind 'love'" in err
    code, _, err = run(capsys, "profile", "like", "mood", "happy")
    assert code == 1 and "unknown preference kind 'mood'" in err
    code, _, err = run(capsys, "profile", "set", "--name", "x" * 200)
    assert code == 1 and "name" in err and "120" in err
    code, _, err = run(capsys, "profile", "set")
    assert code == 1 and "nothing to set" in err
    code, _, err = run(capsys, "profile", "show", "--user", "bad user!")
    assert code == 1 and "user id" in err
    code, _, err = run(capsys, "wardrobe", "remove", "nothing")
    assert code == 1 and "not in the wardrobe" in err and "Traceback" not in err


def test_delete_without_yes_asks_and_keeps_data_on_no(
    capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    run_json(capsys, "profile", "like", "colour", "navy")
    monkeypatch.setattr("typer.confirm", lambda *a, **k: False)
    code, _, err = run(capsys, "profile", "delete")
    assert code == 1 and "nothing was deleted" in err
    assert run_json(capsys, "profile", "show")["exists"] is True


def test_copy_command(capsys: pytest.CaptureFixture[str], fake_cli_runtime: dict) -> None:
    data = run_json(capsys, "copy", "g000", "--kind", "product", "--tone", "minimal", "--llm", "none")
    assert data["source"] == "template" and "navy" in data["text"].lower()
    data = run_json(capsys, "copy", "g000", "--tone", "minimal")
    assert data["source"] == "llm" and fake_cli_runtime["llm"].calls
    data = run_json(capsys, "copy", "g000", "g010", "--kind", "outfit", "--llm", "none")
    assert data["item_ids"] == ["g000", "g010"]
    code, out, _ = run(capsys, "copy", "g000", "--llm", "none")
    assert code == 0 and "(template;" in out
    code, _, err = run(capsys, "copy", "g000", "--lang", "de")
    assert code == 2 and "English" in err
    code, _, err = run(capsys, "copy", "g000", "--tone", "grumpy")
    assert code == 2 and "tone" in err
    code, _, err = run(capsys, "copy", "g404")
    assert code == 1 and "g404" in err
