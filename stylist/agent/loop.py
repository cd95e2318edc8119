"""One conversation turn: select tools, run them, answer from their results, ground the answer.

Each step is its own module: ``select`` (the model with tools bound, validation and one repair,
the router's shortcuts and fallback), ``execute`` (calls under the time budget, relaxation,
failures as observations) and ``answer`` (results lead, streaming, grounding, template answer).
A step budget (``llm.max_steps``), a turn deadline (``llm.timeout_s``) and a rule that the same
call is never made twice keep small models from looping. What differs by backend is decided
once, in ``Policy``; what happened is recorded in a ``TurnTrace``. The turn always ends with
``Done`` (or ``Error`` for a bug).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from stylist.agent.answer import Answerer, Transcript
from stylist.agent.execute import Executor
from stylist.agent.policy import Policy
from stylist.agent.router import Router
from stylist.agent.select import Selector
from stylist.agent.state import Call, TurnContext
from stylist.agent.trace import TurnTrace
from stylist.concurrency import current_token
from stylist.config import LLMSettings
from stylist.errors import BusyError, TurnCancelled
from stylist.events import ChatEvent, ChatReply, Done, Error
from stylist.runtime import WorkerPools
from stylist.tools.registry import ToolRegistry

log = logging.getLogger(__name__)


class Agent:
    """The turn engine. ``chat_model`` is a LangChain chat model, or ``None`` for router-only.

    ``pools`` are the runtime's worker threads (``Runtime.pools``); an agent built without them
    gets its own, sized from ``settings``.
    """

    def __init__(
        self,
        registry: ToolRegistry,
        settings: LLMSettings,
        chat_model: Any | None = None,
        *,
        backend: str = "none",
        policy: Policy | None = None,
        pools: WorkerPools | None = None,
    ) -> None:
        self.registry = registry
        self.settings = settings
        self.model = chat_model
        self.backend = backend
        self.policy = policy or Policy.for_backend(settings, backend)
        self.pools = pools or WorkerPools.sized(settings.model_workers, settings.tool_workers)
        self.router = Router(registry)
        self.selector = Selector(registry, settings, self.policy, chat_model, self.router, self.pools.model)
        self.executor = Executor(registry, self.router, self.pools.tools)
        self.answerer = Answerer(settings, self.policy, chat_model, self.pools.model)

    def run(self, message: str, ctx: TurnContext) -> Iterator[ChatEvent]:
        """Yield the turn's events; the last is ``Done`` (or ``Error`` for an unexpected bug)."""
        try:
            yield from self._turn(message, ctx)
        except TurnCancelled as exc:
            log.info("turn of conversation %s cancelled: %s", ctx.conversation_id, exc)
            yield Error(message=str(exc), conversation_id=ctx.conversation_id, code="cancelled")
        except BusyError as exc:
            yield Error(
                message=str(exc),
                conversation_id=ctx.conversation_id,
                code="busy",
                retry_after=exc.retry_after,
            )
        except Exception as exc:  # a bug: report it as an event, never crash the chat
            # The exception's text stays in the log: events reach API clients (issue #22).
            log.error("agent turn failed: %s: %s", type(exc).__name__, exc, exc_info=True)
            yield Error(message="internal error (details in the log)", conversation_id=ctx.conversation_id)

    def _turn(self, message: str, ctx: TurnContext) -> Iterator[ChatEvent]:
        trace = TurnTrace(timeout_s=self.settings.timeout_s)
        calls: list[Call] = []
        model_ok = self.model is not None
        token = current_token()
        for step in range(self.settings.max_steps):
            token.check()
            if trace.expired():
                trace.route.append("deadline reached before selection")
                break
            planned, model_ok = self.selector.select(message, ctx, calls, step, model_ok, trace)
            fresh = self.executor.fresh(planned, calls, ctx, trace)
            if not fresh:
                break
            for call in fresh:
                yield from self.executor.run(call, calls, trace)
            if not (model_ok and self._another_step(fresh, calls)):
                break
        out = Transcript(ctx.remember(calls), trace)
        yield from self.answerer.answer(message, ctx, calls, out, model_ok)
        yield Done(reply=self._reply(ctx, calls, out))

    def _another_step(self, fresh: list[Call], calls: list[Call]) -> bool:
        """A call failed (the model may retry it differently), or, where the policy chains steps,
        a tool not used yet could still help. A model that picks tools by name gets no retry: its
        arguments come from the rules, and on the tune split its second pick repeated the failed tool
        (skipped) every time, at 10-20 s a turn on 2 cores."""
        if any(not c.ok for c in fresh):
            return not self.policy.pick_tool
        return self.policy.chain and any(name not in {c.name for c in calls} for name in self.registry.tools)

    def _reply(self, ctx: TurnContext, calls: list[Call], out: Transcript) -> ChatReply:
        trace = out.trace
        trace.grounding = out.grounder.report
        trace.sources = [c.source for c in calls]
        images = list(dict.fromkeys(path for c in calls for path, _ in c.images))
        return ChatReply(
            conversation_id=ctx.conversation_id,
            text=out.text.strip(),
            items=out.items(),
            tool_calls=[c.record() for c in calls],
            images=images,
            backend=self.backend,
            timings=trace.timings(),
            metadata=trace.metadata(),
        )
