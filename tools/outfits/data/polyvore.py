"""Polyvore outfit loaders.

Two layouts are read:

* **Maryland** (Han et al. 2017, as prepared in ``shared/data/polyvore-maryland``): a folder with
  ``outfits.jsonl`` and optionally ``compat.jsonl``/``compat_random.jsonl`` (compatibility, hard and
  random negatives) and ``fitb.jsonl``/``fitb_random.jsonl`` (fill in the blank). One JSON object a line.
* **Polyvore Outfits** (Vasileva et al. 2018): a folder with ``polyvore_item_metadata.json`` and
  outfit files ``train.json``/``valid.json``/``test.json`` (directly or under ``nondisjoint/`` or
  ``disjoint/``), optionally ``compatibility_<split>.txt`` and ``fill_in_blank_<split>.json``.

Items become :class:`Garment` records (slot from the coarse type, colours read from the name).
Malformed input raises :class:`CatalogueError` naming the file, line and field; with
``strict=False`` a bad row is skipped and recorded in ``OutfitData.problems`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stylist.errors import CatalogueError
from stylist.index.schema import Garment, Slot
from stylist.tools.outfits.attributes import colour_words_in
from stylist.tools.outfits.data.types import CompatExample, FitbQuestion, OutfitData, OutfitRecord

COARSE_TO_SLOT: dict[str, Slot] = {
    "top": Slot.TOP,
    "bottom": Slot.BOTTOM,
    "one_piece": Slot.DRESS,
    "outerwear": Slot.OUTERWEAR,
    "shoes": Slot.SHOES,
    "bag": Slot.BAG,
    "jewelry": Slot.JEWELRY,
    "accessory": Slot.ACCESSORY,
    "beauty": Slot.BEAUTY,
    "intimates_sleep": Slot.INNERWEAR,
    "clothing_other": Slot.OTHER,
    "home_other": Slot.OTHER,
}
# Polyvore Outfits' semantic categories
SEMANTIC_TO_SLOT: dict[str, Slot] = {
    "tops": Slot.TOP,
    "bottoms": Slot.BOTTOM,
    "all-body": Slot.DRESS,
    "outerwear": Slot.OUTERWEAR,
    "shoes": Slot.SHOES,
    "bags": Slot.BAG,
    "jewellery": Slot.JEWELRY,
    "jewelry": Slot.JEWELRY,
    "accessories": Slot.ACCESSORY,
    "sunglasses": Slot.ACCESSORY,
    "hats": Slot.ACCESSORY,
    "scarves": Slot.ACCESSORY,
}
MARYLAND_BENCHMARKS = {
    "compat.jsonl": ("compat", "hard"),
    "compat_random.jsonl": ("compat", "random"),
    "fitb.jsonl": ("fitb", "hard"),
    "fitb_random.jsonl": ("fitb", "random"),
}


class _RowError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"field {field!r}: {reason}")
        self.field = field
        self.reason = reason


def load_outfits(path: str | Path, *, strict: bool = True) -> OutfitData:
    """Load outfits (and any benchmark sets beside them) from ``path``; the layout is detected."""
    path = Path(path).expanduser()
    if not path.exists():
        raise CatalogueError(f"outfit data {path} does not exist")
    if path.is_file():
        if path.suffix == ".jsonl":
            return load_maryland(path.parent, strict=strict, outfits_file=path.name, benchmarks=False)
        raise CatalogueError(
            f"{path}: not an outfit file",
            hint="pass a Maryland folder (outfits.jsonl) or a Polyvore Outfits folder",
        )
    if (path / "outfits.jsonl").is_file():
        return load_maryland(path, strict=strict)
    if (path / "polyvore_item_metadata.json").is_file():
        return load_polyvore_outfits(path, strict=strict)
    raise CatalogueError(
        (
            f"{path}: no outfits.jsonl (Maryland layout) or polyvore_item_metadata.json (Polyvore "
            "Outfits layout)"
        ),
        hint="point --outfits at the folder that holds one of them",
    )


# ---------------------------------------------------------------- Maryland


def load_maryland(
    folder: Path, *, strict: bool = True, outfits_file: str = "outfits.jsonl", benchmarks: bool = True
) -> OutfitData:
    data = OutfitData(outfits=[], format="polyvore-maryland")
    for line_no, row in _jsonl(folder / outfits_file, data, strict):
        try:
            outfit_id = _str(row, "outfit_id")
            items = _list(row, "items")
            garments = tuple(_maryland_item(item, f"items[{i}]") for i, item in enumerate(items))
            if not garments:
                raise _RowError("items", "an outfit needs at least one item")
        except _RowError as exc:
            _problem(data, strict, folder / outfits_file, line_no, exc)
            continue
        data.outfits.append(OutfitRecord(outfit_id, garments))
    if benchmarks:
        for name, (kind, flavour) in MARYLAND_BENCHMARKS.items():
            if (folder / name).is_file():
                reader = _maryland_compat if kind == "compat" else _maryland_fitb
                getattr(data, kind)[flavour] = reader(folder / name, data, strict)
    return data


_SEEN: dict[tuple, Garment] = {}


def _maryland_item(item: Any, where: str) -> Garment:
    if not isinstance(item, dict):
        raise _RowError(where, f"expected an object, got {type(item).__name__}")
    key = tuple((k, item.get(k)) for k in ("item_id", "name", "category", "coarse_type", "price"))
    try:
        cached = _SEEN.get(key)
    except TypeError:  # an unhashable value (a list where text belongs): validated below
        cached = None
    if cached is not None:
        return cached  # benchmark files repeat the same items many times
    garment = _parse_maryland_item(item, where)
    if len(_SEEN) > 200_000:
        _SEEN.clear()
    _SEEN[key] = garment
    return garment


def _parse_maryland_item(item: dict[str, Any], where: str) -> Garment:
    item_id = _str(item, "item_id", where)
    coarse = _str(item, "coarse_type", where)
    if coarse not in COARSE_TO_SLOT:
        raise _RowError(
            f"{where}.coarse_type", f"unknown value {coarse!r} (known: {', '.join(COARSE_TO_SLOT)})"
        )
    category = item.get("category") or "item"
    if not isinstance(category, str):
        raise _RowError(f"{where}.category", f"expected text, got {category!r}")
    name = item.get("name") or ""
    if not isinstance(name, str):
        raise _RowError(f"{where}.name", f"expected text, got {name!r}")
    price = item.get("price")
    if price is not None and (isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0):
        raise _RowError(f"{where}.price", f"expected a non-negative number or null, got {price!r}")
    return _garment(item_id, name, category, COARSE_TO_SLOT[coarse], price, {"coarse_type": coarse}, where)


def _maryland_compat(path: Path, data: OutfitData, strict: bool) -> list[CompatExample]:
    out = []
    for line_no, row in _jsonl(path, data, strict):
        try:
            label = row.get("label")
            if label not in (0, 1):
                raise _RowError("label", f"expected 0 or 1, got {label!r}")
            items = tuple(_maryland_item(it, f"items[{i}]") for i, it in enumerate(_list(row, "items")))
            compat_id = _str(row, "compat_id")
            # random negatives come from no single outfit: their source is themselves
            source = (
                _str(row, "source_outfit_id")
                if label == 1 or row.get("source_outfit_id") is not None
                else compat_id
            )
            out.append(CompatExample(compat_id, items, label, source))
        except _RowError as exc:
            _problem(data, strict, path, line_no, exc)
    return out


def _maryland_fitb(path: Path, data: OutfitData, strict: bool) -> list[FitbQuestion]:
    out = []
    for line_no, row in _jsonl(path, data, strict):
        try:
            question = tuple(
                _maryland_item(it, f"question[{i}]") for i, it in enumerate(_list(row, "question"))
            )
            cands = tuple(
                _maryland_item(it, f"candidates[{i}]") for i, it in enumerate(_list(row, "candidates"))
            )
            answer = row.get("answer_index")
            if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(cands):
                raise _RowError(
                    "answer_index", f"expected an index into {len(cands)} candidates, got {answer!r}"
                )
            out.append(
                FitbQuestion(_str(row, "question_id"), _str(row, "outfit_id"), question, cands, answer)
            )
        except _RowError as exc:
            _problem(data, strict, path, line_no, exc)
    return out


# ---------------------------------------------------------------- Polyvore Outfits


def load_polyvore_outfits(folder: Path, *, strict: bool = True) -> OutfitData:
    data = OutfitData(outfits=[], format="polyvore-outfits")
    meta_path = folder / "polyvore_item_metadata.json"
    metadata = _json(meta_path)
    if not isinstance(metadata, dict):
        raise CatalogueError(f"{meta_path}: expected an object of item id -> metadata")
    split_dir = next(
        (
            d
            for d in (folder, folder / "nondisjoint", folder / "disjoint")
            if any((d / f"{s}.json").is_file() for s in ("train", "valid", "test"))
        ),
        None,
    )
    if split_dir is None:
        raise CatalogueError(
            f"{folder}: no train.json, valid.json or test.json (also looked in nondisjoint/, disjoint/)"
        )
    garments: dict[str, Garment] = {}
    by_position: dict[str, Garment] = {}  # "<set_id>_<index>" -> garment
    for split in ("train", "valid", "test"):
        path = split_dir / f"{split}.json"
        if not path.is_file():
            continue
        outfits = _json(path)
        if not isinstance(outfits, list):
            raise CatalogueError(f"{path}: expected a list of outfits")
        for n, outfit in enumerate(outfits):
            where = f"[{n}]"
            try:
                if not isinstance(outfit, dict):
                    raise _RowError(where, "expected an object")
                set_id = _str(outfit, "set_id", where)
                items = []
                for i, ref in enumerate(_list(outfit, "items", where)):
                    rw = f"{where}.items[{i}]"
                    if not isinstance(ref, dict):
                        raise _RowError(rw, "expected an object with item_id and index")
                    item_id = _str(ref, "item_id", rw)
                    if item_id not in metadata:
                        raise _RowError(f"{rw}.item_id", f"{item_id!r} is not in polyvore_item_metadata.json")
                    if item_id not in garments:
                        garments[item_id] = _metadata_garment(
                            item_id, metadata[item_id], f"metadata[{item_id!r}]"
                        )
                    by_position[f"{set_id}_{ref.get('index', i + 1)}"] = garments[item_id]
                    items.append(garments[item_id])
                if not items:
                    raise _RowError(f"{where}.items", "an outfit needs at least one item")
            except _RowError as exc:
                _problem(data, strict, path, n + 1, exc, unit="outfit")
                continue
            data.outfits.append(OutfitRecord(set_id, tuple(items)))
        _polyvore_benchmarks(split_dir, split, by_position, data, strict)
    return data


def _metadata_garment(item_id: str, meta: Any, where: str) -> Garment:
    if not isinstance(meta, dict):
        raise _RowError(where, "expected an object")
    semantic = meta.get("semantic_category")
    if semantic not in SEMANTIC_TO_SLOT:
        raise _RowError(
            f"{where}.semantic_category", f"unknown value {semantic!r} (known: {', '.join(SEMANTIC_TO_SLOT)})"
        )
    name = meta.get("title") or meta.get("url_name") or ""
    if not isinstance(name, str):
        raise _RowError(f"{where}.title", f"expected text, got {name!r}")
    categories = meta.get("categories") or []
    category = (
        categories[-1]
        if isinstance(categories, list) and categories and isinstance(categories[-1], str)
        else semantic
    )
    return _garment(
        item_id, name, category, SEMANTIC_TO_SLOT[semantic], None, {"semantic_category": semantic}, where
    )


def _polyvore_benchmarks(
    folder: Path, split: str, by_position: dict[str, Garment], data: OutfitData, strict: bool
) -> None:
    def lookup(ref: str, field: str) -> Garment:
        if ref not in by_position:
            raise _RowError(field, f"{ref!r} names no item of the loaded outfits (expected <set_id>_<index>)")
        return by_position[ref]

    compat_path = folder / f"compatibility_{split}.txt"
    if compat_path.is_file():
        examples = []
        for line_no, line in enumerate(compat_path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                label, *refs = line.split()
                if label not in ("0", "1"):
                    raise _RowError("label", f"expected 0 or 1, got {label!r}")
                items = tuple(lookup(r, f"item {i + 1}") for i, r in enumerate(refs))
                examples.append(
                    CompatExample(
                        f"{split}-{line_no}", items, int(label), refs[0].rsplit("_", 1)[0] if refs else ""
                    )
                )
            except _RowError as exc:
                _problem(data, strict, compat_path, line_no, exc)
        data.compat[split] = examples
    fitb_path = folder / f"fill_in_blank_{split}.json"
    if fitb_path.is_file():
        rows = _json(fitb_path)
        if not isinstance(rows, list):
            raise CatalogueError(f"{fitb_path}: expected a list of questions")
        questions = []
        for n, row in enumerate(rows):
            try:
                if not isinstance(row, dict):
                    raise _RowError(f"[{n}]", "expected an object")
                q_refs = [r for r in _list(row, "question") if isinstance(r, str)]
                a_refs = [r for r in _list(row, "answers") if isinstance(r, str)]
                if not q_refs or not a_refs:
                    raise _RowError(
                        "question", "question and answers must be non-empty lists of <set_id>_<index>"
                    )
                set_id = q_refs[0].rsplit("_", 1)[0]
                answer = next((i for i, r in enumerate(a_refs) if r.rsplit("_", 1)[0] == set_id), None)
                if answer is None:
                    raise _RowError("answers", f"no answer comes from the question's outfit {set_id}")
                questions.append(
                    FitbQuestion(
                        f"{split}-{n}",
                        set_id,
                        tuple(lookup(r, "question") for r in q_refs),
                        tuple(lookup(r, "answers") for r in a_refs),
                        answer,
                    )
                )
            except _RowError as exc:
                _problem(data, strict, fitb_path, n + 1, exc, unit="question")
        data.fitb[split] = questions


# ---------------------------------------------------------------- shared helpers


def _garment(
    item_id: str, name: str, category: str, slot: Slot, price: float | None, attrs: dict[str, str], where: str
) -> Garment:
    name = name.strip()
    title = name or category
    try:
        return Garment(
            id=item_id,
            title=title[:500],
            slot=slot,
            article_type=category[:80],
            colours=list(colour_words_in(name)),
            price=price,
            attributes=attrs,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise _RowError(f"{where}.{'.'.join(map(str, err['loc']))}", err["msg"]) from None


def _jsonl(path: Path, data: OutfitData, strict: bool) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                _problem(
                    data,
                    strict,
                    path,
                    line_no,
                    _RowError("(line)", f"not valid JSON: {exc.msg} at column {exc.colno}"),
                )
                continue
            if not isinstance(row, dict):
                _problem(
                    data,
                    strict,
                    path,
                    line_no,
                    _RowError("(line)", f"expected a JSON object, got {type(row).__name__}"),
                )
                continue
            yield line_no, row


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"{path} line {exc.lineno}: not valid JSON: {exc.msg}") from None


def _str(row: dict[str, Any], key: str, where: str = "") -> str:
    field = f"{where}.{key}" if where else key
    if key not in row:
        raise _RowError(field, "missing")
    value = row[key]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise _RowError(field, f"expected non-empty text, got {value!r}")
    return value.strip()


def _list(row: dict[str, Any], key: str, where: str = "") -> list[Any]:
    field = f"{where}.{key}" if where else key
    value = row.get(key)
    if not isinstance(value, list):
        raise _RowError(field, "missing" if value is None else f"expected a list, got {type(value).__name__}")
    return value


def _problem(
    data: OutfitData, strict: bool, path: Path, line: int, exc: _RowError, unit: str = "line"
) -> None:
    message = f"{path.name} {unit} {line}: field {exc.field!r}: {exc.reason}"
    if strict:
        raise CatalogueError(
            message, hint="fix the row, or load with strict=False to skip bad rows"
        ) from None
    data.problems.append(message)
