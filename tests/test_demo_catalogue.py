"""The demo catalogue: deterministic, varied, consistent text, honest pictures."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stylist.fashion.terms import colours_in
from stylist.index.demo import COLOURS, generate_demo_catalogue
from stylist.index.demo.render import SHAPES, render
from stylist.index.loaders import load_catalogue, write_catalogue
from stylist.index.schema import OUTFIT_SLOTS, Slot


@pytest.fixture(scope="module")
def catalogue():
    return generate_demo_catalogue(n=1500, seed=7)


def test_same_seed_same_garments_other_seed_differs(catalogue) -> None:
    again = generate_demo_catalogue(n=1500, seed=7)
    assert again == catalogue
    other = generate_demo_catalogue(n=1500, seed=8)
    assert other != catalogue
    assert len({g.id for g in catalogue}) == 1500


def test_catalogue_covers_slots_types_colours_patterns_and_occasions(catalogue) -> None:
    assert {g.slot for g in catalogue} == set(OUTFIT_SLOTS)
    assert len({g.article_type for g in catalogue}) >= 25
    colours = Counter(c for g in catalogue for c in g.colours)
    assert len(colours) >= 20
    for earthy in ("olive", "rust", "terracotta", "camel", "khaki", "mustard", "brown", "beige", "sage"):
        assert colours[earthy] > 5, earthy
    assert {"solid", "striped", "checked", "plaid", "polka dot", "floral"} <= {g.pattern for g in catalogue}
    occasions = {o for g in catalogue for o in g.occasions}
    assert {"casual", "formal", "party", "wedding", "work", "sports", "beach"} <= occasions
    assert {g.gender.value for g in catalogue} == {"women", "men", "unisex", "girls", "boys"}
    assert all(g.price is not None and g.price > 0 and g.brand and g.material for g in catalogue)
    assert len({g.description for g in catalogue}) > 1400  # descriptions vary


def test_prices_are_realistic_per_type(catalogue) -> None:
    def median(article: str) -> float:
        return float(np.median([g.price for g in catalogue if g.article_type == article]))

    assert median("T-Shirt") < median("Shirt") < median("Coat")
    assert median("Earrings") < median("Handbag")
    assert 4 < min(g.price for g in catalogue) and max(g.price for g in catalogue) < 1500


def test_text_agrees_with_the_attributes(catalogue) -> None:
    for g in catalogue:
        text = f"{g.title} {g.description}".lower()
        assert g.colours[0] in text, g
        assert g.material in text, g
        if g.pattern and g.pattern != "solid":
            assert g.pattern in text, g
        named = set(colours_in(g.title))
        assert named <= set(g.colours) | {"gold", "silver"} and named, g
        for season in ("spring", "summer", "autumn", "winter"):
            if season in g.description.lower() and "all year" not in text and "every season" not in text:
                assert season in g.seasons, g
        assert g.slot is not Slot.OTHER


def test_every_article_type_has_a_silhouette(catalogue) -> None:
    shapes = {g.attributes["shape"] for g in catalogue}
    assert shapes <= set(SHAPES) and len(shapes) >= 25


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-images")
    return folder, generate_demo_catalogue(n=120, seed=3, image_dir=folder)


def test_images_are_written_and_deterministic(rendered, tmp_path: Path) -> None:
    folder, garments = rendered
    assert all(Path(g.image_path).parent == folder for g in garments)
    again = generate_demo_catalogue(n=120, seed=3, image_dir=tmp_path)
    for a, b in zip(garments, again):
        assert (
            hashlib.sha256(Path(a.image_path).read_bytes()).digest()
            == hashlib.sha256(Path(b.image_path).read_bytes()).digest()
        )
    assert [g.model_copy(update={"image_path": None}) for g in garments] == generate_demo_catalogue(
        n=120, seed=3
    )


def test_images_are_128_rgb_with_a_visible_garment(rendered) -> None:
    _, garments = rendered
    for g in garments:
        with Image.open(g.image_path) as image:
            assert image.size == (128, 128) and image.mode == "RGB"
            pixels = np.asarray(image).astype(int)
        corners = [pixels[0, 0], pixels[0, -1], pixels[-1, 0], pixels[-1, -1]]
        assert all((c == 255).all() for c in corners), g.id  # white background
        non_white = (np.abs(pixels - 255).sum(axis=2) > 30).mean()
        assert 0.03 < non_white < 0.8, (g.id, g.article_type, non_white)


def test_fill_colour_is_close_to_the_named_colour() -> None:
    garments = [
        g
        for g in generate_demo_catalogue(n=600, seed=11)
        if g.slot in (Slot.TOP, Slot.BOTTOM, Slot.DRESS, Slot.OUTERWEAR)
        and g.pattern == "solid"
        and g.colours[0] not in ("white", "cream")
    ]
    assert len(garments) > 50
    for g in garments:
        pixels = np.asarray(render(g)).reshape(-1, 3).astype(int)
        cloth = pixels[np.abs(pixels - 255).sum(axis=1) > 30]
        median = np.median(cloth, axis=0)
        target = np.array(COLOURS[g.colours[0]])
        assert np.abs(median - target).max() < 25, (g.id, g.colours, median, target)


def test_patterns_show_two_colours() -> None:
    garments = [
        g
        for g in generate_demo_catalogue(n=400, seed=5)
        if g.slot in (Slot.TOP, Slot.DRESS)
        and g.pattern in ("striped", "checked", "polka dot")
        and len(g.colours) == 2
    ]
    assert garments
    for g in garments:
        pixels = np.asarray(render(g)).reshape(-1, 3).astype(int)
        for name in g.colours:
            close = (np.abs(pixels - np.array(COLOURS[name])).max(axis=1) < 30).mean()
            assert close > 0.01, (g.id, name)


def test_demo_catalogue_round_trips_through_jsonl(rendered, tmp_path: Path) -> None:
    _, garments = rendered
    path = write_catalogue(garments, tmp_path / "catalogue.jsonl")
    assert load_catalogue(path, strict=True).garments == garments


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError):
        generate_demo_catalogue(n=-1)


def test_any_catalogue_garment_with_a_known_type_can_be_drawn() -> None:
    from stylist.index.demo.render import shape_for
    from stylist.index.schema import Garment

    def garment(article: str, colour: str = "olive") -> Garment:
        return Garment(id=article, title=article, slot=Slot.OTHER, article_type=article, colours=[colour])

    cases = {
        "Tshirts": "tshirt",
        "Casual Shoes": "sneakers",
        "Sweatshirts": "sweater",
        "Handbags": "handbag",
        "Sunglasses": "sunglasses",
        "Track Pants": "trousers",
        "Day Dresses": "dress",
        "Jeans": "jeans",
        "Shirts": "shirt",
        "Ankle Booties": "boots",
        "Watches": "watch",
        "Necklace and Chains": "necklace",
    }
    for article, shape in cases.items():
        assert shape_for(garment(article)) == shape, article
    image = render(garment("Shirts", "navy blue"))
    assert image.size == (128, 128)
    with pytest.raises(KeyError, match="Perfume"):
        render(garment("Perfume and Body Mist"))
