"""The ``record_feedback`` tool: thumbs up/down, save or buy on an item or an outfit."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stylist.errors import ToolInputError
from stylist.events import DEFAULT_USER
from stylist.profiles.schema import MAX_OUTFIT_ITEMS, FeedbackEvent, FeedbackKindT
from stylist.tools.base import CommaList, Dep, Tool
from stylist.tools.output import ToolOutput
from stylist.tools.routing import PATTERN_WEIGHT, RouteContext, RouteHint, first_match, item_refs


class FeedbackStore(Protocol):
    """What recording feedback needs of the profile store."""

    def record_feedback(self, user_id: str, item_id: str, kind: str) -> FeedbackEvent: ...

    def record_outfit_feedback(
        self, user_id: str, item_ids: list[str], kind: str, *, outfit_id: str | None = None
    ) -> list[FeedbackEvent]: ...


class RecordFeedbackInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(DEFAULT_USER, min_length=1, max_length=128)
    kind: FeedbackKindT = Field(description="like, dislike, save or buy.")
    item_id: str | None = Field(None, max_length=128, description="One catalogue garment id.")
    item_ids: CommaList = Field(
        default_factory=list, max_length=MAX_OUTFIT_ITEMS, description="The garment ids of an outfit."
    )
    outfit_id: str | None = Field(None, max_length=128)

    @model_validator(mode="after")
    def _one_target(self) -> RecordFeedbackInput:
        if not self.item_id and not self.item_ids:
            raise ValueError("give item_id (one garment) or item_ids (an outfit)")
        return self


class FeedbackResult(ToolOutput):
    user_id: str
    recorded: list[FeedbackEvent]
    message: str

    def catalogue_ids(self) -> list[str]:
        return [e.item_id for e in self.recorded]

    def to_text(self) -> str:
        return f"Noted: {self.message}. Later suggestions will take it into account."


_FEEDBACK_KINDS: tuple[tuple[str, str], ...] = (
    ("buy", r"\b(bought|buy(ing)?|purchased?|ordered|i'll take|i will take|getting it)\b"),
    (
        "save",
        (
            r"\b(save|saved|bookmark(ed)?|keep (it|this|that) for later|for later|wishlist|favourites?|"
            r"favorites?)\b"
        ),
    ),
    (
        "dislike",
        (
            r"\b(dislike|don't like|do not like|hate|not a fan|not keen|not into|ugly|no thanks|nope|not "
            r"for me|thumbs down|meh|awful|horrible)\b|👎"
        ),
    ),
    (
        "like",
        (
            r"\b(like|love|loved|lovely|adore|perfect|great|nice|gorgeous|beautiful|stunning|amazing|"
            r"thumbs up)\b|👍|❤"
        ),
    ),
)


def feedback_kind(text: str) -> str | None:
    return first_match(text, _FEEDBACK_KINDS)


def feedback_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    refs = item_refs(text, context, pronouns=True)
    args: dict[str, Any] = {"kind": feedback_kind(text) or "like"}
    if len(refs) == 1:
        args["item_id"] = refs[0]
    elif refs:
        args["item_ids"] = refs[:12]
    return args


def feedback_applies(text: str, context: RouteContext) -> bool:
    """Feedback is about a garment: one named by id or pointed at in the last list."""
    return bool(item_refs(text, context, pronouns=True)) and feedback_kind(text) is not None


def feedback_score(text: str, context: RouteContext) -> float:
    """A verdict (like, save, buy …) on a garment named or pointed at is feedback."""
    return PATTERN_WEIGHT if feedback_applies(text, context) else 0.0


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
            (
                r"\b(?:like|love|hate|save|bookmark|bought|purchased|ordered|take|"
                r"dislike)\b.{0,30}\b(?:one|it|this|that)\b"
            ),
        ),
        extract=feedback_arguments,
        score=feedback_score,
        applies=feedback_applies,
        priority=3,
    )

    id_arguments = ("item_id", "item_ids")
    store = Dep[FeedbackStore]()

    def __init__(self, store: FeedbackStore) -> None:
        self.store = store

    def run(self, args: RecordFeedbackInput) -> FeedbackResult:
        store = self.store
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
