"""The HTTP server: an OpenAI-compatible chat API, the tools, and item/design images.

Endpoints: ``GET /v1/models``, ``POST /v1/chat/completions`` (streaming over SSE or not),
``GET /v1/tools``, ``POST /v1/tools/{name}``, ``GET /v1/items/{id}``,
``GET /v1/items/{id}/image``, ``GET /v1/images/{path}``, ``GET /healthz``.
Every error is JSON in OpenAI's shape ``{"error": {"message", "type", "code"}}``; internals
never leak into a 5xx.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from stylist.config import ServerSettings
from stylist.errors import (
    CatalogueError,
    ItemNotFoundError,
    StylistError,
    ToolInputError,
    ToolNotFoundError,
)
from stylist.events import ChatReply, Done, Error, Token
from stylist.server.limits import KeyChecker, RateLimiter
from stylist.server.openai_models import (
    MODEL_ID,
    ChatCompletionRequest,
    StylistExtension,
    completion_id,
    item_payload,
    now,
)

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        type_: str = "invalid_request_error",
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.headers = status, message, type_, code, headers


def error_body(message: str, type_: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code}}


def create_app(stylist: Any, settings: ServerSettings, *, concurrency: int | None = None) -> FastAPI:
    """Build the app around a ``Stylist`` facade (or anything with the same methods).

    ``concurrency`` bounds how many chats run at once: 1 queues requests for a local model
    that serves one generation at a time; an OpenAI-compatible upstream takes many.
    """
    if not settings.api_keys and not settings.allow_open:
        from stylist.errors import ConfigError

        raise ConfigError(
            "the server needs API keys (server.api_keys) or an explicit open mode for local use",
            hint="set STYLIST_SERVER__API_KEYS='[\"secret\"]' or pass --allow-open",
        )
    app = FastAPI(title="Stylist", version="0.1.0", docs_url="/docs", redoc_url=None)
    keys = KeyChecker(list(settings.api_keys), settings.allow_open)
    limiter = RateLimiter(settings.rate_limit_per_minute)
    slots = threading.BoundedSemaphore(concurrency or _default_concurrency(stylist))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"]
        )

    @app.middleware("http")
    async def guard(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.url.path in ("/healthz", "/docs", "/openapi.json"):
            return await call_next(request)
        try:
            caller = keys.identify(request.headers.get("authorization"))
            if caller is None:
                raise ApiError(
                    401,
                    "missing or invalid API key (send 'Authorization: Bearer <key>')",
                    "authentication_error",
                    "invalid_api_key",
                )
            if caller == "open":
                caller = request.client.host if request.client else "open"
            wait = limiter.acquire(caller)
            if wait > 0:
                raise ApiError(
                    429,
                    f"rate limit exceeded; retry in {wait:.1f} s",
                    "rate_limit_error",
                    "rate_limited",
                    {"Retry-After": str(int(wait) + 1)},
                )
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
                raise ApiError(
                    413, f"request body is larger than {settings.max_body_bytes} bytes", code="body_too_large"
                )
            if length is None and request.method in ("POST", "PUT", "PATCH"):
                body = await request.body()
                if len(body) > settings.max_body_bytes:
                    raise ApiError(
                        413,
                        f"request body is larger than {settings.max_body_bytes} bytes",
                        code="body_too_large",
                    )
        except ApiError as exc:
            return _error_response(exc)
        request.state.caller = caller
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"] if p != "body") or "body"
            parts.append(f"{loc}: {err['msg']}")
        return JSONResponse(
            error_body("invalid request body: " + "; ".join(parts), "invalid_request_error", "invalid_body"),
            status_code=400,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body(str(exc.detail), "invalid_request_error"), status_code=exc.status_code)

    @app.exception_handler(StylistError)
    async def _stylist_error(_: Request, exc: StylistError) -> JSONResponse:
        return _error_response(_map_stylist_error(exc))

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:8]
        log.exception("internal error %s", incident)
        return JSONResponse(
            error_body(f"internal server error (incident {incident})", "server_error"), status_code=500
        )

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        info = await run_in_threadpool(stylist.info)
        return {
            "object": "list",
            "data": [
                {
                    "id": MODEL_ID,
                    "object": "model",
                    "created": 0,
                    "owned_by": "stylist",
                    "backend": info.backend,
                    "llm": info.model,
                }
            ],
        }

    @app.post("/v1/chat/completions")
    async def chat_completions(body: ChatCompletionRequest, request: Request):  # type: ignore[no-untyped-def]
        if body.model != MODEL_ID:
            raise ApiError(
                404, f"unknown model {body.model!r}; this server serves {MODEL_ID!r}", code="model_not_found"
            )
        message = next(m for m in reversed(body.messages) if m.role == "user").text()
        user_id = body.user or _user_for(request.state.caller)
        conversation_id = _conversation_id(body, request, user_id)
        base_url = str(request.base_url)
        designs_dir = Path(stylist.runtime.settings.designs_dir)
        if body.stream:
            await run_in_threadpool(_open, stylist, conversation_id, user_id)
            events = _stream_in_thread(stylist, slots, message, conversation_id, user_id)
            return StreamingResponse(
                _sse(events, base_url, designs_dir),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache"},
            )
        reply: ChatReply = await run_in_threadpool(
            _locked_chat, stylist, slots, message, conversation_id, user_id
        )
        return _completion(reply, base_url, designs_dir)

    @app.get("/v1/tools")
    async def list_tools() -> dict[str, Any]:
        return {"object": "list", "data": stylist.registry.specs()}

    @app.post("/v1/tools/{name}")
    async def call_tool(name: str, request: Request) -> JSONResponse:
        tool = stylist.registry.get(name)
        try:
            raw = await request.json() if await request.body() else {}
        except ValueError:
            raise ApiError(400, "request body is not valid JSON", code="invalid_json") from None
        result = await run_in_threadpool(tool.invoke, raw)
        return JSONResponse(result.model_dump(mode="json"))

    @app.get("/v1/items/{item_id}")
    async def get_item(item_id: str) -> dict[str, Any]:
        garment = await run_in_threadpool(stylist.runtime.catalogue_index.get, item_id)
        return garment.model_dump(mode="json")

    @app.get("/v1/items/{item_id}/image")
    async def item_image(item_id: str) -> FileResponse:
        garment = await run_in_threadpool(stylist.runtime.catalogue_index.get, item_id)
        if not garment.image_path or not Path(garment.image_path).is_file():
            raise ApiError(404, f"garment {item_id!r} has no image", code="no_image")
        return FileResponse(garment.image_path)

    @app.get("/v1/images/{name:path}")
    async def generated_image(name: str) -> FileResponse:
        root = Path(stylist.runtime.settings.designs_dir).resolve()
        path = (root / name).resolve()
        if root not in path.parents or not path.is_file():
            raise ApiError(404, f"no generated image named {name!r}", code="image_not_found")
        return FileResponse(path)

    return app


def _image_url(base_url: str, path: str, designs_dir: Path) -> str:
    """The URL ``GET /v1/images/...`` serves ``path`` at (its place under the designs folder)."""
    try:
        relative = Path(path).resolve().relative_to(Path(designs_dir).resolve()).as_posix()
    except ValueError:  # not a generated picture: name it, the route answers 404 for it
        relative = Path(path).name
    return f"{base_url}v1/images/{quote(relative)}"


def _default_concurrency(stylist: Any) -> int:
    backend = getattr(getattr(stylist.runtime.settings, "llm", None), "backend", "embedded")
    return 32 if backend in ("openai", "none") else 1


def _user_for(caller: str) -> str:
    # Keys are secrets: a stable, non-reversible label stands for the caller's profile.
    return "key-" + uuid.uuid5(uuid.NAMESPACE_URL, "stylist-key:" + caller).hex[:12]


def _conversation_id(body: ChatCompletionRequest, request: Request, user_id: str) -> str:
    """Explicit id (extension field or header), else one derived from the chat's first user
    message, so a stateless OpenAI client that resends the history continues the same chat."""
    explicit = (body.stylist.conversation_id if body.stylist else None) or request.headers.get(
        "x-stylist-conversation"
    )
    if explicit:
        return explicit
    first = next(m for m in body.messages if m.role == "user").text()
    return uuid.uuid5(uuid.NAMESPACE_URL, f"stylist-chat:{user_id}:{first}").hex


def _open(stylist: Any, conversation_id: str, user_id: str) -> None:
    opener = getattr(stylist, "open_conversation", None)
    if opener is not None:
        opener(conversation_id, user_id)


def _locked_chat(
    stylist: Any, slots: threading.BoundedSemaphore, message: str, conversation_id: str, user_id: str
) -> ChatReply:
    _open(stylist, conversation_id, user_id)
    with slots:
        return stylist.chat(message, conversation_id=conversation_id, user_id=user_id)


async def _stream_in_thread(
    stylist: Any, slots: threading.BoundedSemaphore, message: str, conversation_id: str, user_id: str
) -> AsyncIterator[Any]:
    """Run the blocking event generator in a worker thread and hand events over a queue."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    end = object()

    def produce() -> None:
        try:
            with slots:
                events: Iterator[Any] = stylist.stream(
                    message, conversation_id=conversation_id, user_id=user_id
                )
                for event in events:
                    loop.call_soon_threadsafe(queue.put_nowait, event)
        except Exception:  # the stream promises not to raise; if it does, say so without internals
            log.exception("stream failed")
            loop.call_soon_threadsafe(
                queue.put_nowait, Error(message="internal server error", conversation_id=conversation_id)
            )
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, end)

    threading.Thread(target=produce, daemon=True, name="stylist-stream").start()
    while True:
        event = await queue.get()
        if event is end:
            return
        yield event


