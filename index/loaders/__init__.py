"""Catalogue loaders: one entry point that detects the format from the extension and header.

Formats: the project's own JSONL/CSV (``garments-jsonl``, ``garments-csv``), the Kaggle "Fashion
Product Images" ``styles.csv`` layout (``kaggle-styles``), the Polyvore Outfits item metadata JSON
(``polyvore-metadata``) and the Maryland Polyvore ``outfits.jsonl`` (``polyvore-outfits``).
Bad rows are reported as ``RowProblem`` and skipped; ``strict=True`` raises at the first one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from stylist.errors import CatalogueError
from stylist.index.loaders.base import CatalogueRowError, Collector, LoadResult, RowProblem, read_text
from stylist.index.loaders.kaggle import load_kaggle
from stylist.index.loaders.native import load_csv, load_jsonl, write_catalogue
from stylist.index.loaders.polyvore import load_polyvore_metadata, load_polyvore_outfits

__all__ = [
    "FORMATS",
    "CatalogueRowError",
    "LoadResult",
    "RowProblem",
    "detect_format",
    "load_catalogue",
    "write_catalogue",
]

FORMATS = ("garments-jsonl", "garments-csv", "kaggle-styles", "polyvore-metadata", "polyvore-outfits")

#: File names looked for when a folder is given, in order.
_FOLDER_FILES = (
    "catalogue.jsonl",
    "catalogue.csv",
    "styles.csv",
    "polyvore_item_metadata.json",
    "outfits.jsonl",
)


def detect_format(path: Path, text: str) -> str:
    """The catalogue format of ``text`` (read from ``path``), from its extension and header."""
    suffix = path.suffix.lower()
    head = text.lstrip()[:1]
    if suffix in (".jsonl", ".ndjson") or (
        suffix not in (".csv", ".tsv", ".json") and head == "{" and "\n{" in text
    ):
        first = next((line for line in text.splitlines() if line.strip()), "")
        try:
            record = json.loads(first)
        except json.JSONDecodeError:
            return "garments-jsonl"  # the loader reports the bad line
        if isinstance(record, dict) and isinstance(record.get("items"), list):
            return "polyvore-outfits"
        return "garments-jsonl"
    if suffix == ".json" or head in ("{", "["):
        return "polyvore-metadata"
    header = text.lstrip().splitlines()[0].lower() if text.strip() else ""
    columns = {c.strip().strip('"') for c in header.split(",")}
    if "productdisplayname" in columns or {"mastercategory", "subcategory", "articletype"} <= columns:
        return "kaggle-styles"
    return "garments-csv"


def load_catalogue(
    path: str | os.PathLike[str],
    *,
    strict: bool = False,
    images_dir: str | os.PathLike[str] | None = None,
) -> LoadResult:
    """Load a catalogue file (or a folder holding one) into garments, reporting every bad row.

    Relative image paths resolve against ``images_dir`` when given, else the file's folder; the
    Kaggle layout looks for ``images/<id>.jpg`` there. With ``strict`` the first problem raises
    ``CatalogueError`` naming the file, line and field.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        found = next((path / name for name in _FOLDER_FILES if (path / name).is_file()), None)
        if found is None:
            raise CatalogueError(
                f"no catalogue file in folder {str(path)!r}",
                hint="expected one of: " + ", ".join(_FOLDER_FILES),
            )
        path = found
    sink = Collector(path, "unknown", strict=strict)
    text = read_text(path, sink)
    if text is None:
        return sink.result()
    sink.format = fmt = detect_format(path, text)
    base = Path(images_dir).expanduser() if images_dir is not None else path.parent
    if fmt == "garments-jsonl":
        load_jsonl(text, sink, base=base)
    elif fmt == "garments-csv":
        load_csv(text, sink, base=base)
    elif fmt == "kaggle-styles":
        load_kaggle(text, sink, images=base / "images" if images_dir is None else base)
    elif fmt == "polyvore-metadata":
        load_polyvore_metadata(text, sink, images=base / "images" if images_dir is None else base)
    else:
        load_polyvore_outfits(text, sink)
    return sink.result()
