"""The ``build_outfit`` tool: complete outfits from the catalogue for a request, or around anchors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stylist.agent.router import RouteHint
from stylist.agent.toolroutes import outfit_arguments, outfit_followup
from stylist.errors import ToolInputError
from stylist.index.schema import Gender, Slot
from stylist.tools.base import Tool
from stylist.tools.outfits.schemas import BuildResult, OutfitRequest

if TYPE_CHECKING:
    from stylist.runtime import Runtime


class BuildOutfitInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brief: str = Field(
        "", max_length=500, description="The request in words, e.g. 'summer wedding guest, earthy colours'."
    )
    budget: float | None = Field(None, gt=0, description="Most the whole outfit may cost.")
    gender: Gender | None = Field(None, description="women, men, unisex, girls or boys.")
    anchors: list[str] = Field(
        default_factory=list,
        max_length=6,
        description="Garment ids the outfit must include ('complete my outfit').",
    )
    k: int = Field(3, ge=1, le=10, description="How many outfits to return.")
    extras: list[Slot] | None = Field(
        None, description="Optional slots to fill: outerwear, bag, accessory. Default: chosen from the brief."
    )
    user_id: str | None = Field(None, description="Whose profile preferences (and wardrobe) to use, if any.")
    wardrobe_anchors: list[int] = Field(
        default_factory=list,
        max_length=6,
        description="Wardrobe entry ids (owned items) the outfit must include.",
    )
    use_wardrobe: bool = Field(False, description="Mix the user's owned items in with catalogue garments.")
    only_owned: bool = Field(
        False, description="Only what the user owns ('only what I own'): no catalogue items."
    )
    max_new_items: int | None = Field(
        None, ge=0, le=8, description="With the wardrobe: at most this many new (catalogue) items."
    )
    new_item_max_price: float | None = Field(
        None, gt=0, description="With the wardrobe: each new item costs at most this."
    )

    @field_validator("anchors", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.replace(",", " ").split() if v.strip()]
        return value


class BuildOutfit(Tool):
    """Assemble complete outfits from the catalogue: top + bottom or a dress, shoes, and optional
    outerwear, bag or accessory, ranked by learned compatibility, relevance to the brief and the
    user's preferences, within the budget. Give anchors (garment ids) to complete an outfit around
    them, wardrobe_anchors (owned items), use_wardrobe to mix in what the user owns, only_owned
    for "only what I own", or max_new_items / new_item_max_price for "at most one new item under 80". Returns outfits with real garment ids, prices, an explanation, and alternatives per slot;
    says which constraint to relax when nothing fits."""

    name = "build_outfit"
    routing = RouteHint(
        keywords=(
            "outfit",
            "outfits",
            "full look",
            "complete look",
            "whole look",
            "head to toe",
            "head-to-toe",
            "put together",
            "build me",
            "dress me",
            "style me",
            "assemble",
            "what goes with",
            "to go with",
            "outfit idea",
            "outfit ideas",
            "complete my",
            "finish this look",
            "finish my look",
            "what else do i need",
            "kit me out",
            "a look for",
            "look good with",
            "looks good with",
            "pick an outfit",
        ),
        patterns=(
            r"\bwhat (?:should|shall|can|could|do|would|will) (?:i|we|he|she|they|my \w+|my \w+ \w+) wear\b",
            r"\b(?:full|complete|whole|entire|total) (?:look|outfit|fit)s?\b",
            r"\b(?:complete|finish|build|style|round out|put together)\b.{0,40}\b(?:outfit|look)\b",
        ),
        extract=outfit_arguments,
        refine=outfit_followup,
        priority=1,
    )

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run(self, args: BuildOutfitInput) -> BuildResult:
        wardrobe_fields = {
            "wardrobe_anchors",
            "use_wardrobe",
            "only_owned",
            "max_new_items",
            "new_item_max_price",
        }
        request = OutfitRequest(**args.model_dump(exclude=wardrobe_fields))
        wants_wardrobe = (
            args.wardrobe_anchors or args.use_wardrobe or args.only_owned or args.max_new_items is not None
        )
        if not wants_wardrobe:
            if args.new_item_max_price is not None:
                raise ToolInputError(
                    "new_item_max_price applies to outfits with the wardrobe",
                    hint="set use_wardrobe, only_owned or max_new_items too",
                )
            return assembler_for(self.runtime).build(request)
        from stylist.events import DEFAULT_USER
        from stylist.tools.outfits.owned import build_with_wardrobe

        user = args.user_id or DEFAULT_USER
        return build_with_wardrobe(
            assembler_for(self.runtime),
            request,
            self.runtime.profile_store.wardrobe(user),
            owned_anchors=args.wardrobe_anchors,
            use_wardrobe=args.use_wardrobe or args.only_owned,
            max_new_items=0 if args.only_owned else args.max_new_items,
            new_item_max_price=args.new_item_max_price,
        )


def assembler_for(runtime: Runtime) -> Any:
    from stylist.tools.outfits.assembly import OutfitAssembler

    cfg = runtime.settings.outfits
    return OutfitAssembler(
        runtime.catalogue_index,
        runtime.compat_scorer,
        candidates_per_slot=cfg.candidates_per_slot,
        beam_width=cfg.beam_width,
        weights=(cfg.compat_weight, cfg.relevance_weight, cfg.preference_weight),
        preference=profile_preference(runtime),
    )


def profile_preference(runtime: Runtime) -> Any:
    """The user's preferences (``runtime.preference_model.rerank``) as a garment-id -> preference
    map: how much the profile moved each garment's score; garments the user's stated dislikes rule
    out get a strong penalty."""

    def preference(user_id: str, hits: list) -> dict[str, float]:
        ranked = runtime.preference_model.rerank(user_id, hits)
        kept = {h.garment.id: h.score - h.components.get("base", h.score) for h in ranked}
        return {g.id: kept.get(g.id, -5.0) for g, _ in hits}

    return preference


def build_outfit(brief: str = "", *, runtime: Runtime | None = None, **kwargs: Any) -> BuildResult:
    """Plain-function form of :class:`BuildOutfit` on the default runtime."""
    from stylist.runtime import default_runtime

    return BuildOutfit(runtime or default_runtime()).invoke({"brief": brief, **kwargs})
