"""Profile sizes in outfit assembly: in-size garments preferred, unknown sizes said, none invented."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from stylist.cli import app
from stylist.cli.common import CliState
from stylist.index.schema import Gender, Slot
from stylist.tools.outfits.assembly import OutfitAssembler
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.outfits.schemas import OutfitRequest
from stylist.tools.outfits.scorer import CompatibilityScorer, runtime_vectors
from stylist.tools.outfits.sizes import garment_sizes, in_size, prefer_in_size, wanted_size
from tests.fakes.compat import compat_runtime, fake_catalogue, untrained_assembler

PLAIN = fake_catalogue(300)


def _sized(garments, every: int = 3):
    """Every ``every``-th top comes in S|M|L, the other tops only in XS|XL; the rest list no sizes."""
    out = []
    tops = 0
    for g in garments:
        if g.slot is Slot.TOP:
            sizes = "S|M|L" if tops % every == 0 else "XS | XL"
            tops += 1
            g = g.model_copy(update={"attributes": {**g.attributes, "sizes": sizes}})
        out.append(g)
    return out


def _assembler(garments) -> OutfitAssembler:
    return untrained_assembler(garments, width=8, candidates=10, beam=6)


def test_sizes_are_read_from_the_catalogue_and_the_profile():
    g = _sized(PLAIN)
    top = next(x for x in g if x.slot is Slot.TOP)
    assert garment_sizes(top) == ["s", "m", "l"] and in_size(top, "m") and in_size(top, "Medium")
    assert in_size(top, "XL") is False
    shoe = next(x for x in g if x.slot is Slot.SHOES)
    assert garment_sizes(shoe) is None and in_size(shoe, "42") is None  # unknown, never guessed
    sizes = {"general": "M", "shoes": "42"}
    assert wanted_size(sizes, Slot.TOP) == ("general", "M")
    assert wanted_size({"top": "L", **sizes}, Slot.TOP) == ("top", "L")
    assert wanted_size(sizes, Slot.SHOES) == ("shoes", "42") and wanted_size(sizes, Slot.BAG) is None


def test_prefer_in_size_drops_what_does_not_come_in_the_size_and_says_when_nothing_does():
    tops = [x for x in _sized(PLAIN) if x.slot is Slot.TOP][:6]
    notes: list[str] = []
    kept = prefer_in_size(Slot.TOP, [(t, 1.0) for t in tops], {"top": "M"}, notes)
    assert kept and all(in_size(t, "M") for t, _ in kept) and not notes
    notes = []
    kept = prefer_in_size(Slot.TOP, [(t, 1.0) for t in tops], {"top": "XXS"}, notes)
    assert len(kept) == len(tops) and notes == [
        "top: none of these comes in your size XXS (top); check before buying"
    ]


def test_the_assembler_builds_with_tops_in_the_users_size():
    assembler = _assembler(_sized(PLAIN))
    request = OutfitRequest(brief="casual", gender=Gender.WOMEN, k=3, extras=[], sizes={"top": "M"})
    result = assembler.build(request)
    tops = [assembler.index.get(i.id) for o in result.outfits for i in o.items if i.slot is Slot.TOP]
    assert tops and all(in_size(t, "M") for t in tops)
    without = assembler.build(OutfitRequest(brief="casual", gender=Gender.WOMEN, k=3, extras=[]))
    tops = [assembler.index.get(i.id) for o in without.outfits for i in o.items if i.slot is Slot.TOP]
    assert any(not in_size(t, "M") for t in tops)  # the size is what made the difference


def test_a_catalogue_without_sizes_says_so_and_invents_none():
    assembler = _assembler(PLAIN)
    request = OutfitRequest(brief="casual", gender=Gender.WOMEN, k=2, sizes={"top": "M", "shoes": "42"})
    result = assembler.build(request)
    assert result.outfits
    assert any("lists no sizes" in n and "top M, shoes 42" in n for n in result.notes)
    assert "lists no sizes" not in " ".join(assembler.build(request.model_copy(update={"sizes": {}})).notes)


@pytest.fixture
def runtime(monkeypatch):
    rt = compat_runtime(_sized(PLAIN))
    torch.manual_seed(0)
    model = CompatModel(CompatConfig(hidden=16, embed_dim=8, pair_hidden=8)).eval()
    rt.replace("compat_scorer", CompatibilityScorer(model, runtime_vectors(rt), name="untrained"))
    monkeypatch.setattr(CliState, "runtime", property(lambda self: rt))
    return rt


def test_profile_sizes_reach_the_outfit_through_the_cli(runtime):
    runner = CliRunner()
    out = runner.invoke(app, ["profile", "set", "--user", "ana", "--size", "top=M", "--size", "shoes=42"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["outfit", "build", "casual", "--gender", "women", "--user", "ana", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    tops = [i["id"] for o in data["outfits"] for i in o["items"] if i["slot"] == "top"]
    assert tops and all(in_size(runtime.catalogue_index.get(t), "M") for t in tops)
