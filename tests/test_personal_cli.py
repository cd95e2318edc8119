"""End to end on a fresh install: an imported history changes "for you" and the advised size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stylist.runtime import Runtime
from stylist.tools.registry import build_registry
from tests.cli_helpers import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "renttherunway"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


DEMO = ("--set", "index.demo_size=150")


@pytest.mark.slow  # builds the demo index with the packaged text embedder
def test_imported_history_changes_catalogue_picks_on_a_fresh_install(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The installed (demo) catalogue's garments, ranked for alice before and after her rentals."""
    _json(capsys, "feedback", "import", str(FIXTURES / "history.csv"), "--format", "renttherunway", "--json")
    before = _json(capsys, *DEMO, "recommend", "--user", "alice", "-k", "5", "--json")
    assert before["source"] == "catalogue" and before["known_user"] is False and len(before["items"]) == 5
    assert all(it["item_id"].startswith("demo-") and it["title"] for it in before["items"])
    wedding = _json(
        capsys, *DEMO, "recommend", "--user", "alice", "--occasion", "wedding", "-k", "5", "--json"
    )
    assert any("for wedding" in r for it in wedding["items"] for r in it["reasons"])

    _json(capsys, "feedback", "import", str(FIXTURES / "alice.csv"), "--format", "renttherunway", "--json")
    after = _json(capsys, *DEMO, "recommend", "--user", "alice", "-k", "5", "--json")
    assert after["known_user"] is True
    assert [it["item_id"] for it in after["items"]] != [it["item_id"] for it in before["items"]]
    stranger = _json(capsys, *DEMO, "recommend", "--user", "bob", "-k", "5", "--json")
    assert [it["item_id"] for it in after["items"]] != [it["item_id"] for it in stranger["items"]]
    # she rents (sheath) dresses, rated 10/10: dresses come first, and the reason says so
    first = after["items"][0]
    assert first["category"].lower() == "dress" and first["item_id"].startswith("demo-")
    assert any(r.startswith("you rate") and "dresses highly" in r for r in first["reasons"])
    code, out, _ = run_cli(capsys, *DEMO, "recommend", "--user", "alice", "-k", "3")
    assert code == 0 and "for you" in out and "dresses highly" in out
    # the agent (rule router) answers the same question from the catalogue
    reply = _json(
        capsys,
        *DEMO,
        "ask",
        "--llm",
        "none",
        "--user",
        "alice",
        "anything new for me for a wedding?",
        "--json",
    )
    call = reply["tool_calls"][0]
    assert call["name"] == "recommend_for_me" and call["arguments"]["occasion"] == "wedding"
    assert reply["items"] and all(it["id"].startswith("demo-") for it in reply["items"])
    assert "Picked for you for wedding" in reply["answer"]


def test_imported_history_changes_recommendations_and_size(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "recommend", "--user", "alice", "--json")
    assert code == 1 and "no rated items imported yet" in err
    _json(capsys, "feedback", "import", str(FIXTURES / "history.csv"), "--format", "renttherunway", "--json")

    before = _json(capsys, "recommend", "--user", "alice", "--from", "rentals", "-k", "5", "--json")
    assert before["known_user"] is False and len(before["items"]) == 5
    size_before = _json(capsys, "fit", "it05", "--user", "alice", "--json")
    assert size_before["recommended_size"] is None

    report = _json(
        capsys, "feedback", "import", str(FIXTURES / "alice.csv"), "--format", "renttherunway", "--json"
    )
    assert report["imported"] == 3
    after = _json(capsys, "recommend", "--user", "alice", "--from", "rentals", "-k", "5", "--json")
    assert after["known_user"] is True
    ids = [it["item_id"] for it in after["items"]]
    assert ids != [it["item_id"] for it in before["items"]]
    assert not {"it04", "it06", "it00"} & set(ids)  # what she rented is not offered again
    assert after["items"][0]["category"] == "sheath" and after["items"][0]["reasons"]
    size_after = _json(capsys, "fit", "it05", "--user", "alice", "--json")
    assert size_after["recommended_size"] == 4.0
    assert sum(size_after["probabilities"].values()) == pytest.approx(1, abs=0.01)
    assert any("usually 4" in line for line in size_after["basis"])
    assert size_after["method"] == "learned choice" and any("runs large" in b for b in size_after["basis"])
    assert {o["size"] for o in size_after["options"]} >= {4.0}

    # and she gets other picks and another size than a user without history, in the same install
    bob = _json(capsys, "recommend", "--user", "bob", "--from", "rentals", "-k", "5", "--json")
    assert bob["known_user"] is False and [it["item_id"] for it in bob["items"]] != ids
    assert _json(capsys, "fit", "it05", "--user", "bob", "--json")["recommended_size"] is None

    code, out, _ = run_cli(capsys, "fit", "it05", "--user", "alice")
    assert code == 0 and "Take size 4 of it05 (sheath)" in out
    code, _, err = run_cli(capsys, "fit", "no-such-item", "--user", "alice")
    assert code == 1 and "no-such-item" in err
    code, _, err = run_cli(
        capsys, "recommend", "--user", "alice", "--from", "rentals", "--occasion", "funeral"
    )
    assert code == 1 and "unknown occasion 'funeral'" in err
    code, _, err = run_cli(capsys, "recommend", "--user", "alice", "--from", "shop")
    assert code == 1 and "--from 'shop'" in err
    # deleting her profile erases the imported history: she is a stranger again
    code, _, err = run_cli(capsys, "profile", "delete", "--user", "alice", "--yes")
    assert code == 0, err
    gone = _json(capsys, "recommend", "--user", "alice", "--from", "rentals", "-k", "5", "--json")
    assert gone["known_user"] is False
    assert _json(capsys, "fit", "it05", "--user", "alice", "--json")["recommended_size"] is None


def test_tools_answer_for_you_and_which_size() -> None:
    from stylist.profiles.feedback_import import import_feedback

    runtime = Runtime()
    import_feedback(runtime.profile_store, FIXTURES / "history.csv", "renttherunway")
    import_feedback(runtime.profile_store, FIXTURES / "alice.csv", "renttherunway")
    registry = build_registry(runtime)
    advice = registry.invoke("size_advice", {"item_id": "it05", "user_id": "alice"})
    assert advice.recommended_size == 4.0
    cold = registry.invoke(
        "size_advice", {"item_id": "it05", "user_id": "zoe", "height_in": 67, "weight_lbs": 180}
    )
    assert cold.recommended_size is not None and cold.recommended_size > 4.0
    picks = registry.invoke(
        "recommend_for_me", {"user_id": "alice", "occasion": "wedding", "k": 3, "source": "rentals"}
    )
    assert len(picks.items) == 3 and all(it.reasons for it in picks.items)
