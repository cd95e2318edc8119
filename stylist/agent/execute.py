"""The execution step: run the chosen calls under the turn's time budget.

A call never crashes the chat: a timeout, a project error or a tool bug becomes the call's
``error``, which the next selection step and the answer read as an observation. A search that
found nothing is retried once without the softest filters its routing hint names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pydantic import BaseModel

from stylist.agent.context import items_in
from stylist.agent.images import images_in
from stylist.agent.items import SeenItem
from stylist.agent.router import Router
from stylist.agent.state import Call, TurnContext
from stylist.agent.trace import TurnTrace
from stylist.errors import StylistError
from stylist.events import ChatEvent, Image, ToolFinished, ToolStarted
from stylist.runtime import catalogue_of
from stylist.tools.registry import ToolRegistry

log = logging.getLogger(__name__)

#: Arguments that hold catalogue ids: a call that succeeded with them proves they exist.
ID_ARGUMENTS = ("item_id", "item_ids", "anchors", "bought", "_result")


class Executor:
    """Runs calls on the runtime's tool pool and reports them as events."""

    def __init__(self, registry: ToolRegistry, router: Router, pool: ThreadPoolExecutor) -> None:
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
        self._execute(call, trace)
        yield ToolFinished(
            call_id=call.id,
            name=call.name,
            ok=call.ok,
            duration_s=round(call.duration_s, 4),
            error=call.error,
        )
        for path, caption in call.images:
            if path not in shown:
                shown.add(path)
                yield Image(path=path, caption=caption)
        done.append(call)

    def _execute(self, call: Call, trace: TurnTrace) -> None:
        tool = self.registry.get(call.name)
        t0 = time.perf_counter()
        try:
            future = self.pool.submit(tool.invoke, call.arguments)
            call.result = future.result(timeout=max(1.0, trace.deadline - t0))
            call.ok = True
            call.items = items_in(call.result)
            call.images = images_in(call.result)
            referenced = {**call.arguments, "_result": _result_ids(call.result)}
            call.items += _argument_items(tool, referenced, {i.id for i in call.items})
        except FutureTimeout:
            call.error = f"{call.name} did not finish within the turn's time budget"
        except StylistError as exc:
            call.error = str(exc)
        except Exception as exc:  # a tool bug must not end the chat; the model sees it as an observation
            log.warning("tool %s failed: %s", call.name, exc, exc_info=log.isEnabledFor(logging.DEBUG))
            call.error = f"{type(exc).__name__}: {exc}"
        call.duration_s = time.perf_counter() - t0

    def _relax(self, call: Call) -> Call | None:
        """Retry an empty result once without the softest filters the tool's routing names."""
        hint = self.router.hints.get(call.name)
        relax = getattr(hint, "relax", ()) if hint else ()
        if not call.ok or call.items or not relax:
            return None
        args = {k: v for k, v in call.arguments.items() if k not in relax}
        if args == call.arguments:
            return None
        return Call(name=call.name, arguments=args, source="relaxed")


def _result_ids(result: Any, depth: int = 0) -> list[str]:
    """Catalogue ids a result refers to by an ``item_id``/``item_ids`` field (feedback events,
    wardrobe entries of a profile): they were checked when stored."""
    out: list[str] = []
    if depth > 4:
        return out
    if isinstance(result, BaseModel):
        for name in type(result).model_fields:
            value = getattr(result, name)
            if name == "item_id" and isinstance(value, str):
                out.append(value)
            elif name == "item_ids" and isinstance(value, list):
                out += [v for v in value if isinstance(v, str)]
            else:
                out += _result_ids(value, depth + 1)
    elif isinstance(result, (list, tuple)):
        for v in result[:50]:
            out += _result_ids(v, depth + 1)
    return out


def _argument_items(tool: Any, arguments: dict[str, Any], have: set[str]) -> list[SeenItem]:
    """Garments a successful call was given by id (feedback on g-0003, copy for g-0009): the
    answer may name them, so they join what grounding knows."""
    ids: list[str] = []
    for key in ID_ARGUMENTS:
        value = arguments.get(key)
        for v in [value] if isinstance(value, str) else (value or []):
            if isinstance(v, str) and v not in have and v not in ids:
                ids.append(v)
    runtime = getattr(tool, "runtime", None)
    if not ids or runtime is None:
        return []
    out: list[SeenItem] = []
    try:
        index = catalogue_of(runtime)
        for item_id in ids:
            try:
                out.append(SeenItem.from_garment(index.get(item_id)))
            except StylistError:
                continue  # free-text wardrobe entries are not catalogue ids
    except Exception as exc:  # grounding still works, the answer just may not name them
        log.debug("could not look up argument ids %s: %s", ids, exc)
    return out
