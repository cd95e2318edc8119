"""Turn a request in words ("summer wedding guest, earthy colours") into search filters.

A small shared helper: occasions, seasons, colours (named or as a palette), gender, slots that
are asked for and a price ceiling. Words it does not know stay in the free-text query.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from stylist.index.schema import Gender, Slot
from stylist.tools.outfits.attributes import EARTHY_COLOURS, NEUTRAL_COLOURS, colour_words_in

OCCASIONS: dict[str, list[str]] = {
    "wedding": ["wedding", "formal", "party"],
    "office": ["work", "office", "formal", "smart casual"],
    "work": ["work", "office", "formal", "smart casual"],
    "interview": ["formal", "work", "office"],
    "business": ["formal", "work", "office"],
    "party": ["party", "evening", "cocktail"],
    "cocktail": ["party", "evening", "cocktail"],
    "evening": ["party", "evening", "formal"],
    "date": ["party", "date", "smart casual", "casual"],
    "formal": ["formal", "wedding", "evening"],
    "casual": ["casual", "weekend", "travel"],
    "weekend": ["casual", "weekend"],
    "brunch": ["casual", "smart casual"],
    "beach": ["beach", "casual", "travel"],
    "holiday": ["casual", "travel", "beach"],
    "vacation": ["casual", "travel", "beach"],
    "travel": ["travel", "casual"],
    "gym": ["sports"],
    "workout": ["sports"],
    "running": ["sports"],
    "sport": ["sports"],
    "festival": ["casual", "party"],
}
SEASON_WORDS = {"spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn", "winter": "winter"}
PALETTES: dict[str, list[str]] = {
    "earthy": list(EARTHY_COLOURS),
    "earth": list(EARTHY_COLOURS),
    "neutral": list(NEUTRAL_COLOURS),
    "neutrals": list(NEUTRAL_COLOURS),
    "pastel": ["pink", "lavender", "lilac", "mint", "light blue", "peach", "cream", "sky blue"],
    "pastels": ["pink", "lavender", "lilac", "mint", "light blue", "peach", "cream", "sky blue"],
    "monochrome": ["black", "white", "grey"],
    "bright": ["red", "yellow", "cobalt", "pink", "green", "orange", "fuchsia"],
    "bold": ["red", "yellow", "cobalt", "pink", "green", "orange", "fuchsia"],
    "dark": ["black", "navy", "charcoal", "burgundy", "olive", "chocolate"],
}
GENDER_WORDS = {
    "women": Gender.WOMEN, "woman": Gender.WOMEN, "womens": Gender.WOMEN, "ladies": Gender.WOMEN, "her": Gender.WOMEN,
    "she": Gender.WOMEN, "female": Gender.WOMEN, "men": Gender.MEN, "man": Gender.MEN, "mens": Gender.MEN,
    "him": Gender.MEN, "he": Gender.MEN, "male": Gender.MEN, "gentlemen": Gender.MEN,
}
SLOT_WORDS = {
    "dress": Slot.DRESS, "jumpsuit": Slot.DRESS, "jacket": Slot.OUTERWEAR, "coat": Slot.OUTERWEAR,
    "blazer": Slot.OUTERWEAR, "bag": Slot.BAG, "handbag": Slot.BAG, "clutch": Slot.BAG, "tote": Slot.BAG,
    "belt": Slot.ACCESSORY, "scarf": Slot.ACCESSORY, "hat": Slot.ACCESSORY, "sunglasses": Slot.ACCESSORY,
    "watch": Slot.ACCESSORY, "tie": Slot.ACCESSORY,
}
_PRICE = re.compile(r"(?:under|below|less than|max(?:imum)?|budget(?: of)?|up to)\s*[$£€]?\s*(\d+(?:\.\d+)?)")


class ParsedBrief(BaseModel):
    text: str
    query: str = Field(description="Words for semantic search.")
    occasions: list[str] = Field(default_factory=list)
    seasons: list[str] = Field(default_factory=list)
    colours: list[str] = Field(default_factory=list)
    palette: str | None = None
    gender: Gender | None = None
    slots: list[Slot] = Field(default_factory=list, description="Slots the request names (dress, jacket ...).")
    max_price: float | None = None


def parse_brief(text: str) -> ParsedBrief:
    lowered = text.lower()
    words = re.findall(r"[a-z]+", lowered)
    occasions: list[str] = []
    for w in words:
        for o in OCCASIONS.get(w, []):
            if o not in occasions:
                occasions.append(o)
    seasons = sorted({SEASON_WORDS[w] for w in words if w in SEASON_WORDS})
    palette = next((w for w in words if w in PALETTES), None)
    colours = list(PALETTES[palette]) if palette else []
    for c in colour_words_in(lowered):
        if c not in colours:
            colours.append(c)
    gender = next((GENDER_WORDS[w] for w in words if w in GENDER_WORDS), None)
    slots: list[Slot] = []
    for w in words:
        slot = SLOT_WORDS.get(w) or SLOT_WORDS.get(w.rstrip("s"))
        if slot and slot not in slots:
            slots.append(slot)
    m = _PRICE.search(lowered)
    return ParsedBrief(
        text=text,
        query=" ".join(w for w in words if w not in ("colours", "colors", "colour", "color", "guest", "budget", "under")),
        occasions=occasions,
        seasons=seasons,
        colours=colours,
        palette=palette,
        gender=gender,
        slots=slots,
        max_price=float(m.group(1)) if m else None,
    )
