"""Article type → outfit slot, explicitly.

One table covers the Kaggle "Fashion Product Images" article types, the Polyvore categories and
common free-text names. Lookup normalises case, plurals, "&"/"and", hyphens and "men's"/"women's"
prefixes, then tries the trailing words ("Knee Length Skirts" → "skirts"). When the article type is
unknown, the sub-category and then the master category (Kaggle masterCategory/subCategory, a
Polyvore coarse type or semantic category) decide. Anything else raises ``CatalogueError``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stylist.errors import CatalogueError
from stylist.index.schema import Slot

T, B, D, O, S = Slot.TOP, Slot.BOTTOM, Slot.DRESS, Slot.OUTERWEAR, Slot.SHOES
BAG, A, J = Slot.BAG, Slot.ACCESSORY, Slot.JEWELRY
IN, SL, SW, BE, OT = Slot.INNERWEAR, Slot.SLEEPWEAR, Slot.SWIMWEAR, Slot.BEAUTY, Slot.OTHER

_ARTICLES: dict[Slot, tuple[str, ...]] = {
    T: (
        "tshirts", "t shirt", "tee", "shirts", "tops", "top", "kurtas", "kurtis", "tunics", "sweaters",
        "sweatshirts", "shrug", "blouse", "polo", "polo shirt", "tank top", "tank", "camisole", "cami",
        "crop top", "bodysuit", "turtleneck", "pullover", "jumper", "hoodie", "cardigan", "henley",
        "casual shirt", "dress shirt", "activewear tank top", "activewear top", "choli", "vest top",
        "sweater vest", "knitwear", "halter top", "corset top", "tube top", "camisoles",
    ),
    B: (
        "capris", "churidar", "jeans", "jeggings", "leggings", "patiala", "rain trousers", "salwar",
        "salwar and dupatta", "shorts", "skirts", "skirt", "track pants", "trousers", "pants", "chinos",
        "joggers", "sweatpants", "culottes", "palazzo", "palazzos", "cargo pants", "cargos", "slacks",
        "mini skirt", "midi skirt", "maxi skirt", "pencil skirt", "skort", "capri and cropped pants",
        "cropped pants", "bermuda shorts", "dress pants", "casual pants", "harem pants", "dhoti",
        "lehenga", "activewear pants", "activewear shorts", "bottoms",
    ),
    D: (
        "dresses", "dress", "jumpsuit", "jumpsuits", "sarees", "saree", "sari", "rompers", "romper",
        "playsuit", "overalls", "dungarees", "gown", "gowns", "lehenga choli", "kurta sets", "kurta set",
        "clothing set", "suits", "suit", "tracksuits", "tracksuit", "co ord set", "pinafore",
        "cocktail dress", "day dress", "wedding dress", "maxi dress", "midi dress", "mini dress",
        "sheath dress", "shirt dress", "anarkali", "kaftan", "caftan", "one piece", "all body",
    ),
    O: (
        "jackets", "jacket", "blazers", "blazer", "nehru jackets", "rain jacket", "waistcoat", "coats",
        "coat", "vests", "vest", "gilet", "parka", "trench coat", "trench", "raincoat", "windbreaker",
        "bomber", "bomber jacket", "denim jacket", "leather jacket", "puffer", "puffer jacket",
        "overcoat", "peacoat", "poncho", "cape", "kimono", "sportcoats and blazers", "sportcoat",
        "cover ups", "cover up", "activewear jackets", "outerwear", "anorak", "shacket", "fleece jacket",
    ),
    S: (
        "casual shoes", "flats", "formal shoes", "heels", "sandals", "sports shoes", "flip flops",
        "sports sandals", "shoes", "shoe", "sneakers", "trainers", "boots", "ankle boots", "ankle booties",
        "knee high boots", "mid calf boots", "over the knee boots", "chelsea boots", "loafers",
        "loafers and moccasins", "moccasins", "oxfords", "brogues", "derbies", "mules", "espadrilles",
        "wedges", "pumps", "stilettos", "slides", "clogs", "athletic shoes", "running shoes", "slip ons",
        "dress shoes", "ballet flats", "platforms", "kitten heels", "footwear", "sliders", "kolhapuri",
        "booties", "slippers", "house slippers",
    ),
    BAG: (
        "backpacks", "backpack", "clutches", "clutch", "duffel bag", "handbags", "handbag", "laptop bag",
        "messenger bag", "messenger bags", "mobile pouch", "rucksacks", "rucksack", "tablet sleeve",
        "trolley bag", "waist pouch", "wallets", "wallet", "purse", "tote", "tote bags", "tote bag",
        "shoulder bags", "shoulder bag", "crossbody", "crossbody bag", "satchel", "bucket bag",
        "belt bag", "fanny pack", "bags", "bag", "bags and cases", "luggage", "suitcase", "bags and wallets",
        "card holder", "pouch", "weekender", "hobo bag", "bags", "bum bag",
    ),
    A: (
        "accessory gift set", "hair accessory", "hair accessories", "key chain", "key rings and chains",
        "travel accessory", "water bottle", "belts", "belt", "ties and cufflinks", "sunglasses",
        "eyeglasses", "eyewear", "glasses", "gloves", "mittens", "caps", "cap", "hat", "hats", "beanie",
        "beret", "fedora", "bucket hat", "baseball cap", "headband", "mufflers", "muffler", "scarves",
        "scarf", "socks", "stoles", "stole", "shawl", "dupatta", "ties", "tie", "bow tie", "watches",
        "watch", "smartwatch", "wristbands", "wristband", "suspenders", "stockings", "tights", "hosiery",
        "umbrellas", "umbrella", "bandana", "hair clip", "scrunchie", "accessories",
        "shoe accessories", "shoe laces", "pocket square", "headwear", "face mask",
    ),
    J: (
        "bangle", "bangles", "bracelet", "bracelets", "bracelets and bangles", "earrings", "earring",
        "jewellery set", "jewelry set", "necklace and chains", "necklaces", "necklace", "chain",
        "pendant", "charms and pendants", "ring", "rings", "cufflinks", "cuff links", "brooch", "brooches",
        "anklet", "choker", "jewelry", "jewellery", "studs", "hoops", "nose ring", "maang tikka",
    ),
    IN: (
        "bra", "bras", "sports bra", "sports bras", "briefs", "boxers", "boxer shorts", "trunk",
        "innerwear vests", "shapewear", "panties", "panties and thongs", "thong", "lingerie",
        "intimates", "underwear", "slip", "bralette", "undershirt",
    ),
    SL: (
        "nightdress", "nightdresses", "night suits", "nightgown", "nightie", "pajamas", "pyjamas",
        "sleepwear", "bath robe", "robe", "robes", "baby dolls", "loungewear", "lounge set",
        "lounge tshirts", "lounge pants", "lounge shorts",
    ),
    SW: (
        "swimwear", "swimsuit", "swimsuits", "one piece swimsuits", "one piece swimsuit", "bikini",
        "bikinis", "bikini tops", "bikini top", "bikini bottoms", "bikini bottom", "swim trunks",
        "board shorts", "rash guard", "tankini", "beachwear", "swimming trunks",
    ),
    BE: (
        "deodorant", "perfume", "perfume and body mist", "fragrance", "body mist", "fragrance gift set",
        "lipstick", "lip gloss", "lip liner", "lip care", "lip plumper", "lip balm", "lip pencils",
        "lip stain", "lip treatments", "lip makeup", "nail polish", "nail essentials", "nail care",
        "nail treatments", "manicure tools", "kajal and eyeliner", "eyeliner", "eyeshadow", "mascara",
        "eye cream", "eye care", "eye makeup", "false eyelashes", "eyelash curlers", "foundation",
        "foundation and primer", "makeup primer", "concealer", "compact", "face powder",
        "highlighter and blush", "blush", "cheek bronzer", "cheek makeup", "face moisturisers",
        "face moisturizers", "tinted moisturizer", "face wash and cleanser", "face cleansers",
        "face scrub and exfoliator", "face serum and gel", "mask and peel", "face masks", "toner",
        "sunscreen", "sun care", "body lotion", "body moisturizers", "body wash and scrub",
        "body cleansers", "hair colour", "hair color", "hair conditioner", "hair shampoo", "haircare",
        "hair styling tools", "styling products", "blow dryers and irons", "brushes and combs",
        "beauty accessory", "beauty accessories", "beauty products", "makeup", "makeup brushes",
        "makeup remover", "mens grooming kit", "grooming", "shaving", "skincare", "face care",
        "face makeup", "gift sets and kits", "body art", "sharpeners", "personal care", "cosmetics",
        "beauty",
    ),
    OT: (
        "free gifts", "ipad", "vouchers", "cushion covers", "basketballs", "footballs",
        "clothing", "apparel", "activewear", "costumes", "maternity", "baby", "kids", "boys", "girls",
        "juniors", "fashion", "free items", "sporting goods", "home",
    ),
}

#: Categories that group article types (Kaggle masterCategory/subCategory, Polyvore coarse types
#: and semantic categories). Used only when the article type itself is unknown.
_CATEGORIES: dict[str, Slot] = {
    "apparel": OT, "topwear": T, "bottomwear": B, "dress": D, "saree": D, "apparel set": D,
    "innerwear": IN, "loungewear and nightwear": SL, "socks": A, "footwear": S, "shoes": S, "sandal": S,
    "flip flops": S, "accessories": A, "bags": BAG, "belts": A, "cufflinks": J, "eyewear": A,
    "gloves": A, "headwear": A, "jewellery": J, "mufflers": A, "scarves": A, "stoles": A, "ties": A,
    "wallets": BAG, "watches": A, "umbrellas": A, "shoe accessories": A, "water bottle": A,
    "personal care": BE, "fragrance": BE, "lips": BE, "makeup": BE, "nails": BE, "skin": BE,
    "skin care": BE, "eyes": BE, "hair": BE, "bath and body": BE, "beauty accessories": BE,
    "sporting goods": OT, "sports equipment": OT, "wristbands": A, "free items": OT, "free gifts": OT,
    "vouchers": OT, "home": OT, "home furnishing": OT, "perfumes": BE,
    # Polyvore coarse types (Maryland) and semantic categories (Polyvore Outfits)
    "top": T, "tops": T, "bottom": B, "bottoms": B, "one piece": D, "all body": D, "outerwear": O,
    "shoe": S, "bag": BAG, "jewelry": J, "accessory": A, "sunglasses": A, "hats": A, "beauty": BE,
    "intimates sleep": IN, "clothing other": OT,
}

_TABLE: dict[str, Slot] = {}
for _slot, _names in _ARTICLES.items():
    for _name in _names:
        _TABLE[_name] = _slot

_PREFIX = re.compile(r"^(?:(?:wo)?men'?s?|boys'?|girls'?|kids'?|unisex|baby)\s+")


def normalise(name: str) -> str:
    """Lower case, "&" → "and", punctuation → spaces, runs of spaces → one."""
    text = name.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"[-_/,.()+]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _forms(word: str) -> list[str]:
    """The word as given, its singular guesses, then its plurals ("shirt" finds "shirts")."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s"):
        forms.append(word[:-1])
    return [*forms, word + "s", word + "es"]


