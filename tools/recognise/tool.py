"""The ``recognise_garment`` tool: what garment is in this photo, and the closest catalogue items."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stylist.errors import StylistError
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment
from stylist.profiles.schema import WardrobeItem
from stylist.tools.base import Dep, Tool
from stylist.tools.designs.tool import PictureIndex
from stylist.tools.outfits.assembly import OutfitAssembler
from stylist.tools.outfits.owned import build_with_wardrobe
from stylist.tools.outfits.schemas import AssembledOutfit, OutfitRequest
from stylist.tools.output import SeenItem, ToolOutput, unique_items
from stylist.tools.recognise.paths import image_path_in
from stylist.tools.recognise.recogniser import Recogniser, Recognition
from stylist.tools.routing import RouteContext, RouteHint

_GOES_WITH = re.compile(
    r"\b(goes? with|go with|wear (it |this )?with|match(es)?|pair (it |this )?with|style (it|this))\b", re.I
)


def _route_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    path = image_path_in(text)
    if not path:
        return {}
    args: dict[str, Any] = {"image_path": path}
    if _GOES_WITH.search(text):
        args["goes_with"] = True
        if context.user_id:
            args["user_id"] = context.user_id
    return args


class RecogniseInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image_path: str = Field(
        ...,
        min_length=1,
        max_length=1000,
        description="Path of the photo of one garment (JPEG, PNG, WebP …).",
    )
    k: int = Field(5, ge=0, le=20, description="How many closest catalogue items to return (0: none).")
    goes_with: bool = Field(
        False,
        description="Also assemble an outfit from the catalogue around the garment ('what goes with it').",
    )
    brief: str = Field(
        "", max_length=300, description="With goes_with: the occasion or style wanted, e.g. 'summer wedding'."
    )
    user_id: str | None = Field(None, max_length=128, description="With goes_with: whose preferences to use.")


class ClosestItem(BaseModel):
    garment: Garment
    score: float
    why: str


class RecogniseResult(Recognition, ToolOutput):
    lists_garments = True

    image_path: str
    closest: list[ClosestItem] = Field(
        default_factory=list, description="Catalogue garments that look most like the photo."
    )
    closest_note: str | None = Field(None, description="Why there are no closest items, when there are none.")
    outfits: list[AssembledOutfit] = Field(
        default_factory=list,
        description="With goes_with: outfits around the photographed garment (id 'owned-0').",
    )
    outfit_note: str | None = None

    def garments(self) -> list[SeenItem]:
        closest = [SeenItem.from_garment(c.garment, c.why) for c in self.closest]
        outfit = [SeenItem.from_card(i.model_dump(mode="json")) for o in self.outfits for i in o.items]
        return unique_items(closest + outfit)

    def to_text(self) -> str:
        lines = [self.message]
        lines += [f"{n}. {c.garment.title} [{c.garment.id}]: {c.why}" for n, c in enumerate(self.closest, 1)]
        return "\n".join(lines)


class RecogniseGarment(Tool):
    """Recognise the garment in a photo the user gives as an image path: article type, outfit slot,
    main colours (named, with shares), pattern, calibrated confidences, and the closest real
    catalogue garments. Says "unsure" with candidates, "no garment found" or "several garments"
    instead of guessing. Use it when the message contains a picture path (photo.jpg, .png) and
    asks what it is or what goes with it."""

    name = "recognise_garment"
    routing = RouteHint(
        keywords=(
            "jpg",
            "jpeg",
            "png",
            "webp",
            "what is this",
            "what's this",
            "what goes with",
            "recognise",
            "recognize",
            "identify",
            "this photo",
            "this picture",
            "my photo",
        ),
        extract=_route_arguments,
        applies=lambda text, context: (
            image_path_in(text) is not None
        ),  # "what goes with black jeans?" is an outfit
        priority=5,
    )

    recogniser = Dep[Recogniser]()
    catalogue = Dep[PictureIndex]()
    assembler = Dep[OutfitAssembler]()

    def __init__(self, recogniser: Recogniser, catalogue: PictureIndex, assembler: OutfitAssembler) -> None:
        self.recogniser = recogniser
        self.catalogue = catalogue
        self.assembler = assembler
        """Builds the outfits around the photographed garment ("what goes with it")."""

    def run(self, args: RecogniseInput) -> RecogniseResult:
        recognition = self.recogniser.recognise(args.image_path)
        result = RecogniseResult(image_path=args.image_path, **recognition.model_dump())
        if args.k == 0 or recognition.status in ("no_garment", "several_garments"):
            return result
        index = self.catalogue
        try:
            hits = index.search(None, image_path=args.image_path, k=args.k)
        except StylistError as exc:  # no image vectors in this index: match the recognised words instead
            words = " ".join(
                [
                    *(c.name for c in recognition.colours[:1]),
                    *([recognition.pattern] if recognition.pattern else []),
                    recognition.article_type or "",
                ]
            ).strip()
            if not words or not recognition.article_type:
                result.closest_note = f"closest catalogue items unavailable: {exc.message}"
                return result
            filters = SearchFilters(slots=[recognition.slot]) if recognition.slot else None
            try:
                hits = index.search(words, filters=filters, k=args.k)
            except StylistError as again:
                result.closest_note = f"closest catalogue items unavailable: {again.message}"
                return result
            result.closest_note = f"matched by the recognised attributes ({words}): {exc.message}"
        if args.goes_with:
            self._outfits(args, result)
        colour = recognition.colours[0].name if recognition.colours else ""
        if recognition.article_type:
            seen = f"{colour} {recognition.article_type.lower()}".strip()
        else:
            guesses = ", ".join(f"{c.label} {c.confidence:.0%}" for c in recognition.candidates[:2])
            seen = f"{colour + '; ' if colour else ''}unsure of the type: {guesses}"
        result.closest = [
            ClosestItem(garment=g, score=round(float(s), 4), why=f"looks like your photo ({seen})")
            for g, s in hits
        ]
        return result

    def _outfits(self, args: RecogniseInput, result: RecogniseResult) -> None:
        """Catalogue outfits around the photographed garment, as if it were an owned anchor."""
        if result.status != "ok" or not result.slot:
            result.outfit_note = (
                "no outfit: the garment was not recognised confidently; add it with its "
                "type (stylist wardrobe add --article)"
            )
            return
        colours = [c.name for c in result.colours[:2]]
        photo = WardrobeItem(
            id=0,
            added_at=datetime.now(UTC),
            name=f"your {' '.join(colours[:1])} {result.article_type}",
            article_type=result.article_type,
            slot=result.slot,
            colours=colours,
            pattern=result.pattern,
        )
        try:
            built = build_with_wardrobe(
                self.assembler,
                OutfitRequest(brief=args.brief, k=1, user_id=args.user_id),
                [photo],
                owned_anchors=[0],
                use_wardrobe=False,
            )
        except StylistError as exc:
            result.outfit_note = f"no outfit around it: {exc}"
            return
        result.outfits = built.outfits
