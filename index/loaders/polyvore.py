"""Polyvore catalogues: the Polyvore Outfits ``polyvore_item_metadata.json`` and the Maryland
(Han et al. 2017) ``outfits.jsonl`` layout with items inside outfits.

Polyvore items have no colour field: colours, patterns and materials are read from the names with
the lexicon. Gender is "men" for "Men's …" categories and "women" otherwise (Polyvore's default
section), unisex for generic accessories. Home-decor and other non-fashion items are reported and
skipped; the same product met again in a later outfit is reported as a repeat and skipped.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from stylist.fashion.terms import colours_in, material_in, pattern_in
from stylist.index.loaders.base import BadField, Collector, add_row, check_image, parse_price, slot_or_bad
from stylist.index.schema import Slot

NOT_FASHION = {"home_other", "home", "furniture", "decor"}
UNISEX_SLOTS = {Slot.ACCESSORY, Slot.BEAUTY, Slot.OTHER}


def _gender(category: str, slot: Slot, name: str) -> str:
    lowered = f" {category.lower()} "
    if "men's" in lowered and "women's" not in lowered:
        return "men"
    if lowered.strip() in ("boys", "girls"):
        return lowered.strip()
    if lowered.strip() in ("baby", "kids"):
        return "unisex"
    words = f" {name.lower()} "
    if " men's " in words or " mens " in words:
        return "men"
    return "unisex" if slot in UNISEX_SLOTS else "women"


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


def _describe(name: str, category: str, colours: list[str], pattern: str | None, material: str | None) -> str:
    facts = [
        w
        for w in (", ".join(colours) if colours else "", pattern if pattern != "solid" else "", material)
        if w
    ]
    text = f"{_title(name)}." if name else ""
    kind = category.lower()
    text += (
        f" A {' '.join(facts)} piece from Polyvore's {kind} category."
        if facts
        else f" From Polyvore's {kind} category."
    )
    return text.strip()


# --- Maryland outfits.jsonl -------------------------------------------------------------------


def load_polyvore_outfits(text: str, sink: Collector) -> None:
    seen_products: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            outfit = json.loads(line)
        except json.JSONDecodeError as exc:
            sink.rows_read += 1
            sink.problem(number, None, f"not valid JSON ({exc.msg} at column {exc.colno})", line[:80])
            continue
        items = outfit.get("items") if isinstance(outfit, dict) else None
        if not isinstance(items, list):
            sink.rows_read += 1
            sink.problem(number, "items", "expected an outfit object with an items list", line[:80])
            continue
        for position, item in enumerate(items):
            sink.rows_read += 1
            add_row(
                sink,
                number,
                lambda item=item, position=position, outfit=outfit: _outfit_item(
                    item, position, outfit, seen_products
                ),
            )


def _outfit_item(item: Any, position: int, outfit: dict[str, Any], seen: dict[str, str]) -> dict[str, Any]:
    where = f"items[{position}]"
    if not isinstance(item, dict):
        raise BadField(where, "expected an item object", str(item)[:80])
    item_id = str(item.get("item_id") or "").strip()
    if not item_id:
        raise BadField(f"{where}.item_id", "missing id")
    category = str(item.get("category") or "").strip()
    coarse = str(item.get("coarse_type") or "").strip()
    if coarse in NOT_FASHION:
        raise BadField(f"{where}.category", f"not a fashion item (Polyvore category {category!r})", item_id)
    slot = slot_or_bad(f"{where}.category", category, coarse.replace("_", " ") or None)
    product = str(item.get("polyvore_tid") or "").strip()
    if product and product in seen and seen[product] != item_id:
        raise BadField(
            f"{where}.polyvore_tid", f"same product as item {seen[product]!r}; the first is kept", item_id
        )
    raw_price = item.get("price")
    price, why = parse_price(None if raw_price in (-1, "-1") else raw_price)
    if why:
        raise BadField(f"{where}.price", why, raw_price)

    name = str(item.get("name") or "").strip()
    colours, pattern, material = colours_in(name), pattern_in(name), material_in(name)
    attributes = {
        "source": "polyvore-maryland",
        "outfit_id": str(outfit.get("outfit_id", "")),
        "polyvore_category_id": str(item.get("category_id", "")),
        "coarse_type": coarse,
        "polyvore_tid": product,
        "likes": str(item.get("likes", "")),
    }
    if product:
        seen.setdefault(product, item_id)
    return {
        "id": item_id,
        "title": _title(name) if name else category or "Polyvore item",
        "description": _describe(name, category or slot.value, colours, pattern, material),
        "slot": slot,
        "article_type": category[:80] or slot.value,
        "gender": _gender(category, slot, name),
        "colours": colours,
        "pattern": pattern,
        "material": material,
        "price": price,
        "attributes": {k: v for k, v in attributes.items() if v and v != "None"},
    }


# --- Polyvore Outfits item metadata JSON ------------------------------------------------------

_SEMANTIC_WORDS = {"all-body": "all body", "jewellery": "jewelry"}


def _fine_categories(folder: Path) -> dict[str, str]:
    """``categories.csv`` (id,fine name,semantic) next to the metadata, when the dataset has it."""
    path = folder / "categories.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return {row[0].strip(): row[1].strip() for row in csv.reader(fh) if len(row) >= 2}


def load_polyvore_metadata(text: str, sink: Collector, *, images: Path) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        sink.problem(exc.lineno, None, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
        return
    if isinstance(data, dict):
        records = list(data.items())
    elif isinstance(data, list):
        records = [(str(r.get("item_id", "")) if isinstance(r, dict) else "", r) for r in data]
    else:
        sink.problem(None, None, "expected a JSON object of items (item_id → metadata)")
        return
    fine = _fine_categories(Path(sink.file).parent)
    has_images = images.is_dir()
    cursor, line = 0, 1
    for item_id, meta in records:
        sink.rows_read += 1
        # the line where this item's key appears (all 1 for a file on one line)
        found = text.find(f'"{item_id}"', cursor) if item_id else -1
        if found >= 0:
            line += text.count("\n", cursor, found)
            cursor = found
        add_row(
            sink,
            line,
            lambda item_id=item_id, meta=meta: _metadata_item(
                str(item_id).strip(), meta, fine, images if has_images else None
            ),
        )


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str) and value.strip():
        return [v.strip() for v in value.split(",") if v.strip()]
    return []


def _metadata_item(item_id: str, meta: Any, fine: dict[str, str], images: Path | None) -> dict[str, Any]:
    if not item_id:
        raise BadField("item_id", "missing id")
    if not isinstance(meta, dict):
        raise BadField(f"[{item_id}]", "expected an object of item metadata", str(meta)[:80])
    semantic = str(meta.get("semantic_category") or "").strip()
    categories = _as_list(meta.get("categories", meta.get("catgeories")))
    category_id = str(meta.get("category_id") or "").strip()
    article = (
        fine.get(category_id) or (categories[-1] if categories else "") or semantic.replace("-", " ").title()
    )
    if not article:
        raise BadField(f"[{item_id}].semantic_category", "no category to tell the garment type")
    if semantic.lower() in NOT_FASHION:
        raise BadField(f"[{item_id}].semantic_category", f"not a fashion item ({semantic!r})", item_id)
    slot = slot_or_bad(f"[{item_id}].categories", article, _SEMANTIC_WORDS.get(semantic, semantic) or None)

    title = str(meta.get("title") or "").strip() or str(meta.get("url_name") or "").strip()
    description = str(meta.get("description") or "").strip()
    name_text = f"{title} {description}".strip()
    colours = colours_in(title) or colours_in(description)
    image_path = None
    if images is not None:
        candidate = images / f"{item_id}.jpg"
        if candidate.exists():
            why = check_image(candidate)
            if why:
                raise BadField(f"[{item_id}].image", why, str(candidate))
            image_path = str(candidate)
    gender = "men" if any("men's" in c.lower() and "women's" not in c.lower() for c in categories) else None
    attributes = {
        "source": "polyvore-outfits",
        "semantic_category": semantic,
        "polyvore_category_id": category_id,
    }
    return {
        "id": item_id,
        "title": _title(title) if title else article,
        "description": description[:5000]
        or _describe("", article, colours, pattern_in(name_text), material_in(name_text)),
        "slot": slot,
        "article_type": article[:80],
        "gender": gender or _gender(article, slot, name_text),
        "colours": colours,
        "pattern": pattern_in(name_text),
        "material": material_in(name_text),
        "image_path": image_path,
        "attributes": {k: v for k, v in attributes.items() if v},
    }
