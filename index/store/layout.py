"""Where an index lives on disk, and the "current" pointer that makes a rebuild atomic.

```
<index_dir>/CURRENT                 name of the build in use (replaced atomically)
<index_dir>/builds/<build_id>/      one complete build:
    manifest.json                   what built it (embedder, dim, FAISS kind, counts, source)
    garments.json                   the garments in row order (cache of Chroma's metadata)
    vectors.npy                     text vectors in row order (cache of Chroma's embeddings)
    image_vectors.npy, image_rows.npy   optional image vectors and which rows have one
    faiss.index                     the approximate index (flat indexes are rebuilt on load)
    chroma/                         the persistent Chroma store: the record of truth
    images/                         rendered demo pictures (demo builds only)
```
A build writes a new folder and switches ``CURRENT`` only when the folder is complete, so an
interrupted build leaves the previous index in use.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class Manifest(BaseModel):
    """What is in one build folder."""

    format_version: int = FORMAT_VERSION
    build_id: str
    created: str
    embedder: str
    dim: int
    count: int
    faiss_kind: Literal["flat", "hnsw", "ivf"]
    collection: str
    chroma_url: str | None = None
    image_embedder: str | None = None
    image_dim: int | None = None
    image_count: int = 0
    image_shares_text_space: bool = False
    """The image vectors live in the text model's space, so a text query vector scores pictures too."""
    source: str = "demo"
    source_format: str = "demo"
    extra: dict[str, str] = Field(default_factory=dict)
    cache_seq: int = -1
    """The highest write ``seq`` the row caches (garments.json, vectors.npy …) include."""
    last_seq: int = -1
    """The highest write ``seq`` in Chroma: writes above ``cache_seq`` are replayed from Chroma on open."""


class IndexLayout:
    def __init__(self, index_dir: Path) -> None:
        self.root = Path(index_dir)
        self.builds = self.root / "builds"
        self.pointer = self.root / "CURRENT"

    def new_build_id(self) -> str:
        return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(3)

    def build_dir(self, build_id: str) -> Path:
        return self.builds / build_id

    def current_id(self) -> str | None:
        """The build in use, or ``None`` when there is none (or the pointer names a missing one)."""
        try:
            build_id = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not build_id or not (self.build_dir(build_id) / MANIFEST).is_file():
            return None
        return build_id

    def current_dir(self) -> Path | None:
        build_id = self.current_id()
        return self.build_dir(build_id) if build_id else None

    def switch_to(self, build_id: str) -> str | None:
        """Point ``CURRENT`` at ``build_id`` in one atomic rename; returns the previous build id."""
        previous = self.current_id()
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".CURRENT.{build_id}.tmp"
        tmp.write_text(build_id + "\n", encoding="utf-8")
        os.replace(tmp, self.pointer)
        return previous

    def stale_builds(self, keep: set[str]) -> list[str]:
        """Builds older than every kept one (a newer folder may be another build in progress)."""
        if not self.builds.is_dir() or not keep:
            return []
        oldest_kept = min(keep)
        return sorted(
            p.name
            for p in self.builds.iterdir()
            if p.is_dir() and p.name not in keep and p.name < oldest_kept
        )

    def remove_build(self, build_id: str) -> None:
        shutil.rmtree(self.build_dir(build_id), ignore_errors=True)


def read_manifest(build_dir: Path) -> Manifest:
    return Manifest.model_validate_json((build_dir / MANIFEST).read_text(encoding="utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
