"""Catalogue writes over HTTP (``PUT``/``DELETE /v1/items/{id}``): who may write, and what is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from stylist.config import ServerSettings, load_settings
from stylist.runtime import Runtime
from stylist.server.app import create_app
from stylist.tools.registry import ToolRegistry
from tests.fakes import EchoStylist
from tests.fakes.agent import FakeCatalogueIndex

SERVICE, USER = {"Authorization": "Bearer svc"}, {"Authorization": "Bearer usr"}
COAT = {"title": "Zebra velvet cape", "slot": "outerwear", "article_type": "Cape", "price": 90}


def client() -> tuple[TestClient, FakeCatalogueIndex]:
    index = FakeCatalogueIndex()
    stylist = EchoStylist(Runtime(load_settings(), catalogue_index=index), ToolRegistry())
    settings = ServerSettings(api_keys=["svc"], user_keys={"usr": "ana"})
    return TestClient(create_app(stylist, settings, concurrency=1), raise_server_exceptions=False), index


def test_a_service_key_adds_replaces_and_deletes_a_garment():
    http, index = client()
    first = http.put("/v1/items/new-1", json=COAT, headers=SERVICE)
    assert first.status_code == 200 and first.json() == {"id": "new-1", "created": True}
    assert http.get("/v1/items/new-1", headers=SERVICE).json()["title"] == "Zebra velvet cape"
    again = http.put("/v1/items/new-1", json={**COAT, "price": 70}, headers=SERVICE)
    assert again.json()["created"] is False and index.get("new-1").price == 70
    assert http.delete("/v1/items/new-1", headers=SERVICE).json() == {"id": "new-1", "deleted": True}
    assert "new-1" not in index
    missing = http.delete("/v1/items/new-1", headers=SERVICE)
    assert missing.status_code == 404 and "new-1" in missing.json()["error"]["message"]


def test_writes_refused_with_a_reason():
    http, index = client()
    assert http.put("/v1/items/x", json=COAT, headers=USER).status_code == 403
    assert http.delete("/v1/items/g-0001", headers=USER).status_code == 403
    bad = http.put("/v1/items/x", json={**COAT, "image_path": "/etc/passwd"}, headers=SERVICE)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "image_path"
    other = http.put("/v1/items/x", json={**COAT, "id": "y"}, headers=SERVICE)
    assert other.status_code == 400 and other.json()["error"]["code"] == "id_mismatch"
    broken = http.put("/v1/items/x", json={**COAT, "price": -1, "slot": "hat"}, headers=SERVICE)
    message = broken.json()["error"]["message"]
    assert broken.status_code == 400 and "price" in message and "slot" in message
    assert http.put("/v1/items/x", content=b"[1]", headers=SERVICE).status_code == 400
    assert "x" not in index
