"""What a tool tells the deterministic router about itself, and the text helpers tools share.

A tool declares ``routing = RouteHint(...)`` on its class: keywords and patterns that point to it,
and functions that read its arguments out of plain text, so ``llm.backend = none`` reaches every
tool. The router (``stylist.agent.router``) reads these hints; tools never import the agent.
Garments are referred to by catalogue id ("g-0003", "demo-00042", "#15970") or by position in
the last list shown ("the second one", "number 3", "it").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stylist.fashion.brief import normalise

#: Score of one matching ``RouteHint.patterns`` entry.
PATTERN_WEIGHT = 3.0

#: "cheaper" and "pricier" in a follow-up: the router and outfit follow-ups both read them.
CHEAPER = (
    r"\b(cheaper|less expensive|lower price|more affordable|too expensive|too pricey|budget option|"
    r"cheapest|lower budget)\b"
)
PRICIER = r"\b(more expensive|pricier|higher end|high end|premium|more upscale|fancier|luxury)\b"


@dataclass
class RouteContext:
    """What the router knows about the conversation so far."""

    last_call: tuple[str, dict[str, Any]] | None = None
    """The last successful tool call of the conversation: (name, arguments)."""
    last_items: list[dict[str, Any]] = field(default_factory=list)
    """Compact summaries (id, title, price …) of the items shown last turn."""
    user_id: str | None = None


@dataclass(frozen=True)
class RouteHint:
    """How the router finds a tool. Declare it on the tool class as ``routing = RouteHint(...)``."""

    keywords: tuple[str, ...]
    """Words or phrases that point to the tool (a phrase counts as strongly as its word count)."""
    extract: Callable[[str, RouteContext], dict[str, Any]] | None = None
    """Arguments read from the message; ``None`` calls the tool with no arguments."""
    default: bool = False
    """Chosen for on-topic messages that match no tool's keywords (one tool should say so)."""
    priority: int = 0
    """Breaks ties between tools with the same keyword score."""
    followups: bool = False
    """Follow-ups ("cheaper", "in black", "show more") may reuse this tool's last arguments."""
    relax: tuple[str, ...] = ()
    """Arguments dropped (once, all together) when the tool finds nothing, e.g. soft filters."""
    patterns: tuple[str, ...] = ()
    """Regular expressions (on the lower-cased message) that point to the tool strongly: each
    match scores :data:`PATTERN_WEIGHT` (a phrase's keyword score is only its word count)."""
    applies: Callable[[str, RouteContext], bool] | None = None
    """A gate: the tool is a candidate only when this says the message can be served by it (for
    example, "score" needs two garments named or pointed at)."""
    score: Callable[[str, RouteContext], float] | None = None
    """Extra score from the tool's own reading of the message (e.g. a statement parser finding a
    like or a dislike in it), added to the keyword and pattern score."""
    refine: Callable[[str, dict[str, Any], RouteContext], dict[str, Any] | None] | None = None
    """Follow-ups of this tool's last call ("make it more luxurious", "and fabrics?"): the new
    arguments, or ``None`` when the message is not such a follow-up."""


#: A catalogue id as people type it: letters, a dash and digits ("g-0003", "demo-00042"), or "#digits"
#: / "item 12345" for numeric ids.
ITEM_ID = (
    r"(?<![\w-])(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)*-\d[\w-]*|#\d{3,}|(?<=item )\d{3,}|(?<=id )\d{3,})(?![\w-])"
)

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
    "top": 1,
}
_ORDINAL_RE = re.compile(
    r"\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|top) (?:one|item|pick|"
    r"option|suggestion|dress|shirt|piece)s?\b"
    r"|\b(?:number|no\.?|option|item) ?#?([1-9])\b(?!\d)"
)
_PRONOUN_RE = re.compile(r"\b(it|that one|this one|that|this)\b")


def item_ids_in(text: str) -> list[str]:
    """Catalogue ids written in ``text``, in order, each once (case kept as written)."""
    out: list[str] = []
    for m in re.finditer(ITEM_ID, text, flags=re.IGNORECASE):
        value = m.group(0).lstrip("#")
        if value not in out:
            out.append(value)
    return out


def shown_ids(context: RouteContext | None) -> list[str]:
    """Ids of the items shown last turn, in order."""
    return [i["id"] for i in (context.last_items if context else []) if i.get("id")]


def ordinal_refs(text: str, context: RouteContext | None) -> list[str]:
    """Ids of the items shown last turn that ``text`` points at ("the second one", "number 3")."""
    shown = shown_ids(context)
    if not shown:
        return []
    t = normalise(text)
    out: list[str] = []
    for m in _ORDINAL_RE.finditer(t):
        n = _ORDINALS[m.group(1)] if m.group(1) else int(m.group(2))
        if n == -1:
            n = len(shown)
        if 1 <= n <= len(shown) and shown[n - 1] not in out:
            out.append(shown[n - 1])
    return out


def item_refs(text: str, context: RouteContext | None, *, pronouns: bool = False) -> list[str]:
    """Ids written in the text, then items of the last list it points at by position. With
    ``pronouns``, "it"/"that one" means the single item shown last, when exactly one was."""
    refs = item_ids_in(text) + [i for i in ordinal_refs(text, context) if i not in item_ids_in(text)]
    if not refs and pronouns and context is not None:
        shown = shown_ids(context)
        if len(shown) == 1 and _PRONOUN_RE.search(normalise(text)):
            refs = shown
    return refs


def without_ids(text: str) -> str:
    """``text`` with the catalogue ids taken out."""
    return re.sub(r"\s+", " ", re.sub(ITEM_ID, " ", text, flags=re.IGNORECASE)).strip()


def first_match(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The name of the first (name, pattern) row whose pattern the normalised text matches."""
    t = normalise(text)
    return next((name for name, pattern in table if re.search(pattern, t)), None)


def short(text: str, words: int) -> bool:
    """Whether the normalised message has at most ``words`` words (follow-ups are short)."""
    return len(normalise(text).split()) <= words
