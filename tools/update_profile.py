"""The ``update_profile`` tool: turn what the user says about their taste into profile changes."""

from __future__ import annotations

import re
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from stylist.errors import ToolInputError
from stylist.events import DEFAULT_USER
from stylist.fashion.brief import extract_price, normalise
from stylist.profiles.schema import FeedbackEvent, Profile, UpdateReport
from stylist.profiles.statements import parse_statement
from stylist.tools.base import CommaList, Dep, Tool
from stylist.tools.get_profile import profile_ids
from stylist.tools.output import ToolOutput
from stylist.tools.routing import PATTERN_WEIGHT, RouteContext, RouteHint, item_refs


class ProfileWriter(Protocol):
    """What updating a profile needs of the profile store."""

    def get_profile(self, user_id: str) -> Profile: ...

    def update_profile(self, user_id: str, changes: dict[str, Any]) -> UpdateReport: ...

    def check_item(self, item_id: str) -> None: ...

    def record_feedback(self, user_id: str, item_id: str, kind: str) -> FeedbackEvent: ...


class UpdateProfileInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(DEFAULT_USER, min_length=1, max_length=128)
    statement: str | None = Field(
        None,
        max_length=2000,
        description="What the user said about their taste, verbatim, e.g. 'I hate orange' or 'I just "
        "bought the "
        "navy blazer'; colours, materials, patterns, styles, garment types, budget and owned items "
        "are read from it.",
    )
    liked_colours: CommaList = Field(default_factory=list)
    disliked_colours: CommaList = Field(default_factory=list)
    liked_styles: CommaList = Field(default_factory=list)
    disliked_styles: CommaList = Field(default_factory=list)
    liked_brands: CommaList = Field(default_factory=list)
    disliked_brands: CommaList = Field(default_factory=list)
    liked_materials: CommaList = Field(default_factory=list)
    disliked_materials: CommaList = Field(default_factory=list)
    bought: CommaList = Field(
        default_factory=list, description="Catalogue ids the user bought (added to the wardrobe)."
    )
    wardrobe_add: CommaList = Field(
        default_factory=list, description="Owned items: catalogue ids or short descriptions."
    )
    wardrobe_remove: CommaList = Field(default_factory=list)
    name: str | None = Field(None, max_length=120)
    gender_presentation: str | None = Field(None, description="women, men or unisex.")
    sizes: dict[str, str] | None = Field(None, description="e.g. {'top': 'M', 'shoes': '42'}.")
    fit_notes: str | None = Field(None, max_length=1000)
    body_notes: str | None = Field(None, max_length=1000)
    budget: float | None = Field(None, ge=0, description="Most the user wants to pay per item.")
    climate: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=200)


class ProfileUpdateResult(ToolOutput):
    user_id: str
    changes: list[str]
    notes: list[str] = Field(default_factory=list)
    understood: list[str] = Field(default_factory=list, description="What was read from the statement.")
    profile: Profile

    def catalogue_ids(self) -> list[str]:
        return profile_ids(self.profile)

    def to_text(self) -> str:
        done = "; ".join(self.changes) if self.changes else "nothing changed"
        return "\n".join([f"Updated your profile: {done}.", *(f"Note: {n}" for n in self.notes)])


_LETTER_SIZE = r"(xxs|xs|s|m|l|xl|xxl|xxxl|small|medium|large|extra large)"
_SIZE_TARGETS = {
    "shoe": "shoes",
    "shoes": "shoes",
    "feet": "shoes",
    "waist": "waist",
    "trousers": "bottom",
    "jeans": "bottom",
    "pants": "bottom",
    "dress": "dress",
    "top": "top",
    "shirt": "top",
    "shirts": "top",
    "tops": "top",
    "jacket": "outerwear",
    "chest": "chest",
    "inseam": "inseam",
    "bra": "bra",
    "ring": "ring",
}
_LETTER_CANON = {"small": "S", "medium": "M", "large": "L", "extra large": "XL"}


def extract_sizes(text: str) -> dict[str, str]:
    """Sizes stated in ``text``: "my size is M" -> {"general": "M"}, "size 42 shoe" -> {"shoes": "42"}."""
    t = normalise(text)
    sizes: dict[str, str] = {}
    if not re.search(r"\b(size|sizes|sized|waist|inseam|chest)\b", t):
        return sizes
    targets = "|".join(sorted(map(re.escape, _SIZE_TARGETS), key=len, reverse=True))
    patterns = (
        (
            rf"\b(?:my |a )?(?P<target>{targets})(?: size)?(?: is| of)? (?:a |an |size "
            rf")?(?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE})\b"
        ),
        rf"\b(?:size|a) (?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE})(?: in)? (?P<target>{targets})\b",
        (
            rf"\b(?:i'm|i am|i wear|i take) (?:a |an |size )?(?P<value>\d{{1,3}}(?:[.,]5)?|"
            rf"{_LETTER_SIZE}) (?P<target>{targets})\b"
        ),
        rf"\bsize (?:is )?(?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE})\b",
        rf"\b(?:i'm|i am|i wear|i take) (?:a )?size (?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE})\b",
    )
    for pattern in patterns:
        for m in re.finditer(pattern, t):
            value = m.group("value")
            value = _LETTER_CANON.get(value, value.upper() if value.isalpha() else value)
            target = _SIZE_TARGETS.get(m.groupdict().get("target") or "", "general")
            sizes.setdefault(target, value)
        if sizes:
            break
    return sizes


