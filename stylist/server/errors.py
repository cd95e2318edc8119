"""Errors as clients see them: a stable code, a plain message and the request's id.

``{"error": {"message", "type", "code", "request_id"}}`` in OpenAI's shape, and the id in the
``X-Request-ID`` header. Details of unexpected failures go to the server log under that id only.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from stylist.conversations import ConversationNotFoundError
from stylist.errors import (
    BusyError,
    CatalogueError,
    IndexBuildingError,
    ItemNotFoundError,
    StylistError,
    ToolInputError,
    ToolNotFoundError,
    TurnCancelled,
)
from stylist.server.pictures import PictureError

log = logging.getLogger("stylist.server")

INTERNAL = "internal server error"


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        type_: str = "invalid_request_error",
        code: str = "invalid_request",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.headers = status, message, type_, code, headers


def error_body(message: str, type_: str, code: str, request_id: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code, "request_id": request_id}}


def request_id_of(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def error_response(exc: ApiError, request_id: str | None) -> JSONResponse:
    headers = dict(exc.headers or {})
    if request_id:
        headers["X-Request-ID"] = request_id
    return JSONResponse(
        error_body(exc.message, exc.type, exc.code, request_id), status_code=exc.status, headers=headers
    )


def busy_error(exc: BusyError) -> ApiError:
    """A full queue as a 503 with ``Retry-After`` (the message names the queue and the wait)."""
    return ApiError(
        503,
        str(exc),
        "server_error",
        f"{exc.queue}_queue_full",
        {"Retry-After": str(max(1, round(exc.retry_after)))},
    )


def index_building(exc: IndexBuildingError) -> ApiError:
    return ApiError(
        503,
        str(exc),
        "server_error",
        "index_building",
        {"Retry-After": str(max(1, round(exc.retry_after)))},
    )


def map_stylist_error(exc: StylistError) -> ApiError:
    """A project error as the API reports it (its message names the bad field, id or value)."""
    message = str(exc)
    if isinstance(exc, BusyError):
        return busy_error(exc)
    if isinstance(exc, IndexBuildingError):
        return index_building(exc)
    if isinstance(exc, TurnCancelled):
        return ApiError(499, message, code="client_closed")
    if isinstance(exc, PictureError):
        return ApiError(exc.status, message, code=exc.code)
    if isinstance(exc, (ToolNotFoundError, ItemNotFoundError, ConversationNotFoundError)):
        return ApiError(404, message, code="not_found")
    if isinstance(exc, (ToolInputError, CatalogueError)):
        return ApiError(400, message, code="invalid_arguments")
    return ApiError(503, "the stylist cannot answer right now", "server_error", "unavailable")


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc, request_id_of(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts, too_long = [], False
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"] if p != "body") or "body"
            parts.append(f"{loc}: {err['msg']}")
            too_long = too_long or err.get("type") in ("string_too_long", "too_long")
        message = "invalid request body: " + "; ".join(parts)
        if too_long:  # a length limit: 413, so a client can tell it from a malformed request
            return error_response(ApiError(413, message, code="too_long"), request_id_of(request))
        return error_response(ApiError(400, message, code="invalid_body"), request_id_of(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "invalid_request")
        return error_response(ApiError(exc.status_code, str(exc.detail), code=code), request_id_of(request))

    @app.exception_handler(StylistError)
    async def _stylist_error(request: Request, exc: StylistError) -> JSONResponse:
        api = map_stylist_error(exc)
        if api.status >= 500:
            log.error("request %s: %s: %s", request_id_of(request), type(exc).__name__, exc)
        return error_response(api, request_id_of(request))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        rid = request_id_of(request)
        log.exception("request %s failed", rid)
        return error_response(ApiError(500, INTERNAL, "server_error", "internal_error"), rid)
