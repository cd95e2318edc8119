"""A real OpenAI-compatible server in the loop: ``llama_cpp.server`` serving a packaged GGUF.

Used by the agent benchmark (the ``openai-llamacpp`` backend) and a slow test. The server runs in
its own process on a free port with a tool-calling chat format, and is stopped on exit.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

CHAT_FORMAT = "chatml-function-calling"
"""llama-cpp-python's tool-calling format for ChatML models (Qwen2.5 is one)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def llama_cpp_server(
    model_path: Path, *, model_alias: str = "stylist-gguf", threads: int = 1, context: int = 4096
) -> Iterator[str]:
    """Start ``python -m llama_cpp.server`` on ``model_path``; yield its ``/v1`` base URL."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model_path),
        "--model_alias",
        model_alias,
        "--chat_format",
        CHAT_FORMAT,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(context),
        "--n_threads",
        str(threads),
        "--verbose",
        "False",
        # by default llama_cpp.server ends a streamed answer after its next chunk whenever another
        # request waits: under concurrent turns every answer the model streamed was cut to a token
        "--interrupt_requests",
        "False",
    ]
    # the server's log goes to a file: llama.cpp writes megabytes, a pipe nobody reads would block it
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"llama_cpp.server exited: {log.read()[-800:]}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not start within 120 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
