"""Bounded worker pools and turn cancellation: what lets one process serve many at once.

``BoundedPool`` is a thread pool with a bounded queue: ``workers`` threads, at most ``queue``
jobs waiting, and one more is refused at once with ``BusyError`` (the server answers 503 with
``Retry-After``) rather than waiting without bound. Each job records how long it queued, so a
turn can say what the queue cost it.

``CancelToken`` is set when a turn's client goes away. The server sets it as the turn's current
token (a context variable); the pools carry the submitter's context into their threads, so a tool
or a model generation deep inside the turn finds it with ``current_token()`` and stops: tools call
``checkpoint()`` at their loop points. ``until_done`` is the one async wait the servers use: it
returns a pool job's result, or cancels the job's token when the client goes away first.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from stylist.errors import BusyError, TurnCancelled

T = TypeVar("T")

POLL_S = 0.05
"""How often a waiting turn looks at its cancel token."""
GONE_POLL_S = 0.25
"""How often a waiting request asks whether its client went away (``until_done``'s ``gone()``)."""


class CancelToken:
    """Set once when the turn's client disconnected; everything the turn runs checks it."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str = "the client disconnected") -> None:
        self.reason = reason
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ``TurnCancelled`` when cancelled."""
        if self._event.is_set():
            raise TurnCancelled(f"the turn was cancelled: {self.reason}")


_NEVER = CancelToken()
_current: contextvars.ContextVar[CancelToken] = contextvars.ContextVar("stylist_cancel", default=_NEVER)


def current_token() -> CancelToken:
    """The running turn's token (one that is never cancelled outside a server turn)."""
    return _current.get()


def cancellable() -> bool:
    """Whether the running code belongs to a turn that a client can cancel (a server turn)."""
    return _current.get() is not _NEVER


def checkpoint() -> None:
    """Raise ``TurnCancelled`` when the running turn (or tool call) was cancelled: tools call it at
    their loop points, so a call whose client went away stops instead of running to the end."""
    _current.get().check()


@contextmanager
def cancel_scope(token: CancelToken) -> Iterator[CancelToken]:
    """Make ``token`` the current one for the code inside (and the pool jobs it submits)."""
    reset = _current.set(token)
    try:
        yield token
    finally:
        _current.reset(reset)


@dataclass
class JobClock:
    """When a pool job was submitted and when a worker started it (``time.perf_counter``)."""

    submitted: float = field(default_factory=time.perf_counter)
    started: float | None = None

    def queued_s(self) -> float:
        """Seconds the job waited for a worker (so far, when it has not started)."""
        return (self.started if self.started is not None else time.perf_counter()) - self.submitted


class BoundedPool:
    """``workers`` threads and at most ``queue`` waiting jobs; ``submit`` beyond that raises ``BusyError``.

    ``name`` is what the error and the threads are called (``model``, ``tools``, ``turns``). Jobs run
    in a copy of the submitter's context, so they see its cancel token.
    """

    def __init__(self, name: str, workers: int, queue: int, *, retry_after: float = 2.0) -> None:
        self.name = name
        self.workers = workers
        self.queue = queue
        self.retry_after = retry_after
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"stylist-{name}")
        self._slots = threading.BoundedSemaphore(workers + queue)
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished (running plus queued)."""
        return self._pending

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``fn(*args, **kwargs)``; the future has a ``clock`` (a ``JobClock``)."""
        if not self._slots.acquire(blocking=False):
            raise BusyError(
                f"the {self.name} queue is full ({self.workers} running, {self.queue} waiting); "
                f"try again in {self.retry_after:g} s",
                queue=self.name,
                retry_after=self.retry_after,
            )
        clock = JobClock()
        context = contextvars.copy_context()

        def job() -> T:
            clock.started = time.perf_counter()
            return context.run(fn, *args, **kwargs)

        with self._lock:
            self._pending += 1
        try:
            future = self._executor.submit(job)
        except BaseException:
            self._release(None)
            raise
        future.clock = clock  # type: ignore[attr-defined]
        future.add_done_callback(self._release)
        return future

    def _release(self, _: Future | None) -> None:
        with self._lock:
            self._pending -= 1
        self._slots.release()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def wait_for(future: Future[T], timeout: float, token: CancelToken | None = None) -> T:
    """``future.result(timeout)``, but give up (and cancel the job if it has not started) as soon as
    ``token`` is cancelled; raises ``TurnCancelled`` then, ``FutureTimeout`` after ``timeout``."""
    token = token or current_token()
    deadline = time.perf_counter() + timeout
    while True:
        if token.cancelled:
            future.cancel()
            token.check()
        left = deadline - time.perf_counter()
        if left <= 0:
            future.cancel()
            raise FutureTimeout()
        done, _ = futures_wait([future], timeout=min(POLL_S, left))
        if done:
            return future.result()


