"""The ``get_profile`` tool: what the stylist knows about the user."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from stylist.events import DEFAULT_USER
from stylist.profiles.schema import FeedbackEvent, Profile
from stylist.tools.base import Dep, Tool
from stylist.tools.output import ToolOutput, money
from stylist.tools.routing import RouteContext, RouteHint, item_ids_in


class ProfileReader(Protocol):
    """What reading a profile needs of the profile store (``stylist.profiles.store.ProfileStore``)."""

    def get_profile(self, user_id: str) -> Profile: ...

    def feedback(self, user_id: str | None = None) -> list[FeedbackEvent]: ...


class GetProfileInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(DEFAULT_USER, min_length=1, max_length=128)
    recent_feedback: int = Field(
        10, ge=0, le=100, description="How many of the latest feedback events to include."
    )


class ProfileView(ToolOutput):
    profile: Profile
    recent_feedback: list[FeedbackEvent] = Field(default_factory=list)

    def catalogue_ids(self) -> list[str]:
        return profile_ids(self.profile) + [e.item_id for e in self.recent_feedback]

    def to_text(self) -> str:
        return profile_text(self.profile, self.recent_feedback)


def profile_ids(profile: Profile) -> list[str]:
    """The catalogue ids of the wardrobe entries that are catalogue garments."""
    return [w.item_id for w in profile.wardrobe if w.item_id]


def profile_text(profile: Profile, feedback: list[FeedbackEvent]) -> str:
    """What the stylist knows about the user, in plain sentences."""
    if not profile.exists:
        return 'I don\'t know anything about you yet. Tell me what you like ("I love linen", "my size is M").'
    lines = ["Here is what I know about you:"]
    for label, data in (("Likes", profile.likes), ("Dislikes", profile.dislikes)):
        parts = [f"{kind}: {', '.join(values)}" for kind, values in data.items() if values]
        if parts:
            lines.append(f"{label}: " + "; ".join(parts) + ".")
    if profile.sizes:
        lines.append("Sizes: " + ", ".join(f"{k} {v}" for k, v in profile.sizes.items()) + ".")
    if profile.budget is not None:
        lines.append(f"Budget: {money(profile.budget)} per item.")
    for label in ("gender_presentation", "fit_notes", "body_notes", "climate", "region"):
        value = getattr(profile, label)
        if value:
            lines.append(f"{label.replace('_', ' ').capitalize()}: {getattr(value, 'value', value)}.")
    if profile.wardrobe:
        lines.append(
            "Wardrobe: " + ", ".join(w.description or w.item_id or "?" for w in profile.wardrobe[:10]) + "."
        )
    if feedback:
        lines.append("Recent feedback: " + ", ".join(f"{e.kind} {e.item_id}" for e in feedback[-5:]) + ".")
    return "\n".join(lines)


def profile_question_applies(text: str, context: RouteContext) -> bool:
    """Questions about the profile name no garment ("add g-0025 to my saved items" is feedback)."""
    return not item_ids_in(text)


class GetProfile(Tool):
    """Read the user's style profile: liked and disliked colours, styles, brands and materials,
    budget, sizes, fit and body notes, climate/region, owned items (wardrobe) and their latest
    likes, saves and purchases. Call it before suggesting outfits for a known user."""

    name = "get_profile"
    routing = RouteHint(
        keywords=(
            "my profile",
            "about me",
            "my preferences",
            "my tastes",
            "my taste",
            "my style profile",
            "my wardrobe",
            "my sizes",
            "my size",
            "my budget",
            "do you remember",
            "remind me",
            "i said",
            "have i liked",
            "did i buy",
            "did i like",
            "did i save",
            "my saved",
            "my likes",
            "my favourites",
            "what you know",
            "learned about",
            "learnt about",
            "what do you know",
            "do you store",
            "you store",
        ),
        patterns=(
            (
                r"^(?:what|which|show|list|tell me|remind me|do you|can you show|give me)\b.*\bmy "
                r"(?:profile|preferences|tastes?|wardrobe|sizes?|budget|likes|saved|favou?rites|style)\b"
            ),
            r"\b(?:did|have) i (?:buy|bought|like|liked|save|saved|say|said|tell you|told you)\b",
            r"\babout me\b",
            r"\b(?:have|know|stored?|saved|keep) (?:for|on|about) me\b",
        ),
        applies=profile_question_applies,
        priority=1,
    )

    store = Dep[ProfileReader]()

    def __init__(self, store: ProfileReader) -> None:
        self.store = store

    def run(self, args: GetProfileInput) -> ProfileView:
        store = self.store
        profile = store.get_profile(args.user_id)
        recent = (
            store.feedback(args.user_id)[-args.recent_feedback :]
            if args.recent_feedback and profile.feedback_count
            else []
        )
        return ProfileView(profile=profile, recent_feedback=recent)
