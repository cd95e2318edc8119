"""Attribute vocabularies for extracting mentions from text: canonical value -> surface forms.

Kinds match the ``kind`` column of trend series (``colour``, ``article``, ``pattern``, ``style``,
``fabric``). Surface forms are lower-case words or phrases; matching is on word boundaries, the
longest phrase first, so "polka dot dress" gives pattern ``polka dot`` and article ``dress``.
"""

from __future__ import annotations

LEXICONS: dict[str, dict[str, list[str]]] = {
    "colour": {
        "black": ["black", "jet black"],
        "white": ["white", "ivory", "off-white", "off white"],
        "grey": ["grey", "gray", "charcoal", "slate"],
        "beige": ["beige", "camel", "tan", "nude", "oatmeal"],
        "brown": ["brown", "chocolate", "mocha", "espresso"],
        "red": ["red", "crimson", "scarlet", "cherry red"],
        "burgundy": ["burgundy", "wine", "maroon", "oxblood"],
        "pink": ["pink", "blush", "fuchsia", "hot pink"],
        "orange": ["orange", "tangerine", "rust"],
        "yellow": ["yellow", "mustard", "butter yellow", "lemon"],
        "green": ["green", "emerald", "forest green", "kelly green"],
        "sage": ["sage", "sage green"],
        "olive": ["olive", "khaki", "army green"],
        "blue": ["blue", "cobalt", "royal blue", "sky blue", "cobalt blue"],
        "navy": ["navy", "navy blue", "midnight blue"],
        "teal": ["teal", "turquoise", "aqua"],
        "purple": ["purple", "violet", "plum"],
        "lilac": ["lilac", "lavender", "mauve"],
        "silver": ["silver", "metallic silver"],
        "gold": ["gold", "golden"],
    },
    "article": {
        "dress": ["dress", "dresses", "gown"],
        "slip dress": ["slip dress", "slip dresses"],
        "maxi skirt": ["maxi skirt", "maxi skirts"],
        "skirt": ["skirt", "skirts", "mini skirt", "midi skirt"],
        "jeans": ["jeans", "denims"],
        "baggy jeans": ["baggy jeans", "wide jeans"],
        "trousers": ["trousers", "pants", "slacks", "chinos"],
        "cargo pants": ["cargo pants", "cargos", "cargo trousers"],
        "shorts": ["shorts"],
        "t-shirt": ["t-shirt", "tshirt", "tee", "tees", "t-shirts"],
        "shirt": ["shirt", "shirts", "button-down"],
        "blouse": ["blouse", "blouses"],
        "sweater": ["sweater", "jumper", "pullover", "knit"],
        "cardigan": ["cardigan", "cardigans", "cardi"],
        "hoodie": ["hoodie", "hoodies", "sweatshirt"],
        "blazer": ["blazer", "blazers"],
        "jacket": ["jacket", "jackets", "bomber", "bomber jacket"],
        "coat": ["coat", "coats", "overcoat", "trench coat", "trench"],
        "jumpsuit": ["jumpsuit", "jumpsuits", "playsuit", "romper"],
        "sneakers": ["sneakers", "trainers", "kicks"],
        "boots": ["boots", "ankle boots", "chelsea boots"],
        "loafers": ["loafers"],
        "sandals": ["sandals", "slides"],
        "heels": ["heels", "pumps", "stilettos"],
        "bag": ["bag", "handbag", "tote", "purse", "crossbody"],
        "scarf": ["scarf", "scarves"],
        "hat": ["hat", "beanie", "cap", "bucket hat"],
    },
    "pattern": {
        "striped": ["striped", "stripes", "stripe", "pinstripe"],
        "floral": ["floral", "flowers", "flowery", "botanical"],
        "checked": ["checked", "check", "plaid", "tartan", "gingham"],
        "polka dot": ["polka dot", "polka dots", "polka-dot", "dotted"],
        "animal print": ["animal print", "leopard", "zebra", "snake print", "leopard print"],
        "solid": ["solid", "plain", "block colour", "monochrome"],
        "geometric": ["geometric", "abstract print"],
        "paisley": ["paisley"],
        "camouflage": ["camouflage", "camo"],
        "tie-dye": ["tie-dye", "tie dye"],
    },
    "style": {
        "minimalist": ["minimalist", "minimal", "clean girl", "capsule wardrobe"],
        "boho": ["boho", "bohemian"],
        "streetwear": ["streetwear", "street style", "skater"],
        "preppy": ["preppy", "old money"],
        "y2k": ["y2k"],
        "cottagecore": ["cottagecore"],
        "athleisure": ["athleisure", "sporty", "gorpcore"],
        "grunge": ["grunge", "punk"],
        "vintage": ["vintage", "retro", "thrifted"],
        "quiet luxury": ["quiet luxury", "stealth wealth"],
    },
    "fabric": {
        "denim": ["denim"],
        "linen": ["linen"],
        "leather": ["leather", "faux leather", "vegan leather"],
        "silk": ["silk", "silky"],
        "satin": ["satin"],
        "wool": ["wool", "merino", "woollen"],
        "cashmere": ["cashmere"],
        "cotton": ["cotton"],
        "velvet": ["velvet"],
        "corduroy": ["corduroy", "cord"],
        "crochet": ["crochet"],
        "mesh": ["mesh", "sheer"],
        "tweed": ["tweed"],
        "suede": ["suede"],
    },
}

#: Kinds the extractor knows, in display order.
KINDS: tuple[str, ...] = tuple(LEXICONS)


def phrases() -> list[tuple[str, str, str]]:
    """Every (surface form, kind, canonical value), the longest phrases first."""
    out = [
        (form, kind, value)
        for kind, table in LEXICONS.items()
        for value, forms in table.items()
        for form in forms
    ]
    return sorted(out, key=lambda item: (-len(item[0]), item[0]))
