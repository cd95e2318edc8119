"""Fakes and a live-server fixture the server tests share: tools that take a user or a picture."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stylist.concurrency import checkpoint
from stylist.tools.base import Tool
from stylist.tools.output import ToolOutput


class WhoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: str = Field("default", max_length=128)


class WhoOut(ToolOutput):
    user_id: str


class WhoAmI(Tool):
    """Say whose profile the call reads (a stand-in for get_profile)."""

    name = "whoami"

    def run(self, args: WhoIn) -> WhoOut:
        return WhoOut(user_id=args.user_id)


class PictureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_path: str = Field(..., min_length=1, max_length=1000)


class PictureOut(ToolOutput):
    image_path: str
    size: int


class PictureSize(Tool):
    """Read a picture file and say how big it is (a stand-in for recognise_garment)."""

    name = "picture_size"

    def run(self, args: PictureIn) -> PictureOut:
        return PictureOut(image_path=args.image_path, size=len(Path(args.image_path).read_bytes()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app: Any) -> Iterator[int]:
    """Serve an ASGI app with uvicorn in a thread on a free port; yields the port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(5)


def png_bytes(width: int = 8, height: int = 8, fmt: str = "PNG") -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 40, 200)).save(buffer, format=fmt)
    return buffer.getvalue()


class SlowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steps: int = Field(500, ge=1, le=10_000)


class SlowOut(ToolOutput):
    steps_done: int


class Slow(Tool):
    """Count to ``steps``, a checkpoint per step (a stand-in for a long search or outfit build).

    ``checks`` False: a tool with no checkpoint, which runs to its end whatever happens."""

    name = "slow"

    def __init__(self, step_s: float = 0.01, checks: bool = True) -> None:
        self.step_s, self.checks = step_s, checks
        self.started, self.finished = threading.Event(), threading.Event()
        self.steps_done = 0

    def run(self, args: SlowIn) -> SlowOut:
        self.started.set()
        try:
            for step in range(args.steps):
                if self.checks:
                    checkpoint()
                time.sleep(self.step_s)
                self.steps_done = step + 1
        finally:
            self.finished.set()
        return SlowOut(steps_done=self.steps_done)
