"""The answer step: the reply's text, streamed and grounded.

The model answers with no tools bound, from compact, delimited tool results. Where the policy says
so (a slow CPU model), the garments found lead, straight from the template, and the model adds a
short comment under a token cap. Each line passes the grounding check as it streams: a line naming
an invented garment is regenerated once, then dropped; a sentence said twice ends the stream. When
the model cannot answer (no model, a failure, nothing said) the template answers from the results.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from stylist.agent import prompts, template
from stylist.agent.context import approx_tokens, history_messages
from stylist.agent.echo import drop_echoes, drop_repeats
from stylist.agent.grounding import Grounder
from stylist.agent.items import SeenItem
from stylist.agent.policy import Policy
from stylist.agent.state import Call, TurnContext
from stylist.agent.trace import TurnTrace
from stylist.concurrency import BoundedPool, current_token, holding_worker
from stylist.config import LLMSettings
from stylist.errors import BusyError, TurnCancelled
from stylist.events import ChatEvent, Item, ItemRef, Token

log = logging.getLogger(__name__)


class Transcript:
    """The answer as it goes out: text tokens, and an ``Item`` event for each garment once named."""

    def __init__(self, known: dict[str, SeenItem], trace: TurnTrace) -> None:
        self.known = known
        self.grounder = Grounder(known)
        self.trace = trace
        self.parts: list[str] = []
        self._shown: list[str] = []
        self._said: set[str] = set()
        """Sentences of the template's lines already sent (a repeat is dropped)."""

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def items(self) -> list[ItemRef]:
        """The garments the answer names, in order (all of them exist: grounding checked)."""
        return [_ref(self.known[gid]) for gid in self.grounder.report.grounded]

    def write(self, line: str) -> Iterator[ChatEvent]:
        """Send ``line`` as it is (already checked, or not about garments)."""
        self.trace.text_sent()
        self.parts.append(line)
        yield Token(text=line)
        for gid in self.grounder.report.grounded:
            if gid not in self._shown:
                self._shown.append(gid)
                yield Item(item=_ref(self.known[gid]))

    def write_checked(self, lines: list[str]) -> Iterator[ChatEvent]:
        """Send the lines that pass the grounding check (fixed where it fixes them)."""
        for line in lines:
            checked = self.grounder.check_line(line.rstrip("\n"))
            if checked is not None:
                kept = drop_repeats(checked, self._said)
                if kept or not checked.strip():
                    yield from self.write(kept + "\n" if line.endswith("\n") else kept)


