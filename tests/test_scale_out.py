"""Scale-out on a real Chroma server: a write through one replica is searchable through another.

Starts ``chroma run`` (chromadb's CLI) on a free port in a temp dir, builds the index on it, and
runs two ``stylist serve`` replicas (real server processes on free ports, each with its own data
home; the second's is a copy of the build's manifest, nothing shared but the Chroma server). A
garment written over HTTP through one replica (``PUT /v1/items/{id}``) must be found by the
search tool of the other (``POST /v1/tools/search_garments``) within a bounded delay, and its
deletion likewise.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pytest

from stylist.config import load_settings
from stylist.index.build import build_index
from stylist.index.embed.factory import make_text_embedder
from stylist.index.store import CatalogueIndex, IndexLayout
from tests.sample_catalogue import sample_garments

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_url(tmp_path):
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from chromadb.cli.cli import app; app()", "run",
         "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"`chroma run` did not start: {(tmp_path / 'chroma.log').read_text()[-500:]}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


KEY = "replica-key"
QUERY = "zebra striped velvet cape"
NEW_ID = "replica-new-1"
BOUND_S = 5.0
"""The most a write may take to be searchable through the other replica (sync_seconds is 0.5)."""


def _env(home: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "STYLIST_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "STYLIST_INDEX__CHROMA_URL": url,
        "STYLIST_INDEX__SYNC_SECONDS": "0.5",
        "STYLIST_EMBED__TEXT_MODEL": "embedded",
        "STYLIST_EMBED__IMAGE_MODEL": "none",
        "STYLIST_EMBED__INDEX_IMAGES": "false",
    }


def _serve(home: Path, url: str, stack: list) -> str:
    port = _free_port()
    log = (home / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "stylist.cli", "serve", "--llm", "none", "--api-key", KEY,
         "--port", str(port)],
        env=_env(home, url), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    stack.append((proc, log))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600  # a busy machine is slow, not broken
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).json().get("index") == "ready":
                return base
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, f"replica exited: {(home / 'serve.log').read_text()[-1500:]}"
        assert time.monotonic() < deadline, "replica did not start within 600 s"
        time.sleep(0.3)


def _found(base: str) -> bool:
    r = httpx.post(
        f"{base}/v1/tools/search_garments",
        json={"query": QUERY, "k": 3},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=30,
    )
    r.raise_for_status()
    return NEW_ID in [hit["garment"]["id"] for hit in r.json()["hits"]]


def _until(base: str, present: bool) -> float:
    start = time.monotonic()
    while time.monotonic() - start < 30:
        if _found(base) == present:
            return time.monotonic() - start
        time.sleep(0.05)
    return float("inf")


def test_a_write_through_one_replica_is_searched_through_another(chroma_url, tmp_path):
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    settings = load_settings(
        home=str(home_a), index={"chroma_url": chroma_url}, embed={"index_images": False}
    )
    embedder = make_text_embedder(settings, "embedded")  # the packaged MiniLM: loads in seconds
    build_index(settings, embedder, garments=sample_garments())
    shutil.copytree(settings.index_dir, home_b / settings.index_dir.relative_to(home_a))
    build_dir = IndexLayout(settings.index_dir).current_dir()
    cache_written = (build_dir / "garments.json").stat().st_mtime_ns
    stack: list = []
    try:
        a, b = _serve(home_a, chroma_url, stack), _serve(home_b, chroma_url, stack)
        assert not _found(a) and not _found(b)
        new = sample_garments()[0].model_dump(mode="json") | {
            "id": NEW_ID,
            "title": QUERY,
            "description": QUERY,
        }
        auth = {"Authorization": f"Bearer {KEY}"}
        put = httpx.put(f"{a}/v1/items/{NEW_ID}", json=new, headers=auth, timeout=60)
        assert put.status_code == 200 and put.json()["created"], put.text
        seen = _until(b, present=True)
        assert seen < BOUND_S, "replica b never found the garment written through replica a"
        assert httpx.get(f"{b}/v1/items/{NEW_ID}", headers=auth, timeout=30).json()["title"] == QUERY
        gone_put = httpx.delete(f"{a}/v1/items/{NEW_ID}", headers=auth, timeout=60)
        assert gone_put.status_code == 200, gone_put.text
        gone = _until(b, present=False)
        assert gone < BOUND_S, "replica b kept finding a garment deleted through replica a"
        print(f"replica b found the add after {seen:.2f} s and lost the delete after {gone:.2f} s")
    finally:
        for proc, log in stack:
            proc.terminate()
            proc.wait(30)
            log.close()
    # writes went to Chroma only: the local caches were not rewritten
    assert (build_dir / "garments.json").stat().st_mtime_ns == cache_written
    # and a fresh process sees Chroma's record, not its stale caches
    fresh = CatalogueIndex.open(settings.index_dir, embedder, settings=settings.index)
    assert len(fresh) == len(sample_garments()) and NEW_ID not in fresh
