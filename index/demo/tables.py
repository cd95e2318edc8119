"""The small tables behind the demo catalogue: its palette, patterns, seasons, material classes,
brands and price factors (the article types are in ``spec``).
"""

from __future__ import annotations

from stylist.fashion.vocabulary import vocabulary

#: The demo palette: canonical colour names of the fashion vocabulary, whose hex values paint them.
PALETTE: tuple[str, ...] = (
    "black",
    "white",
    "cream",
    "beige",
    "camel",
    "tan",
    "brown",
    "khaki",
    "olive",
    "sage",
    "rust",
    "terracotta",
    "mustard",
    "burgundy",
    "red",
    "pink",
    "blush",
    "coral",
    "orange",
    "yellow",
    "green",
    "emerald",
    "teal",
    "light blue",
    "blue",
    "navy blue",
    "grey",
    "charcoal",
    "lavender",
    "purple",
    "gold",
    "silver",
)
COLOURS: dict[str, tuple[int, int, int]] = {
    name: (int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16))
    for name in PALETTE
    if (h := vocabulary().colours[name].hex)
}

METALS = ("gold", "silver")
EARTHY = tuple(c for c in PALETTE if vocabulary().colours[c].earthy)
NEUTRALS = ("black", "white", "grey", "charcoal", "navy blue", "beige", "cream", "brown", "camel")
BRIGHTS = (
    "red",
    "pink",
    "blush",
    "coral",
    "orange",
    "yellow",
    "green",
    "emerald",
    "teal",
    "light blue",
    "blue",
    "lavender",
    "purple",
    "burgundy",
)
CLOTH = tuple(c for c in COLOURS if c not in METALS)

PATTERNS = ("solid", "striped", "checked", "plaid", "polka dot", "floral")
SEASONS = ("spring", "summer", "autumn", "winter")

WARM_MATERIALS = {"wool", "cashmere", "tweed", "fleece", "corduroy", "velvet", "suede", "shearling"}
LIGHT_MATERIALS = {"linen", "chiffon", "cotton voile", "seersucker", "straw", "raffia"}


BRANDS: dict[str, float] = {
    "Northwind": 1.0,
    "Maison Ocre": 1.45,
    "Fieldcraft": 0.95,
    "Lumen & Loom": 1.2,
    "Atelier Sable": 1.7,
    "Harbour Row": 0.9,
    "Kestrel": 1.05,
    "Juniper Lane": 0.85,
    "Copperleaf": 1.1,
    "Stonebridge": 1.25,
    "Vela": 0.8,
    "Marlowe & Finch": 1.5,
    "Tidewater": 0.9,
    "Oakhurst": 1.15,
    "Saffron Street": 0.75,
    "Nordhem": 1.3,
    "Calder": 1.0,
    "Wren & Thistle": 1.1,
    "Brightfold": 0.7,
    "Ashgrove": 1.35,
}

MATERIAL_PRICE = {
    "cashmere": 1.6,
    "silk": 1.35,
    "leather": 1.3,
    "suede": 1.25,
    "velvet": 1.2,
    "tweed": 1.15,
    "sterling silver": 1.2,
    "stainless steel": 1.1,
    "faux leather": 0.8,
    "canvas": 0.85,
    "nylon": 0.9,
}
