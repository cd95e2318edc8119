"""Keys and users, end to end: the chat API, the tool endpoint and MCP over HTTP follow one rule.

A service key acts for any end user it names; a user key acts only as its user, whatever the
body or the tool arguments say; MCP over HTTP needs a key like the API.
"""

from __future__ import annotations

import anyio
import httpx2
import pytest
from fastapi.testclient import TestClient
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from stylist.config import ServerSettings, load_settings
from stylist.errors import ConfigError
from stylist.runtime import Runtime
from stylist.server.app import create_app
from stylist.server.mcp_server import http_app
from stylist.server.pictures import Uploads
from stylist.tools.registry import ToolRegistry
from tests.fakes import EchoStylist
from tests.server_helpers import WhoAmI, serving

SERVICE, ANA_KEY = "service-key", "ana-key"
SETTINGS = ServerSettings(api_keys=[SERVICE], user_keys={ANA_KEY: "ana"})


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def make(settings: ServerSettings = SETTINGS) -> tuple[TestClient, EchoStylist]:
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry([WhoAmI()]))
    return TestClient(create_app(stylist, settings, concurrency=2), raise_server_exceptions=False), stylist


def chat_user(client: TestClient, stylist: EchoStylist, key: str, **body) -> str:
    response = client.post(
        "/v1/chat/completions",
        json={"model": "stylist", "messages": [{"role": "user", "content": "hi"}], **body},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.text
    return stylist.last_call["user_id"]


def test_chat_api_service_key_names_the_user_and_a_user_key_cannot() -> None:
    client, stylist = make()
    assert chat_user(client, stylist, SERVICE, user="bob") == "bob"
    assert chat_user(client, stylist, SERVICE).startswith("key-")  # no user named: the key's own profile
    assert chat_user(client, stylist, ANA_KEY, user="bob") == "ana"
    assert chat_user(client, stylist, ANA_KEY) == "ana"
    assert client.get("/v1/models", headers=bearer("bob-key")).status_code == 401


def test_user_key_cannot_continue_another_users_conversation() -> None:
    from tests.fakes.agent import fake_stylist

    stylist = fake_stylist()
    client = TestClient(create_app(stylist, SETTINGS, concurrency=2), raise_server_exceptions=False)
    body = {"model": "stylist", "messages": [{"role": "user", "content": "a red dress"}]}
    mine = client.post(
        "/v1/chat/completions",
        json={**body, "user": "bob", "metadata": {"conversation_id": "bob-chat"}},
        headers=bearer(SERVICE),
    )
    assert mine.status_code == 200
    theirs = client.post(
        "/v1/chat/completions",
        json={**body, "user": "bob", "metadata": {"conversation_id": "bob-chat"}},
        headers=bearer(ANA_KEY),
    )
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "not_found"


def test_tool_endpoint_follows_the_same_rule() -> None:
    client, _ = make()
    as_service = client.post("/v1/tools/whoami", json={"user_id": "bob"}, headers=bearer(SERVICE))
    assert as_service.json() == {"user_id": "bob"}
    as_ana = client.post("/v1/tools/whoami", json={"user_id": "bob"}, headers=bearer(ANA_KEY))
    assert as_ana.status_code == 200 and as_ana.json() == {"user_id": "ana"}
    assert client.post("/v1/tools/whoami", json={}, headers=bearer(ANA_KEY)).json() == {"user_id": "ana"}
    assert client.post("/v1/tools/whoami", json={}).status_code == 401


def _mcp_call(port: int, key: str | None, arguments: dict) -> dict:
    headers = bearer(key) if key else {}

    async def scenario() -> dict:
        async with httpx2.AsyncClient(headers=headers, timeout=20) as http:
            transport = streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)
            async with Client(transport) as client:
                result = await client.call_tool("whoami", arguments)
                assert not result.is_error, result.content
                return result.structured_content

    return anyio.run(scenario)


def test_mcp_over_http_requires_a_key_and_follows_the_rule(tmp_path) -> None:
    registry = ToolRegistry([WhoAmI()])
    app = http_app(registry, SETTINGS, Uploads(tmp_path, SETTINGS), host="127.0.0.1")
    with serving(app) as port:
        import httpx

        anonymous = httpx.post(
            f"http://127.0.0.1:{port}/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Accept": "application/json, text/event-stream"},
        )
        assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "invalid_api_key"
        wrong = httpx.post(f"http://127.0.0.1:{port}/mcp", json={}, headers=bearer("nope"))
        assert wrong.status_code == 401
        assert _mcp_call(port, SERVICE, {"user_id": "bob"}) == {"user_id": "bob"}
        assert _mcp_call(port, ANA_KEY, {"user_id": "bob"}) == {"user_id": "ana"}


def test_mcp_over_http_refuses_to_start_without_keys(tmp_path) -> None:
    with pytest.raises(ConfigError, match="API keys"):
        http_app(
            ToolRegistry([WhoAmI()]), ServerSettings(), Uploads(tmp_path, ServerSettings()), host="127.0.0.1"
        )


def test_cli_user_key_needs_key_equals_user(capsys) -> None:
    from tests.cli_helpers import run_cli

    code, _, err = run_cli(capsys, "serve", "--user-key", "just-a-key")
    assert code == 2 and "expected KEY=USER" in err
