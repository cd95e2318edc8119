"""Write throughput of the catalogue index (add, update, delete), local and on a Chroma server.

Used by ``benchmarks/search.py --writes``. A build of ``size`` synthetic garments is created through
``CatalogueIndex.create`` (its own write path: Chroma, caches, FAISS), then ``ops`` single-garment
adds, updates and deletes are timed one call at a time, as the catalogue tools and the API make
them. Text embedding is a cheap hashing embedder, so the figures are the index's cost, not a model's.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

DIM = 384


class HashEmbedder:
    """Bag of hashed words: deterministic and fast (the benchmark times the index, not a model)."""

    name = "bench-hashing"
    dim = DIM

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[row, h % DIM] += 1.0 if (h >> 32) & 1 else -1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
        return out


def garments(n: int, start: int = 0) -> list[Any]:
    from stylist.index.schema import Garment, Slot

    colours = ["navy", "black", "red", "white", "green", "beige"]
    kinds = [("coat", Slot.OUTERWEAR), ("jeans", Slot.BOTTOM), ("shirt", Slot.TOP), ("boots", Slot.SHOES)]
    out = []
    for i in range(start, start + n):
        kind, slot = kinds[i % len(kinds)]
        colour = colours[(i // 4) % len(colours)]
        out.append(
            Garment(
                id=f"w{i:07d}", title=f"{colour} {kind} {i}", slot=slot, article_type=kind, colours=[colour]
            )
        )
    return out


def start_chroma(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from chromadb.cli.cli import app; app()", "run", "--path", str(folder),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2).read()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("`chroma run` did not start") from None
            time.sleep(0.3)


def bench_writes(size: int, ops: int, where: str) -> dict[str, Any]:
    """Throughput of ``ops`` single-garment adds, updates and deletes on a ``size`` build."""
    from stylist.config import load_settings
    from stylist.index.store import CatalogueIndex

    folder = Path(tempfile.mkdtemp(prefix="write-bench-"))
    server = None
    try:
        url = None
        if where == "chroma-server":
            server, url = start_chroma(folder / "server")
        settings = load_settings(home=str(folder / "home"), index={"chroma_url": url})
        embedder = HashEmbedder()
        base = garments(size)
        t = time.perf_counter()
        index = CatalogueIndex.create(
            folder / "build", base, embedder.embed_texts([g.document() for g in base]), embedder,
            settings=settings.index,
        )  # fmt: skip
        build_s = time.perf_counter() - t
        extra = garments(ops, start=size)
        timings: dict[str, float] = {}
        t = time.perf_counter()
        for g in extra:
            index.add([g])
        timings["add"] = time.perf_counter() - t
        t = time.perf_counter()
        for g in extra:
            index.update([g.model_copy(update={"title": g.title + " updated"})])
        timings["update"] = time.perf_counter() - t
        t = time.perf_counter()
        for g in extra:
            index.delete([g.id])
        timings["delete"] = time.perf_counter() - t
        assert len(index) == size
        return {
            "size": size, "store": where, "ops": ops, "build_s": round(build_s, 1),
            **{f"{k}_per_s": round(ops / v, 1) for k, v in timings.items()},
            **{f"{k}_ms": round(1000 * v / ops, 2) for k, v in timings.items()},
        }  # fmt: skip
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
