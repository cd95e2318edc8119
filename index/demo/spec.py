"""What the demo catalogue is made of: article types, colours, patterns, brands, prices.

Every fact a generated garment states (in its fields, title, description and picture) comes from
these tables, so the three always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stylist.index.schema import Slot

#: Colour name → RGB. Names are the lexicon's canonical ones (``stylist.index.lexicon``).
COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (28, 28, 30),
    "white": (246, 246, 244),
    "cream": (238, 228, 204),
    "beige": (216, 198, 168),
    "camel": (193, 154, 107),
    "tan": (180, 140, 96),
    "brown": (110, 72, 44),
    "khaki": (170, 160, 110),
    "olive": (107, 112, 52),
    "sage": (156, 175, 136),
    "rust": (183, 65, 14),
    "terracotta": (204, 102, 72),
    "mustard": (214, 170, 40),
    "burgundy": (120, 24, 44),
    "red": (200, 30, 40),
    "pink": (236, 150, 180),
    "blush": (232, 190, 180),
    "coral": (248, 120, 96),
    "orange": (240, 130, 30),
    "yellow": (248, 220, 60),
    "green": (46, 139, 70),
    "emerald": (0, 120, 90),
    "teal": (0, 120, 128),
    "light blue": (150, 190, 230),
    "blue": (40, 90, 190),
    "navy blue": (24, 36, 80),
    "grey": (140, 140, 140),
    "charcoal": (60, 62, 66),
    "lavender": (184, 164, 220),
    "purple": (110, 50, 140),
    "gold": (212, 175, 55),
    "silver": (192, 194, 200),
}

METALS = ("gold", "silver")
EARTHY = ("olive", "rust", "terracotta", "camel", "khaki", "mustard", "brown", "beige", "sage", "tan", "cream")
NEUTRALS = ("black", "white", "grey", "charcoal", "navy blue", "beige", "cream", "brown", "camel")
BRIGHTS = ("red", "pink", "blush", "coral", "orange", "yellow", "green", "emerald", "teal", "light blue",
           "blue", "lavender", "purple", "burgundy")
CLOTH = tuple(c for c in COLOURS if c not in METALS)

PATTERNS = ("solid", "striped", "checked", "plaid", "polka dot", "floral")
SEASONS = ("spring", "summer", "autumn", "winter")

WARM_MATERIALS = {"wool", "cashmere", "tweed", "fleece", "corduroy", "velvet", "suede", "shearling"}
LIGHT_MATERIALS = {"linen", "chiffon", "cotton voile", "seersucker", "straw", "raffia"}


@dataclass(frozen=True)
class Article:
    """One demo article type: its slot, who wears it and what it is made of."""

    name: str
    slot: Slot
    shape: str
    price: tuple[float, float]
    materials: tuple[str, ...]
    occasions: tuple[str, ...]
    genders: tuple[str, ...] = ("women", "men")
    patterns: tuple[str, ...] = PATTERNS
    colours: tuple[str, ...] = CLOTH
    seasons: tuple[str, ...] = SEASONS
    features: tuple[str, ...] = ()
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weight: float = 1.0


SOLIDISH = ("solid", "solid", "solid", "striped")
ARTICLES: tuple[Article, ...] = (
    Article("T-Shirt", Slot.TOP, "tshirt", (12, 45), ("cotton", "jersey", "linen"), ("casual", "sports", "beach", "travel"),
            genders=("women", "men", "unisex", "girls", "boys"), patterns=("solid", "solid", "striped", "polka dot", "floral"),
            features=("a crew neck", "a soft hand feel", "a clean hem", "a ribbed neckline"),
            variants={"sleeve": ("short", "short", "long"), "fit": ("relaxed", "slim", "oversized")}, weight=1.6),
    Article("Shirt", Slot.TOP, "shirt", (25, 95), ("cotton", "linen", "silk", "denim", "flannel"),
            ("work", "casual", "formal", "wedding"), patterns=("solid", "solid", "striped", "checked", "plaid"),
            features=("a button-down collar", "a single chest pocket", "mother-of-pearl buttons", "a curved hem"),
            variants={"sleeve": ("long", "long", "short"), "fit": ("slim", "regular", "relaxed")}, weight=1.5),
    Article("Blouse", Slot.TOP, "blouse", (25, 110), ("silk", "chiffon", "cotton", "satin"), ("work", "casual", "party"),
            genders=("women",), patterns=("solid", "solid", "floral", "polka dot", "striped"),
            features=("a soft V-neck", "gathered cuffs", "a fluid drape", "a tie neck"),
            variants={"sleeve": ("long", "short", "three-quarter")}),
    Article("Sweater", Slot.TOP, "sweater", (35, 180), ("wool", "cashmere", "cotton", "merino"), ("casual", "work", "travel"),
            patterns=("solid", "solid", "striped"), seasons=("autumn", "winter"),
            features=("ribbed cuffs and hem", "a crew neck", "a chunky knit", "a fine-gauge knit"),
            variants={"fit": ("relaxed", "oversized", "regular")}),
    Article("Hoodie", Slot.TOP, "hoodie", (30, 90), ("cotton", "fleece"), ("casual", "sports", "travel"),
            genders=("women", "men", "unisex", "boys", "girls"), patterns=("solid", "solid", "striped"),
            seasons=("autumn", "winter", "spring"), features=("a kangaroo pocket", "a drawstring hood", "brushed fleece inside")),
    Article("Trousers", Slot.BOTTOM, "trousers", (35, 140), ("wool", "cotton", "linen", "corduroy"), ("work", "formal", "casual"),
            patterns=("solid", "solid", "checked", "striped"), features=("pressed creases", "side pockets", "a flat front"),
            variants={"fit": ("straight", "wide-leg", "slim")}, weight=1.2),
    Article("Jeans", Slot.BOTTOM, "jeans", (40, 150), ("denim",), ("casual", "travel", "party"),
            genders=("women", "men", "girls", "boys"), patterns=("solid",),
            colours=("blue", "light blue", "navy blue", "black", "grey", "white", "olive", "khaki"),
            features=("five-pocket styling", "contrast stitching", "a mid-rise waist"),
            variants={"fit": ("straight", "skinny", "wide-leg")}, weight=1.3),
    Article("Skirt", Slot.BOTTOM, "skirt", (25, 120), ("cotton", "denim", "wool", "satin", "leather", "linen"),
            ("work", "casual", "party"), genders=("women", "girls"),
            features=("an A-line cut", "a concealed side zip", "soft pleats"), variants={"length": ("mini", "midi", "maxi")}),
    Article("Shorts", Slot.BOTTOM, "shorts", (18, 60), ("cotton", "denim", "linen"), ("casual", "beach", "sports"),
            genders=("women", "men", "boys", "girls"), patterns=("solid", "solid", "striped", "checked", "floral"),
            seasons=("spring", "summer"), features=("an elastic waist", "rolled hems", "deep pockets")),
    Article("Dress", Slot.DRESS, "dress", (35, 260), ("cotton", "silk", "linen", "satin", "chiffon", "velvet"),
            ("party", "wedding", "casual", "work", "beach", "formal"), genders=("women", "girls"),
            features=("a fitted bodice", "a wrap front", "a flowing skirt", "a cinched waist"),
            variants={"length": ("mini", "midi", "maxi"), "sleeve": ("sleeveless", "short", "long")}, weight=1.6),
    Article("Jumpsuit", Slot.DRESS, "jumpsuit", (45, 180), ("linen", "cotton", "crepe", "denim"), ("party", "casual", "work"),
            genders=("women",), patterns=("solid", "solid", "floral", "striped"),
            features=("a tie belt", "wide legs", "a relaxed bodice")),
    Article("Coat", Slot.OUTERWEAR, "coat", (90, 450), ("wool", "cashmere", "tweed"), ("work", "formal", "casual"),
            patterns=("solid", "solid", "checked", "plaid"), seasons=("autumn", "winter"),
            colours=NEUTRALS + ("olive", "rust", "burgundy", "khaki", "red"),
            features=("notch lapels", "a double-breasted front", "a belted waist", "deep welt pockets")),
    Article("Jacket", Slot.OUTERWEAR, "jacket", (60, 320), ("leather", "denim", "suede", "nylon", "corduroy"),
            ("casual", "travel", "party"), genders=("women", "men", "unisex"), patterns=("solid",),
            seasons=("spring", "autumn", "winter"), features=("a front zip", "snap pockets", "a boxy cut")),
    Article("Blazer", Slot.OUTERWEAR, "blazer", (70, 300), ("wool", "linen", "velvet", "tweed"), ("work", "formal", "wedding"),
            patterns=("solid", "solid", "checked", "plaid", "striped"), features=("a two-button front", "peak lapels", "a half lining")),
    Article("Sneakers", Slot.SHOES, "sneakers", (45, 160), ("canvas", "leather", "suede"), ("casual", "sports", "travel"),
            genders=("women", "men", "unisex", "boys", "girls"), patterns=("solid",),
            colours=("white", "black", "grey", "navy blue", "beige", "red", "green", "olive", "pink"),
            features=("a cushioned sole", "a low-top profile", "contrast laces"), weight=1.3),
    Article("Boots", Slot.SHOES, "boots", (80, 280), ("leather", "suede"), ("casual", "work", "travel"), patterns=("solid",),
            colours=("black", "brown", "tan", "camel", "burgundy", "olive", "grey", "beige"), seasons=("autumn", "winter"),
            features=("a block heel", "a side zip", "a lug sole"), variants={"height": ("ankle", "ankle", "knee-high")}),
    Article("Heels", Slot.SHOES, "heels", (50, 240), ("leather", "suede", "satin"), ("party", "wedding", "formal", "work"),
            genders=("women",), patterns=("solid",),
            colours=("black", "red", "beige", "blush", "navy blue", "gold", "silver", "burgundy", "emerald"),
            features=("a pointed toe", "a slim stiletto heel", "a padded insole")),
    Article("Sandals", Slot.SHOES, "sandals", (25, 120), ("leather", "suede"), ("beach", "casual", "wedding"),
            genders=("women", "men", "girls"), patterns=("solid",), colours=("tan", "brown", "black", "white", "gold", "camel", "beige"),
            seasons=("spring", "summer"), features=("adjustable straps", "a flat footbed", "a buckle fastening")),
    Article("Loafers", Slot.SHOES, "loafers", (60, 220), ("leather", "suede"), ("work", "casual", "formal"), patterns=("solid",),
            colours=("black", "brown", "tan", "burgundy", "navy blue", "camel"), features=("a penny strap", "a stacked heel")),
    Article("Handbag", Slot.BAG, "handbag", (40, 380), ("leather", "faux leather", "canvas", "straw"), ("work", "party", "casual"),
            genders=("women",), patterns=("solid", "solid", "striped"),
            features=("a top handle", "a detachable strap", "an inner zip pocket"), weight=1.2),
    Article("Backpack", Slot.BAG, "backpack", (35, 160), ("nylon", "canvas", "leather"), ("travel", "casual", "sports"),
            genders=("unisex", "women", "men", "boys", "girls"), patterns=("solid",),
            features=("a padded laptop sleeve", "a front zip pocket", "padded straps")),
    Article("Hat", Slot.ACCESSORY, "hat", (18, 80), ("wool", "straw", "cotton", "felt"), ("beach", "casual", "wedding"),
            genders=("women", "men", "unisex"), patterns=("solid",), features=("a wide brim", "a grosgrain band")),
    Article("Scarf", Slot.ACCESSORY, "scarf", (15, 120), ("wool", "silk", "cashmere", "cotton"), ("casual", "work", "travel"),
            genders=("women", "men", "unisex"), seasons=("autumn", "winter", "spring"), features=("fringed ends", "a soft brushed finish")),
    Article("Belt", Slot.ACCESSORY, "belt", (18, 90), ("leather", "suede"), ("work", "casual", "formal"), patterns=("solid",),
            colours=("black", "brown", "tan", "camel", "burgundy", "navy blue"), features=("a brushed metal buckle", "a slim profile")),
    Article("Watch", Slot.ACCESSORY, "watch", (60, 400), ("stainless steel", "leather"), ("work", "formal", "casual", "sports"),
            genders=("women", "men", "unisex"), patterns=("solid",), colours=("black", "brown", "silver", "gold", "tan", "navy blue"),
            features=("a minimalist dial", "a sapphire-coated crystal", "a date window")),
    Article("Sunglasses", Slot.ACCESSORY, "sunglasses", (20, 180), ("acetate", "metal"), ("beach", "casual", "travel"),
            genders=("unisex", "women", "men"), patterns=("solid",), colours=("black", "brown", "tan", "gold", "silver", "red", "white"),
            seasons=("spring", "summer"), features=("UV400 lenses", "a rounded frame", "a classic square frame")),
    Article("Necklace", Slot.JEWELRY, "necklace", (20, 220), ("gold-plated brass", "sterling silver"), ("party", "wedding", "work"),
            genders=("women",), patterns=("solid",), colours=METALS, features=("a delicate chain", "a single pendant")),
    Article("Earrings", Slot.JEWELRY, "earrings", (15, 160), ("gold-plated brass", "sterling silver"), ("party", "wedding", "casual"),
            genders=("women",), patterns=("solid",), colours=METALS, features=("a drop silhouette", "a secure hook")),
    Article("Bracelet", Slot.JEWELRY, "bracelet", (15, 180), ("gold-plated brass", "sterling silver"), ("party", "casual", "wedding"),
            genders=("women", "unisex"), patterns=("solid",), colours=METALS, features=("a polished finish", "a slim bangle shape")),
)

#: Fictional brands and their price level (multiplies the article's price range).
BRANDS: dict[str, float] = {
    "Northwind": 1.0, "Maison Ocre": 1.45, "Fieldcraft": 0.95, "Lumen & Loom": 1.2, "Atelier Sable": 1.7,
    "Harbour Row": 0.9, "Kestrel": 1.05, "Juniper Lane": 0.85, "Copperleaf": 1.1, "Stonebridge": 1.25,
    "Vela": 0.8, "Marlowe & Finch": 1.5, "Tidewater": 0.9, "Oakhurst": 1.15, "Saffron Street": 0.75,
    "Nordhem": 1.3, "Calder": 1.0, "Wren & Thistle": 1.1, "Brightfold": 0.7, "Ashgrove": 1.35,
}

MATERIAL_PRICE = {"cashmere": 1.6, "silk": 1.35, "leather": 1.3, "suede": 1.25, "velvet": 1.2, "tweed": 1.15,
                  "sterling silver": 1.2, "stainless steel": 1.1, "faux leather": 0.8, "canvas": 0.85, "nylon": 0.9}
