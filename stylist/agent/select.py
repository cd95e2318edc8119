"""The selection step: which tool calls to make next.

The model sees the tools (bound to it) and may only choose calls. Its calls are validated against
each tool's pydantic schema, repaired once with the validation error shown to the model (when the
policy allows), and otherwise replaced by the deterministic router. Where the router is sure (a
follow-up, small talk, an unambiguous keyword match) the policy may skip the model altogether.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from stylist.agent import pick, prompts
from stylist.agent.adapters import langchain_tools
from stylist.agent.context import history_messages
from stylist.agent.policy import Policy
from stylist.agent.router import PATTERN_WEIGHT, RouteContext, RouteDecision, Router
from stylist.agent.state import Call, TurnContext
from stylist.agent.trace import TurnTrace
from stylist.concurrency import BoundedPool, queued_s, wait_for
from stylist.config import LLMSettings
from stylist.errors import BusyError, LLMError, ToolInputError, TurnCancelled
from stylist.tools.registry import ToolRegistry

log = logging.getLogger(__name__)


class Selector:
    """Chooses a step's calls: router shortcuts, then the model with repair, then the router."""

    def __init__(
        self,
        registry: ToolRegistry,
        settings: LLMSettings,
        policy: Policy,
        model: Any | None,
        router: Router,
        pool: BoundedPool,
    ) -> None:
        self.registry = registry
        self.settings = settings
        self.policy = policy
        self.model = model
        self.router = router
        self.pool = pool
        self._bound: dict[tuple[str, ...], Any] = {}
        """Bound models by (tool names…, tool choice)."""

    def select(
        self, message: str, ctx: TurnContext, done: list[Call], step: int, model_ok: bool, trace: TurnTrace
    ) -> tuple[list[Call], bool]:
        """The calls to make in this step and whether the model is still usable."""
        route_ctx = route_context(ctx)
        if step == 0:
            shortcut = self._shortcut(message, route_ctx, trace)
            if shortcut is not None:
                calls, usable = shortcut
                return calls, model_ok and usable
        if not model_ok or self.model is None:
            if step > 0:
                return [], model_ok
            decision = self.router.route(message, route_ctx)
            trace.route.append("router" if decision.tool else "router:none")
            return self._router_calls(decision, "router"), model_ok
        if self.policy.pick_tool:
            return self._pick(message, ctx, route_ctx, done, trace, model_ok)
        scores = self.router.scores(message, route_ctx)
        messages = self._messages(message, ctx, done, hint=self._hint(scores))
        names = self._tools_for(scores)
        # a first step the router sees a tool in must call one: decoded under the grammar of
        # the tools' schemas (embedded), so the call is valid by construction
        choice = "required" if step == 0 and any(v > 0 for v in scores.values()) else None
        try:
            ai = self._invoke(self._bound_model(names, choice), messages, trace)
        except TurnCancelled:
            raise  # a gone client ends the turn, not the model's part
        except BusyError as exc:
            return _refused_after_tools(exc, done, trace)
        except Exception as exc:
            log.warning("selection step failed: %s", exc)
            trace.selection_error = f"{type(exc).__name__}: {exc}"
            if step > 0:
                return [], False
            trace.route.append("router:model-failed")
            return self._router_calls(self.router.route(message, route_ctx), "router"), False
        calls, errors, attempted = self._validate(ai)
        if errors and self.policy.repair and not trace.expired():
            calls2, attempted2 = self._repair(ai, errors, messages, names, trace)
            calls += calls2
            attempted = attempted or attempted2
        if calls:
            trace.route.append("model")
            return calls, model_ok
        if step > 0:
            return [], model_ok
        decision = self.router.route(message, route_ctx)
        if decision.tool is not None:
            trace.route.append("router:fallback" if attempted else "router:model-chose-none")
            return self._router_calls(decision, "router:fallback"), model_ok
        trace.route.append("none")
        return [], model_ok

    def _pick(
        self,
        message: str,
        ctx: TurnContext,
        route_ctx: RouteContext,
        done: list[Call],
        trace: TurnTrace,
        model_ok: bool,
    ) -> tuple[list[Call], bool]:
        """The model names the tool; the tool's extractor reads the arguments (``stylist.agent.pick``).
        After a first step the model sees the results and may name another tool, or ``none``."""
        scores = self.router.scores(message, route_ctx)
        system = pick.pick_system(self.registry)
        messages = self._messages(message, ctx, done, hint=self._hint(scores, none=True), system=system)
        try:
            ai = self._invoke(self._bound_pick(), messages, trace)
        except TurnCancelled:
            raise
        except BusyError as exc:
            return _refused_after_tools(exc, done, trace)
        except Exception as exc:
            log.warning("tool choice failed: %s", exc)
            trace.selection_error = f"{type(exc).__name__}: {exc}"
            if done:
                return [], False
            trace.route.append("router:model-failed")
            return self._router_calls(self.router.route(message, route_ctx), "router"), False
        name, answered = pick.picked(ai, self.registry)
        if name is None and not answered:  # an unreadable pick is a failed step, not a silent fallback
            trace.selection_error = f"the model's pick named no tool: {_describe_attempt(ai)}"[:300]
        if name is None:
            decision = self.router.route(message, route_ctx) if not done else RouteDecision()
            if decision.tool is not None and not answered:
                trace.route.append("router:fallback")
                return self._router_calls(decision, "router:fallback"), model_ok
            trace.route.append("model:none" if answered else "none")
            return [], model_ok
        trace.route.append("model")
        args = self.router.arguments_for(name, message, route_ctx)
        tool = self.registry.get(name)
        if args is None and pick.needs_model_arguments(tool):
            return self._call_one(name, messages, trace), model_ok  # the model writes this call
        try:
            arguments = tool.parse_args(args or {}).model_dump(exclude_defaults=True, mode="json")
        except ToolInputError as exc:
            log.warning("extracted arguments for %s are invalid: %s", name, exc)
            arguments = {}
        return [Call(name=name, arguments=arguments, source="model:tool+rules")], model_ok

    def _call_one(self, name: str, messages: list[BaseMessage], trace: TurnTrace) -> list[Call]:
        """The model's call to ``name`` (``tool_choice`` names it), validated; [] when it fails."""
        try:
            ai = self._invoke(self._bound_model((name,), name), messages, trace)
        except (BusyError, TurnCancelled):
            raise
        except Exception as exc:
            log.warning("call to %s failed: %s", name, exc)
            trace.selection_error = f"{type(exc).__name__}: {exc}"
            return []
        calls, errors, _ = self._validate(ai)
        if errors:
            trace.selection_error = "; ".join(errors)[:300]
        return calls

    def _bound_pick(self) -> Any:
        key = (pick.PICK_TOOL,)
        if key not in self._bound:
            spec = pick.pick_spec(list(self.registry.tools))
            self._bound[key] = self.model.bind_tools(
                [spec], tool_choice=pick.PICK_TOOL, max_tokens=min(32, self.policy.selection_max_tokens)
            )
        return self._bound[key]

    def _shortcut(
        self, message: str, route_ctx: RouteContext, trace: TurnTrace
    ) -> tuple[list[Call], bool] | None:
        """The router's answer when it needs no model: (calls, model still usable), else ``None``."""
        decision = self.router.route(message, route_ctx)
        if decision.followup:
            trace.route.append("router:followup")
            return self._router_calls(decision, "router:followup"), True
        # "hi", "thanks", "tell me a joke": no tool, and no 25 s wait for the model to say so
        talk = (
            self.router.small_talk(message, route_ctx)
            if self.policy.small_talk and not decision.tool
            else None
        )
        if talk is not None:
            trace.route.append("router:no-tool")
            trace.small_talk = talk
            return [], False
        if (
            self.policy.router_first
            and decision.tool is not None
            and unambiguous(self.router.scores(message, route_ctx), decision.tool)
        ):
            trace.route.append("router:confident")
            return self._router_calls(decision, "router:confident"), True
        return None

    def _repair(
        self,
        ai: AIMessage,
        errors: list[str],
        messages: list[BaseMessage],
        names: tuple[str, ...],
        trace: TurnTrace,
    ) -> tuple[list[Call], bool]:
        """One more try with the validation errors shown: (valid calls, whether any was attempted)."""
        trace.route.append("repair")
        repair = messages + [
            AIMessage(content=_describe_attempt(ai)),
            HumanMessage(
                prompts.REPAIR.format(error="; ".join(errors), tools=", ".join(self.registry.tools))
            ),
        ]
        try:
            ai2 = self._invoke(self._bound_model(names), repair, trace)
        except (BusyError, TurnCancelled):
            raise
        except Exception as exc:
            log.warning("repair step failed: %s", exc)
            trace.selection_error = f"{type(exc).__name__}: {exc}"
            return [], False
        calls, _, attempted = self._validate(ai2, source="model:repaired")
        return calls, attempted

    def _router_calls(self, decision: RouteDecision, source: str) -> list[Call]:
        if decision.tool is None:
            return []
        tool = self.registry.get(decision.tool)
        try:
            args = tool.parse_args(decision.arguments).model_dump(exclude_defaults=True, mode="json")
        except ToolInputError as exc:
            log.warning("router produced invalid arguments: %s", exc)
            args = {}
        return [Call(name=decision.tool, arguments=args, source=source)]

    def _validate(self, ai: AIMessage, source: str = "model") -> tuple[list[Call], list[str], bool]:
        """(valid calls, validation errors, whether the model attempted any call)."""
        calls: list[Call] = []
        errors: list[str] = []
        raw_calls = list(getattr(ai, "tool_calls", None) or [])
        invalid = list(getattr(ai, "invalid_tool_calls", None) or [])
        for bad in invalid:
            errors.append(
                f"call to {bad.get('name') or '?'} could not be parsed: {bad.get('error') or bad.get('args')}"
            )
        for tc in raw_calls:
            name = self.registry.closest(str(tc.get("name") or ""))
            if name is None:
                errors.append(f"unknown tool {tc.get('name')!r}")
                continue
            try:
                parsed = self.registry.get(name).parse_args(tc.get("args") or {})
            except ToolInputError as exc:
                errors.append(exc.message)
                continue
            arguments = parsed.model_dump(exclude_defaults=True, mode="json")
            calls.append(Call(name=name, arguments=arguments, source=source))
        return calls, errors, bool(raw_calls or invalid)

    def _hint(self, scores: dict[str, float], none: bool = False) -> str:
        """The router's reading of the message, shown to the model as a hint (never a rule);
        ``none``: say so when no tool's keywords match (else no hint)."""
        ranked = [n for n in sorted(scores, key=lambda n: -scores[n]) if scores[n] > 0][:3]
        if not ranked and none:
            ranked = [pick.NO_TOOL]
        return prompts.SELECT_HINT.format(tools=", ".join(ranked)) if ranked else ""

    def _messages(
        self, message: str, ctx: TurnContext, done: list[Call], hint: str = "", system: str = ""
    ) -> list[BaseMessage]:
        budget = max(256, self.settings.context_tokens // 6)
        messages: list[BaseMessage] = [SystemMessage(ctx.system_prompt(system or prompts.SELECT_SYSTEM))]
        messages += history_messages(ctx.turns, budget)
        text = message + (f"\n\n{hint}" if hint and not done else "")
        if ctx.last_call is not None:
            text += "\n\n" + prompts.SELECT_CONTEXT.format(
                name=ctx.last_call[0], arguments=json.dumps(ctx.last_call[1], default=str)
            )
        messages.append(HumanMessage(text))
        if done:
            tool_calls = [
                {"name": c.name, "args": c.arguments, "id": c.id, "type": "tool_call"} for c in done
            ]
            messages.append(AIMessage(content="", tool_calls=tool_calls))
            messages += [ToolMessage(content=c.observation(k=3), tool_call_id=c.id) for c in done]
        return messages

    def _tools_for(self, scores: dict[str, float]) -> tuple[str, ...]:
        """Every tool, unless ``llm.selection_tools`` limits them to the router's best matches
        (``scores`` are read with the context: "the second one" needs the last list)."""
        names = list(self.registry.tools)
        limit = self.policy.bound_tools
        if limit is None or len(names) <= limit:
            return tuple(names)
        chosen = [n for n in sorted(scores, key=lambda n: -scores[n]) if scores[n] > 0][:limit]
        default = next((n for n, h in self.router.hints.items() if h.default), None)
        if default and default not in chosen:
            chosen = chosen[: limit - 1] + [default]
        return tuple(n for n in names if n in chosen) or tuple(names[:limit])

    def _bound_model(self, names: tuple[str, ...], choice: str | None = None) -> Any:
        key = (*names, f"choice={choice}")
        if key not in self._bound:
            tools = [t for t in langchain_tools(self.registry) if t.name in names]
            options: dict[str, Any] = {"max_tokens": self.policy.selection_max_tokens}
            if choice is not None and (self.policy.force_call or choice != "required"):
                options["tool_choice"] = choice
            elif self.policy.backend == "openai":
                # OpenAI's default with tools, said explicitly: llama_cpp.server's tool-calling chat
                # formats leave the tools out of the prompt when no tool_choice is sent
                options["tool_choice"] = "auto"
            self._bound[key] = self.model.bind_tools(tools, **options)
        return self._bound[key]

    def _invoke(self, runnable: Any, messages: list[BaseMessage], trace: TurnTrace) -> AIMessage:
        remaining = trace.remaining()
        if remaining <= 0:
            raise LLMError("the turn's time budget (llm.timeout_s) is spent")
        future = self.pool.submit(self._call, runnable, messages, trace)
        try:
            result = wait_for(future, remaining)
        except FutureTimeout:
            queued = queued_s(future)
            trace.model_queue_s += queued
            raise LLMError(
                f"the model did not answer within {self.settings.timeout_s:g} s (llm.timeout_s), "
                f"{queued:.1f} s of it queued behind other model calls"
            ) from None
        trace.model_queue_s += queued_s(future)
        if not isinstance(result, AIMessage):
            raise LLMError(f"the model returned {type(result).__name__}, not a message")
        return result

    def _call(self, runnable: Any, messages: list[BaseMessage], trace: TurnTrace) -> Any:
        """The model call, on a model worker. An HTTP upstream's request gets what is left of the turn's
        deadline as its timeout: a call the turn gave up on must not hold the worker (and the upstream)
        for a full ``llm.timeout_s`` more."""
        left = trace.remaining()
        if left <= 0:
            raise LLMError("the turn's time budget (llm.timeout_s) was spent waiting for a model worker")
        if self.policy.backend == "openai":
            return runnable.invoke(messages, timeout=left)
        return runnable.invoke(messages)


def route_context(ctx: TurnContext) -> RouteContext:
    """What the router knows of the conversation: the last call and the items it showed."""
    return RouteContext(
        last_call=ctx.last_call,
        last_items=[i.to_dict() for i in (ctx.turns[-1].items if ctx.turns else [])],
        user_id=ctx.user_id,
    )


def unambiguous(scores: dict[str, float], tool: str) -> bool:
    """The router's pick is a strong match (a pattern, or several keywords) well ahead of the
    rest, or the only tool the message matches at all (a plain product search)."""
    top = scores.get(tool, 0.0)
    rest = max((v for n, v in scores.items() if n != tool), default=0.0)
    return (top >= PATTERN_WEIGHT and top - rest >= 2) or (top > 0 and rest == 0)


def _describe_attempt(ai: AIMessage) -> str:
    parts = [ai.content if isinstance(ai.content, str) else ""]
    for tc in getattr(ai, "tool_calls", None) or []:
        parts.append(json.dumps({"name": tc.get("name"), "arguments": tc.get("args")}, default=str))
    for bad in getattr(ai, "invalid_tool_calls", None) or []:
        parts.append(f"{bad.get('name')}: {bad.get('args')}")
    return "\n".join(p for p in parts if p) or "(no call)"


def _refused_after_tools(exc: BusyError, done: list[Call], trace: TurnTrace) -> tuple[list[Call], bool]:
    """A full model queue refuses the whole turn (503) only before any tool ran; after, the tools'
    events are already out (a stream cannot become a 503), so the turn answers with their results
    and the trace says the model was refused."""
    if not done:
        raise exc
    log.warning("selection step refused: %s", exc)
    trace.selection_error = f"BusyError: {exc}"
    return [], False