def update_profile_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    """The statement verbatim (the tool parses likes, dislikes, wardrobe, budget from it), plus the
    fields the statement parser does not read: sizes and a budget."""
    args: dict[str, Any] = {"statement": text.strip()[:2000]}
    sizes = extract_sizes(text)
    if sizes:
        args["sizes"] = sizes
    t = normalise(text)
    if re.search(r"\b(budget|spend|per (item|piece)|keep it under|no more than)\b", t):
        _lo, hi = extract_price(text)
        if hi is not None and hi > 0:
            args["budget"] = hi
    return args


def statement_score(text: str, context: RouteContext) -> float:
    """How clearly the message states a taste, a size, a budget or an owned item (the profile
    statement parser's reading)."""
    if not re.search(r"\b(i|i'm|i've|im|my|me|mine)\b", normalise(text)):
        return 0.0  # a statement about the user speaks in the first person
    changes, _understood = parse_statement(text)
    found = (
        any(changes.get("like", {}).values())
        or any(changes.get("dislike", {}).values())
        or changes.get("wardrobe_add")
    )
    budget = changes.get("budget") and re.search(r"\b(my budget|per (item|piece))\b", normalise(text))
    return PATTERN_WEIGHT if (found or budget or extract_sizes(text)) else 0.0


def update_profile_applies(text: str, context: RouteContext) -> bool:
    """A statement about the user, not a question about their profile, and not about a listed item."""
    t = normalise(text)
    if item_refs(text, context):
        return False
    # a question asks for something ("a wedding look? I like earthy colours"): the taste in it is
    # context for that request, not the request
    return not re.search(r"^(what|which|do you|did i|have i|show|list|tell me|remind me)\b|\?", t)


class UpdateProfile(Tool):
    """Update the user's style profile from what they said: likes and dislikes (colours, styles,
    brands, materials), budget, sizes, fit notes, climate, and owned items. Pass the user's words
    in `statement` (e.g. "I hate orange", "I just bought the navy blazer") and/or structured
    fields; use `bought` with catalogue ids for purchases. A later like replaces an earlier
    dislike of the same thing."""

    name = "update_profile"
    routing = RouteHint(
        keywords=(
            "i hate",
            "i love",
            "i like",
            "i dislike",
            "i prefer",
            "i adore",
            "i don't like",
            "i can't stand",
            "not a fan",
            "i don't wear",
            "i never wear",
            "i just bought",
            "i just got",
            "i bought",
            "i own",
            "i already own",
            "i already have",
            "i have a",
            "my size",
            "size",
            "my budget is",
            "my waist",
            "i'm tall",
            "i'm short",
            "i live in",
            "remember",
            "note that",
            "from now on",
            "favourite colours",
            "favorite colors",
            "my favourite",
            "my favorite",
            "i wear a",
            "i wear size",
            "fit",
            "prefer",
            "i'm into",
            "i am into",
        ),
        patterns=(
            r"^(?:please remember|remember|note that|from now on)\b",
            r"\b(?:put|add)\b.{0,30}\b(?:in|to|into) my (?:closet|wardrobe)\b",
        ),
        extract=update_profile_arguments,
        score=statement_score,
        applies=update_profile_applies,
        priority=1,
    )

    id_arguments = ("bought",)
    store = Dep[ProfileWriter]()

    def __init__(self, store: ProfileWriter) -> None:
        self.store = store

    def run(self, args: UpdateProfileInput) -> ProfileUpdateResult:
        changes, understood = parse_statement(args.statement) if args.statement else ({}, [])
        like, dislike = changes.pop("like", {}), changes.pop("dislike", {})
        for kind in ("colour", "style", "brand", "material"):
            like.setdefault(kind, []).extend(getattr(args, f"liked_{kind}s"))
            dislike.setdefault(kind, []).extend(getattr(args, f"disliked_{kind}s"))
        changes["like"] = {k: v for k, v in like.items() if v}
        changes["dislike"] = {k: v for k, v in dislike.items() if v}
        changes["wardrobe_add"] = changes.get("wardrobe_add", []) + args.wardrobe_add + args.bought
        changes["wardrobe_remove"] = args.wardrobe_remove
        for field in (
            "name",
            "gender_presentation",
            "sizes",
            "fit_notes",
            "body_notes",
            "budget",
            "climate",
            "region",
        ):
            if getattr(args, field) is not None:
                changes[field] = getattr(args, field)
        store = self.store
        if not any(changes.get(k) for k in changes) and not args.bought:
            raise ToolInputError(
                "update_profile: nothing to change",
                hint="the statement named no colour, material, pattern, style, garment, budget or owned "
                "item; "
                "pass structured fields such as disliked_colours",
            )
        if args.bought:  # checks the ids before anything is written
            for item_id in args.bought:
                store.check_item(item_id)
        report = store.update_profile(args.user_id, changes)
        for item_id in args.bought:
            store.record_feedback(args.user_id, item_id, "buy")
            report.changes.append(f"bought {item_id}")
        profile = store.get_profile(args.user_id) if args.bought else report.profile
        return ProfileUpdateResult(
            user_id=args.user_id,
            changes=report.changes,
            notes=report.notes,
            understood=understood,
            profile=profile,
        )
