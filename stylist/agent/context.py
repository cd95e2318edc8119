"""Keeping prompts small and safe: compact tool results, delimited data, trimmed history.

Small models have small windows (4k tokens for the embedded default), so tool results keep a
few fields per garment and the top ``k`` of any list, and old turns shrink to a one-line summary.
Tool results are wrapped in ``<tool_result>`` blocks whose JSON escapes ``<``, so catalogue text
can never close the block and pose as instructions.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from stylist.agent.items import Turn
from stylist.index.schema import Garment

ITEM_FIELDS = ("id", "title", "price", "currency", "colours", "slot", "article_type", "gender")
MAX_TEXT = 160
DESCRIPTION_CHARS = 90


def approx_tokens(text: str) -> int:
    """A cheap token estimate (about four characters a token for English and JSON)."""
    return max(1, len(text) // 4)


def garment_card(g: Garment) -> dict[str, Any]:
    """The few fields a model needs to name and describe a garment."""
    card: dict[str, Any] = {"id": g.id, "title": g.title}
    if g.price is not None:
        card["price"] = g.price
        if g.currency != "USD":
            card["currency"] = g.currency
    card["slot"] = g.slot.value
    card["type"] = g.article_type
    if g.colours:
        card["colours"] = g.colours
    if g.gender.value != "unisex":
        card["gender"] = g.gender.value
    if g.occasions:
        card["occasions"] = g.occasions[:3]
    if g.seasons:
        card["seasons"] = g.seasons[:2]
    if g.description:
        card["about"] = _clip(g.description, DESCRIPTION_CHARS)
    return card


def lean_card(g: Garment) -> dict[str, Any]:
    """The least a model needs to name a garment correctly: id, title, price and colours."""
    card: dict[str, Any] = {"id": g.id, "title": g.title}
    if g.price is not None:
        card["price"] = g.price
    if g.colours:
        card["colours"] = g.colours
    return card


#: Result fields a lean prompt leaves out: diagnostics and extras the answer does not need
#: (per-slot alternatives, scores behind the ranking, forecast series).
LEAN_SKIP = frozenset(
    {
        "alternatives",
        "objective",
        "relevance",
        "score",
        "brief",
        "model",
        "model_selection",
        "pairs",
        "history",
        "dates",
        "lower",
        "upper",
        "forecast",
        "sparkline",
        "anchor",
        "weakest_pair",
        "recent",
        "forecast_mean",
        "growth_low",
        "growth_high",
        "level",
        "series",
        "freq",
        "horizon",
        "as_of",
    }
)


def compact(value: Any, k: int = 5, lean: bool = False) -> Any:
    """A JSON-able, size-bounded view of a tool result (``lean``: garments as :func:`lean_card`,
    the fields in :data:`LEAN_SKIP` dropped)."""
    if isinstance(value, Garment):
        return lean_card(value) if lean else garment_card(value)
    if isinstance(value, BaseModel):
        return {
            name: compact(getattr(value, name), k, lean)
            for name in type(value).model_fields
            if getattr(value, name) not in (None, [], {}, "") and not (lean and name in LEAN_SKIP)
        }
    if isinstance(value, dict):
        return {str(key): compact(v, k, lean) for key, v in list(value.items())[:20]}
    if isinstance(value, (list, tuple)):
        return [compact(v, k, lean) for v in list(value)[:k]]
    if isinstance(value, str):
        return _clip(value, MAX_TEXT)
    if isinstance(value, float):
        return round(value, 3)
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    return value


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def delimit(name: str, payload: Any) -> str:
    """A tool result as a data block the model is told never to obey."""
    body = (
        json.dumps(payload, ensure_ascii=False, default=str).replace("<", "\\u003c").replace(">", "\\u003e")
    )
    return f'<tool_result name="{name}">\n{body}\n</tool_result>'


def history_messages(turns: list[Turn], budget_tokens: int) -> list[BaseMessage]:
    """The most recent turns that fit in ``budget_tokens``; older ones become one summary line."""
    kept: list[Turn] = []
    used = 0
    for turn in reversed(turns):
        cost = approx_tokens(turn.user) + approx_tokens(turn.assistant)
        if kept and used + cost > budget_tokens:
            break
        if not kept and cost > budget_tokens:  # one long turn: keep its gist
            turn = Turn(turn.user[: budget_tokens * 2], turn.assistant[: budget_tokens * 2], turn.items)
            cost = budget_tokens
        kept.append(turn)
        used += cost
    kept.reverse()
    older = turns[: len(turns) - len(kept)]
    messages: list[BaseMessage] = []
    if older:
        asked = "; ".join(_clip(t.user, 60) for t in older[-6:])
        shown = ", ".join(f"{i.id} {_clip(i.title, 30)}" for t in older[-3:] for i in t.items[:3])
        summary = f"Earlier in this conversation the user asked: {asked}."
        if shown:
            summary += f" Items shown then: {shown}."
        messages.append(SystemMessage(summary))
    for turn in kept:
        messages.append(HumanMessage(turn.user))
        messages.append(AIMessage(turn.assistant))
    return messages
