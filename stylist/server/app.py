"""The HTTP server: an OpenAI-compatible chat API, the tools, and item/design images.

Endpoints: ``GET /v1/models``, ``POST /v1/chat/completions`` (streaming over SSE or not),
``GET /v1/tools``, ``POST /v1/tools/{name}``, ``GET /v1/items/{id}``,
``GET /v1/items/{id}/image``, ``GET /v1/images/{path}``, ``GET /healthz``.
Every error is JSON in OpenAI's shape with a stable code and the request's id
(stylist/server/errors.py); keys and users in stylist/server/auth.py, pictures in
stylist/server/pictures.py, chat semantics in stylist/server/chat.py.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from stylist.concurrency import BoundedPool, run_cancellable
from stylist.config import ServerSettings
from stylist.errors import ConfigError
from stylist.events import ChatReply, Done, Error, Token
from stylist.server.auth import Caller, KeyChecker, with_user
from stylist.server.chat import StopFilter, TurnRequest, chunk, cut_at_stop, sse, turn_request, usage
from stylist.server.errors import ApiError, error_body, install_handlers
from stylist.server.guard import Guard, limit_user
from stylist.server.items import add_item_routes
from stylist.server.limits import USER_HEADER, Limits
from stylist.server.openai_models import (
    MODEL_ID,
    ChatCompletionRequest,
    StylistExtension,
    TurnSummary,
    completion_id,
    item_payload,
    now,
)
from stylist.server.pictures import Uploads, guard_tools, served_arguments, served_schema, upload_dir
from stylist.server.turns import index_gate, run_turn, stream_turn

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
    limits = Limits(settings.rate_limit_per_minute, settings.key_rate_limit_per_minute)
    turns = _turn_pool(stylist, settings, concurrency)
    uploads = Uploads(upload_dir(settings, Path(stylist.runtime.settings.home)), settings)
    guard_tools(stylist.registry, uploads)  # the agent's tool calls too: no path outside the uploads
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"]
        )
    install_handlers(app)

    # a plain ASGI middleware: Starlette's BaseHTTPMiddleware would hide client disconnects
    app.add_middleware(Guard, keys=keys, limits=limits, settings=settings)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        state = getattr(stylist.runtime, "index_state", None)
        index = state() if state is not None else "ready"
        return {"status": "ok", "index": index, "turns": {"running_or_queued": turns.pending}}

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
        user_id = caller.acting_as(body.user or request.headers.get(USER_HEADER))
        limit_user(request, limits, user_id)
        index_gate(stylist.runtime)
        turn = await run_in_threadpool(turn_request, body, request, user_id, settings, uploads)
        base_url = str(request.base_url)
        designs_dir = Path(stylist.runtime.settings.designs_dir)
        rid = request.state.request_id
        if turn.conversation_id is not None:
            await run_in_threadpool(_open, stylist, turn.conversation_id, user_id)
        if body.stream:
            events = await stream_turn(turns, stylist, turn, request, rid)
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            return StreamingResponse(
                _sse(events, turn, base_url, designs_dir, rid, include_usage),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Request-ID": rid},
            )
        reply: ChatReply = await run_turn(turns, stylist, turn, request, rid)
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
        caller = request.state.caller
        limit_user(request, limits, caller.acting_as(args.get("user_id") or request.headers.get(USER_HEADER)))
        index_gate(stylist.runtime)
        args = await run_in_threadpool(served_arguments, tool, args, uploads)
        # on the runtime's tool pool, as the agent's calls: 503 when full, 499 (and the tool stopped
        # at its next checkpoint) when the client goes away first
        result = await run_cancellable(
            stylist.runtime.pools.tools, tool.invoke, args, gone=request.is_disconnected
        )
        return JSONResponse(result.model_dump(mode="json"))

    @app.get("/v1/items/{item_id}")
    async def get_item(item_id: str) -> dict[str, Any]:
        index_gate(stylist.runtime)
        garment = await run_in_threadpool(stylist.runtime.catalogue_index.get, item_id)
        return garment.model_dump(mode="json")

    @app.get("/v1/items/{item_id}/image")
    async def item_image(item_id: str) -> FileResponse:
        index_gate(stylist.runtime)
        garment = await run_in_threadpool(stylist.runtime.catalogue_index.get, item_id)
        if not garment.image_path or not Path(garment.image_path).is_file():
            raise ApiError(404, f"garment {item_id!r} has no image", code="no_image")
        return FileResponse(garment.image_path)

    add_item_routes(app, stylist)  # catalogue writes: PUT/DELETE /v1/items/{id}

    @app.get("/v1/images/{name:path}")
    async def generated_image(name: str) -> FileResponse:
        root = Path(stylist.runtime.settings.designs_dir).resolve()
        path = (root / name).resolve()
        if root not in path.parents or not path.is_file():
            raise ApiError(404, f"no generated image named {name!r}", code="image_not_found")
        return FileResponse(path)

    return app


def _turn_pool(stylist: Any, settings: ServerSettings, concurrency: int | None) -> BoundedPool:
    """The runtime's turn pool when the app serves the runtime's own server settings; an app built
    with other settings or an explicit ``concurrency`` (tests, embedding) gets its own."""
    runtime = stylist.runtime
    if concurrency is None and settings is getattr(runtime.settings, "server", None):
        return runtime.pools.turns
    backend = getattr(getattr(runtime.settings, "llm", None), "backend", "embedded")
    workers = concurrency or settings.concurrency or (1 if backend in ("embedded", "transformers") else 32)
    return BoundedPool("turns", workers, settings.queue_size, retry_after=5.0)


def _image_url(base_url: str, path: str, designs_dir: Path) -> str:
    """The URL ``GET /v1/images/...`` serves ``path`` at (its place under the designs folder)."""
    try:
        relative = Path(path).resolve().relative_to(Path(designs_dir).resolve()).as_posix()
    except ValueError:  # not a generated picture: name it, the route answers 404 for it
        relative = Path(path).name
    return f"{base_url}v1/images/{quote(relative)}"


def _open(stylist: Any, conversation_id: str, user_id: str) -> None:
    opener = getattr(stylist, "open_conversation", None)
    if opener is not None:
        opener(conversation_id, user_id)


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
        turn=TurnSummary.of(reply.metadata or {}),
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
