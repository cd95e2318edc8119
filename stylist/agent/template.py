"""Answers composed without a language model (``llm.backend = none`` and model failures).

Each named garment carries its id, title and price and a reason it fits, built from the
request's filters and the tool's own "why matched"."""

from __future__ import annotations

from typing import Any

from stylist.agent.context import SeenItem

HELP = (
    "I'm your stylist: I find garments in the catalogue and put outfits together. "
    'Try something like "a linen shirt for a summer wedding, earthy colours, under $80".'
)

SMALL_TALK = {
    "greeting": "Hello! " + HELP,
    "thanks": "You're welcome! Come back whenever you need an outfit, a garment or a second opinion.",
    "off_topic": "I can only help with clothes and outfits. " + HELP,
}


def constraints_phrase(args: dict[str, Any]) -> str:
    parts: list[str] = []
    if args.get("gender"):
        parts.append(f"for {args['gender']}")
    if args.get("colours"):
        colours = args["colours"]
        parts.append("in " + (", ".join(colours[:4]) + (" …" if len(colours) > 4 else "")))
    if args.get("occasions"):
        parts.append("for " + " / ".join(args["occasions"]))
    if args.get("seasons"):
        parts.append("for " + " / ".join(args["seasons"]))
    if args.get("min_price") is not None and args.get("max_price") is not None:
        parts.append(f"between ${args['min_price']:g} and ${args['max_price']:g}")
    elif args.get("max_price") is not None:
        parts.append(f"under ${args['max_price']:g}")
    elif args.get("min_price") is not None:
        parts.append(f"from ${args['min_price']:g}")
    return " ".join(parts)


def why(item: SeenItem, args: dict[str, Any]) -> str:
    reasons: list[str] = []
    wanted = set(args.get("colours") or [])
    hit = [c for c in item.colours if c in wanted]
    if hit:
        reasons.append(f"{hit[0]}, a colour you asked for")
    if args.get("max_price") is not None and item.price is not None and item.price <= args["max_price"]:
        reasons.append(f"within your ${args['max_price']:g} budget")
    if args.get("occasions") and item.reason and "occasion" in item.reason:
        reasons.append("suits " + " / ".join(args["occasions"]))
    if args.get("seasons") and item.reason and "season" in item.reason:
        reasons.append("made for " + " / ".join(args["seasons"]))
    if not reasons and args.get("query"):
        reasons.append(f'closest match to "{args["query"]}"')
    if not reasons and item.reason:
        reasons.append(item.reason)
    return "; ".join(reasons) or "a close match in the catalogue"


def item_line(n: int, item: SeenItem, args: dict[str, Any]) -> str:
    price = f" — ${item.price:.2f}".removesuffix(".00") if item.price is not None else ""
    colour = f", {'/'.join(item.colours[:2])}" if item.colours else ""
    slot = f" {item.slot}" if item.slot else ""
    return f"{n}. {item.title} [{item.id}]{price}{colour}{slot}. Why: {why(item, args)}."


def compose(
    tool: str | None,
    args: dict[str, Any],
    items: list[SeenItem],
    *,
    error: str | None = None,
    result_text: str | None = None,
    k: int = 5,
) -> str:
    """A plain answer over one tool result."""
    if tool is None:
        return HELP
    if error:
        return f"I couldn't complete that ({tool} failed: {error}). Please rephrase or loosen the request."
    phrase = constraints_phrase(args)
    if not items:
        if result_text:
            return result_text
        where = f" {phrase}" if phrase else ""
        return f"I found nothing in the catalogue{where}. Try a higher budget, other colours or fewer constraints."
    head = f"Here {'is' if len(items[:k]) == 1 else 'are'} {len(items[:k])} piece{'s' if len(items[:k]) != 1 else ''} from the catalogue"
    head += f" {phrase}:" if phrase else ":"
    return "\n".join([head, *(item_line(i + 1, it, args) for i, it in enumerate(items[:k]))])


def summarise_result(result: Any) -> str:
    """A short text for tool results that hold no garments (trends, copy …)."""
    from stylist.agent.context import compact

    data = compact(result, k=5)
    if isinstance(data, dict):
        lines = [f"{key}: {value}" for key, value in data.items()]
        return "\n".join(lines)[:1200]
    return str(data)[:1200]


def _money(value: float | None) -> str:
    return "" if value is None else f"${value:,.2f}".removesuffix(".00")


