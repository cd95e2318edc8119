"""One catalogue process for tests/test_scale_out.py: ``reader`` or ``writer`` on a shared Chroma server.

Run as ``python -m tests.scale_replica ROLE HOME CHROMA_URL``; it talks over stdin/stdout lines.
"""

from __future__ import annotations

import sys
import time

from stylist.config import load_settings
from stylist.index.store import CatalogueIndex
from tests.fakes import HashingTextEmbedder
from tests.sample_catalogue import sample_garments

QUERY = "zebra striped velvet cape"
NEW_ID = "replica-new-1"


def _open(home: str, url: str) -> CatalogueIndex:
    settings = load_settings(home=home, index={"chroma_url": url, "sync_seconds": 0.5})
    return CatalogueIndex.open(settings.index_dir, HashingTextEmbedder(), settings=settings.index)


def _wait(index: CatalogueIndex, present: bool, limit: float = 30.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        ids = [g.id for g, _ in index.search(QUERY, k=3)]
        if (NEW_ID in ids) == present:
            return time.monotonic() - start
        time.sleep(0.05)
    return -1.0


def reader(index: CatalogueIndex) -> None:
    print("ready", len(index), flush=True)
    print("seen", _wait(index, True), flush=True)
    print("gone", _wait(index, False), flush=True)


def writer(index: CatalogueIndex) -> None:
    print("ready", len(index), flush=True)
    new = sample_garments()[0].model_copy(update={"id": NEW_ID, "title": QUERY, "description": QUERY})
    sys.stdin.readline()
    index.add([new])
    print("added", flush=True)
    sys.stdin.readline()
    index.delete([NEW_ID])
    print("deleted", flush=True)


if __name__ == "__main__":
    role, home, url = sys.argv[1:4]
    {"reader": reader, "writer": writer}[role](_open(home, url))
