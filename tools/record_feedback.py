"""The ``record_feedback`` tool: thumbs up/down, save or buy on an item or an outfit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stylist.agent.router import RouteHint
from stylist.agent.toolroutes import feedback_applies, feedback_arguments, feedback_score
from stylist.errors import ToolInputError
from stylist.events import DEFAULT_USER
from stylist.profiles.schema import MAX_OUTFIT_ITEMS, FeedbackEvent, FeedbackKindT
from stylist.tools.base import Tool

if TYPE_CHECKING:
    from stylist.runtime import Runtime


class RecordFeedbackInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(DEFAULT_USER, min_length=1, max_length=128)
    kind: FeedbackKindT = Field(description="like, dislike, save or buy.")
    item_id: str | None = Field(None, max_length=128, description="One catalogue garment id.")
    item_ids: list[str] = Field(
        default_factory=list, max_length=MAX_OUTFIT_ITEMS, description="The garment ids of an outfit."
    )
    outfit_id: str | None = Field(None, max_length=128)

    @field_validator("item_ids", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_target(self) -> RecordFeedbackInput:
        if not self.item_id and not self.item_ids:
            raise ValueError("give item_id (one garment) or item_ids (an outfit)")
        return self


class FeedbackResult(BaseModel):
    user_id: str
    recorded: list[FeedbackEvent]
    message: str


class RecordFeedback(Tool):
    """Record the user's feedback on a garment (item_id) or an outfit (item_ids): like, dislike,
    save or buy. Later suggestions learn from it. Ids must come from search results."""

    name = "record_feedback"
    routing = RouteHint(
        keywords=(
            "like",
            "love",
            "loved",
            "dislike",
            "hate",
            "thumbs up",
            "thumbs down",
            "save",
            "saved",
            "bookmark",
            "bought",
            "purchased",
            "ordered",
            "i'll take",
            "not a fan",
            "ugly",
            "perfect",
            "favourites",
            "favorites",
            "wishlist",
            "for later",
            "nope",
            "👍",
            "👎",
        ),
        patterns=(
            r"\b(?:like|love|hate|save|bookmark|bought|purchased|ordered|take|dislike)\b.{0,30}\b(?:one|it|this|that)\b",
        ),
        extract=feedback_arguments,
        score=feedback_score,
        applies=feedback_applies,
        priority=3,
    )

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run(self, args: RecordFeedbackInput) -> FeedbackResult:
        store = self.runtime.profile_store
        ids = ([args.item_id] if args.item_id else []) + [i for i in args.item_ids if i != args.item_id]
        if len(ids) == 1 and not args.item_ids:
            events = [store.record_feedback(args.user_id, ids[0], args.kind)]
        elif ids:
            events = store.record_outfit_feedback(args.user_id, ids, args.kind, outfit_id=args.outfit_id)
        else:  # pragma: no cover - the validator rules this out
            raise ToolInputError("record_feedback: no item ids")
        target = ids[0] if len(ids) == 1 else f"the outfit {', '.join(ids)}"
        verb = {"like": "liked", "dislike": "disliked", "save": "saved", "buy": "bought"}[args.kind]
        return FeedbackResult(user_id=args.user_id, recorded=events, message=f"{verb} {target}")
