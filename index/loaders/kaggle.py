"""The Kaggle "Fashion Product Images" ``styles.csv`` layout and the variants that circulate.

Columns: id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,
productDisplayName — with or without ``year``, with an extra ``colorgroup`` (or any other) column,
with unquoted commas inside productDisplayName (the surplus fields are joined back into the name),
and usually no price. ``images/<id>.jpg`` next to the file (or in ``images_dir``) becomes the image.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stylist.fashion.terms import canonical_colour, colours_in, material_in, pattern_in, seasons_of
from stylist.index.loaders.base import BadField, Collector, add_row, check_image, parse_price, slot_or_bad
from stylist.index.loaders.native import CsvRecordError, csv_rows
from stylist.index.schema import GENERATED

GENDERS = {"men": "men", "women": "women", "boys": "boys", "girls": "girls", "unisex": "unisex"}
GENDER_WORDS = {"men": "men", "women": "women", "boys": "boys", "girls": "girls", "unisex": "anyone"}
BLANK = {"", "na", "nan", "null", "none", "n/a"}
#: Article types named in the plural that are one item ("a pair of jeans").
PAIRS = {
    "jeans",
    "shorts",
    "trousers",
    "leggings",
    "jeggings",
    "capris",
    "track pants",
    "flip flops",
    "sunglasses",
    "tights",
    "stockings",
    "socks",
    "gloves",
    "earrings",
    "cufflinks",
    "tracksuits",
    "casual shoes",
    "formal shoes",
    "sports shoes",
    "heels",
    "flats",
    "sandals",
    "sports sandals",
    "booties",
    "rain trousers",
    "briefs",
    "boxers",
    "night suits",
    "lounge pants",
    "lounge shorts",
}
OCCASION_WORDS = {
    "casual": "casual",
    "formal": "formal",
    "sports": "sports",
    "ethnic": "ethnic",
    "smart casual": "smart casual",
    "party": "party",
    "travel": "travel",
    "home": "home",
}
_NAME_SPLIT = re.compile(r"\s(Men|Women|Boys|Girls|Unisex|Kids|Boy|Girl)(?:'s)?\s", re.IGNORECASE)


def _key(column: str) -> str:
    return column.strip().strip('"').lower().replace("_", "")


def load_kaggle(text: str, sink: Collector, *, images: Path) -> None:
    rows = iter(csv_rows(text))
    _, header = next(rows)
    if isinstance(header, CsvRecordError):
        sink.problem(None, None, f"cannot read the header: {header}")
        return
    keys = [_key(h) for h in header]
    if "id" not in keys or "articletype" not in keys:
        missing = [name for name in ("id", "articleType") if _key(name) not in keys]
        sink.problem(
            None, ", ".join(missing), "the Kaggle styles.csv header lacks required columns", ",".join(header)
        )
        return
    name_at = keys.index("productdisplayname") if "productdisplayname" in keys else None
    has_images = images.is_dir()
    for line, fields in rows:
        sink.rows_read += 1
        if isinstance(fields, CsvRecordError):
            sink.problem(line, None, str(fields))
            continue
        if len(fields) > len(keys) and name_at is not None:
            surplus = len(fields) - len(keys)
            name = ",".join(fields[name_at : name_at + surplus + 1])
            fields = [*fields[:name_at], name, *fields[name_at + surplus + 1 :]]
        if len(fields) != len(keys):
            few = "too few" if len(fields) < len(keys) else "too many"
            sink.problem(line, None, f"{few} fields: the row has {len(fields)}, the header has {len(keys)}")
            continue
        row = {k: v.strip() for k, v in zip(keys, fields)}
        extras = {h.strip(): v.strip() for h, k, v in zip(header, keys, fields) if k not in _KNOWN}
        add_row(
            sink, line, lambda row=row, extras=extras: _garment(row, extras, images if has_images else None)
        )


_KNOWN = {
    "id",
    "gender",
    "mastercategory",
    "subcategory",
    "articletype",
    "basecolour",
    "basecolor",
    "season",
    "year",
    "usage",
    "productdisplayname",
    "colorgroup",
    "colourgroup",
    "price",
    "currency",
    "brand",
}


def _value(row: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        value = row.get(key)
        if value is not None and value.lower() not in BLANK:
            return value
    return None


def _garment(row: dict[str, str], extras: dict[str, str], images: Path | None) -> dict[str, Any]:
    item_id = _value(row, "id")
    if item_id is None:
        raise BadField("id", "missing id")
    if item_id.endswith(".0") and item_id[:-2].isdigit():
        item_id = item_id[:-2]
    article = _value(row, "articletype")
    if article is None:
        raise BadField("articleType", "missing article type")
    master, sub = _value(row, "mastercategory"), _value(row, "subcategory")
    slot = slot_or_bad("articleType", article, master, sub)

    gender_raw = _value(row, "gender")
    gender = GENDERS.get(gender_raw.lower()) if gender_raw else "unisex"
    if gender is None:
        raise BadField("gender", "unknown gender (expected Men, Women, Boys, Girls or Unisex)", gender_raw)

    price, why = parse_price(_value(row, "price"))
    if why:
        raise BadField("price", why, row.get("price"))

    name = _value(row, "productdisplayname")
    raw_colour = _value(row, "basecolour", "basecolor") or ""
    base_colour = canonical_colour(raw_colour) if raw_colour else ""
    group = canonical_colour(_value(row, "colorgroup", "colourgroup") or "")
    colours = list(dict.fromkeys(c for c in (base_colour, group) if c))
    if not colours and name:
        colours = colours_in(name)
    season = _value(row, "season")
    season = seasons_of([season])[0] if season else None
    usage = _value(row, "usage")
    occasions = [OCCASION_WORDS.get(usage.lower(), usage.lower())] if usage else []
    brand = _brand(name) if name else _value(row, "brand")

    attributes = {"master_category": master or "", "sub_category": sub or "", "description": GENERATED}
    year = _value(row, "year")
    if year:
        attributes["year"] = year.removesuffix(".0")
    if group:
        attributes["colour_group"] = group
    if raw_colour and raw_colour.lower() != base_colour:
        attributes["base_colour"] = raw_colour
    attributes.update({k: v for k, v in extras.items() if v and v.lower() not in BLANK})
    attributes = {k: v for k, v in attributes.items() if v}

    title = name or " ".join(w for w in (base_colour.title(), article) if w)
    image_path = None
    if images is not None:
        for suffix in (".jpg", ".jpeg", ".png"):
            candidate = images / f"{item_id}{suffix}"
            if candidate.exists():
                why = check_image(candidate)
                if why:
                    raise BadField("image", why, str(candidate))
                image_path = str(candidate)
                break
    return {
        "id": item_id,
        "title": title,
        "description": _describe(article, gender, base_colour, season, usage, brand, master, sub),
        "slot": slot,
        "article_type": article,
        "gender": gender,
        "colours": colours,
        "pattern": pattern_in(name) if name else None,
        "material": material_in(name) if name else None,
        "seasons": [season] if season else [],
        "occasions": occasions,
        "price": price,
        "currency": _value(row, "currency") or "USD",
        "brand": brand,
        "image_path": image_path,
        "attributes": attributes,
    }


def _brand(name: str) -> str | None:
    """Kaggle names read "<Brand> <Gender> <colour> <type>": the words before the gender word."""
    match = _NAME_SPLIT.search(" " + name + " ")
    if match and match.start() > 0:
        brand = name[: match.start()].strip(" ,-")
        return brand or None
    return None


def _noun(article: str) -> str:
    words = article.lower()
    if words in PAIRS:
        return f"pair of {words}"
    if words == "tshirts":
        return "t-shirt"
    for suffix, repl in (("ches", "ch"), ("shes", "sh"), ("sses", "ss"), ("ies", "y")):
        if words.endswith(suffix):
            return words[: -len(suffix)] + repl
    if words.endswith("s") and not words.endswith("ss"):
        return words[:-1]
    return words


def _describe(
    article: str,
    gender: str,
    colour: str,
    season: str | None,
    usage: str | None,
    brand: str | None,
    master: str | None,
    sub: str | None,
) -> str:
    noun = _noun(article)
    pair = noun.startswith("pair of ")
    noun = noun.removeprefix("pair of ")
    shade = "multicoloured" if colour == "multi" else colour
    thing = f"{shade} {noun}" if shade else noun
    if pair:
        thing = f"pair of {thing}"
    article_word = "an" if thing[:1] in "aeiou" else "a"
    text = f"{article_word.capitalize()} {thing} for {GENDER_WORDS[gender]}"
    if brand:
        text += f" by {brand}"
    if usage:
        text += f", suited to {usage.lower()} wear"
    if season:
        text += f" in {season.lower()}"
    text += "."
    if master and sub:
        text += f" Listed under {master} / {sub}."
    return text
