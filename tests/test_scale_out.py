"""Scale-out on a real Chroma server: a write through one process is searchable through another.

Starts ``chroma run`` (chromadb's CLI) on a free port in a temp dir, builds the index on it, and runs
a writer and a reader process, each with its own data home (the reader's is a copy of the build's
manifest, nothing shared but the server).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from stylist.config import load_settings
from stylist.index.build import build_index
from stylist.index.store import CatalogueIndex, IndexLayout
from tests.fakes import HashingTextEmbedder
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


def _spawn(role: str, home: Path, url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.scale_replica", role, str(home), url],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def _line(proc: subprocess.Popen) -> list[str]:
    line = proc.stdout.readline()
    assert line, f"replica exited with {proc.wait(5)}"
    return line.split()


def test_write_through_one_process_is_searched_through_another(chroma_url, tmp_path):
    home_w, home_r = tmp_path / "writer", tmp_path / "reader"
    settings = load_settings(home=str(home_w), index={"chroma_url": chroma_url})
    build_index(settings, HashingTextEmbedder(), garments=sample_garments())
    shutil.copytree(settings.index_dir, home_r / settings.index_dir.relative_to(home_w))
    build_dir = IndexLayout(settings.index_dir).current_dir()
    cache_written = (build_dir / "garments.json").stat().st_mtime_ns

    reader, writer = _spawn("reader", home_r, chroma_url), _spawn("writer", home_w, chroma_url)
    try:
        n = len(sample_garments())
        assert _line(reader) == ["ready", str(n)] and _line(writer) == ["ready", str(n)]
        writer.stdin.write("add\n")
        writer.stdin.flush()
        assert _line(writer) == ["added"]
        seen = float(_line(reader)[1])
        assert 0 <= seen < 5.0, "the reader never saw the writer's garment"
        writer.stdin.write("delete\n")
        writer.stdin.flush()
        assert _line(writer) == ["deleted"]
        gone = float(_line(reader)[1])
        assert 0 <= gone < 5.0, "the reader kept finding a garment the writer deleted"
        print(f"reader saw the add after {seen:.2f} s and the delete after {gone:.2f} s")
    finally:
        for p in (reader, writer):
            p.kill()
            p.wait(10)
    # writes went to Chroma only: the local caches were not rewritten
    assert (build_dir / "garments.json").stat().st_mtime_ns == cache_written
    # and a fresh process sees Chroma's record, not its stale caches
    fresh = CatalogueIndex.open(settings.index_dir, HashingTextEmbedder(), settings=settings.index)
    assert len(fresh) == n and "replica-new-1" not in fresh
