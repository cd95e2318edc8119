"""The HTTP server: an OpenAI-compatible chat API, the tools, and item/design images.

Endpoints: ``GET /v1/models``, ``POST /v1/chat/completions`` (streaming over SSE or not),
``GET /v1/tools``, ``POST /v1/tools/{name}``, ``GET /v1/items/{id}``,
``GET /v1/items/{id}/image``, ``GET /v1/images/{path}``, ``GET /healthz``.
Every error is JSON in OpenAI's shape with a stable code and the request's id
(stylist/server/errors.py); keys and users in stylist/server/auth.py, pictures in
stylist/server/pictures.py, chat semantics in stylist/server/chat.py.
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
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from stylist.config import ServerSettings
from stylist.errors import ConfigError
from stylist.events import ChatReply, Done, Error, Token
from stylist.server.auth import Caller, KeyChecker, with_user
from stylist.server.chat import StopFilter, TurnRequest, chunk, cut_at_stop, sse, turn_request, usage
from stylist.server.errors import INTERNAL, ApiError, error_body, error_response, install_handlers
from stylist.server.limits import RateLimiter
from stylist.server.openai_models import (
    MODEL_ID,
    ChatCompletionRequest,
    StylistExtension,
    completion_id,
    item_payload,
    now,
)
from stylist.server.pictures import Uploads, guard_tools, served_arguments, served_schema, upload_dir

log = logging.getLogger(__name__)


def create_app(stylist: Any, settings: ServerSettings, *, concurrency: int | None = None) -> FastAPI:
    """Build the app around a ``Stylist`` facade (or anything with the same methods).

    ``concurrency`` bounds how many chats run at once: 1 queues requests for a local model
    that serves one generation at a time; an OpenAI-compatible upstream takes many.
    """
    keys = KeyChecker(settings)
    if not keys.has_keys and not settings.allow_open:
        raise ConfigError(
            (
                "the server needs API keys (server.api_keys, server.user_keys) or an explicit open mode "
                "for local use"
            ),
            hint=(
                "set STYLIST_SERVER__API_KEYS='[\"secret\"]' or pass --api-key KEY, --user-key KEY=USER "
                "or --allow-open"
            ),
        )
    app = FastAPI(title="Stylist", version="0.1.0", docs_url="/docs", redoc_url=None)
    limiter = RateLimiter(settings.rate_limit_per_minute)
    slots = threading.BoundedSemaphore(concurrency or _default_concurrency(stylist))
    uploads = Uploads(upload_dir(settings, Path(stylist.runtime.settings.home)), settings)
    guard_tools(stylist.registry, uploads)  # the agent's tool calls too: no path outside the uploads
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"]
        )
    install_handlers(app)

    @app.middleware("http")
    async def guard(request: Request, call_next):  # type: ignore[no-untyped-def]
        rid = request.state.request_id = "req-" + uuid.uuid4().hex[:16]
        if request.url.path not in ("/healthz", "/docs", "/openapi.json"):
            try:
                await _admit(request, keys, limiter, settings)
            except ApiError as exc:
                return error_response(exc, rid)
        response = await call_next(request)
        response.headers["X-Request-ID"] = rid
        return response

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
        caller: Caller = request.state.caller
        user_id = caller.acting_as(body.user)
        turn = await run_in_threadpool(turn_request, body, request, user_id, settings, uploads)
        base_url = str(request.base_url)
        designs_dir = Path(stylist.runtime.settings.designs_dir)
        rid = request.state.request_id
        if turn.conversation_id is not None:
            await run_in_threadpool(_open, stylist, turn.conversation_id, user_id)
        if body.stream:
            events = _stream_in_thread(stylist, slots, turn)
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            return StreamingResponse(
                _sse(events, turn, base_url, designs_dir, rid, include_usage),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Request-ID": rid},
            )
        reply: ChatReply = await run_in_threadpool(_locked_chat, stylist, slots, turn, rid)
        return _completion(reply, turn, base_url, designs_dir)

    @app.get("/v1/tools")
    async def list_tools() -> dict[str, Any]:
        specs = [{**tool.spec(), "input_schema": served_schema(tool)} for tool in stylist.registry]
        return {"object": "list", "data": specs}

    @app.post("/v1/tools/{name}")
    async def call_tool(name: str, request: Request) -> JSONResponse:
        tool = stylist.registry.get(name)
        try:
            raw = await request.json() if await request.body() else {}
        except ValueError:
            raise ApiError(400, "request body is not valid JSON", code="invalid_json") from None
        if not isinstance(raw, dict):
            raise ApiError(400, "the tool's arguments must be a JSON object", code="invalid_arguments")
        args = with_user(raw, tool.input_model.model_fields, request.state.caller)
        args = await run_in_threadpool(served_arguments, tool, args, uploads)
        result = await run_in_threadpool(tool.invoke, args)
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


async def _admit(request: Request, keys: KeyChecker, limiter: RateLimiter, settings: ServerSettings) -> None:
    """Key, rate limit and body size of a request; raises ``ApiError`` to refuse it."""
    host = request.client.host if request.client else None
    caller = keys.identify(request.headers.get("authorization"), host)
    if caller is None:
        raise ApiError(
            401,
            "missing or invalid API key (send 'Authorization: Bearer <key>')",
            "authentication_error",
            "invalid_api_key",
        )
    wait = limiter.acquire(caller.label)
    if wait > 0:
        raise ApiError(
            429,
            f"rate limit exceeded; retry in {wait:.1f} s",
            "rate_limit_error",
            "rate_limited",
            {"Retry-After": str(int(wait) + 1)},
        )
    length = request.headers.get("content-length")
    too_big = ApiError(
        413, f"request body is larger than {settings.max_body_bytes} bytes", code="body_too_large"
    )
    if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
        raise too_big
    if length is None and request.method in ("POST", "PUT", "PATCH"):
        if len(await request.body()) > settings.max_body_bytes:
            raise too_big
    request.state.caller = caller


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


def _open(stylist: Any, conversation_id: str, user_id: str) -> None:
    opener = getattr(stylist, "open_conversation", None)
    if opener is not None:
        opener(conversation_id, user_id)


def _turn_events(stylist: Any, turn: TurnRequest) -> Iterator[Any]:
    return stylist.stream(
        turn.message, conversation_id=turn.conversation_id, user_id=turn.user_id, **turn.facade_kwargs()
    )


def _locked_chat(stylist: Any, slots: threading.BoundedSemaphore, turn: TurnRequest, rid: str) -> ChatReply:
    with slots:
        for event in _turn_events(stylist, turn):
            if isinstance(event, Done):
                return event.reply
            if isinstance(event, Error):
                log.error("request %s: the turn failed: %s", rid, event.message)
                raise ApiError(
                    503, "the stylist could not answer this message", "server_error", "turn_failed"
                )
    raise ApiError(
        500, INTERNAL, "server_error", "internal_error"
    )  # pragma: no cover - streams end with Done


async def _stream_in_thread(
    stylist: Any, slots: threading.BoundedSemaphore, turn: TurnRequest
) -> AsyncIterator[Any]:
    """Run the blocking event generator in a worker thread and hand events over a queue."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    end = object()

    def produce() -> None:
        try:
            with slots:
                for event in _turn_events(stylist, turn):
                    loop.call_soon_threadsafe(queue.put_nowait, event)
        except Exception as exc:  # the stream promises not to raise; if it does, say so without internals
            log.exception("stream failed")
            loop.call_soon_threadsafe(
                queue.put_nowait, Error(message=f"{type(exc).__name__}: {exc}", conversation_id=None)
            )
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, end)

    threading.Thread(target=produce, daemon=True, name="stylist-stream").start()
    while True:
        event = await queue.get()
        if event is end:
            return
        yield event


