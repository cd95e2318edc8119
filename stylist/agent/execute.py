"""The execution step: run the chosen calls under the turn's time budget.

A call never crashes the chat: a timeout, a project error or a tool bug becomes the call's
``error``, which the next selection step and the answer read as an observation. A search that
found nothing is retried once without the softest filters its routing hint names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import TimeoutError as FutureTimeout

from stylist.agent.router import Router
from stylist.agent.state import Call, TurnContext
from stylist.agent.trace import TurnTrace
from stylist.concurrency import BoundedPool, current_token, queued_s, wait_for
from stylist.errors import StylistError, TurnCancelled
from stylist.events import ChatEvent, Image, ToolFinished, ToolStarted
from stylist.tools.registry import ToolRegistry

log = logging.getLogger(__name__)


class Executor:
    """Runs calls on the runtime's tool pool and reports them as events."""

    def __init__(self, registry: ToolRegistry, router: Router, pool: BoundedPool) -> None:
        self.registry = registry
        self.router = router
        self.pool = pool

    def fresh(self, planned: list[Call], done: list[Call], ctx: TurnContext, trace: TurnTrace) -> list[Call]:
        """The planned calls not made before in this turn, each acting for the conversation's user."""
        for call in planned:
            if "user_id" in self.registry.get(call.name).input_model.model_fields:
                call.arguments["user_id"] = ctx.user_id  # the conversation's user, never one the model picked
        made = {d.key() for d in done}
        fresh = [c for c in planned if c.key() not in made]
        if len(fresh) < len(planned):
            trace.route.append("repeated call skipped")
        return fresh

    def run(self, call: Call, done: list[Call], trace: TurnTrace) -> Iterator[ChatEvent]:
        """Run ``call`` (and its relaxed retry when it found nothing), appending both to ``done``."""
        yield from self._run_one(call, done, trace)
        relaxed = self._relax(call)
        if relaxed is not None and relaxed.key() not in {d.key() for d in done}:
            yield from self._run_one(relaxed, done, trace)

    def _run_one(self, call: Call, done: list[Call], trace: TurnTrace) -> Iterator[ChatEvent]:
        shown = {path for c in done for path, _ in c.images}
        yield ToolStarted(call_id=call.id, name=call.name, arguments=call.arguments)
        cancelled = self._execute(call, trace)
        yield ToolFinished(
            call_id=call.id,
            name=call.name,
            ok=call.ok,
            duration_s=round(call.duration_s, 4),
            error=call.error,
        )
        if cancelled:
            raise cancelled
        for path, caption in call.images:
            if path not in shown:
                shown.add(path)
                yield Image(path=path, caption=caption)
        done.append(call)

    def _execute(self, call: Call, trace: TurnTrace) -> TurnCancelled | None:
        """Run ``call``; a failure becomes its error. A cancelled call (the client went away, the tool
        stopped at a checkpoint or its result came back too late) keeps no result, says
        ``cancelled`` in its error and the trace, and is returned for the turn to end with."""
        tool = self.registry.get(call.name)
        t0 = time.perf_counter()
        current_token().check()  # a gone client's turn starts no more tools
        try:
            future = self.pool.submit(tool.invoke, call.arguments)
            try:
                call.result = wait_for(future, max(1.0, trace.deadline - t0))
            finally:
                trace.tool_queue_s += queued_s(future)
            current_token().check()  # cancelled as the result came back: it is discarded
            call.ok = True
            call.items = call.result.garments()
            call.images = call.result.pictures()
            # garments named by id in the arguments or the result (feedback on g-0003, copy for
            # g-0009): the call proved they exist, so the answer may name them
            have = {i.id for i in call.items}
            named = tool.argument_ids(call.arguments) + call.result.catalogue_ids()
            call.items += self.registry.known_items([i for i in dict.fromkeys(named) if i not in have])
        except FutureTimeout:
            call.error = f"{call.name} did not finish within the turn's time budget"
        except TurnCancelled as exc:
            call.ok, call.result, call.items, call.images = False, None, [], []
            call.error = f"cancelled ({current_token().reason or exc})"
            trace.route.append(f"cancelled:{call.name}")
            call.duration_s = time.perf_counter() - t0
            log.info("tool %s cancelled after %.2f s; its result is discarded", call.name, call.duration_s)
            return exc
        except StylistError as exc:
            call.error = str(exc)
        except Exception as exc:  # a tool bug must not end the chat; the model sees it as an observation
            log.warning("tool %s failed: %s: %s", call.name, type(exc).__name__, exc, exc_info=True)
            call.error = "internal error in the tool (details in the log)"  # replies reach API clients
        call.duration_s = time.perf_counter() - t0
        return None

    def _relax(self, call: Call) -> Call | None:
        """Retry an empty result once without the softest filters the tool's routing names."""
        hint = self.router.hints.get(call.name)
        relax = hint.relax if hint else ()
        if not call.ok or call.items or not relax:
            return None
        args = {k: v for k, v in call.arguments.items() if k not in relax}
        if args == call.arguments:
            return None
        return Call(name=call.name, arguments=args, source="relaxed")
