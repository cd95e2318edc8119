"""The deterministic intent router: keywords choose a tool, the text fills its arguments.

It is the agent's fallback when the model produces no valid tool call, and the whole agent under
``llm.backend = none``. It knows only the tools in the registry. A tool plugs in by declaring a
class attribute ``routing = RouteHint(keywords=..., extract=...)`` (``stylist.tools.routing``);
tools without one are never routed to (the model can still call them). Follow-ups ("cheaper", "in black",
"show more") reuse the last call's arguments with the
change applied.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from stylist.fashion.brief import (
    _word_re,
    extract_colours,
    extract_gender,
    extract_k,
    extract_occasions,
    extract_price,
    extract_seasons,
    extract_slots,
    normalise,
)
from stylist.fashion.spelling import Speller
from stylist.tools.routing import CHEAPER, PATTERN_WEIGHT, PRICIER, RouteContext, RouteHint

if TYPE_CHECKING:
    from stylist.tools.registry import ToolRegistry

__all__ = ["PATTERN_WEIGHT", "RouteContext", "RouteDecision", "RouteHint", "Router"]


class RouteDecision(BaseModel):
    tool: str | None = None
    arguments: dict[str, Any] = Field(default_factory=dict)
    reason: str = ""
    followup: bool = False


_MORE = (
    r"\b(show more|more options|more like (this|these|that)|other (ones|options)|something else|"
    r"anything else|different ones|more of (these|those|them)|next ones|others|more please|any more|what "
    r"else|\d+ more|(?:a few|some|two|three|five) more)\b"
)
_MORE_LIKE = r"\bmore like (this|these|that|those)\b"
_FOLLOWUP_START = (
    r"^(and|also|what about|how about|maybe|actually|instead|ok|okay|now|same|but|in|for|only|just)\b"
)
_FASHION_SIGNALS = (
    r"\b(wear|outfit|style|fashion|clothes|clothing|look|colou?r|size|fit|dress|garment|"
    r"occasion|budget|price|womenswear|menswear)\b"
)
_GREETING = r"^(hi|hello|hey|hiya|yo|good (morning|afternoon|evening))\b"
_THANKS = r"^(thanks|thank you|thx|cheers|bye|goodbye|see you)\b"
_OFF_TOPIC = (
    r"\b(weather forecast|stock|bitcoin|recipe|cook|capital of|math|equation|poem about|joke|code|"
    r"python|javascript|homework|translate|president|football score|news)\b"
)


class Router:
    """Pick a registered tool and its arguments from a message, without a language model."""

    def __init__(self, registry: ToolRegistry, hints: dict[str, RouteHint] | None = None) -> None:
        self.registry = registry
        extra = hints or {}
        self.hints: dict[str, RouteHint] = {}
        for tool in registry:
            hint = extra.get(tool.name) or tool.routing
            if hint is not None:
                self.hints[tool.name] = hint
        # misspelt fashion words and tool keywords are read as meant ("blak jaket" -> "black jacket")
        self.speller = Speller(w for h in self.hints.values() for w in h.keywords)

    def route(self, message: str, context: RouteContext | None = None) -> RouteDecision:
        context = context or RouteContext()
        message = self.speller.correct(message)
        text = normalise(message)
        scores = self._scores(message, context)
        refined = self._refine(message, context, scores)
        if refined is not None:
            return refined
        last = context.last_call[0] if context.last_call else None
        followup = (
            None
            # "more like that": a follow-up, though "like" is also a feedback keyword
            if any(v >= 2 for n, v in scores.items() if n != last) and not re.search(_MORE_LIKE, text)
            else self._followup(text, context)
        )
        if followup is not None:
            return followup
        switched = self._switch_to_default(message, context, scores)
        if switched is not None:
            return switched
        best = max(scores.items(), key=lambda kv: (kv[1], self.hints[kv[0]].priority), default=(None, 0.0))
        name, score = best
        if name is not None and score > 0 and not self._off_topic(text, score):
            return self._decide(name, message, context, f"keywords matched {name}")
        default = next((n for n, h in self.hints.items() if h.default), None)
        if default is not None and self._on_topic(message):
            return self._decide(default, message, context, "fashion request with no tool keyword")
        return RouteDecision(tool=None, reason="no tool matches this message")

    def scores(self, message: str, context: RouteContext | None = None) -> dict[str, float]:
        """Keyword and pattern score of every routable tool for ``message`` (0 when nothing
        matches, or when the tool's ``applies`` gate rules it out)."""
        return self._scores(self.speller.correct(message), context or RouteContext())

    def _scores(self, message: str, context: RouteContext) -> dict[str, float]:
        text = normalise(message)
        out: dict[str, float] = {}
        for name, hint in self.hints.items():
            score = _score(text, hint.keywords) + PATTERN_WEIGHT * sum(
                1 for p in hint.patterns if re.search(p, text)
            )
            if hint.score is not None:
                score += hint.score(message, context)
            if score > 0 and hint.applies is not None and not hint.applies(message, context):
                score = 0.0
            out[name] = score
        return out

    def _refine(self, message: str, context: RouteContext, scores: dict[str, float]) -> RouteDecision | None:
        """A follow-up of the last call by that tool's own ``refine`` rule, unless the message
        points more strongly to another tool."""
        if context.last_call is None:
            return None
        name, last_args = context.last_call
        hint = self.hints.get(name)
        if hint is None or hint.refine is None or name not in self.registry:
            return None
        if any(s > scores.get(name, 0.0) for n, s in scores.items() if n != name):
            return None
        args = hint.refine(message, dict(last_args), context)
        if args is None or args == last_args:
            return None
        return RouteDecision(
            tool=name, arguments=args, reason=f"follow-up of the last {name} call", followup=True
        )

    def _switch_to_default(
        self, message: str, context: RouteContext, scores: dict[str, float]
    ) -> RouteDecision | None:
        """ "what about shoes?" after an outfit or another non-search call: the default tool
        (search) with the filters of the last request plus the named garment type."""
        if context.last_call is None:
            return None
        name, last_args = context.last_call
        default = next((n for n, h in self.hints.items() if h.default), None)
        hint = self.hints.get(name)
        if default is None or default == name or hint is None or hint.followups:
            return None
        text = normalise(message)
        if (
            len(text.split()) > 7
            or len(extract_slots(message)) != 1
            or any(s > 0 for n, s in scores.items() if n != default)
        ):
            return None
        if not (re.search(_FOLLOWUP_START, text) or text.endswith("?")):
            return None
        earlier = " ".join(
            str(v)
            for k, v in last_args.items()
            if isinstance(v, str) and k in ("brief", "query", "statement")
        )
        decision = self._decide(
            default,
            f"{earlier} {message}".strip(),
            context,
            f"follow-up of {name}: {default} for one garment type",
        )
        fields = self.registry.get(default).input_model.model_fields
        if last_args.get("budget") and "max_price" in fields and "max_price" not in decision.arguments:
            decision.arguments["max_price"] = last_args["budget"]
        if last_args.get("gender") and "gender" in fields and "gender" not in decision.arguments:
            decision.arguments["gender"] = last_args["gender"]
        decision.followup = True
        return decision

    def arguments_for(
        self, name: str, message: str, context: RouteContext | None = None
    ) -> dict[str, Any] | None:
        """``name``'s arguments read from ``message`` by the tool's own extractor (misspellings
        repaired first), whichever tool the keywords favour; ``None`` when it has no extractor."""
        hint = self.hints.get(name)
        if hint is None or hint.extract is None:
            return None
        return hint.extract(self.speller.correct(message), context or RouteContext())

    def _decide(self, name: str, message: str, context: RouteContext, reason: str) -> RouteDecision:
        hint = self.hints[name]
        args = hint.extract(message, context) if hint.extract else {}
        return RouteDecision(tool=name, arguments=args, reason=reason)

    def small_talk(self, message: str, context: RouteContext | None = None) -> str | None:
        """``greeting``, ``thanks`` or ``off_topic`` for a message that no tool matches and that
        is plainly one of those ("hi", "thanks, that's all", "tell me a joke"); else None."""
        message = self.speller.correct(message)
        text = normalise(message)
        if re.search(_FASHION_SIGNALS, text) or any(
            v > 0 for v in self._scores(message, context or RouteContext()).values()
        ):
            return None
        if re.search(_THANKS, text):
            return "thanks"
        if re.search(_GREETING, text) and len(text.split()) <= 4:
            return "greeting"
        return "off_topic" if re.search(_OFF_TOPIC, text) else None

    def _off_topic(self, text: str, score: float) -> bool:
        return bool(re.search(_OFF_TOPIC, text)) and not re.search(_FASHION_SIGNALS, text) and score < 2

    def _on_topic(self, message: str) -> bool:
        text = normalise(message)
        if re.search(_OFF_TOPIC, text) and not re.search(_FASHION_SIGNALS, text):
            return False
        lo, hi = extract_price(message)
        colours, _ = extract_colours(message)
        return bool(
            re.search(_FASHION_SIGNALS, text)
            or extract_slots(message)
            or colours
            or extract_occasions(message)
            or (extract_seasons(message) and extract_gender(message))
            or lo is not None
            or hi is not None
        )

    def _followup(self, text: str, context: RouteContext) -> RouteDecision | None:
        """A short message that modifies the last call ("cheaper", "in black", "show more")."""
        if context.last_call is None:
            return None
        name, last_args = context.last_call
        hint = self.hints.get(name)
        if hint is None or not hint.followups or name not in self.registry:
            return None
        words = text.split()
        new_slots = extract_slots(text)
        explicit = re.search(CHEAPER, text) or re.search(PRICIER, text) or re.search(_MORE, text)
        colours, refused = extract_colours(text)
        lo, hi = extract_price(text)
        gender = extract_gender(text)
        modifiers = colours or refused or lo is not None or hi is not None or gender or extract_k(text)
        short = len(words) <= 7
        if not explicit and not (short and (modifiers or re.search(_FOLLOWUP_START, text))):
            return None
        if not explicit and len(new_slots) >= 1 and not re.search(_FOLLOWUP_START, text):
            return None  # "black sneakers" is a new request, not a change of the last one
        args = dict(last_args)
        shown = [i for i in context.last_items if i.get("id")]
        prices = [float(i["price"]) for i in shown if i.get("price") is not None]
        changes: list[str] = []
        if re.search(CHEAPER, text):
            ceiling = min(prices) if prices else args.get("max_price")
            if ceiling:
                args["max_price"] = round(float(ceiling) * 0.999, 2)
                if args.get("min_price") is not None and args["min_price"] >= args["max_price"]:
                    args.pop("min_price")
                changes.append("cheaper")
        if re.search(PRICIER, text):
            floor = max(prices) if prices else args.get("min_price")
            args.pop("max_price", None)
            if floor:
                args["min_price"] = float(floor)
            changes.append("pricier")
        if re.search(_MORE, text) or re.search(CHEAPER, text) or re.search(PRICIER, text):
            excluded = list(args.get("exclude_ids") or [])
            excluded += [i["id"] for i in shown if i["id"] not in excluded]
            if excluded:
                args["exclude_ids"] = excluded
            changes.append("more")
        if colours:
            args["colours"] = colours
            changes.append("colour")
        if refused and args.get("colours"):
            args["colours"] = [c for c in args["colours"] if c not in refused] or None
            if args["colours"] is None:
                args.pop("colours")
        if lo is not None:
            args["min_price"] = lo
        if hi is not None:
            args["max_price"] = hi
        if gender:
            args["gender"] = gender
        if len(new_slots) == 1 and "slot" in (self.registry.get(name).input_schema().get("properties") or {}):
            args["slot"] = new_slots[0]
            word = next((w for w in re.findall(r"[a-z-]+", text) if extract_slots(w)), new_slots[0])
            args["query"] = " ".join(p for p in (word, *(args.get("occasions") or [])) if p)
            changes.append("slot")
        k = extract_k(text)
        if k:
            args["k"] = k
        occasions, seasons = extract_occasions(text), extract_seasons(text)
        if occasions:
            args["occasions"] = occasions
        if seasons:
            args["seasons"] = seasons
        if args == last_args and not changes:
            return None
        return RouteDecision(
            tool=name,
            arguments=args,
            reason=f"follow-up ({', '.join(changes) or 'filters'}) of the last {name} call",
            followup=True,
        )


def _score(text: str, keywords: tuple[str, ...]) -> float:
    score = 0.0
    for word in keywords:
        if re.search(_word_re(word), text):
            score += len(word.split())
    return score
