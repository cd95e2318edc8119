"""The outfit tools and CLI: --json output, bad input without tracebacks, training on a fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from stylist.cli import app, main
from stylist.cli.common import CliState
from stylist.errors import ItemNotFoundError, ToolInputError
from stylist.index.schema import Slot
from stylist.tools.functions import score_outfit
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.registry import build_registry
from tests.fakes import HashingTextEmbedder
from tests.fakes.compat import compat_runtime, fake_catalogue

FIXTURES = Path(__file__).parent / "fixtures"
CATALOGUE = fake_catalogue(400)


@pytest.fixture
def runtime(monkeypatch):
    from stylist.tools.outfits.scorer import CompatibilityScorer, runtime_vectors

    rt = compat_runtime(CATALOGUE)
    torch.manual_seed(0)
    model = CompatModel(CompatConfig(hidden=16, embed_dim=8, pair_hidden=8)).eval()
    rt.replace("compat_scorer", CompatibilityScorer(model, runtime_vectors(rt), name="untrained"))
    monkeypatch.setattr(CliState, "runtime", property(lambda self: rt))
    return rt


def _ids(slot: Slot, n: int = 1) -> list[str]:
    return [g.id for g in CATALOGUE if g.slot is slot and g.gender.value == "women"][:n]


def test_tools_are_registered_and_plain_functions_work(runtime):
    registry = build_registry(runtime)
    assert {"score_outfit", "build_outfit"} <= set(registry.tools)
    ids = _ids(Slot.TOP) + _ids(Slot.BOTTOM) + _ids(Slot.SHOES)
    result = score_outfit(ids, runtime=runtime)
    assert 0 <= result.score <= 1 and [i["id"] for i in result.items] == ids
    built = registry.invoke("build_outfit", {"brief": "casual", "budget": 400, "gender": "women", "k": 1})
    assert len(built.outfits) == 1


def test_score_tool_bad_input(runtime):
    tool = build_registry(runtime).get("score_outfit")
    ids = _ids(Slot.TOP) + _ids(Slot.SHOES)
    with pytest.raises(ItemNotFoundError, match="'nope'"):
        tool.invoke({"item_ids": [ids[0], "nope"]})
    with pytest.raises(ToolInputError, match="duplicate"):
        tool.invoke({"item_ids": [ids[0], ids[0]]})
    with pytest.raises(ToolInputError, match="at least two items"):
        tool.invoke({"item_ids": [ids[0]]})
    with pytest.raises(ToolInputError, match="item_ids"):
        tool.invoke({})
    assert [
        i["id"] for i in tool.invoke({"item_ids": f"{ids[0]}, {ids[1]}"}).items
    ] == ids  # a string is split


def test_cli_score_json(runtime):
    ids = _ids(Slot.DRESS) + _ids(Slot.SHOES)
    out = CliRunner().invoke(app, ["outfit", "score", *ids, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) >= {"score", "weakest_pair", "explanation", "issues", "missing_slots"}
    assert data["weakest_pair"]["items"] == ids


def test_cli_build_json_and_text(runtime):
    anchor = _ids(Slot.TOP)[0]
    out = CliRunner().invoke(
        app,
        [
            "outfit",
            "build",
            "summer wedding guest, earthy colours",
            "--budget",
            "300",
            "--gender",
            "women",
            "--anchor",
            anchor,
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["outfits"] and all(anchor in [i["id"] for i in o["items"]] for o in data["outfits"])
    assert all(o["total_price"] <= 300 for o in data["outfits"])
    text = CliRunner().invoke(app, ["outfit", "build", "office", "--gender", "men"])
    assert text.exit_code == 0 and "Outfit 1" in text.stdout


def test_cli_errors_print_without_traceback(runtime, capsys):
    for argv in (
        ["outfit", "score", "nope", "g0001"],
        ["outfit", "build", "party", "--budget", "5", "--gender", "women"],
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code != 0
        err = capsys.readouterr().err
        assert "error:" in err and "Traceback" not in err


def test_cli_train_compat_on_fixture(runtime, tmp_path):
    runtime.replace("text_embedder", HashingTextEmbedder(32))
    target = tmp_path / "compat.pt"
    out = CliRunner().invoke(
        app,
        [
            "train",
            "compat",
            "--outfits",
            str(FIXTURES / "polyvore_maryland"),
            "--epochs",
            "1",
            "--test-share",
            "0.25",
            "--out",
            str(target),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["train_outfits"] == 9 and report["test_outfits"] == 3
    assert set(report["held_out_auc"]) == {"hard", "random", "swap"}
    from stylist.tools.outfits.checkpoint import load_checkpoint

    model, meta = load_checkpoint(target)
    assert model.config.text_dim == 32 and meta["format"] == "polyvore-maryland"


def test_cli_train_compat_bad_path(runtime, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["train", "compat", "--outfits", str(tmp_path / "missing")])
    assert "does not exist" in " ".join(capsys.readouterr().err.split())
