"""Answers composed without a language model (``llm.backend = none`` and model failures).

Each named garment carries its id, title and price and a reason it fits, built from the
request's filters and the tool's own "why matched"."""

from __future__ import annotations

from typing import Any

from stylist.agent.items import SeenItem

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
        # a long query quoted back is the request echoed (a whole sentence, once per garment)
        query = str(args["query"])
        reasons.append(
            f'closest match to "{query}"' if len(query.split()) <= 5 else "closest match to your words"
        )
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
    k: int = 5,
) -> str:
    """A plain answer over one tool result."""
    if tool is None:
        return HELP
    if error:
        return f"I couldn't complete that ({tool} failed: {error}). Please rephrase or loosen the request."
    phrase = constraints_phrase(args)
    if not items:
        where = f" {phrase}" if phrase else ""
        return (
            f"I found nothing in the catalogue{where}. Try a higher budget, other colours or fewer "
            "constraints."
        )
    head = (
        f"Here {'is' if len(items[:k]) == 1 else 'are'} {len(items[:k])} "
        f"piece{'s' if len(items[:k]) != 1 else ''} from the catalogue"
    )
    head += f" {phrase}:" if phrase else ":"
    return "\n".join([head, *(item_line(i + 1, it, args) for i, it in enumerate(items[:k]))])
