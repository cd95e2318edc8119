"""Running chat turns for the HTTP server: a bounded pool, 503s when full, cancel on disconnect.

Every turn, streamed or not, runs on one thread of the turn pool (``Runtime.pools.turns``, sized by
``server.concurrency`` and ``server.queue_size``): no stream gets a thread of its own, and a full
queue is answered at once with 503 and ``Retry-After``; a stream's events wait in a buffer of at
most ``STREAM_BUFFER`` for a slow reader. The turn's deadline (``llm.timeout_s``)
starts when it leaves the queue; the wait is reported as ``metadata.queued_s``. Each turn has a
``CancelToken`` that is set when the client disconnects, which stops its tools (at their next
``checkpoint()``; a result that comes back anyway is discarded), its model calls and the llama.cpp
generation loop at the next token.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future
from typing import Any

from fastapi import Request

from stylist.concurrency import POLL_S, BoundedPool, CancelToken, cancel_scope, until_done
from stylist.errors import BusyError, IndexBuildingError, TurnCancelled
from stylist.events import ChatReply, Done, Error
from stylist.server.chat import TurnRequest
from stylist.server.errors import INTERNAL, ApiError, busy_error, index_building

log = logging.getLogger(__name__)

STREAM_BUFFER = 256
"""Events a streamed turn may have waiting for its client; beyond that the turn waits for the reader."""


def index_gate(runtime: Any) -> None:
    """Refuse with 503 ``index_building`` while the first index is built in the background."""
    state = getattr(runtime, "index_state", None)
    if state is not None and state() == "building":
        from stylist.runtime import INDEX_RETRY_AFTER_S

        raise index_building(
            IndexBuildingError(
                "the catalogue index is being built (once, on first run); try again shortly",
                retry_after=INDEX_RETRY_AFTER_S,
            )
        )


def _events(stylist: Any, turn: TurnRequest) -> Iterator[Any]:
    return stylist.stream(
        turn.message, conversation_id=turn.conversation_id, user_id=turn.user_id, **turn.facade_kwargs()
    )


def _raise_for(event: Error, rid: str) -> None:
    if event.code == "busy":
        raise busy_error(BusyError(event.message, queue="model", retry_after=event.retry_after or 2.0))
    if event.code == "cancelled":
        raise TurnCancelled(event.message)
    log.error("request %s: the turn failed: %s", rid, event.message)
    raise ApiError(503, "the stylist could not answer this message", "server_error", "turn_failed")


def _submit(pool: BoundedPool, fn: Any, *args: Any) -> Future:
    try:
        return pool.submit(fn, *args)
    except BusyError as exc:
        raise busy_error(exc) from None


async def _wait(waiting: Any, request: Request, token: CancelToken, job: Future) -> Any:
    """``until_done`` polling the request for a disconnect; a client gone first (or a turn that
    ended cancelled) is a 499."""
    try:
        return await until_done(waiting, token, job=job, gone=request.is_disconnected)
    except TurnCancelled:
        raise ApiError(499, "the client closed the request", code="client_closed") from None


async def run_turn(
    pool: BoundedPool, stylist: Any, turn: TurnRequest, request: Request, rid: str
) -> ChatReply:
    """One non-streamed turn on the pool."""
    token, submitted = CancelToken(), time.perf_counter()

    def job() -> ChatReply:
        queued = time.perf_counter() - submitted
        with cancel_scope(token):
            for event in _events(stylist, turn):
                if isinstance(event, Done):
                    event.reply.metadata["queued_s"] = round(queued, 3)
                    return event.reply
                if isinstance(event, Error):
                    _raise_for(event, rid)
        raise ApiError(500, INTERNAL, "server_error", "internal_error")  # pragma: no cover - ends with Done

    future = _submit(pool, job)
    return await _wait(asyncio.wrap_future(future), request, token, future)


class _Buffer:
    """A streamed turn's events on their way from its pool thread to the response: at most
    ``STREAM_BUFFER`` wait, so a reader that falls behind holds the turn back instead of letting its
    events pile up (a cancelled turn no longer waits)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, token: CancelToken) -> None:
        self.loop, self.token = loop, token
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.room = threading.Semaphore(STREAM_BUFFER)

    def put(self, item: Any) -> None:
        """From the turn's thread."""
        while not self.room.acquire(timeout=POLL_S):
            if self.token.cancelled:
                break
        try:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)
        except RuntimeError:  # the event loop is gone (server shutting down): nobody to tell
            self.token.cancel("the server is shutting down")

    async def get(self) -> Any:
        item = await self.queue.get()
        self.room.release()
        return item


async def stream_turn(
    pool: BoundedPool, stylist: Any, turn: TurnRequest, request: Request, rid: str
) -> AsyncIterator[Any]:
    """Start a streamed turn on the pool and wait for its first event, so that a full queue (of
    turns or of model calls) is still a 503 response; then the rest of its events, as an async
    iterator that cancels the turn when it is closed early (the client disconnected)."""
    token, submitted, end = CancelToken(), time.perf_counter(), object()
    buffer = _Buffer(asyncio.get_running_loop(), token)

    def job() -> None:
        try:
            with cancel_scope(token):
                for event in _events(stylist, turn):
                    if isinstance(event, Done):
                        event.reply.metadata["queued_s"] = round(time.perf_counter() - submitted, 3)
                    buffer.put(event)
                    if token.cancelled:
                        break
        except Exception as exc:  # the stream promises not to raise; if it does, say so without internals
            log.exception("request %s: stream failed", rid)
            buffer.put(Error(message=f"{type(exc).__name__}: {exc}", conversation_id=None))
        finally:
            buffer.put(end)

    future = _submit(pool, job)
    first = await _wait(buffer.get(), request, token, future)
    if isinstance(first, Error) and first.code in ("busy", "cancelled"):
        while await buffer.get() is not end:  # let the turn's thread finish
            pass
        _raise_for(first, rid)
    return _rest(first, buffer, end, token)


async def _rest(first: Any, buffer: _Buffer, end: object, token: CancelToken) -> AsyncIterator[Any]:
    finished = False
    try:
        event = first
        while event is not end:
            yield event
            event = await buffer.get()
        finished = True
    finally:
        if not finished:  # closed early: the client went away
            token.cancel()
