"""The ``update_profile`` tool: turn what the user says about their taste into profile changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stylist.agent.router import RouteHint
from stylist.agent.toolroutes import statement_score, update_profile_applies, update_profile_arguments
from stylist.errors import ToolInputError
from stylist.events import DEFAULT_USER
from stylist.profiles.schema import Profile
from stylist.tools.base import Tool

if TYPE_CHECKING:
    from stylist.runtime import Runtime

_LISTS = (
    "liked_colours",
    "disliked_colours",
    "liked_styles",
    "disliked_styles",
    "liked_brands",
    "disliked_brands",
    "liked_materials",
    "disliked_materials",
    "bought",
    "wardrobe_add",
    "wardrobe_remove",
)


class UpdateProfileInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(DEFAULT_USER, min_length=1, max_length=128)
    statement: str | None = Field(
        None,
        max_length=2000,
        description="What the user said about their taste, verbatim, e.g. 'I hate orange' or 'I just bought the "
        "navy blazer'; colours, materials, patterns, styles, garment types, budget and owned items are read from it.",
    )
    liked_colours: list[str] = Field(default_factory=list)
    disliked_colours: list[str] = Field(default_factory=list)
    liked_styles: list[str] = Field(default_factory=list)
    disliked_styles: list[str] = Field(default_factory=list)
    liked_brands: list[str] = Field(default_factory=list)
    disliked_brands: list[str] = Field(default_factory=list)
    liked_materials: list[str] = Field(default_factory=list)
    disliked_materials: list[str] = Field(default_factory=list)
    bought: list[str] = Field(
        default_factory=list, description="Catalogue ids the user bought (added to the wardrobe)."
    )
    wardrobe_add: list[str] = Field(
        default_factory=list, description="Owned items: catalogue ids or short descriptions."
    )
    wardrobe_remove: list[str] = Field(default_factory=list)
    name: str | None = Field(None, max_length=120)
    gender_presentation: str | None = Field(None, description="women, men or unisex.")
    sizes: dict[str, str] | None = Field(None, description="e.g. {'top': 'M', 'shoes': '42'}.")
    fit_notes: str | None = Field(None, max_length=1000)
    body_notes: str | None = Field(None, max_length=1000)
    budget: float | None = Field(None, ge=0, description="Most the user wants to pay per item.")
    climate: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=200)

    @field_validator(*_LISTS, mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value


class ProfileUpdateResult(BaseModel):
    user_id: str
    changes: list[str]
    notes: list[str] = Field(default_factory=list)
    understood: list[str] = Field(default_factory=list, description="What was read from the statement.")
    profile: Profile


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
        patterns=(r"^(?:please remember|remember|note that|from now on)\b",),
        extract=update_profile_arguments,
        score=statement_score,
        applies=update_profile_applies,
        priority=1,
    )

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run(self, args: UpdateProfileInput) -> ProfileUpdateResult:
        from stylist.profiles.statements import parse_statement

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
        store = self.runtime.profile_store
        if not any(changes.get(k) for k in changes) and not args.bought:
            raise ToolInputError(
                "update_profile: nothing to change",
                hint="the statement named no colour, material, pattern, style, garment, budget or owned item; "
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
