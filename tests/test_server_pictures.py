"""Pictures over the wire, not paths; bounded input (issue #22)."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from stylist.config import ServerSettings, load_settings
from stylist.runtime import Runtime
from stylist.server.app import create_app
from stylist.tools.registry import ToolRegistry
from tests.fakes import EchoStylist
from tests.server_helpers import PictureSize, png_bytes

KEY = "k"
AUTH = {"Authorization": f"Bearer {KEY}"}


def make(tmp_path, **server) -> tuple[TestClient, EchoStylist]:
    settings = ServerSettings(api_keys=[KEY], upload_dir=tmp_path / "uploads", **server)
    stylist = EchoStylist(Runtime(load_settings()), ToolRegistry([PictureSize()]))
    return TestClient(create_app(stylist, settings, concurrency=2), raise_server_exceptions=False), stylist


def data_url(raw: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(raw).decode()


def test_chat_picture_part_is_stored_and_reaches_the_agent_as_an_upload(tmp_path) -> None:
    client, stylist = make(tmp_path)
    content = [
        {"type": "text", "text": "what goes with this?"},
        {"type": "image_url", "image_url": {"url": data_url(png_bytes())}},
    ]
    response = client.post(
        "/v1/chat/completions",
        json={"model": "stylist", "messages": [{"role": "user", "content": content}]},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    message = stylist.turns[next(iter(stylist.turns))][0][1]
    assert message.startswith("what goes with this? ") and str(tmp_path / "uploads") in message
    stored = list((tmp_path / "uploads").iterdir())
    assert len(stored) == 1 and stored[0].suffix == ".png" and stored[0].read_bytes() == png_bytes()


def test_tool_takes_base64_and_refuses_server_paths_alike(tmp_path) -> None:
    client, _ = make(tmp_path)
    schema = client.get("/v1/tools", headers=AUTH).json()["data"][0]["input_schema"]
    assert "image_base64" in schema["properties"] and "image_path" not in schema.get("required", [])
    ok = client.post("/v1/tools/picture_size", json={"image_base64": data_url(png_bytes())}, headers=AUTH)
    assert ok.status_code == 200 and ok.json()["size"] == len(png_bytes())
    uploaded = ok.json()["image_path"]
    again = client.post("/v1/tools/picture_size", json={"image_path": uploaded}, headers=AUTH)
    assert again.status_code == 200  # a path under the upload folder is fine
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_bytes())
    refusals = []
    for path in (str(secret), str(tmp_path / "missing.png"), "/etc/passwd", "../secret.png"):
        response = client.post("/v1/tools/picture_size", json={"image_path": path}, headers=AUTH)
        assert response.status_code == 400, path
        refusals.append(response.json()["error"]["message"].replace(repr(path), "PATH"))
    # the same words whether the file exists or not: a caller learns nothing about the disk
    assert len(set(refusals)) == 1 and "not an uploaded picture" in refusals[0]


def test_agent_tool_calls_on_the_server_refuse_paths_outside_the_uploads(tmp_path) -> None:
    _, stylist = make(tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_bytes())
    from stylist.errors import ToolInputError

    with pytest.raises(ToolInputError, match="not an uploaded picture"):
        stylist.registry.get("picture_size").invoke({"image_path": str(secret)})
    # the same tool outside the server (the local CLI, the TUI) still opens paths
    assert PictureSize().invoke({"image_path": str(secret)}).size == len(png_bytes())


@pytest.mark.parametrize(
    ("picture", "status", "code"),
    [
        (data_url(b"not a picture"), 422, "invalid_image"),
        ("data:image/png;base64,%%%notbase64", 422, "invalid_image"),
        ("https://example.com/shirt.jpg", 422, "unsupported_image_url"),
        ("file:///etc/passwd", 422, "unsupported_image_url"),
        (data_url(png_bytes(600, 10)), 413, "image_too_large"),
        (data_url(png_bytes(fmt="TIFF"), "image/tiff"), 422, "unsupported_image_format"),
    ],
)
def test_picture_limits(tmp_path, picture: str, status: int, code: str) -> None:
    client, _ = make(tmp_path, max_image_side=512)
    content = [{"type": "text", "text": "what is this"}, {"type": "image_url", "image_url": {"url": picture}}]
    response = client.post(
        "/v1/chat/completions",
        json={"model": "stylist", "messages": [{"role": "user", "content": content}]},
        headers=AUTH,
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code and response.json()["error"]["request_id"]


def test_picture_bytes_limit(tmp_path) -> None:
    client, _ = make(tmp_path, max_image_bytes=2048)
    import io
    import os

    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(
        buffer, format="PNG"
    )  # noise: no compression
    big = buffer.getvalue()
    assert len(big) > 2048
    response = client.post("/v1/tools/picture_size", json={"image_base64": data_url(big)}, headers=AUTH)
    assert response.status_code == 413 and response.json()["error"]["code"] == "image_too_large"


def test_message_and_field_length_limits(tmp_path) -> None:
    client, _ = make(tmp_path, max_message_chars=100, max_messages=3)
    long = {"model": "stylist", "messages": [{"role": "user", "content": "x" * 101}]}
    response = client.post("/v1/chat/completions", json=long, headers=AUTH)
    assert response.status_code == 413 and response.json()["error"]["code"] == "message_too_long"
    many = {"model": "stylist", "messages": [{"role": "user", "content": "hi"}] * 4}
    response = client.post("/v1/chat/completions", json=many, headers=AUTH)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_many_messages"
    arg = client.post("/v1/tools/picture_size", json={"image_path": "a" * 101}, headers=AUTH)
    assert arg.status_code == 413 and arg.json()["error"]["code"] == "argument_too_long"
    cid = {
        "model": "stylist",
        "messages": [{"role": "user", "content": "hi"}],
        "metadata": {"conversation_id": "c" * 65},
    }
    assert client.post("/v1/chat/completions", json=cid, headers=AUTH).status_code == 422


def test_chat_text_naming_a_server_path_gets_the_same_refusal_whether_it_exists_or_not(tmp_path) -> None:
    from tests.fakes.agent import fake_stylist

    settings = ServerSettings(api_keys=[KEY], upload_dir=tmp_path / "uploads")
    client = TestClient(create_app(fake_stylist(), settings, concurrency=1), raise_server_exceptions=False)
    there = tmp_path / "there.jpg"
    there.write_bytes(png_bytes(fmt="JPEG"))
    errors = []
    for path in (there, tmp_path / "not-there.jpg"):
        body = {"model": "stylist", "messages": [{"role": "user", "content": f"what is this {path}"}]}
        reply = client.post("/v1/chat/completions", json=body, headers=AUTH).json()
        (call,) = reply["stylist"]["tool_calls"]
        assert call["name"] == "recognise_garment" and not call["ok"]
        errors.append(call["error"].replace(repr(str(path)), "PATH"))
    assert errors[0] == errors[1] and "not an uploaded picture" in errors[0]
