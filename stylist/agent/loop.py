"""One conversation turn: select tools, run them, answer from their results, ground the answer.

Selection and answering are separate steps. The selection step sees the tools (bound to the
model) and may only choose calls; the calls are validated against each tool's pydantic schema,
repaired once with the validation error shown to the model, and otherwise replaced by the
deterministic router. The answer step has no tools bound and reads compact, delimited tool
results. A step budget (``llm.max_steps``), a turn deadline (``llm.timeout_s``) and a rule that
the same call is never made twice keep small models from looping. Every failure becomes an
observation or a fallback; the turn always ends with ``Done`` (or ``Error`` for a bug).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel

from stylist.agent import prompts, template
from stylist.agent.adapters import langchain_tools
from stylist.agent.context import SeenItem, Turn, approx_tokens, compact, delimit, history_messages, items_in
from stylist.agent.grounding import Grounder
from stylist.agent.images import images_in
from stylist.agent.router import PATTERN_WEIGHT, RouteContext, RouteDecision, Router
from stylist.config import LLMSettings
from stylist.errors import LLMError, StylistError, ToolInputError
from stylist.events import (
    ChatEvent,
    ChatReply,
    Done,
    Error,
    Image,
    Item,
    ItemRef,
    Timings,
    Token,
    ToolCallRecord,
    ToolFinished,
    ToolStarted,
)
from stylist.tools.registry import ToolRegistry

log = logging.getLogger(__name__)

# Separate pools: a model call that overran its deadline keeps running in its thread, and must
# not leave the tools of later turns queued behind it.
_model_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stylist-model")
_tool_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="stylist-tool")

#: Token budget of a selection step (one or two tool calls as JSON).
SELECTION_MAX_TOKENS = 200
COMMENT_MAX_TOKENS = 90
"""The model's comment after the results lead: two or three sentences. Greedy small models
otherwise run on to ``max_tokens`` (measured: 512 tokens, a minute on 2 cores, one sentence
repeated)."""


@dataclass
class TurnContext:
    """What the agent knows of the conversation before this turn."""

    conversation_id: str
    user_id: str
    turns: list[Turn] = field(default_factory=list)
    known: dict[str, SeenItem] = field(default_factory=dict)
    """Items returned by tools in earlier turns (the answer may name them again)."""
    last_call: tuple[str, dict[str, Any]] | None = None
    seen: list[SeenItem] = field(default_factory=list)
    """Filled by the agent: every item this turn's tools returned (stored for later turns)."""


@dataclass
class Call:
    """A validated tool call and, once run, its outcome."""

    name: str
    arguments: dict[str, Any]
    source: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    ok: bool = False
    error: str | None = None
    duration_s: float = 0.0
    result: BaseModel | None = None
    items: list[SeenItem] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    """(path, caption) of pictures the tool made (see ``stylist.agent.images``)."""

    def key(self) -> str:
        return self.name + json.dumps(self.arguments, sort_keys=True, default=str)

    def record(self) -> ToolCallRecord:
        return ToolCallRecord(
            name=self.name,
            arguments=self.arguments,
            duration_s=round(self.duration_s, 4),
            ok=self.ok,
            error=self.error,
        )