async def _sse(events: AsyncIterator[Any], base_url: str, designs_dir: Path) -> AsyncIterator[str]:
    cid, created = completion_id(), now()

    def chunk(delta: dict[str, Any], finish: str | None = None, extra: dict[str, Any] | None = None) -> str:
        body: dict[str, Any] = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        if extra:
            body.update(extra)
        import json

        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    async for event in events:
        if isinstance(event, Token) and event.text:
            yield chunk({"content": event.text})
        elif isinstance(event, Done):
            ext = _extension(event.reply, base_url, designs_dir)
            yield chunk({}, "stop", {"stylist": ext.model_dump(mode="json")})
        elif isinstance(event, Error):
            import json

            yield f"data: {json.dumps(error_body(event.message, 'server_error'))}\n\n"
    yield "data: [DONE]\n\n"


def _extension(reply: ChatReply, base_url: str, designs_dir: Path) -> StylistExtension:
    return StylistExtension(
        conversation_id=reply.conversation_id,
        items=[item_payload(item, base_url) for item in reply.items],
        tool_calls=reply.tool_calls,
        images=[_image_url(base_url, p, designs_dir) for p in reply.images],
    )


def _completion(reply: ChatReply, base_url: str, designs_dir: Path) -> dict[str, Any]:
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": now(),
        "model": MODEL_ID,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "stylist": _extension(reply, base_url, designs_dir).model_dump(mode="json"),
    }


def _map_stylist_error(exc: StylistError) -> ApiError:
    message = str(exc)
    from stylist.conversations import ConversationNotFoundError

    if isinstance(exc, (ToolNotFoundError, ItemNotFoundError, ConversationNotFoundError)):
        return ApiError(404, message, code="not_found")
    if isinstance(exc, (ToolInputError, CatalogueError)):
        return ApiError(400, message, code="invalid_arguments")
    return ApiError(503, message, "server_error", "unavailable")


def _error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(
        error_body(exc.message, exc.type, exc.code), status_code=exc.status, headers=exc.headers
    )