def _lookup(name: str, table: dict[str, Slot]) -> Slot | None:
    text = normalise(name)
    for candidate in dict.fromkeys((text, _PREFIX.sub("", text))):  # "Men's Jeans" → "jeans"
        words = candidate.split()
        # the whole phrase first, then ever shorter tails ("red leather ankle boots" → "ankle boots")
        for start in range(len(words)):
            tail = " ".join(words[start:])
            for form in _forms(tail):
                if form in table:
                    return table[form]
    return None


@lru_cache(maxsize=4096)
def _cached(article: str, master: str | None, sub: str | None) -> Slot | None:
    slot = _lookup(article, _TABLE) if article.strip() else None
    if slot is None and sub:
        slot = _lookup(sub, _CATEGORIES) or _lookup(sub, _TABLE)
    if slot is None and master:
        slot = _lookup(master, _CATEGORIES)
    return slot


def slot_for_article(article_type: str, master: str | None = None, sub: str | None = None) -> Slot:
    """The outfit slot of an article type ("Tshirts" → top, "Ankle Booties" → shoes).

    ``sub`` and ``master`` (e.g. Kaggle subCategory/masterCategory or a Polyvore coarse type) decide
    when the article type is not known. Raises ``CatalogueError`` naming the value otherwise.
    """
    slot = _cached(article_type or "", master or None, sub or None)
    if slot is None:
        context = ", ".join(f"{k} {v!r}" for k, v in (("sub-category", sub), ("category", master)) if v)
        raise CatalogueError(
            f"unknown article type {article_type!r}" + (f" ({context})" if context else ""),
            hint="use a known article type (e.g. 'shirt', 'jeans', 'sneakers') or give the slot explicitly",
        )
    return slot


def known_article_types() -> dict[str, Slot]:
    """Every article name in the table (normalised) and its slot."""
    return dict(_TABLE)