@contextmanager
def holding_worker(pool: BoundedPool, timeout: float) -> Iterator[float]:
    """Hold one of ``pool``'s workers while the caller works in its own thread (a model answer it
    streams), so that work counts against the same bound as the pool's jobs. Yields the seconds it
    waited for the worker. A full queue raises ``BusyError`` at once; no worker within ``timeout``
    raises ``TimeoutError``; a cancelled turn raises ``TurnCancelled``. The worker is let go on exit."""
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait()

    future = pool.submit(hold)
    try:
        token, deadline = current_token(), time.perf_counter() + timeout
        while not started.wait(POLL_S):
            if token.cancelled or time.perf_counter() > deadline:
                future.cancel()
                token.check()
                raise TimeoutError(f"no {pool.name} worker was free within {timeout:.1f} s")
        yield queued_s(future)
    finally:
        release.set()  # a hold that started after all (cancel came too late) ends at once


def queued_s(future: Future[Any]) -> float:
    """Seconds a ``BoundedPool`` job waited for a worker (0.0 for other futures)."""
    clock = getattr(future, "clock", None)
    return clock.queued_s() if clock is not None else 0.0


async def until_done(
    waiting: Awaitable[T],
    token: CancelToken,
    *,
    job: Future[Any] | None = None,
    gone: Callable[[], Awaitable[bool]] | None = None,
    poll_s: float = GONE_POLL_S,
) -> T:
    """Await ``waiting`` (a pool job's wrapped future, or the first event it sends).

    Every ``poll_s`` seconds ``gone()`` is asked whether the client went away; if it did, the
    ``token`` is cancelled (the job's tools and model calls see it), ``job`` is cancelled if it has
    not started, and ``TurnCancelled`` is raised. When this wait is itself cancelled (an MCP
    request cancelled, the server shutting down) the token and job are cancelled the same way."""
    task = asyncio.ensure_future(waiting)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=poll_s if gone is not None else None)
            if done:
                return task.result()
            if gone is not None and await gone():
                token.cancel()
                token.check()
    finally:
        if not task.done():
            if not token.cancelled:
                token.cancel("the request was cancelled")
            task.cancel()
            if job is not None:
                job.cancel()


async def run_cancellable(
    pool: BoundedPool,
    fn: Callable[..., T],
    *args: Any,
    gone: Callable[[], Awaitable[bool]] | None = None,
    poll_s: float = GONE_POLL_S,
) -> T:
    """Run ``fn(*args)`` on ``pool`` under a token of its own and wait for it with ``until_done``:
    a full queue raises ``BusyError`` at once, a client gone first (``gone()``) or a cancelled wait
    cancels the token the job sees (``current_token()``, ``checkpoint()``)."""
    token = CancelToken()
    with cancel_scope(token):
        future = pool.submit(fn, *args)
    return await until_done(asyncio.wrap_future(future), token, job=future, gone=gone, poll_s=poll_s)
