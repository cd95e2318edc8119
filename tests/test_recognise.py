"""The garment recogniser: training smoke test, checkpoint round-trip, colours, bad inputs, tool, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from stylist.errors import ModelUnavailableError, StylistError
from stylist.tools.recognise.colours import main_colours
from stylist.tools.recognise.data import fashion_mnist_available
from stylist.tools.recognise.model import load_checkpoint, save_checkpoint
from stylist.tools.recognise.preprocess import colour_weights, find_foreground
from stylist.tools.recognise.recogniser import PACKAGED_CHECKPOINT, Recogniser
from tests.cli_helpers import run_cli
from tests.fakes.compat import FakeCatalogueIndex, fake_catalogue
from tests.fakes.recognise import garment_picture, shared_tiny_checkpoint, tiny_checkpoint, two_garments


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    return shared_tiny_checkpoint(tmp_path_factory)


@pytest.fixture(scope="module")
def recogniser(checkpoint) -> Recogniser:
    return Recogniser(checkpoint)


def test_training_smoke_writes_a_calibrated_checkpoint(checkpoint):
    net, calibration, meta = load_checkpoint(checkpoint)
    assert "T-Shirt" in net.config.articles and "striped" in net.config.patterns
    assert calibration.article_temperature > 0 and 0 < calibration.unsure_below < 1
    assert {"article_val_accuracy", "pattern_val_accuracy", "article_ece"} <= set(meta["metrics"])


@pytest.mark.slow
@pytest.mark.skipif(
    not fashion_mnist_available(), reason="Fashion-MNIST (dataset-fashion-mnist) is not installed"
)
def test_training_reads_fashion_mnist(tmp_path):
    metrics = tiny_checkpoint(
        tmp_path / "fm.pt", n=30, fashion_mnist="/usr/share/datasets/fashion-mnist", limit=300
    )
    assert metrics["train_pictures"] >= 270 and 0 <= metrics["fashion_mnist_val_accuracy"] <= 1


def test_checkpoint_round_trip_gives_identical_predictions(checkpoint, tmp_path):
    net, calibration, meta = load_checkpoint(checkpoint)
    copy = save_checkpoint(tmp_path / "copy.pt", net, calibration, meta)
    again, calibration2, _ = load_checkpoint(copy)
    x, t = torch.rand(4, 1, 28, 28), torch.rand(4, 3, 48, 48)
    with torch.no_grad():
        for a, b in zip(net(x, t), again(x, t)):
            assert torch.allclose(a, b, atol=1e-6)
    assert calibration2 == calibration


def test_bad_checkpoints_are_named(tmp_path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_checkpoint(tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ModelUnavailableError, match="junk.pt"):
        load_checkpoint(tmp_path / "junk.pt")


@pytest.mark.parametrize(
    "name,rgb",
    [
        ("red", (200, 30, 40)),
        ("navy blue", (24, 36, 80)),
        ("white", (246, 246, 244)),
        ("black", (28, 28, 30)),
        ("yellow", (248, 220, 60)),
        ("green", (46, 139, 70)),
        ("grey", (140, 140, 140)),
        ("maroon", (128, 0, 0)),
    ],
)
def test_solid_garments_get_their_colour_name(name, rgb):
    img = garment_picture(rgb)
    fg = find_foreground(img)
    colours = main_colours(img, colour_weights(fg))
    assert colours[0].name == name and colours[0].share > 0.9


def test_striped_garment_has_both_colours_with_shares():
    img = garment_picture((40, 90, 190), stripes=(246, 246, 244))
    colours = main_colours(img, colour_weights(find_foreground(img)))
    assert {c.name for c in colours[:2]} == {"blue", "white"}
    assert all(0.3 < c.share < 0.7 for c in colours[:2])


def test_a_recognition_has_slot_colours_and_calibrated_confidences(recogniser):
    result = recogniser.recognise(garment_picture((200, 30, 40)))
    assert result.status in ("ok", "unsure") and result.garments_found == 1
    assert result.colours[0].name == "red"
    probs = [c.confidence for c in result.candidates]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1.0001
    if result.status == "ok":
        assert result.article_type == result.candidates[0].label and result.slot
    else:
        assert result.article_type is None and "unsure" in result.message


def test_low_confidence_is_unsure_with_candidates(checkpoint):
    cautious = Recogniser(checkpoint)
    cautious.calibration.unsure_below = 0.999
    result = cautious.recognise(garment_picture((46, 139, 70)))
    assert result.status == "unsure" and result.article_type is None and result.slot is None
    assert len(result.candidates) == 3 and result.candidates[0].label in result.message


def test_not_an_image_is_a_clear_error(recogniser, tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_text("this is not a picture")
    with pytest.raises(StylistError, match="photo.jpg"):
        recogniser.recognise(fake)
    with pytest.raises(StylistError, match="does not exist"):
        recogniser.recognise(tmp_path / "missing.png")


@pytest.mark.parametrize("background", [(255, 255, 255), (214, 200, 180), "noise"])
def test_plain_background_is_no_garment(recogniser, background):
    from PIL import Image

    if background == "noise":
        rng = np.random.default_rng(0)
        pixels = np.clip(np.full((96, 96, 3), 200.0) + rng.normal(0, 3, (96, 96, 3)), 0, 255).astype(np.uint8)
        img = Image.fromarray(pixels)
    else:
        img = Image.new("RGB", (96, 96), background)
    result = recogniser.recognise(img)
    assert result.status == "no_garment" and result.article_type is None and not result.candidates
    assert "no garment" in result.message


def test_several_garments_get_no_label(recogniser):
    result = recogniser.recognise(two_garments())
    assert result.status == "several_garments" and result.garments_found == 2
    assert result.article_type is None and len(result.parts) == 2 and "2 separate garments" in result.message


def _runtime(recogniser, **services):
    from stylist.runtime import Runtime

    return Runtime(recogniser=recogniser, catalogue_index=FakeCatalogueIndex(fake_catalogue(60)), **services)


def test_the_tool_via_the_registry_returns_closest_catalogue_items(recogniser, tmp_path):
    from stylist.tools.registry import build_registry

    path = tmp_path / "shirt.png"
    garment_picture((24, 36, 80)).save(path)
    registry = build_registry(_runtime(recogniser))
    assert "recognise_garment" in registry
    result = registry.invoke("recognise_garment", {"image_path": str(path), "k": 3})
    assert result.image_path == str(path) and result.colours[0].name == "navy blue"
    assert len(result.closest) == 3 and all(c.garment.id and c.why for c in result.closest)
    empty = tmp_path / "empty.png"
    garment_picture((255, 255, 255)).save(empty)
    nothing = registry.invoke("recognise_garment", {"image_path": str(empty)})
    assert nothing.status == "no_garment" and nothing.closest == []


def test_the_rule_router_reaches_the_tool_for_a_photo(recogniser):
    from stylist.agent.router import Router
    from stylist.tools.registry import build_registry

    router = Router(build_registry(_runtime(recogniser)))
    decision = router.route("what is this? ~/Pictures/photo.jpg")
    assert decision.tool == "recognise_garment" and decision.arguments == {
        "image_path": "~/Pictures/photo.jpg"
    }
    decision = router.route('what goes with "my shirt.png"')
    assert decision.tool == "recognise_garment" and decision.arguments == {
        "image_path": "my shirt.png",
        "goes_with": True,
    }
    assert router.route("a linen shirt for a summer wedding").tool != "recognise_garment"
    assert (
        router.route("what goes with black jeans?").tool == "build_outfit"
    )  # no picture: an outfit question


def _cli(capsys, *argv):
    return run_cli(capsys, *argv)


def test_cli_json_uses_the_users_trained_checkpoint(checkpoint, stylist_home, tmp_path, capsys):
    models = stylist_home / "models"
    models.mkdir(parents=True)
    shutil.copy(checkpoint, models / "recogniser.pt")
    photo = tmp_path / "tee.png"
    garment_picture((248, 220, 60)).save(photo)
    code, out, err = _cli(capsys, "recognise", str(photo), "-k", "0", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (
        data["status"] in ("ok", "unsure")
        and data["colours"][0]["name"] == "yellow"
        and data["closest"] == []
    )
    bad = tmp_path / "notes.png"
    bad.write_text("hello")
    code, out, err = _cli(capsys, "recognise", str(bad))
    assert code == 1 and "notes.png" in err and "Traceback" not in err


@pytest.mark.slow
def test_packaged_checkpoint_recognises_held_out_demo_garments():
    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.demo.render import render

    if not PACKAGED_CHECKPOINT.is_file():
        pytest.fail(f"the packaged checkpoint {PACKAGED_CHECKPOINT} is missing")
    recogniser = Recogniser(PACKAGED_CHECKPOINT)
    garments = [
        g.model_copy(update={"id": f"test-{i}"}) for i, g in enumerate(generate_demo_catalogue(60, seed=99))
    ]
    results = [recogniser.recognise(render(g)) for g in garments]
    confident = [(g, r) for g, r in zip(garments, results) if r.status == "ok"]
    right = sum(r.article_type == g.article_type for g, r in confident)
    assert len(confident) >= 40 and right / len(confident) >= 0.85
    assert sum(r.colours and r.colours[0].name in g.colours for g, r in zip(garments, results)) >= 45
    earrings = next(g for g in generate_demo_catalogue(400, seed=11) if g.article_type == "Earrings")
    assert recogniser.recognise(render(earrings)).status == "ok"  # a pair is one item, not "several garments"
    assert recogniser.recognise(two_garments()).status == "several_garments"


class _NoImageVectors(FakeCatalogueIndex):
    def search(self, query, filters=None, k=10, image_path=None):  # noqa: ANN001, ANN201
        from stylist.errors import IndexNotBuiltError

        if image_path:
            raise IndexNotBuiltError("this index has no image vectors to compare a picture with")
        return super().search(query, filters=filters, k=k)


def test_without_image_vectors_closest_items_come_from_the_recognised_words(tmp_path):
    from stylist.runtime import Runtime
    from stylist.tools.registry import build_registry

    class Shirt:
        def recognise(self, path):  # noqa: ANN001, ANN201
            from stylist.tools.recognise.recogniser import Candidate, ColourShare, Recognition

            return Recognition(
                status="ok",
                message="navy shirt",
                article_type="Shirt",
                slot="top",
                article_confidence=0.9,
                candidates=[Candidate(label="Shirt", confidence=0.9)],
                garments_found=1,
                colours=[ColourShare(name="navy blue", share=1.0, hex="#182450")],
            )

    path = tmp_path / "shirt.png"
    garment_picture((24, 36, 80)).save(path)
    runtime = Runtime(recogniser=Shirt(), catalogue_index=_NoImageVectors(fake_catalogue(60)))
    result = build_registry(runtime).invoke("recognise_garment", {"image_path": str(path), "k": 3})
    assert result.closest and all(c.garment.slot.value == "top" for c in result.closest)
    assert "navy blue Shirt" in result.closest_note and "no image vectors" in result.closest_note


@pytest.mark.slow
def test_train_recogniser_cli(tmp_path, capsys):
    out = tmp_path / "mine.pt"
    code, stdout, err = _cli(
        capsys,
        "train",
        "recogniser",
        "--no-fashion-mnist",
        "--demo-size",
        "40",
        "--epochs",
        "1",
        "--out",
        str(out),
        "--json",
    )
    assert code == 0, err
    metrics = json.loads(stdout)
    assert out.is_file() and metrics["checkpoint"] == str(out) and metrics["train_pictures"] > 0
    assert Recogniser(out).articles[0] == "T-Shirt"