async def _sse(
    events: AsyncIterator[Any],
    turn: TurnRequest,
    base_url: str,
    designs_dir: Path,
    rid: str,
    include_usage: bool,
) -> AsyncIterator[str]:
    cid, created = completion_id(), now()
    stops = StopFilter(turn.stops)
    sent: list[str] = []
    yield sse(chunk(cid, created, {"role": "assistant", "content": ""}))
    async for event in events:
        if isinstance(event, Token) and event.text:
            text = stops.feed(event.text)
            if text:
                sent.append(text)
                yield sse(chunk(cid, created, {"content": text}))
        elif isinstance(event, Done):
            rest = stops.flush()
            if rest:
                sent.append(rest)
                yield sse(chunk(cid, created, {"content": rest}))
            final = chunk(cid, created, {}, "stop")
            final["stylist"] = _extension(event.reply, base_url, designs_dir).model_dump(mode="json")
            yield sse(final)
            if include_usage:
                yield sse(
                    {
                        **chunk(cid, created, {}),
                        "choices": [],
                        "usage": usage(turn, event.reply, "".join(sent)),
                    }
                )
        elif isinstance(event, Error):
            # The event's text goes to the log; the client gets a code and the request id.
            log.error("request %s: the turn failed: %s", rid, event.message)
            yield sse(
                error_body("the stylist could not answer this message", "server_error", "turn_failed", rid)
            )
    yield "data: [DONE]\n\n"


def _extension(reply: ChatReply, base_url: str, designs_dir: Path) -> StylistExtension:
    return StylistExtension(
        conversation_id=reply.conversation_id,
        items=[item_payload(item, base_url) for item in reply.items],
        tool_calls=reply.tool_calls,
        images=[_image_url(base_url, p, designs_dir) for p in reply.images],
    )


def _completion(reply: ChatReply, turn: TurnRequest, base_url: str, designs_dir: Path) -> dict[str, Any]:
    text, _ = cut_at_stop(reply.text, turn.stops)
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": now(),
        "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": usage(turn, reply, text),
        "stylist": _extension(reply, base_url, designs_dir).model_dump(mode="json"),
    }
