"""The MCP server lists and calls the registry's tools through the official ``mcp`` client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import anyio
import httpx2
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from stylist.server.mcp_server import build_mcp_server
from stylist.tools.registry import ToolRegistry
from tests.fakes import Echo


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
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
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
