"""Catalogue writes over HTTP: ``PUT /v1/items/{id}`` (add or replace) and ``DELETE /v1/items/{id}``.

Only a service key (or open local mode) may write; a user key acts for one shopper and is refused.
With ``index.chroma_url`` set, the write goes to the shared Chroma server, so every replica finds
the garment within ``index.sync_seconds``; otherwise it changes this process's index only. A
garment written over HTTP may not name a picture file (server paths are never trusted).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from stylist.errors import ItemNotFoundError
from stylist.index.schema import Garment
from stylist.server.errors import ApiError
from stylist.server.turns import index_gate


def add_item_routes(app: FastAPI, stylist: Any) -> None:
    @app.put("/v1/items/{item_id}")
    async def put_item(item_id: str, request: Request) -> dict[str, Any]:
        _writer(request)
        garment = _garment(item_id, await _json(request))
        index_gate(stylist.runtime)
        created = await run_in_threadpool(_upsert, stylist.runtime.catalogue_index, garment)
        return {"id": garment.id, "created": created}

    @app.delete("/v1/items/{item_id}")
    async def delete_item(item_id: str, request: Request) -> dict[str, Any]:
        _writer(request)
        index_gate(stylist.runtime)
        await run_in_threadpool(stylist.runtime.catalogue_index.delete, [item_id])
        return {"id": item_id, "deleted": True}


def _writer(request: Request) -> None:
    if request.state.caller.kind == "user":
        raise ApiError(403, "a user key cannot change the catalogue (use a service key)", code="forbidden")


async def _json(request: Request) -> dict[str, Any]:
    try:
        raw = await request.json()
    except ValueError:
        raise ApiError(400, "request body is not valid JSON", code="invalid_json") from None
    if not isinstance(raw, dict):
        raise ApiError(400, "the garment must be a JSON object", code="invalid_arguments")
    return raw


def _garment(item_id: str, raw: dict[str, Any]) -> Garment:
    if raw.get("id", item_id) != item_id:
        raise ApiError(400, f"the body's id {raw['id']!r} is not the path's {item_id!r}", code="id_mismatch")
    if raw.get("image_path"):
        raise ApiError(
            400, "image_path cannot be set over HTTP (server paths are not trusted)", code="image_path"
        )
    try:
        return Garment.model_validate({**raw, "id": item_id})
    except ValidationError as exc:
        parts = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()]
        raise ApiError(400, "invalid garment: " + "; ".join(parts), code="invalid_garment") from None


def _upsert(index: Any, garment: Garment) -> bool:
    """Add ``garment``, or replace the one with its id; whether it was new."""
    if garment.id in index:
        try:
            index.update([garment])
            return False
        except ItemNotFoundError:  # deleted by another replica meanwhile: add it
            pass
    index.add([garment])
    return True
