"""Admission of every request: its id, its key, its rate limits and its body size.

``Guard`` is a plain ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: that one wraps
``receive``, so an endpoint could no longer see its client disconnect (and cancel its turn).
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request

from stylist.config import ServerSettings
from stylist.server.auth import KeyChecker
from stylist.server.errors import ApiError, error_response
from stylist.server.limits import USER_HEADER, Limits

OPEN_PATHS = ("/healthz", "/docs", "/openapi.json")


class Guard:
    def __init__(self, app: Any, *, keys: KeyChecker, limits: Limits, settings: ServerSettings) -> None:
        self.app, self.keys, self.limits, self.settings = app, keys, limits, settings

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        rid = request.state.request_id = "req-" + uuid.uuid4().hex[:16]
        if request.url.path not in OPEN_PATHS:
            try:
                await admit(request, self.keys, self.limits, self.settings)
            except ApiError as exc:
                await error_response(exc, rid)(scope, receive, send)
                return
        body = getattr(request, "_body", None)  # read while admitting: hand it on, then the rest
        if body is not None:
            receive = _replay(body, receive)

        async def send_with_id(message: dict) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        await self.app(scope, receive, send_with_id)


def _replay(body: bytes, receive: Any) -> Any:
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def admit(request: Request, keys: KeyChecker, limits: Limits, settings: ServerSettings) -> None:
    """Key, rate limits and body size of a request; raises ``ApiError`` to refuse it.

    A service key meets its own ceiling here; the per-user limit is met here too when the request
    names its user in the header (or cannot name one), else by the endpoint that reads the body."""
    host = request.client.host if request.client else None
    caller = keys.identify(request.headers.get("authorization"), host)
    if caller is None:
        raise ApiError(
            401,
            "missing or invalid API key (send 'Authorization: Bearer <key>')",
            "authentication_error",
            "invalid_api_key",
        )
    request.state.caller = caller
    request.state.user_limited = False
    if caller.kind == "service":
        _refuse_if(limits.key(caller.label), "this API key's limit over all its users", "key_rate_limited")
    named = request.headers.get(USER_HEADER)
    if caller.kind != "service" or named or not _user_in_body(request):
        limit_user(request, limits, caller.acting_as(named))
    length = request.headers.get("content-length")
    too_big = ApiError(
        413, f"request body is larger than {settings.max_body_bytes} bytes", code="body_too_large"
    )
    if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
        raise too_big
    if length is None and request.method in ("POST", "PUT", "PATCH"):
        if len(await request.body()) > settings.max_body_bytes:
            raise too_big


def _user_in_body(request: Request) -> bool:
    """Whether the endpoint reads the end user from the body (chat ``user``, a tool's ``user_id``)."""
    path = request.url.path
    return request.method == "POST" and (path == "/v1/chat/completions" or path.startswith("/v1/tools/"))


def limit_user(request: Request, limits: Limits, user: str) -> None:
    """Meet the per-end-user limit once per request (the user a service key names, or the key's)."""
    if request.state.user_limited:
        return
    request.state.user_limited = True
    _refuse_if(limits.user(request.state.caller.label, user), "this user's limit", "rate_limited")


def _refuse_if(wait: float, whose: str, code: str) -> None:
    if wait > 0:
        raise ApiError(
            429,
            f"rate limit exceeded ({whose}); retry in {wait:.1f} s",
            "rate_limit_error",
            code,
            {"Retry-After": str(int(wait) + 1)},
        )
