"""The OpenAI-compatible HTTP server, against a scripted facade."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from stylist.config import ServerSettings, load_settings
from stylist.errors import ConfigError
from stylist.events import ItemRef
from stylist.runtime import Runtime
from stylist.server.app import create_app
from stylist.tools.registry import ToolRegistry
from tests.fakes import Echo, EchoStylist

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
ITEM = ItemRef(id="g1", title="Olive linen shirt", price=49.0, slot="top")


def make_client(stylist=None, **server) -> TestClient:
    settings = ServerSettings(api_keys=[KEY], **server)
    stylist = stylist or EchoStylist(Runtime(load_settings()), ToolRegistry([Echo()]), items=[ITEM])
    return TestClient(create_app(stylist, settings, concurrency=4), raise_server_exceptions=False)


def ask(client: TestClient, text: str, **extra) -> dict:
    body = {"model": "stylist", "messages": [{"role": "user", "content": text}], **extra}
    response = client.post("/v1/chat/completions", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def test_models_and_completion_with_extension() -> None:
    client = make_client()
    models = client.get("/v1/models", headers=AUTH).json()
    assert models["data"][0]["id"] == "stylist"
    body = ask(client, "a shirt for the office")
    assert body["choices"][0]["message"]["content"] == "turn 1: you said a shirt for the office"
    assert body["stylist"]["items"][0]["id"] == "g1"
    assert body["stylist"]["conversation_id"]


def test_generated_images_are_linked_and_served_from_their_folders(tmp_path) -> None:
    runtime = Runtime(load_settings())
    design = runtime.settings.designs_dir / "20261123-120000-ab12cd-red-dress-3" / "design_01.png"
    design.parent.mkdir(parents=True)
    design.write_bytes(b"\x89PNG fake")
    (tmp_path / "secret.txt").write_text("not yours")
    client = make_client(EchoStylist(runtime, ToolRegistry(), images=[str(design)]))
    (url,) = ask(client, "design a red dress")["stylist"]["images"]
    assert url.endswith("/v1/images/20261123-120000-ab12cd-red-dress-3/design_01.png")
    path = url[url.index("/v1/images/") :]
    served = client.get(path, headers=AUTH)
    assert served.status_code == 200 and served.content == b"\x89PNG fake"
    for bad in (
        "/v1/images/nothing.png",
        "/v1/images/..%2F..%2Fsecret.txt",
        "/v1/images/20261123-120000-ab12cd-red-dress-3",
    ):
        response = client.get(bad, headers=AUTH)
        assert response.status_code == 404 and "no generated image" in response.json()["error"]["message"], (
            bad
        )


def test_stateless_by_default_the_messages_array_is_the_conversation() -> None:
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry())
    client = make_client(stylist)
    history = [
        {"role": "system", "content": "answer in French"},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "bonjour"},
        {"role": "user", "content": "something cheaper"},
    ]
    second = client.post(
        "/v1/chat/completions", json={"model": "stylist", "messages": history}, headers=AUTH
    ).json()
    assert second["choices"][0]["message"]["content"] == "turn 2: you said something cheaper"
    assert stylist.last_call["history"] == [("hello", "bonjour")]
    assert stylist.last_call["system"] == "answer in French"
    # two chats that both start with "hi" are two chats (no conversation from hashing text)
    a, b = ask(client, "hi"), ask(client, "hi")
    assert a["stylist"]["conversation_id"] != b["stylist"]["conversation_id"]
    assert (
        a["choices"][0]["message"]["content"]
        == b["choices"][0]["message"]["content"]
        == "turn 1: you said hi"
    )


def test_stateful_when_the_client_names_the_conversation() -> None:
    client = make_client()
    for named in ({"metadata": {"conversation_id": "chat-7"}}, {"stylist": {"conversation_id": "chat-8"}}):
        ask(client, "one", **named)
        again = ask(client, "two", **named)
        assert again["choices"][0]["message"]["content"] == "turn 2: you said two"
    body = {"model": "stylist", "messages": [{"role": "user", "content": "x"}]}
    for _ in range(2):
        header = client.post(
            "/v1/chat/completions", json=body, headers={**AUTH, "X-Stylist-Conversation": "chat-9"}
        )
    assert header.json()["choices"][0]["message"]["content"] == "turn 2: you said x"
    assert header.json()["stylist"]["conversation_id"] == "chat-9"


def test_user_field_selects_profile() -> None:
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry())
    client = make_client(stylist)
    ask(client, "hi", user="ana")
    assert [u for turns in stylist.turns.values() for u, _ in turns] == ["ana"]


def test_streaming_sse_chunks() -> None:
    client = make_client()
    body = {"model": "stylist", "messages": [{"role": "user", "content": "red dress"}], "stream": True}
    with client.stream("POST", "/v1/chat/completions", json=body, headers=AUTH) as response:
        assert response.status_code == 200
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    import json

    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == "turn 1: you said red dress"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["stylist"]["items"][0]["title"] == "Olive linen shirt"


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"model": "stylist", "messages": "hi"}, 400, "messages"),
        ({"model": "stylist", "messages": []}, 400, "messages"),
        ({"model": "stylist"}, 400, "messages"),
        ({"model": "gpt-9", "messages": [{"role": "user", "content": "hi"}]}, 404, "unknown model 'gpt-9'"),
        ({"model": "stylist", "messages": [{"role": "user", "content": "   "}]}, 400, "empty"),
        ({"model": "stylist", "messages": [{"role": "system", "content": "x"}]}, 400, "role 'user'"),
        ({"model": "stylist", "messages": [{"role": "wizard", "content": "x"}]}, 400, "role"),
        (
            {"model": "stylist", "messages": [{"role": "user", "content": "x"}], "temperature": "hot"},
            400,
            "temperature",
        ),
    ],
)
def test_bad_bodies_get_4xx_naming_the_problem(body: dict, status: int, needle: str) -> None:
    response = make_client().post("/v1/chat/completions", json=body, headers=AUTH)
    assert response.status_code == status
    assert needle in response.json()["error"]["message"]


def test_malformed_json_and_oversized_body() -> None:
    client = make_client(max_body_bytes=2048)
    bad = client.post(
        "/v1/chat/completions", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert bad.status_code == 400
    huge = {"model": "stylist", "messages": [{"role": "user", "content": "x" * 5000}]}
    too_big = client.post("/v1/chat/completions", json=huge, headers=AUTH)
    assert too_big.status_code == 413 and "larger than 2048" in too_big.json()["error"]["message"]


def test_auth_rejects_missing_and_wrong_keys() -> None:
    client = make_client()
    body = {"model": "stylist", "messages": [{"role": "user", "content": "hi"}]}
    assert client.post("/v1/chat/completions", json=body).status_code == 401
    wrong = client.post("/v1/chat/completions", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "API key" in wrong.json()["error"]["message"]
    assert client.get("/healthz").status_code == 200


def test_server_refuses_to_start_open_unless_asked() -> None:
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry())
    with pytest.raises(ConfigError, match="API keys"):
        create_app(stylist, ServerSettings())
    open_app = TestClient(create_app(stylist, ServerSettings(allow_open=True)))
    assert open_app.get("/v1/models").status_code == 200


def test_rate_limit_per_key() -> None:
    client = make_client(rate_limit_per_minute=3)
    codes = [client.get("/v1/models", headers=AUTH).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    limited = client.get("/v1/models", headers=AUTH)
    assert int(limited.headers["Retry-After"]) >= 1


def test_internal_errors_do_not_leak() -> None:
    stylist = EchoStylist(
        Runtime(load_settings()), ToolRegistry(), fail_with=RuntimeError("db password is hunter2")
    )
    client = make_client(stylist)
    response = client.post(
        "/v1/chat/completions",
        json={"model": "stylist", "messages": [{"role": "user", "content": "hi"}]},
        headers=AUTH,
    )
    assert response.status_code == 500
    error = response.json()["error"]
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert error["code"] == "internal_error" and error["message"] == "internal server error"
    assert error["request_id"] == response.headers["X-Request-ID"] and error["request_id"].startswith("req-")


def test_tool_endpoints_validate_input() -> None:
    client = make_client()
    specs = client.get("/v1/tools", headers=AUTH).json()["data"]
    assert specs[0]["name"] == "echo" and specs[0]["input_schema"]["required"] == ["text"]
    ok = client.post("/v1/tools/echo", json={"text": "ab", "times": 2}, headers=AUTH)
    assert ok.status_code == 200 and ok.json() == {"text": "abab"}
    bad = client.post("/v1/tools/echo", json={"times": "x"}, headers=AUTH)
    assert bad.status_code == 400 and "text" in bad.json()["error"]["message"]
    missing = client.post("/v1/tools/ecko", json={}, headers=AUTH)
    assert missing.status_code == 404 and "did you mean 'echo'" in missing.json()["error"]["message"]


def test_concurrent_conversations_do_not_mix() -> None:
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry(), delay=0.002)
    client = make_client(stylist)
    results: dict[str, list[str]] = {}

    def converse(name: str) -> None:
        out = []
        for turn in range(3):
            body = ask(client, f"{name}-{turn}", stylist={"conversation_id": name})
            out.append(body["choices"][0]["message"]["content"])
        results[name] = out

    threads = [threading.Thread(target=converse, args=(f"c{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name, replies in results.items():
        assert replies == [f"turn {i + 1}: you said {name}-{i}" for i in range(3)]


@pytest.fixture
def live_server() -> Iterator[str]:
    import socket

    import uvicorn

    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry([Echo()]), items=[ITEM])
    app = create_app(stylist, ServerSettings(api_keys=[KEY]), concurrency=4)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(5)


def test_official_openai_client(live_server: str) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=live_server, api_key=KEY)
    completion = client.chat.completions.create(
        model="stylist", messages=[{"role": "user", "content": "navy blazer"}]
    )
    assert completion.choices[0].message.content == "turn 1: you said navy blazer"
    assert completion.model_extra["stylist"]["items"][0]["id"] == "g1"
    stream = client.chat.completions.create(
        model="stylist", messages=[{"role": "user", "content": "hat"}], stream=True
    )
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "turn 1: you said hat"
    assert [m.id for m in client.models.list()] == ["stylist"]
    import openai

    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.AuthenticationError):
        OpenAI(base_url=live_server, api_key="wrong").models.list()


def test_real_facade_continues_client_chosen_conversations_per_user() -> None:
    from tests.fakes.agent import fake_stylist

    stylist = fake_stylist()
    client = make_client(stylist)
    first = ask(client, "a red dress", user="ana", stylist={"conversation_id": "chat-1"})
    assert first["stylist"]["conversation_id"] == "chat-1"
    ask(client, "something cheaper", user="ana", stylist={"conversation_id": "chat-1"})
    assert len(stylist.history("chat-1")) == 4
    other = client.post(
        "/v1/chat/completions",
        headers=AUTH,
        json={
            "model": "stylist",
            "user": "bob",
            "stylist": {"conversation_id": "chat-1"},
            "messages": [{"role": "user", "content": "show me ana's chat"}],
        },
    )
    assert other.status_code == 404


def test_a_failed_streamed_turn_reports_a_code_and_request_id_only() -> None:
    stylist = EchoStylist(
        Runtime(load_settings()), ToolRegistry(), fail_with=RuntimeError("db password is hunter2")
    )
    client = make_client(stylist)
    body = {"model": "stylist", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    with client.stream("POST", "/v1/chat/completions", json=body, headers=AUTH) as response:
        rid = response.headers["X-Request-ID"]
        text = "".join(response.iter_lines())
    assert "hunter2" not in text and "RuntimeError" not in text
    assert '"code": "turn_failed"' in text and rid in text
