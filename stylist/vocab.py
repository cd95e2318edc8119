"""Fashion words in English: colours, materials, patterns, styles and garment nouns.

Used to read preferences out of a sentence ("I hate orange") and to check that generated copy
states only what is true of an item. Multi-word terms are matched before their parts
("navy blue" before "blue"), and hyphens count as spaces ("t-shirt").
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

COLOURS = [
    "black",
    "white",
    "grey",
    "gray",
    "charcoal",
    "silver",
    "steel",
    "navy",
    "navy blue",
    "blue",
    "light blue",
    "sky blue",
    "royal blue",
    "cobalt",
    "denim blue",
    "teal",
    "turquoise",
    "turquoise blue",
    "aqua",
    "green",
    "olive",
    "olive green",
    "khaki",
    "mint",
    "sea green",
    "lime green",
    "emerald",
    "sage",
    "forest green",
    "fluorescent green",
    "red",
    "burgundy",
    "maroon",
    "wine",
    "crimson",
    "scarlet",
    "pink",
    "rose",
    "blush",
    "fuchsia",
    "magenta",
    "hot pink",
    "purple",
    "lavender",
    "lilac",
    "violet",
    "plum",
    "mauve",
    "orange",
    "rust",
    "coral",
    "peach",
    "apricot",
    "yellow",
    "mustard",
    "lemon",
    "gold",
    "golden",
    "beige",
    "cream",
    "ivory",
    "off white",
    "ecru",
    "tan",
    "camel",
    "brown",
    "chocolate",
    "coffee brown",
    "mushroom brown",
    "taupe",
    "nude",
    "skin",
    "copper",
    "bronze",
    "metallic",
    "multi",
    "multicolour",
    "multicolored",
    "grey melange",
]

#: colour -> broader family words that may describe it ("blue" for navy)
COLOUR_FAMILIES = {
    "navy": {"blue"},
    "cobalt": {"blue"},
    "denim blue": {"blue"},
    "teal": {"blue", "green"},
    "turquoise": {"blue", "green"},
    "aqua": {"blue"},
    "olive": {"green"},
    "khaki": {"green", "beige", "brown"},
    "mint": {"green"},
    "emerald": {"green"},
    "sage": {"green"},
    "burgundy": {"red"},
    "maroon": {"red"},
    "wine": {"red"},
    "crimson": {"red"},
    "scarlet": {"red"},
    "rose": {"pink"},
    "blush": {"pink"},
    "fuchsia": {"pink", "purple"},
    "magenta": {"pink", "purple"},
    "lavender": {"purple"},
    "lilac": {"purple"},
    "violet": {"purple"},
    "plum": {"purple"},
    "mauve": {"purple", "pink"},
    "rust": {"orange", "red", "brown"},
    "coral": {"orange", "pink"},
    "peach": {"orange", "pink"},
    "mustard": {"yellow"},
    "lemon": {"yellow"},
    "gold": {"golden", "yellow"},
    "golden": {"gold"},
    "cream": {"white", "ivory", "off white"},
    "ivory": {"white", "cream", "off white"},
    "off white": {"white", "cream", "ivory"},
    "ecru": {"white", "beige"},
    "tan": {"brown", "beige", "camel"},
    "camel": {"brown", "beige", "tan"},
    "chocolate": {"brown"},
    "taupe": {"brown", "grey", "gray"},
    "charcoal": {"grey", "gray"},
    "grey": {"gray"},
    "gray": {"grey"},
    "silver": {"grey", "gray", "metallic"},
    "steel": {"grey", "gray"},
    "nude": {"beige", "skin"},
    "skin": {"beige", "nude"},
    "bronze": {"metallic", "brown"},
    "copper": {"metallic", "orange", "brown"},
    "multi": {"multicolour", "multicolored"},
}

MATERIALS = """
cotton organic cotton linen wool merino wool merino cashmere silk satin denim leather faux leather
vegan leather suede nubuck polyester nylon viscose rayon modal lyocell tencel elastane spandex lycra
acrylic velvet velour chiffon lace jersey tweed corduroy fleece canvas mesh chambray poplin twill
flannel crepe georgette organza tulle seersucker sherpa mohair alpaca jute hemp rubber cork
""".split()
_MULTI_MATERIALS = ["organic cotton", "merino wool", "faux leather", "vegan leather"]

PATTERNS = [
    "solid",
    "striped",
    "stripes",
    "checked",
    "checks",
    "plaid",
    "tartan",
    "floral",
    "polka dot",
    "polka dots",
    "paisley",
    "houndstooth",
    "herringbone",
    "camouflage",
    "camo",
    "animal print",
    "leopard print",
    "geometric",
    "abstract",
    "tie dye",
    "colour block",
    "colourblock",
    "graphic",
    "embroidered",
    "printed",
]

STYLES = [
    "minimal",
    "minimalist",
    "classic",
    "casual",
    "smart casual",
    "formal",
    "business",
    "streetwear",
    "sporty",
    "athleisure",
    "boho",
    "bohemian",
    "vintage",
    "retro",
    "preppy",
    "romantic",
    "edgy",
    "grunge",
    "punk",
    "elegant",
    "chic",
    "glam",
    "glamorous",
    "oversized",
    "tailored",
    "relaxed",
    "earthy",
    "monochrome",
    "bold",
    "colourful",
    "neutral",
    "utility",
    "workwear",
    "western",
    "scandi",
    "parisian",
    "y2k",
    "gothic",
]

#: garment group -> words for it (singular and plural); the group name is the canonical noun
GARMENTS: dict[str, list[str]] = {
    "t-shirt": ["t-shirt", "t-shirts", "tshirt", "tshirts", "tee", "tees"],
    "shirt": ["shirt", "shirts"],
    "polo": ["polo", "polos", "polo shirt", "polo shirts"],
    "blouse": ["blouse", "blouses"],
    "top": ["top", "tops", "tank top", "tank", "camisole", "crop top"],
    "tunic": ["tunic", "tunics", "kurta", "kurtas", "kurti", "kurtis"],
    "sweater": ["sweater", "sweaters", "jumper", "jumpers", "pullover", "pullovers", "knit", "knits"],
    "cardigan": ["cardigan", "cardigans"],
    "hoodie": ["hoodie", "hoodies"],
    "sweatshirt": ["sweatshirt", "sweatshirts"],
    "dress": ["dress", "dresses", "gown", "gowns"],
    "jumpsuit": ["jumpsuit", "jumpsuits", "playsuit", "romper", "dungarees"],
    "saree": ["saree", "sarees", "sari"],
    "skirt": ["skirt", "skirts"],
    "jeans": ["jeans"],
    "trousers": ["trousers", "trouser", "pants", "chinos", "slacks", "joggers", "track pants"],
    "shorts": ["shorts"],
    "leggings": ["leggings", "tights"],
    "blazer": ["blazer", "blazers"],
    "jacket": ["jacket", "jackets", "bomber", "parka"],
    "coat": ["coat", "coats", "trench", "overcoat"],
    "waistcoat": ["waistcoat", "waistcoats", "vest", "gilet"],
    "suit": ["suit", "suits"],
    "sneakers": ["sneakers", "sneaker", "trainers", "trainer", "sports shoes"],
    "shoes": ["shoes", "shoe", "footwear", "casual shoes", "formal shoes"],
    "boots": ["boots", "boot"],
    "sandals": ["sandals", "sandal", "flip flops", "slides"],
    "heels": ["heels", "pumps", "stilettos"],
    "flats": ["flats", "ballet flats"],
    "loafers": ["loafers", "loafer", "moccasins"],
    "bag": ["bag", "bags", "handbag", "handbags"],
    "tote": ["tote", "totes", "tote bag", "tote bags"],
    "backpack": ["backpack", "backpacks"],
    "clutch": ["clutch", "clutches"],
    "wallet": ["wallet", "wallets"],
    "belt": ["belt", "belts"],
    "hat": ["hat", "hats", "cap", "caps", "beanie", "beanies"],
    "scarf": ["scarf", "scarves", "stole", "stoles", "dupatta"],
    "watch": ["watch", "watches"],
    "sunglasses": ["sunglasses", "shades"],
    "tie": ["tie", "ties", "bow tie"],
    "socks": ["socks", "sock"],
    "jewellery": [
        "necklace",
        "necklaces",
        "earrings",
        "bracelet",
        "bracelets",
        "ring",
        "rings",
        "pendant",
        "jewellery",
        "jewelry",
    ],
}

#: broad words a copy may use for any item of a slot
SLOT_WORDS = {
    "top": {"top", "tops"},
    "bottom": {"bottoms"},
    "shoes": {"shoes", "footwear", "pair"},
    "bag": {"bag", "bags"},
    "outerwear": {"layer", "outerwear"},
    "accessory": {"accessory", "accessories"},
    "jewelry": {"jewellery", "jewelry"},
}

_WORD_TO_GARMENT = {" ".join(w.replace("-", " ").split()): g for g, words in GARMENTS.items() for w in words}


def normalise_text(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


def _phrases(words: list[str]) -> list[str]:
    out = sorted({" ".join(w.replace("-", " ").split()) for w in words if w.strip()}, key=len, reverse=True)
    return out


@cache
def _pattern(kind: str) -> re.Pattern[str]:
    words = {
        "colour": COLOURS,
        "material": MATERIALS + _MULTI_MATERIALS,
        "pattern": PATTERNS,
        "style": STYLES,
        "garment": list(_WORD_TO_GARMENT),
    }[kind]
    alternatives = "|".join(re.escape(p) for p in _phrases(words))
    return re.compile(rf"(?<= )(?:{alternatives})(?= )")


def find_terms(kind: str, text: str) -> list[str]:
    """Terms of ``kind`` (colour, material, pattern, style, garment) in ``text``, longest
    match first, in order of appearance; garments are returned as their canonical group."""
    norm = normalise_text(text)
    found = []
    pattern = _pattern(kind)
    pos = 0
    while True:
        m = pattern.search(norm, pos)
        if not m:
            break
        term = m.group(0)
        found.append(_WORD_TO_GARMENT.get(term, term) if kind == "garment" else term)
        pos = m.end()
    return found


def colour_matches(stated: str, actual: set[str]) -> bool:
    """Whether a stated colour is true of an item with colours ``actual`` (families allowed)."""
    stated_words = set(stated.split())
    for colour in actual:
        if stated == colour or stated_words & set(colour.split()):
            return True
        if stated in COLOUR_FAMILIES.get(colour, ()):
            return True
    return False


@lru_cache(maxsize=4096)
def article_key(article_type: str) -> str:
    """A canonical garment word for an article type ("Tshirts" -> "t-shirt"), so stated likes
    and catalogue article types compare equal."""
    found = find_terms("garment", article_type)
    return found[0] if found else " ".join(article_type.lower().split())
