"""A deterministic demo catalogue: a few thousand garments with descriptions and pictures.

``generate_demo_catalogue(n, seed)`` gives the same garments for the same arguments, and
``image_dir`` gets one PNG per garment whose bytes depend only on the garment.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

from stylist.index.demo.render import render, save_png
from stylist.index.demo.spec import ARTICLES, Article
from stylist.index.demo.tables import (
    BRANDS,
    COLOURS,
    EARTHY,
    LIGHT_MATERIALS,
    MATERIAL_PRICE,
    SEASONS,
    WARM_MATERIALS,
)
from stylist.index.demo.text import Facts, describe, title
from stylist.index.schema import Garment

__all__ = ["generate_demo_catalogue", "render", "COLOURS", "ARTICLES"]

_GENDER_WEIGHT = {"women": 5, "men": 4, "unisex": 2, "girls": 1, "boys": 1}
_SECOND = ("white", "cream", "black", "navy blue", "beige")
_FLOWERS = ("white", "pink", "yellow", "red", "blush", "coral", "lavender", "cream")


def _colour_weight(name: str) -> float:
    return 1.4 if name in EARTHY else 1.0


def _seasons(article: Article, material: str, rng: random.Random) -> list[str]:
    if material in WARM_MATERIALS:
        wanted = ["autumn", "winter"]
    elif material in LIGHT_MATERIALS:
        wanted = ["spring", "summer"]
    elif rng.random() < 0.4:
        wanted = list(SEASONS)
    else:
        start = rng.randrange(4)
        wanted = [SEASONS[start], SEASONS[(start + 1) % 4]]
    chosen = [s for s in SEASONS if s in wanted and s in article.seasons]
    return chosen or list(article.seasons)


def _price(article: Article, brand: str, material: str, gender: str, rng: random.Random) -> float:
    lo, hi = article.price
    value = rng.uniform(lo, hi) * BRANDS[brand] * MATERIAL_PRICE.get(material, 1.0)
    if gender in ("girls", "boys"):
        value *= 0.6
    value = max(value, 5.0)
    ending = rng.choice((0.99, 0.99, 0.0, 0.5, 0.95))
    return round(max(int(value) + ending - (1 if ending else 0), 4.99), 2)


def _garment(index: int, rng: random.Random) -> Garment:
    article = rng.choices(ARTICLES, weights=[a.weight for a in ARTICLES])[0]
    gender = rng.choices(article.genders, weights=[_GENDER_WEIGHT[g] for g in article.genders])[0]
    colour = rng.choices(article.colours, weights=[_colour_weight(c) for c in article.colours])[0]
    pattern = rng.choice(article.patterns)
    colours = [colour]
    if pattern == "floral":
        colours.append(rng.choice([c for c in _FLOWERS if c != colour]))
    elif pattern in ("striped", "checked", "polka dot", "plaid") and rng.random() < 0.5:
        colours.append(rng.choice([c for c in _SECOND if c != colour]))
    material = rng.choice(article.materials)
    if colour in ("gold", "silver") and article.slot.value == "jewelry":
        material = "gold-plated brass" if colour == "gold" else "sterling silver"
    occasions = rng.sample(article.occasions, k=min(len(article.occasions), rng.choice((1, 2, 2))))
    brand = rng.choice(list(BRANDS))
    variants = {key: rng.choice(values) for key, values in article.variants.items()}
    facts = Facts(
        article,
        gender,
        colours,
        None if article.slot.value == "jewelry" else pattern,
        material,
        _seasons(article, material, rng),
        occasions,
        brand,
        variants,
    )
    return Garment(
        id=f"demo-{index + 1:05d}",
        title=title(facts, rng),
        description=describe(facts, rng),
        slot=article.slot,
        article_type=article.name,
        gender=gender,
        colours=colours,
        pattern=facts.pattern,
        material=material,
        seasons=facts.seasons,
        occasions=occasions,
        price=_price(article, brand, material, gender, rng),
        currency="USD",
        brand=brand,
        attributes={"shape": article.shape, **variants, "source": "demo"},
    )


def generate_demo_catalogue(
    n: int = 3000,
    seed: int = 7,
    image_dir: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[Garment]:
    """``n`` demo garments, the same for the same ``seed``; with ``image_dir``, one 128x128 PNG
    per garment is written there (``<id>.png``) and set as its ``image_path``.

    ``progress(1)`` is called after each picture is written, for progress bars.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    garments = [_garment(i, rng) for i in range(n)]
    if image_dir is None:
        return garments
    folder = Path(image_dir).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for garment in garments:
        path = folder / f"{garment.id}.png"
        save_png(render(garment), path)
        out.append(garment.model_copy(update={"image_path": str(path)}))
        if progress:
            progress(1)
    return out
