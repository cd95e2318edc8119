"""The project's own catalogue format: JSONL (one garment per line) or CSV (garment fields as
columns, lists joined with ``|``, any other column kept in ``attributes``)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from stylist.errors import CatalogueError
from stylist.fashion.terms import canonical_colour, seasons_of
from stylist.index.loaders.base import (
    BadField,
    Collector,
    add_row,
    check_image,
    parse_price,
    resolve_image,
    slot_or_bad,
    split_list,
)
from stylist.index.schema import Garment, Slot

FIELDS = tuple(Garment.model_fields)
LIST_FIELDS = ("colours", "seasons", "occasions")
CSV_COLUMNS = tuple(f for f in FIELDS if f != "attributes")
ALIASES = {
    "colors": "colours",
    "color": "colours",
    "colour": "colours",
    "season": "seasons",
    "occasion": "occasions",
    "usage": "occasions",
    "image": "image_path",
    "type": "article_type",
    "articletype": "article_type",
    "article type": "article_type",
    "name": "title",
}
GENDERS = {
    "women": "women",
    "woman": "women",
    "female": "women",
    "f": "women",
    "ladies": "women",
    "w": "women",
    "men": "men",
    "man": "men",
    "male": "men",
    "m": "men",
    "unisex": "unisex",
    "all": "unisex",
    "girls": "girls",
    "girl": "girls",
    "boys": "boys",
    "boy": "boys",
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def garment_fields(raw: dict[str, Any], *, base: Path) -> dict[str, Any]:
    """Turn one raw record (CSV strings or JSON values) into Garment fields, or raise BadField."""
    data: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    present = {str(k).strip().lower() for k in raw}
    for key, value in raw.items():
        name = str(key).strip().lower()
        if name in ALIASES and ALIASES[name] not in present:  # "color" means colours unless both exist
            name = ALIASES[name]
        if name == "attributes" and isinstance(value, str) and value.strip().startswith("{"):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise BadField("attributes", "not a valid JSON object", value) from None
        if name == "attributes" and isinstance(value, dict):
            attributes.update({str(k): _text(v) for k, v in value.items() if not _blank(v)})
        elif name in FIELDS:
            data[name] = value
        elif not _blank(value) and name:
            attributes[str(key).strip()] = _text(value)

    if _blank(data.get("id")):
        raise BadField("id", "missing id")
    data["id"] = str(data["id"]).strip()
    if _blank(data.get("article_type")):
        raise BadField("article_type", "missing article type")
    data["article_type"] = str(data["article_type"]).strip()

    slot = data.get("slot")
    if _blank(slot):
        data["slot"] = slot_or_bad("article_type", data["article_type"])
    else:
        try:
            data["slot"] = Slot(str(slot).strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in Slot)
            raise BadField("slot", f"unknown slot (expected one of {choices})", slot) from None

    gender = data.get("gender")
    if _blank(gender):
        data.pop("gender", None)
    else:
        data["gender"] = GENDERS.get(str(gender).strip().lower(), str(gender).strip().lower())

    for name in LIST_FIELDS:
        data[name] = split_list(data.get(name))
    data["seasons"] = seasons_of(data["seasons"])
    data["colours"] = [canonical_colour(c) for c in data["colours"]]

    price, why = parse_price(data.get("price"))
    if why:
        raise BadField("price", why, data.get("price"))
    data["price"] = price
    if _blank(data.get("currency")):
        data.pop("currency", None)

    image = data.get("image_path")
    if _blank(image):
        data["image_path"] = None
    else:
        path = resolve_image(str(image).strip(), base)
        why = check_image(path)
        if why:
            raise BadField("image_path", why, image)
        data["image_path"] = str(path)

    for name in ("title", "description", "pattern", "material", "brand"):
        if name in data and data[name] is not None and not isinstance(data[name], str):
            data[name] = _text(data[name])
    if _blank(data.get("description")):
        data.pop("description", None)
    data["attributes"] = attributes
    return data


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "|".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def load_jsonl(text: str, sink: Collector, *, base: Path) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        sink.rows_read += 1
        add_row(sink, number, lambda line=line: _json_record(line, base))


def _json_record(line: str, base: Path) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadField(None, f"not valid JSON ({exc.msg} at column {exc.colno})", line[:80]) from None
    if not isinstance(record, dict):
        raise BadField(None, f"expected a JSON object, got {type(record).__name__}", line[:80])
    return garment_fields(record, base=base)


class CsvRecordError(Exception):
    """A record the csv module cannot parse (e.g. a field over the size limit)."""


def csv_rows(text: str) -> Iterable[tuple[int, list[str] | CsvRecordError]]:
    """(first line number, fields) for every non-empty CSV record; the header is line 1.
    A record that cannot be parsed comes as a ``CsvRecordError`` in place of its fields."""
    reader = csv.reader(io.StringIO(text, newline=""))
    previous = 0
    while True:
        start = previous + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            previous = reader.line_num
            yield start, CsvRecordError(f"unreadable CSV record: {exc}")
            continue
        previous = reader.line_num
        if fields and any(f.strip() for f in fields):
            yield start, fields


def load_csv(text: str, sink: Collector, *, base: Path) -> None:
    rows = iter(csv_rows(text))
    try:
        _, header = next(rows)
    except StopIteration:
        sink.problem(None, None, "file is empty")
        return
    if isinstance(header, CsvRecordError):
        sink.problem(None, None, f"cannot read the header: {header}")
        return
    header = [h.strip() for h in header]
    for line, fields in rows:
        sink.rows_read += 1
        if isinstance(fields, CsvRecordError):
            sink.problem(line, None, str(fields))
            continue
        if len(fields) != len(header):
            few = "too few" if len(fields) < len(header) else "too many"
            sink.problem(line, None, f"{few} fields: the row has {len(fields)}, the header has {len(header)}")
            continue
        raw = dict(zip(header, fields))
        add_row(sink, line, lambda raw=raw: garment_fields(raw, base=base))


def write_catalogue(garments: Iterable[Garment], path: str | os.PathLike[str]) -> Path:
    """Write garments as JSONL (``.jsonl``) or CSV (``.csv``) that ``load_catalogue`` reads back.

    Image paths inside the file's folder are written relative to it, so the folder can move.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv"):
        raise CatalogueError(
            f"cannot write a catalogue as {path.name!r}", hint="use a .jsonl or .csv file name"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = path.parent.resolve()
    records = [_record(g, folder) for g in garments]
    if suffix == ".csv":
        extra = sorted({k for r in records for k in r["attributes"]} - set(FIELDS))
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([*CSV_COLUMNS, *extra])
            for r in records:
                row = [
                    "|".join(r[c]) if c in LIST_FIELDS else ("" if r[c] is None else r[c])
                    for c in CSV_COLUMNS
                ]
                writer.writerow([*row, *(r["attributes"].get(k, "") for k in extra)])
    else:
        with path.open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def _record(garment: Garment, folder: Path) -> dict[str, Any]:
    record = garment.model_dump(mode="json")
    if garment.image_path:
        image = Path(garment.image_path)
        try:
            record["image_path"] = image.resolve().relative_to(folder).as_posix()
        except ValueError:
            record["image_path"] = str(image)
    return record
