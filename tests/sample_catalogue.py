"""A small, deterministic list of garments for store and search tests (no demo generator needed)."""

from __future__ import annotations

import itertools

from stylist.index.schema import Garment, Gender, Slot

_KINDS = [
    (Slot.TOP, "Shirts", "shirt", ["formal", "office"]),
    (Slot.TOP, "Tshirts", "t-shirt", ["casual"]),
    (Slot.BOTTOM, "Jeans", "jeans", ["casual"]),
    (Slot.BOTTOM, "Trousers", "trousers", ["formal", "office"]),
    (Slot.DRESS, "Dresses", "dress", ["party", "wedding"]),
    (Slot.OUTERWEAR, "Jackets", "jacket", ["casual"]),
    (Slot.SHOES, "Boots", "boots", ["casual"]),
    (Slot.SHOES, "Sneakers", "sneakers", ["sports", "casual"]),
    (Slot.BAG, "Handbags", "handbag", ["office"]),
    (Slot.ACCESSORY, "Belts", "belt", ["formal"]),
]
_COLOURS = ["navy", "black", "red", "white", "green", "beige"]
_MATERIALS = ["cotton", "leather", "denim", "wool", "linen"]
_SEASONS = ["summer", "winter", "spring", "fall"]


def sample_garments(n: int = 120) -> list[Garment]:
    """``n`` garments cycling through kinds, colours, genders, materials, seasons and prices.

    Exactly three garments (ids ``rare-0..2``) have brand "Rarebrand"; the rest have "Basico".
    """
    out: list[Garment] = []
    combos = itertools.product(range(len(_COLOURS)), range(len(_KINDS)))
    for i, (c, kind_i) in zip(range(n), itertools.cycle(combos)):
        slot, article, noun, occasions = _KINDS[kind_i]
        colour = _COLOURS[c]
        gender = [Gender.MEN, Gender.WOMEN, Gender.UNISEX][i % 3]
        if slot is Slot.DRESS:
            gender = Gender.WOMEN
        material = _MATERIALS[i % len(_MATERIALS)]
        season = _SEASONS[i % len(_SEASONS)]
        rare = i in (7, 55, 101)
        out.append(
            Garment(
                id=f"rare-{[7, 55, 101].index(i)}" if rare else f"g{i:04d}",
                title=f"{colour.title()} {material} {noun}",
                description=f"A {colour} {noun} in {material} for {gender.value}, good for {season}.",
                slot=slot,
                article_type=article,
                gender=gender,
                colours=[colour],
                material=material,
                pattern="striped" if i % 7 == 0 else "solid",
                seasons=[season],
                occasions=occasions,
                price=None if i % 11 == 0 else float(15 + (i * 37) % 180),
                brand="Rarebrand" if rare else "Basico",
            )
        )
    return out
