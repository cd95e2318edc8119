"""The MCP server lists and calls the registry's tools through the official ``mcp`` client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from stylist.concurrency import BoundedPool
from stylist.server.mcp_server import SERVER_BUSY, build_mcp_server
from stylist.tools.registry import ToolRegistry
from tests.fakes import Echo
from tests.server_helpers import Slow


def test_lists_and_calls_tools_in_process() -> None:
    async def scenario() -> None:
        async with Client(build_mcp_server(ToolRegistry([Echo()]))) as client:
            tools = (await client.list_tools()).tools
            assert [t.name for t in tools] == ["echo"]
            assert tools[0].description == "Repeat the text."
            assert tools[0].input_schema["required"] == ["text"]
            ok = await client.call_tool("echo", {"text": "ab", "times": 3})
            assert not ok.is_error and ok.structured_content == {"text": "ababab"}
            bad = await client.call_tool("echo", {"times": 2})
            assert bad.is_error and "missing required argument 'text'" in bad.content[0].text
            unknown = await client.call_tool("ecko", {})
            assert unknown.is_error and "did you mean 'echo'" in unknown.content[0].text

    anyio.run(scenario)


def _env(home: str) -> dict[str, str]:
    return {**os.environ, "STYLIST_HOME": home, "HF_HUB_OFFLINE": "1"}


def test_stdio_server_exposes_the_real_registry(tmp_path) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "stylist.cli", "mcp"], env=_env(str(tmp_path))
    )

    async def scenario() -> list[str]:
        async with Client(params) as client:
            return [t.name for t in (await client.list_tools()).tools]

    names = anyio.run(scenario)
    assert "search_garments" in names


def test_streamable_http_transport(tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            *("-m", "stylist.cli", "mcp", "--transport", "http", "--port", str(port)),
            *("--api-key", "mcp-key"),
        ],
        env=_env(str(tmp_path)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120  # the CLI's imports take over 30 s on a loaded 2-core machine
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")[-2000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)

        async def scenario() -> list[str]:
            headers = {"Authorization": "Bearer mcp-key"}
            async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
                transport = streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)
                async with Client(transport) as client:
                    return [t.name for t in (await client.list_tools()).tools]

        assert "search_garments" in anyio.run(scenario)
    finally:
        proc.terminate()
        proc.wait(10)


def test_tool_calls_run_on_the_given_pool_and_a_full_one_is_a_busy_error() -> None:
    pool, release = BoundedPool("tools", 1, 0), threading.Event()
    server = build_mcp_server(ToolRegistry([Echo()]), pool=pool)

    async def scenario() -> None:
        async with Client(server) as client:
            ok = await client.call_tool("echo", {"text": "ab"})
            assert not ok.is_error and ok.structured_content == {"text": "ab"}
            running = pool.submit(release.wait)  # the one worker is busy, no room to wait
            try:
                with pytest.raises(MCPError) as busy:
                    await client.call_tool("echo", {"text": "ab"})
            finally:
                release.set()
                running.result(5)
            assert busy.value.code == SERVER_BUSY
            assert "tools queue is full" in busy.value.message and "try again in 2 s" in busy.value.message
            assert busy.value.data == {"code": "tools_queue_full", "retry_after": 2.0}
            again = await client.call_tool("echo", {"text": "ab"})  # room again
            assert not again.is_error

    anyio.run(scenario)


def test_a_cancelled_mcp_call_stops_the_running_tool() -> None:
    slow = Slow()
    server = build_mcp_server(ToolRegistry([slow]), pool=BoundedPool("tools", 1, 4))

    async def scenario() -> None:
        async with Client(server) as client:
            with anyio.move_on_after(0.5):
                await client.call_tool("slow", {"steps": 1000})
            assert slow.started.is_set(), "the tool never ran"
            await anyio.to_thread.run_sync(slow.finished.wait, 5)

    anyio.run(scenario)
    assert slow.finished.is_set() and slow.steps_done < 1000, "the tool ran on after the call was cancelled"