class Answerer:
    """Writes the turn's answer from its calls: results lead, model, template, found garments."""

    def __init__(
        self, settings: LLMSettings, policy: Policy, model: Any | None, pool: BoundedPool | None = None
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.model = model
        self.pool = pool
        """The model pool: a streamed answer holds one of its workers, as a selection call does."""

    def answer(
        self, message: str, ctx: TurnContext, calls: list[Call], out: Transcript, model_ok: bool
    ) -> Iterator[ChatEvent]:
        trace = out.trace
        use_model = model_ok and self.model is not None
        lead = self._lead_lines(calls) if self.policy.lead_with_results and use_model else None
        if lead:
            trace.lead = True
            yield from out.write_checked(lead)
        # after a lead with no garments (nothing found, a question back, a profile, trends) there
        # is nothing to explain: the 0.5B model's comment there was filler, at 5-10 s a turn
        answered = bool(lead) and not _item_calls(calls)
        if answered:
            trace.comment_skipped = True
        elif use_model and not trace.expired():
            try:
                if lead:
                    yield from out.write("\n")
                # the model queue bounds answers too (503 / refused when full), and the wait counts
                hold = holding_worker(self.pool, trace.remaining()) if self.pool else nullcontext(0.0)
                with hold as queued:
                    trace.model_queue_s += queued
                    yield from self._stream(message, ctx, calls, out, led=bool(lead))
                answered = bool(out.text.strip())
            except TurnCancelled:
                raise
            except BusyError as exc:
                if not calls:
                    raise  # nothing done yet: the whole turn is refused (503 with Retry-After)
                # the tools' events are already out (a stream cannot turn into a 503 now): answer
                # with their results, and say the model's comment was refused
                log.warning("answer step refused: %s", exc)
                trace.answer_error = f"BusyError: {exc}"
                answered = bool(lead)
            except Exception as exc:  # the model failed mid-answer: fall back to the template
                log.warning("answer step failed: %s", exc)
                trace.answer_error = f"{type(exc).__name__}: {exc}"
        if not answered:
            trace.template_answer = True
            body = self._template(calls, trace.small_talk)
            # every call failed: the body is the tool's error, which quotes what the user asked for
            # ("no garment with id 'g-0404'"); grounding would drop that id as invented, leaving nothing
            if calls and not any(c.ok for c in calls):
                for line in _lines(body):
                    yield from out.write(line)
            else:
                yield from out.write_checked(_lines(body))
        elif not out.grounder.report.grounded and _item_calls(calls):
            trace.appended_items = True
            yield from out.write_checked(_item_lines(calls, heading="\n\nFrom the catalogue:\n"))

    # -- the model's answer -------------------------------------------------------------------
    def _stream(
        self, message: str, ctx: TurnContext, calls: list[Call], out: Transcript, led: bool
    ) -> Iterator[ChatEvent]:
        """Stream the model's answer line by line through grounding (one regeneration allowed)."""
        trace, grounder = out.trace, out.grounder
        messages = self._messages(message, ctx, calls, led=led)
        base = self.model.bind(**ctx.generation) if ctx.generation else self.model
        cap = min(self.policy.comment_max_tokens, ctx.generation.get("max_tokens") or 10**9)
        model = base.bind(max_tokens=cap) if led else base
        regenerations = 1
        emitted: list[str] = []
        while True:
            rejected: str | None = None
            buffer = ""
            looped = False
            token = current_token()
            for chunk in model.stream(messages):
                token.check()  # a gone client: stop reading (closing the stream ends the generation)
                piece = _chunk_text(chunk)
                if piece:
                    trace.chunk()
                buffer += piece
                if any(mark in piece for mark in ".!?\n"):
                    cut = _repeat_start("".join(emitted), buffer)
                    if cut is not None:  # a sentence said again: the model is looping
                        buffer, looped = buffer[:cut].rstrip(" "), True
                        trace.repetition_stopped = True
                while "\n" in buffer:
                    line, buffer = buffer.split("\n", 1)
                    if _is_echo(line):
                        trace.echo_lines += 1
                        continue
                    line, echoed = drop_echoes(line, message, prompts.ANSWER_EXAMPLE)
                    trace.echo_sentences += echoed
                    if echoed and not line.strip():
                        continue
                    checked = grounder.check_line(line)
                    if checked is None:
                        if regenerations > 0:
                            rejected = line
                            break
                        continue
                    emitted.append(checked + "\n")
                    yield from out.write(checked + "\n")
                if rejected is not None or looped or trace.expired():
                    break
            if led or looped:
                buffer = _whole_sentences(buffer)
            if rejected is None and buffer and _is_echo(buffer):
                trace.echo_lines += 1
                buffer = ""
            if rejected is None and buffer:
                buffer, echoed = drop_echoes(buffer, message, prompts.ANSWER_EXAMPLE)
                trace.echo_sentences += echoed
            if rejected is None and buffer and not trace.expired():
                checked = grounder.check_line(buffer)
                if checked is None and regenerations > 0:
                    rejected = buffer
                elif checked is not None:
                    emitted.append(checked)
                    yield from out.write(checked)
            if trace.expired():
                trace.answer_truncated = True
                yield from out.write("…")
                return
            if rejected is None:
                return
            regenerations -= 1
            trace.regenerated = True
            messages = messages + [
                AIMessage(content="".join(emitted) or " "),
                HumanMessage(prompts.CONTINUE.format(line=rejected.strip()[:200])),
            ]

    def _messages(self, message: str, ctx: TurnContext, calls: list[Call], led: bool) -> list[BaseMessage]:
        budget = max(256, self.settings.context_tokens // 5)
        if calls:
            k, lean = self.policy.answer_items, self.policy.lean_cards
            results = "\n".join(c.observation(k=k, lean=lean) for c in calls)
            limit = self.settings.context_tokens - self.settings.max_tokens - budget - 400
            while approx_tokens(results) > limit and k > 1:
                k -= 1
                results = "\n".join(c.observation(k=k, lean=lean) for c in calls)
            system = prompts.ANSWER_AFTER_LEAD if led else prompts.ANSWER_SYSTEM
            user = prompts.ANSWER_USER.format(message=message, results=results)
        else:
            system, user = prompts.ANSWER_NO_TOOLS, message
        system = ctx.system_prompt(system)
        return [SystemMessage(system), *history_messages(ctx.turns, budget), HumanMessage(user)]

    # -- the template's answer ----------------------------------------------------------------
    def _template(self, calls: list[Call], small_talk: str | None = None) -> str:
        if not calls:
            return template.SMALL_TALK.get(small_talk or "", template.HELP)
        ok = [c for c in calls if c.ok]
        if not ok:
            last = calls[-1]
            return template.compose(last.name, last.arguments, [], error=last.error)
        best = _best_call(ok)
        rendered = _rendered(best)
        if rendered:
            return rendered
        # what is left is a result whose answer is the garments it found (a search): listed with
        # the request's constraints, or "I found nothing" when there are none
        body = template.compose(best.name, best.arguments, best.items, k=int(best.arguments.get("k", 5)))
        if best.images:  # a tool drew pictures (designs): say so before the catalogue pieces it returned
            n = len(best.images)
            drawn = "; ".join(c for _, c in best.images if c) or f"{n} pictures"
            body = f"I drew {n} new design{'s' if n != 1 else ''} ({drawn}), shown above.\n" + body.replace(
                "from the catalogue", "from the catalogue that inspired them", 1
            )
        return body

    def _lead_lines(self, calls: list[Call]) -> list[str] | None:
        """What the tools found, as grounded template lines (an outfit, a score, trends, a profile,
        copy; else the garments found), or ``None`` when there is nothing to show."""
        ok = [c for c in calls if c.ok]
        if not ok:
            return None
        if _item_calls(calls) and not _rendered(_best_call(ok)):
            return _item_lines(calls, heading="From the catalogue:\n")
        # a rendered result, or a search that found nothing: the template says it now
        return [line + "\n" for line in self._template(calls).rstrip("\n").split("\n")]


def _item_calls(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.ok and c.items]


def _item_lines(calls: list[Call], heading: str) -> list[str]:
    """The garments the tools found, one template line each, under ``heading``."""
    item_calls = _item_calls(calls)
    items = [i for c in item_calls for i in c.items][:5]
    args = item_calls[0].arguments if item_calls else {}
    return [heading, *(template.item_line(n + 1, it, args) + "\n" for n, it in enumerate(items))]


def _best_call(ok: list[Call]) -> Call:
    """The successful call an answer is about: the last one that found garments, else the last."""
    return next((c for c in reversed(ok) if c.items), ok[-1])


def _rendered(call: Call) -> str | None:
    """The result's own plain rendering, unless its answer is the garments it found."""
    if call.result is None or call.result.lists_garments:
        return None
    return _titled(call.result.to_text(), call.items)


def _titled(text: str, items: list[SeenItem]) -> str:
    """A bare garment id in a result's own text gets the garment's title in the answers' form:
    "saved g-0009" reads "saved Red Satin Party Dress [g-0009]" (an id already in brackets stays)."""
    for item in items:
        if item.id and item.title:
            bare = rf"(?<![\[\w-]){re.escape(item.id)}(?![\]\w-])"
            text = re.sub(bare, lambda _m, i=item: f"{i.title} [{i.id}]", text)
    return text


# at the end too: the stream's last piece may end a sentence
_SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s+|$)|\n+")


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


def _chunk_text(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


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
