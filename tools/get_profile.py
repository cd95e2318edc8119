"""The ``get_profile`` tool: what the stylist knows about the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from stylist.agent.router import RouteHint
from stylist.agent.toolroutes import profile_question_applies
from stylist.events import DEFAULT_USER
from stylist.profiles.schema import FeedbackEvent, Profile
from stylist.tools.base import Tool

if TYPE_CHECKING:
    from stylist.runtime import Runtime


class GetProfileInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(DEFAULT_USER, min_length=1, max_length=128)
    recent_feedback: int = Field(
        10, ge=0, le=100, description="How many of the latest feedback events to include."
    )


class ProfileView(BaseModel):
    profile: Profile
    recent_feedback: list[FeedbackEvent] = Field(default_factory=list)


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
            r"^(?:what|which|show|list|tell me|remind me|do you|can you show|give me)\b.*\bmy (?:profile|preferences|tastes?|wardrobe|sizes?|budget|likes|saved|favou?rites|style)\b",
            r"\b(?:did|have) i (?:buy|bought|like|liked|save|saved|say|said|tell you|told you)\b",
            r"\babout me\b",
            r"\b(?:have|know|stored?|saved|keep) (?:for|on|about) me\b",
        ),
        applies=profile_question_applies,
        priority=1,
    )

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run(self, args: GetProfileInput) -> ProfileView:
        store = self.runtime.profile_store
        profile = store.get_profile(args.user_id)
        recent = (
            store.feedback(args.user_id)[-args.recent_feedback :]
            if args.recent_feedback and profile.feedback_count
            else []
        )
        return ProfileView(profile=profile, recent_feedback=recent)