def render_result(result: Any) -> str | None:
    """A plain answer for the result shapes of the built-in non-search tools (outfits, scores,
    trends, profile, feedback, copy), read by field name; ``None`` for anything else. Garments
    are written with their ids so grounding can check each line."""
    fields = set(type(result).model_fields) if hasattr(type(result), "model_fields") else set()
    if {"outfits", "alternatives"} <= fields:
        return _render_outfits(result)
    if {"score", "verdict", "pairs"} <= fields:
        return _render_score(result)
    if {"rising", "falling", "kind"} <= fields:
        return _render_trends(result)
    if {"profile", "recent_feedback"} <= fields:
        return _render_profile(result.profile, result.recent_feedback)
    if {"changes", "profile"} <= fields:
        lines = [
            "Updated your profile: "
            + ("; ".join(result.changes) if result.changes else "nothing changed")
            + "."
        ]
        lines += [f"Note: {n}" for n in getattr(result, "notes", [])]
        return "\n".join(lines)
    if {"recorded", "message"} <= fields:
        return f"Noted: {result.message}. Later suggestions will take it into account."
    if {"text", "kind", "tone", "item_ids"} <= fields:
        return result.text
    return None


def _render_outfits(result: Any) -> str:
    if not result.outfits:
        notes = " ".join(result.notes) if result.notes else ""
        return f"I could not put an outfit together from the catalogue. {notes}".strip()
    lines: list[str] = []
    for n, outfit in enumerate(result.outfits, 1):
        lines.append(
            f"Outfit {n} ({_money(outfit.total_price)} in all, compatibility {outfit.compatibility:.2f}):"
        )
        for item in outfit.items:
            colour = f", {'/'.join(item.colours[:2])}" if item.colours else ""
            lines.append(f"- {item.title} [{item.id}] — {_money(item.price)}{colour} {item.slot}".rstrip())
        if outfit.explanation:
            lines.append(f"Why: {outfit.explanation}")
    lines += [f"Note: {n}" for n in result.notes]
    return "\n".join(lines)


def _render_score(result: Any) -> str:
    names = ", ".join(f"{i.get('title')} [{i.get('id')}]" for i in result.items if isinstance(i, dict))
    lines = [f"{names}: {result.verdict} (compatibility {result.score:.2f})."]
    if result.explanation:
        lines.append(result.explanation)
    if result.missing_slots and "Missing:" not in (result.explanation or ""):
        lines.append("Missing: " + ", ".join(result.missing_slots) + ".")
    return "\n".join(lines)


def _render_trends(result: Any) -> str:
    lines = [f"{result.kind.capitalize()} trends over {result.horizon_label} (source: {result.source}):"]
    for label, group in (("Rising", result.rising), ("Fading", result.falling)):
        if group:
            lines.append(f"{label}: " + ", ".join(f"{t.value} ({t.growth:+.0%})" for t in group) + ".")
    if result.summary:
        lines.append(result.summary)
    return "\n".join(lines)


def _render_profile(profile: Any, feedback: list[Any]) -> str:
    if not getattr(profile, "exists", True):
        return 'I don\'t know anything about you yet. Tell me what you like ("I love linen", "my size is M").'
    lines = ["Here is what I know about you:"]
    for label, data in (("Likes", profile.likes), ("Dislikes", profile.dislikes)):
        parts = [f"{kind}: {', '.join(values)}" for kind, values in data.items() if values]
        if parts:
            lines.append(f"{label}: " + "; ".join(parts) + ".")
    if profile.sizes:
        lines.append("Sizes: " + ", ".join(f"{k} {v}" for k, v in profile.sizes.items()) + ".")
    if profile.budget is not None:
        lines.append(f"Budget: {_money(profile.budget)} per item.")
    for label in ("gender_presentation", "fit_notes", "body_notes", "climate", "region"):
        value = getattr(profile, label, None)
        if value:
            lines.append(f"{label.replace('_', ' ').capitalize()}: {getattr(value, 'value', value)}.")
    if profile.wardrobe:
        lines.append(
            "Wardrobe: " + ", ".join(w.description or w.item_id or "?" for w in profile.wardrobe[:10]) + "."
        )
    if feedback:
        lines.append("Recent feedback: " + ", ".join(f"{e.kind} {e.item_id}" for e in feedback[-5:]) + ".")
    return "\n".join(lines)