class Agent:
    """The turn engine. ``chat_model`` is a LangChain chat model, or ``None`` for router-only."""

    def __init__(
        self,
        registry: ToolRegistry,
        settings: LLMSettings,
        chat_model: Any | None = None,
        *,
        backend: str = "none",
        chain: bool | None = None,
        max_bound_tools: int | None = -1,
    ) -> None:
        self.registry = registry
        self.settings = settings
        self.model = chat_model
        self.backend = backend
        # Another selection step after a successful one (search, then build an outfit from the
        # hits) pays off with served/GPU models; the 0.5B default only repeats itself, so on
        # ``embedded`` a new step happens only to retry a failed call.
        self.chain = chain if chain is not None else backend in ("openai", "transformers")
        # Every tool schema costs prompt tokens: the 4k-window default sees only the tools whose
        # routing keywords match the message (plus the default tool); bigger models see them all.
        if max_bound_tools == -1:
            max_bound_tools = settings.selection_tools or (2 if backend == "embedded" else None)
        self.max_bound_tools = max_bound_tools
        # A second selection call costs as much as the first on CPU; the 0.5B model rarely fixes
        # its call, so on ``embedded`` an invalid call goes straight to the router.
        self.answer_items = settings.answer_items or (3 if backend == "embedded" else 5)
        self.lean_cards = settings.lean_cards if settings.lean_cards is not None else backend == "embedded"
        self.router_first = (
            settings.router_first if settings.router_first is not None else backend == "embedded"
        )
        self.lead_with_results = (
            settings.lead_with_results if settings.lead_with_results is not None else backend == "embedded"
        )
        self.repair = settings.repair_calls if settings.repair_calls is not None else backend != "embedded"
        self.router = Router(registry)
        self._bound: dict[tuple[str, ...], Any] = {}

    # -- public -------------------------------------------------------------------------------
    def run(self, message: str, ctx: TurnContext) -> Iterator[ChatEvent]:
        """Yield the turn's events; the last is ``Done`` (or ``Error`` for an unexpected bug)."""
        try:
            yield from self._run(message, ctx)
        except Exception as exc:  # a bug: report it as an event, never crash the chat
            log.error("agent turn failed: %s", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            yield Error(
                message=f"internal error: {type(exc).__name__}: {exc}", conversation_id=ctx.conversation_id
            )

    # -- the turn -----------------------------------------------------------------------------
    def _run(self, message: str, ctx: TurnContext) -> Iterator[ChatEvent]:
        start = time.perf_counter()
        deadline = start + self.settings.timeout_s
        meta: dict[str, Any] = {"route": []}
        calls: list[Call] = []
        route_ctx = RouteContext(
            last_call=ctx.last_call,
            last_items=[i.to_dict() for i in (ctx.turns[-1].items if ctx.turns else [])],
            user_id=ctx.user_id,
        )
        model_ok = self.model is not None
        images: list[str] = []

        def image_events(call: Call) -> Iterator[ChatEvent]:
            for path, caption in call.images:
                if path not in images:
                    images.append(path)
                    yield Image(path=path, caption=caption)

        for step in range(self.settings.max_steps):
            if time.perf_counter() > deadline:
                meta["route"].append("deadline reached before selection")
                break
            planned, model_ok = self._select(message, ctx, route_ctx, calls, step, model_ok, deadline, meta)
            for call in planned:
                if "user_id" in self.registry.get(call.name).input_model.model_fields:
                    call.arguments["user_id"] = (
                        ctx.user_id
                    )  # the conversation's user, never one the model picked
            fresh = [c for c in planned if c.key() not in {d.key() for d in calls}]
            if len(fresh) < len(planned):
                meta["route"].append("repeated call skipped")
            if not fresh:
                break
            for call in fresh:
                yield ToolStarted(call_id=call.id, name=call.name, arguments=call.arguments)
                self._execute(call, deadline)
                yield ToolFinished(
                    call_id=call.id,
                    name=call.name,
                    ok=call.ok,
                    duration_s=round(call.duration_s, 4),
                    error=call.error,
                )
                yield from image_events(call)
                calls.append(call)
                relaxed = self._relax(call)
                if relaxed is not None and relaxed.key() not in {d.key() for d in calls}:
                    yield ToolStarted(call_id=relaxed.id, name=relaxed.name, arguments=relaxed.arguments)
                    self._execute(relaxed, deadline)
                    yield ToolFinished(
                        call_id=relaxed.id,
                        name=relaxed.name,
                        ok=relaxed.ok,
                        duration_s=round(relaxed.duration_s, 4),
                        error=relaxed.error,
                    )
                    yield from image_events(relaxed)
                    calls.append(relaxed)
            if not model_ok or not (
                any(not c.ok for c in fresh) or (self.chain and self._more_tools_could_help(calls))
            ):
                break

        known = dict(ctx.known)
        for call in calls:
            for item in call.items:
                known[item.id] = item
                if item.id not in {s.id for s in ctx.seen}:
                    ctx.seen.append(item)
        grounder = Grounder(known)
        timing = {"first": None}
        text_parts: list[str] = []
        emitted_items: list[str] = []

        def emit(line: str) -> Iterator[ChatEvent]:
            if timing["first"] is None:
                timing["first"] = time.perf_counter() - start
            text_parts.append(line)
            yield Token(text=line)
            for gid in grounder.report.grounded:
                if gid not in emitted_items:
                    emitted_items.append(gid)
                    yield Item(item=_ref(known[gid]))

        answered = False
        lead = (
            self._lead_lines(calls)
            if self.lead_with_results and model_ok and self.model is not None
            else None
        )
        led = bool(lead)
        if led:
            meta["lead"] = True
            yield from self._emit_checked(lead, grounder, emit)
        if model_ok and self.model is not None and time.perf_counter() < deadline:
            try:
                if led:
                    yield from emit("\n")
                yield from self._answer_with_model(
                    message, ctx, calls, grounder, emit, deadline, meta, led=led
                )
                answered = bool("".join(text_parts).strip())
            except Exception as exc:  # the model failed mid-answer: fall back to the template
                log.warning("answer step failed: %s", exc)
                meta["answer_error"] = f"{type(exc).__name__}: {exc}"
        if not answered:
            meta["answer"] = "template"
            body = self._template_answer(calls, meta)
            # every call failed: the body is the tool's error, which quotes what the user asked for
            # ("no garment with id 'g-0404'"); grounding would drop that id as invented, leaving nothing
            failed_only = bool(calls) and not any(c.ok for c in calls)
            for line in _lines(body):
                checked = line.rstrip("\n") if failed_only else grounder.check_line(line.rstrip("\n"))
                if checked is not None:
                    yield from emit(checked + ("\n" if line.endswith("\n") else ""))
        elif self._should_append_items(calls, grounder):
            meta["appended_items"] = True
            yield from self._emit_checked(
                self._item_lines(calls, heading="\n\nFrom the catalogue:\n"), grounder, emit
            )

        report = grounder.report
        meta["grounding"] = {
            "rate": round(report.rate, 4),
            "grounded": len(report.grounded),
            "invented": len(report.invented),
            "removed_lines": report.removed_lines,
            "price_fixes": report.price_fixes,
            "colour_fixes": report.colour_fixes,
        }
        first_chunk, last_chunk = meta.pop("_first_chunk", None), meta.pop("_last_chunk", None)
        if first_chunk is not None:
            meta["first_model_token_s"] = round(first_chunk - start, 4)
        if meta.get("tokens", 0) > 1 and last_chunk > first_chunk:
            meta["tokens_per_s"] = round((meta["tokens"] - 1) / (last_chunk - first_chunk), 2)
        reply = ChatReply(
            conversation_id=ctx.conversation_id,
            text="".join(text_parts).strip(),
            items=[_ref(known[gid]) for gid in report.grounded],
            tool_calls=[c.record() for c in calls],
            images=images,
            backend=self.backend,
            timings=Timings(
                first_token_s=round(timing["first"], 4) if timing["first"] is not None else None,
                total_s=round(time.perf_counter() - start, 4),
            ),
        )
        _set_meta(reply, meta, calls)
        yield Done(reply=reply)

    # -- selection ----------------------------------------------------------------------------
    def _select(
        self,
        message: str,
        ctx: TurnContext,
        route_ctx: RouteContext,
        done: list[Call],
        step: int,
        model_ok: bool,
        deadline: float,
        meta: dict[str, Any],
    ) -> tuple[list[Call], bool]:
        """The calls to make in this step and whether the model is still usable."""
        if step == 0:
            decision = self.router.route(message, route_ctx)
            if decision.followup:
                meta["route"].append("router:followup")
                return self._router_calls(decision, "router:followup"), model_ok
            talk = (
                self.router.small_talk(message, route_ctx)
                if self.router_first and decision.tool is None
                else None
            )
            if (
                talk is not None
            ):  # "hi", "thanks", "tell me a joke": no tool, and no 25 s wait for the model to say so
                meta["route"].append("router:no-tool")
                meta["small_talk"] = talk
                return [], False
            if (
                self.router_first
                and decision.tool is not None
                and _unambiguous(self.router.scores(message, route_ctx), decision.tool)
            ):
                meta["route"].append("router:confident")
                return self._router_calls(decision, "router:confident"), model_ok
        if not model_ok or self.model is None:
            if step > 0:
                return [], model_ok
            decision = self.router.route(message, route_ctx)
            meta["route"].append("router" if decision.tool else "router:none")
            return self._router_calls(decision, "router"), model_ok
        messages = self._selection_messages(message, ctx, done)
        names = self._tools_for(message, route_ctx)
        try:
            ai = self._invoke(self._bound_model(names), messages, deadline)
        except Exception as exc:
            log.warning("selection step failed: %s", exc)
            meta["selection_error"] = f"{type(exc).__name__}: {exc}"
            if step > 0:
                return [], False
            meta["route"].append("router:model-failed")
            return self._router_calls(self.router.route(message, route_ctx), "router"), False
        calls, errors, attempted = self._validate(ai)
        if errors and self.repair and time.perf_counter() < deadline:
            meta["route"].append("repair")
            repair = messages + [
                AIMessage(content=_describe_attempt(ai)),
                HumanMessage(
                    prompts.REPAIR.format(error="; ".join(errors), tools=", ".join(self.registry.tools))
                ),
            ]
            try:
                ai2 = self._invoke(self._bound_model(names), repair, deadline)
                calls2, errors2, attempted2 = self._validate(ai2, source="model:repaired")
                calls += calls2
                attempted = attempted or attempted2
                errors = errors2
            except Exception as exc:
                log.warning("repair step failed: %s", exc)
                meta["selection_error"] = f"{type(exc).__name__}: {exc}"
        if calls:
            meta["route"].append("model")
            return calls, model_ok
        if step > 0:
            return [], model_ok
        decision = self.router.route(message, route_ctx)
        if decision.tool is not None:
            meta["route"].append("router:fallback" if attempted else "router:model-chose-none")
            return self._router_calls(decision, "router:fallback"), model_ok
        meta["route"].append("none")
        return [], model_ok

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
            calls.append(
                Call(
                    name=name, arguments=parsed.model_dump(exclude_defaults=True, mode="json"), source=source
                )
            )
        return calls, errors, bool(raw_calls or invalid)

    def _selection_messages(self, message: str, ctx: TurnContext, done: list[Call]) -> list[BaseMessage]:
        budget = max(256, self.settings.context_tokens // 6)
        messages: list[BaseMessage] = [SystemMessage(prompts.SELECT_SYSTEM)]
        messages += history_messages(ctx.turns, budget)
        text = message
        if ctx.last_call is not None:
            text += "\n\n" + prompts.SELECT_CONTEXT.format(
                name=ctx.last_call[0], arguments=json.dumps(ctx.last_call[1], default=str)
            )
        messages.append(HumanMessage(text))
        if done:
            messages.append(
                AIMessage(
                    content="",
                    tool_calls=[
                        {"name": c.name, "args": c.arguments, "id": c.id, "type": "tool_call"} for c in done
                    ],
                )
            )
            for c in done:
                messages.append(ToolMessage(content=self._observation(c, k=3), tool_call_id=c.id))
        return messages

    def _tools_for(self, message: str, route_ctx: RouteContext | None = None) -> tuple[str, ...]:
        names = list(self.registry.tools)
        if self.max_bound_tools is None or len(names) <= self.max_bound_tools:
            return tuple(names)
        scores = self.router.scores(
            message, route_ctx
        )  # with the context: "the second one" needs the last list
        chosen = [n for n in sorted(scores, key=lambda n: -scores[n]) if scores[n] > 0][
            : self.max_bound_tools
        ]
        default = next((n for n, h in self.router.hints.items() if h.default), None)
        if default and default not in chosen:
            chosen = chosen[: self.max_bound_tools - 1] + [default]
        return tuple(n for n in names if n in chosen) or tuple(names[: self.max_bound_tools])

    def _bound_model(self, names: tuple[str, ...]) -> Any:
        if names not in self._bound:
            tools = [t for t in langchain_tools(self.registry) if t.name in names]
            # a call needs few tokens: a model that rambles instead stops early and the router takes over
            self._bound[names] = self.model.bind_tools(
                tools, max_tokens=min(SELECTION_MAX_TOKENS, self.settings.max_tokens)
            )
        return self._bound[names]

    def _invoke(self, runnable: Any, messages: list[BaseMessage], deadline: float) -> AIMessage:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise LLMError("the turn's time budget (llm.timeout_s) is spent")
        future = _model_pool.submit(runnable.invoke, messages)
        try:
            result = future.result(timeout=remaining)
        except FutureTimeout:
            raise LLMError(
                f"the model did not answer within {self.settings.timeout_s:g} s (llm.timeout_s)"
            ) from None
        if not isinstance(result, AIMessage):
            raise LLMError(f"the model returned {type(result).__name__}, not a message")
        return result

    def _more_tools_could_help(self, calls: list[Call]) -> bool:
        """Another selection step is worth its cost only if a tool not yet used could be called
        (or, checked by the caller, a call failed and the model may retry it differently)."""
        used = {c.name for c in calls}
        return any(name not in used for name in self.registry.tools)

    # -- execution ----------------------------------------------------------------------------
    def _execute(self, call: Call, deadline: float) -> None:
        tool = self.registry.get(call.name)
        t0 = time.perf_counter()
        try:
            remaining = max(1.0, deadline - t0)
            future = _tool_pool.submit(tool.invoke, call.arguments)
            call.result = future.result(timeout=remaining)
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

    def _observation(self, call: Call, k: int = 5, lean: bool = False) -> str:
        if not call.ok:
            return delimit(call.name, {"error": call.error})
        return delimit(call.name, compact(call.result, k=k, lean=lean))

    # -- answering ----------------------------------------------------------------------------
    def _answer_with_model(
        self,
        message: str,
        ctx: TurnContext,
        calls: list[Call],
        grounder: Grounder,
        emit: Any,
        deadline: float,
        meta: dict[str, Any],
        led: bool = False,
    ) -> Iterator[ChatEvent]:
        messages = self._answer_messages(message, ctx, calls, led=led)
        model = (
            self.model.bind(max_tokens=min(COMMENT_MAX_TOKENS, self.settings.max_tokens))
            if led
            else self.model
        )
        regenerations = 1
        emitted: list[str] = []
        while True:
            rejected: str | None = None
            buffer = ""
            looped = False
            for chunk in model.stream(messages):
                piece = _chunk_text(chunk)
                if piece:
                    meta["tokens"] = (
                        meta.get("tokens", 0) + 1
                    )  # one streamed chunk is one token on every backend we ship
                    now = time.perf_counter()
                    meta.setdefault("_first_chunk", now)
                    meta["_last_chunk"] = now
                buffer += piece
                if any(mark in piece for mark in ".!?\n"):
                    cut = _repeat_start("".join(emitted), buffer)
                    if cut is not None:  # a sentence said again: the model is looping
                        buffer, looped = buffer[:cut].rstrip(" "), True
                        meta["repetition_stopped"] = True
                while "\n" in buffer:
                    line, buffer = buffer.split("\n", 1)
                    if _is_echo(line):
                        meta["echo_lines"] = meta.get("echo_lines", 0) + 1
                        continue
                    checked = grounder.check_line(line)
                    if checked is None:
                        if regenerations > 0:
                            rejected = line
                            break
                        continue
                    emitted.append(checked + "\n")
                    yield from emit(checked + "\n")
                if rejected is not None or looped or time.perf_counter() > deadline:
                    break
            if led or looped:
                buffer = _whole_sentences(buffer)
            if rejected is None and buffer and _is_echo(buffer):
                meta["echo_lines"] = meta.get("echo_lines", 0) + 1
                buffer = ""
            if rejected is None and buffer and time.perf_counter() <= deadline:
                checked = grounder.check_line(buffer)
                if checked is None and regenerations > 0:
                    rejected = buffer
                elif checked is not None:
                    emitted.append(checked)
                    yield from emit(checked)
            if time.perf_counter() > deadline:
                meta["answer_truncated"] = True
                yield from emit("…")
                return
            if rejected is None:
                return
            regenerations -= 1
            meta["regenerated"] = True
            messages = messages + [
                AIMessage(content="".join(emitted) or " "),
                HumanMessage(prompts.CONTINUE.format(line=rejected.strip()[:200])),
            ]

    def _answer_messages(
        self, message: str, ctx: TurnContext, calls: list[Call], led: bool = False
    ) -> list[BaseMessage]:
        budget = max(256, self.settings.context_tokens // 5)
        if calls:
            k = self.answer_items
            results = "\n".join(self._observation(c, k=k, lean=self.lean_cards) for c in calls)
            limit = self.settings.context_tokens - self.settings.max_tokens - budget - 400
            while approx_tokens(results) > limit and k > 1:
                k -= 1
                results = "\n".join(self._observation(c, k=k, lean=self.lean_cards) for c in calls)
            system = prompts.ANSWER_AFTER_LEAD if led else prompts.ANSWER_SYSTEM
            user = prompts.ANSWER_USER.format(message=message, results=results)
        else:
            system, user = prompts.ANSWER_NO_TOOLS, message
        return [SystemMessage(system), *history_messages(ctx.turns, budget), HumanMessage(user)]

    def _template_answer(self, calls: list[Call], meta: dict[str, Any]) -> str:
        if not calls:
            return template.SMALL_TALK.get(meta.get("small_talk", ""), template.HELP)
        ok = [c for c in calls if c.ok]
        if not ok:
            last = calls[-1]
            return template.compose(last.name, last.arguments, [], error=last.error)
        best = _best_call(ok)
        rendered = _rendered(best)
        if rendered:
            return rendered
        text = None if best.items else template.summarise_result(best.result)
        if (
            not best.items
            and best.result is not None
            and items_in(best.result) == []
            and _has_hits_field(best.result)
        ):
            text = None
        body = template.compose(
            best.name, best.arguments, best.items, result_text=text, k=int(best.arguments.get("k", 5))
        )
        if best.images:  # a tool drew pictures (designs): say so before the catalogue pieces it returned
            drawn = "; ".join(c for _, c in best.images if c) or f"{len(best.images)} pictures"
            body = (
                f"I drew {len(best.images)} new design{'s' if len(best.images) != 1 else ''} ({drawn}), shown above.\n"
                + body.replace("from the catalogue", "from the catalogue that inspired them", 1)
            )
        return body

    def _should_append_items(self, calls: list[Call], grounder: Grounder) -> bool:
        return not grounder.report.grounded and bool(self._item_calls(calls))

    @staticmethod
    def _item_calls(calls: list[Call]) -> list[Call]:
        return [c for c in calls if c.ok and c.items]

    def _lead_lines(self, calls: list[Call]) -> list[str] | None:
        """What the tools found, as grounded template lines (an outfit, a score, trends, a profile,
        copy; else the garments found), or ``None`` when there is nothing to show."""
        ok = [c for c in calls if c.ok]
        if not ok:
            return None
        if self._item_calls(calls) and not _rendered(_best_call(ok)):
            return self._item_lines(calls, heading="From the catalogue:\n")
        # a rendered result, or a search that found nothing: the template says it now
        return [line + "\n" for line in self._template_answer(calls, {}).rstrip("\n").split("\n")]

    def _item_lines(self, calls: list[Call], heading: str) -> list[str]:
        """The garments the tools found, one template line each, under ``heading``."""
        item_calls = self._item_calls(calls)
        items = [i for c in item_calls for i in c.items][:5]
        args = item_calls[0].arguments if item_calls else {}
        return [heading, *(template.item_line(n + 1, it, args) + "\n" for n, it in enumerate(items))]

    @staticmethod
    def _emit_checked(lines: list[str], grounder: Grounder, emit: Any) -> Iterator[ChatEvent]:
        for line in lines:
            checked = grounder.check_line(line.rstrip("\n"))
            if checked is not None:
                yield from emit(checked + "\n" if line.endswith("\n") else checked)


def _best_call(ok: list[Call]) -> Call:
    """The successful call an answer is about: the last one that found garments, else the last."""
    return next((c for c in reversed(ok) if c.items), ok[-1])


def _rendered(call: Call) -> str | None:
    """The template's plain rendering of a call's result, when its shape has one."""
    return template.render_result(call.result) if call.result is not None else None


def _unambiguous(scores: dict[str, float], tool: str) -> bool:
    """The router's pick is a strong match (a pattern, or several keywords) well ahead of the
    rest, or the only tool the message matches at all (a plain product search)."""
    top = scores.get(tool, 0.0)
    rest = max((v for n, v in scores.items() if n != tool), default=0.0)
    return (top >= PATTERN_WEIGHT and top - rest >= 2) or (top > 0 and rest == 0)


#: Arguments that hold catalogue ids: a call that succeeded with them proves they exist.
ID_ARGUMENTS = ("item_id", "item_ids", "anchors", "bought", "_result")


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
        from stylist.runtime import catalogue_of

        index = catalogue_of(runtime)
        for item_id in ids:
            try:
                out.append(SeenItem.from_garment(index.get(item_id)))
            except StylistError:
                continue  # free-text wardrobe entries are not catalogue ids
    except Exception as exc:  # grounding still works, the answer just may not name them
        log.debug("could not look up argument ids %s: %s", ids, exc)
    return out


_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?:\s+|$)|\n+"
)  # at the end too: the stream's last piece may end a sentence


def _repeat_start(before: str, buffer: str) -> int | None:
    """Where in ``buffer`` a complete sentence starts that the answer has already said (``before``
    and ``buffer`` together), or None. Only sentences of four words or more count."""
    seen: set[str] = set()
    for sentence in _SENTENCE_END.split(before):
        key = " ".join(sentence.lower().split())
        if len(key.split()) >= 4:
            seen.add(key)
    start = 0
    for match in _SENTENCE_END.finditer(buffer):
        key = " ".join(buffer[start : match.start()].lower().split())
        if len(key.split()) >= 4:
            if key in seen:
                return start
            seen.add(key)
        start = match.end()
    return None


def _whole_sentences(text: str) -> str:
    """``text`` without a trailing unfinished sentence (cut off by the token cap), when it has a
    finished one."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] in ".!?)\"'*…:":
        return text
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", stripped)]
    return stripped[: ends[-1]] if ends else text


def _is_echo(line: str) -> bool:
    """A line that repeats the prompt's raw data (small models echo it) rather than answering."""
    stripped = line.strip()
    return (
        "tool_result" in stripped
        or stripped.startswith(('{"', "[{", '"hits"', '"garment"'))
        or '"id": "' in stripped
    )


def _has_hits_field(result: BaseModel) -> bool:
    return any(isinstance(getattr(result, name), list) for name in type(result).model_fields)


def _chunk_text(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def _describe_attempt(ai: AIMessage) -> str:
    parts = [ai.content if isinstance(ai.content, str) else ""]
    for tc in getattr(ai, "tool_calls", None) or []:
        parts.append(json.dumps({"name": tc.get("name"), "arguments": tc.get("args")}, default=str))
    for bad in getattr(ai, "invalid_tool_calls", None) or []:
        parts.append(f"{bad.get('name')}: {bad.get('args')}")
    return "\n".join(p for p in parts if p) or "(no call)"


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def _ref(item: SeenItem) -> ItemRef:
    return ItemRef(
        id=item.id,
        title=item.title,
        price=item.price,
        currency=item.currency,
        slot=item.slot,
        image_path=item.image_path,
        reason=item.reason,
    )


def _set_meta(reply: ChatReply, meta: dict[str, Any], calls: list[Call]) -> None:
    meta["sources"] = [c.source for c in calls]
    if hasattr(reply, "metadata"):
        reply.metadata.update(meta)
