"""Hard pictures for the recogniser: identical garments apart/touching/overlapping, pairs that are
one item, photo-like and busy backdrops. Uses the packaged checkpoint (small; loads in ms)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stylist.tools.recognise.preprocess import find_foreground, split_at_necks, split_repeat
from stylist.tools.recognise.recogniser import PACKAGED_CHECKPOINT, Recogniser
from tests.fakes.recognise import TROUSERS, TSHIRT, garment_picture


@pytest.fixture(scope="module")
def recogniser() -> Recogniser:
    return Recogniser(PACKAGED_CHECKPOINT)


def _side_by_side(img: Image.Image, gap: int) -> Image.Image:
    """Two copies of ``img`` (a garment on white), ``gap`` pixels apart (negative: overlapping)."""
    mask = (255 - np.asarray(img, dtype=np.int16)).max(axis=2) > 12
    xs = np.nonzero(mask.any(axis=0))[0]
    offset = int(xs.max() + 1 + gap - xs.min())
    canvas = Image.new("RGB", (offset + img.width, img.height), (255, 255, 255))
    canvas.paste(img, (0, 0))
    canvas.paste(img, (offset, 0), Image.fromarray((mask * 255).astype(np.uint8)))
    return canvas


def _photo_backdrop(size: int = 128, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    grain = 5 * np.sin(xx / 3.0 + 3 * np.sin(yy / 17.0))
    light = 1 + 0.2 * (xx / size - 0.5)
    return (np.full((size, size, 3), [205.0, 190, 170]) + grain[..., None]) * light[..., None] + rng.normal(
        0, 3, (size, size, 3)
    )


@pytest.mark.parametrize("gap", [10, -1, -8], ids=["apart", "touching", "overlapping"])
def test_two_identical_garments_are_several_not_a_pair(recogniser, gap):
    for shape, colour in ((TSHIRT, (200, 30, 40)), (TROUSERS, (24, 36, 80))):
        result = recogniser.recognise(_side_by_side(garment_picture(colour, shape=shape), gap))
        assert result.article_type is None, (shape is TSHIRT, result.message)
        if (
            gap > -5 or shape is TSHIRT
        ):  # two plain trapezoids overlapping are one wider one: "unsure" is honest
            assert result.status == "several_garments" and result.garments_found == 2, (
                shape is TSHIRT,
                result.message,
            )


def test_neck_split_cuts_two_touching_blobs_but_not_one_garment():
    one = find_foreground(garment_picture((40, 90, 190))).blobs[0]
    assert len(split_at_necks(one)) == 1
    two = find_foreground(_side_by_side(garment_picture((40, 90, 190)), -1)).blobs
    assert len(two) == 1 and len(split_at_necks(two[0])) == 2


def test_repeat_split_finds_merged_copies_but_not_a_plain_rectangle():
    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.demo.render import render

    dress = next(
        g
        for g in generate_demo_catalogue(300, seed=11)
        if g.article_type == "Dress" and g.pattern == "checked"
    )
    img = _side_by_side(render(dress), -1)  # touching: one blob with a wide neck (the skirts)
    blob = find_foreground(img).blobs[0]
    halves = split_repeat(img, blob)
    assert len(halves) == 2 and abs(int(halves[0].sum()) - int(halves[1].sum())) < 0.35 * blob.sum()
    rect = Image.new("RGB", (128, 128), (255, 255, 255))
    rect.paste((30, 30, 30), (20, 30, 108, 90))
    assert len(split_repeat(rect, find_foreground(rect).blobs[0])) == 1


def test_pairs_stay_one_item(recogniser):
    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.demo.render import render

    catalogue = generate_demo_catalogue(400, seed=11)
    for article in ("Earrings", "Sunglasses", "Heels", "Sandals"):
        garment = next(g for g in catalogue if g.article_type == article)
        result = recogniser.recognise(render(garment))
        assert result.status == "ok" and result.article_type == article, (article, result.message)


def test_an_empty_photo_like_backdrop_is_no_garment(recogniser):
    img = Image.fromarray(_photo_backdrop().clip(0, 255).astype(np.uint8))
    assert recogniser.recognise(img).status == "no_garment"


def test_a_garment_on_a_photo_like_backdrop_is_found(recogniser):
    backdrop = _photo_backdrop()
    garment = np.asarray(garment_picture((24, 36, 80)), dtype=np.float64)
    on_garment = (255 - garment).max(axis=2) > 12
    img = Image.fromarray(np.where(on_garment[..., None], garment, backdrop).clip(0, 255).astype(np.uint8))
    fg = find_foreground(img)
    assert fg.textured and not fg.cluttered and abs(fg.mask.sum() - on_garment.sum()) < 0.1 * on_garment.sum()
    result = recogniser.recognise(img)
    assert result.status in ("ok", "unsure") and result.colours[0].name == "navy blue"
    if result.status == "ok":  # a photo-like backdrop needs a stricter confidence
        assert result.article_confidence >= 0.9


def test_a_busy_background_gives_colours_but_no_label(recogniser):
    rng = np.random.default_rng(1)
    busy = rng.integers(0, 256, (16, 16, 3)).astype(np.uint8)
    img = Image.fromarray(busy).resize((128, 128), Image.Resampling.NEAREST)
    img.paste((200, 30, 40), (40, 30, 90, 100))
    result = recogniser.recognise(img)
    assert result.status == "unsure" and result.article_type is None and "busy" in result.message
    assert result.colours and result.colours[0].name == "red"
