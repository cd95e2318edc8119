"""The ``build_outfit`` tool: complete outfits from the catalogue for a request, or around anchors."""

from __future__ import annotations

import re
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from stylist.config import OutfitSettings
from stylist.errors import ToolInputError
from stylist.events import DEFAULT_USER
from stylist.fashion.brief import clean_query, extract_gender, extract_k, extract_price, normalise
from stylist.index.schema import Garment, Gender, Slot
from stylist.profiles.schema import Profile, WardrobeItem
from stylist.tools.base import Dep, IdList, Lazy, Tool, use
from stylist.tools.outfits.assembly import OutfitAssembler
from stylist.tools.outfits.brief import parse_brief
from stylist.tools.outfits.owned import build_with_wardrobe
from stylist.tools.outfits.schemas import BuildResult, OutfitRequest
from stylist.tools.outfits.scorer import CompatibilityScorer
from stylist.tools.routing import CHEAPER, PRICIER, RouteContext, RouteHint, item_refs, without_ids
from stylist.tools.search import Reranker


class Wardrobes(Protocol):
    """What outfits need of the profile store: owned items, and whom the user dresses."""

    def wardrobe(self, user_id: str) -> list[WardrobeItem]: ...

    def get_profile(self, user_id: str) -> Profile: ...


#: Asked once, instead of guessing, when nothing says who the outfit is for.
WHO_QUESTION = (
    "Who is the outfit for: a woman or a man? (Say \"either\" and I'll use both; a child's outfit works "
    'too: "for my daughter".)'
)
EITHER = r"\b(either|any|anyone|both|whoever|does ?n[o']?t matter|no preference|unisex)\b"


class BuildOutfitInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brief: str = Field(
        "", max_length=500, description="The request in words, e.g. 'summer wedding guest, earthy colours'."
    )
    budget: float | None = Field(None, gt=0, description="Most the whole outfit may cost.")
    gender: Gender | None = Field(None, description="women, men, unisex, girls or boys.")
    anchors: IdList = Field(
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
    ask_who: bool = Field(
        True,
        description=(
            "When neither gender, the brief nor the user's profile says who the outfit is for and the "
            "catalogue dresses both women and men: ask, instead of building. False builds for either."
        ),
    )


_ONLY_OWNED = (
    r"\b(?:only (?:what|the (?:clothes|things|pieces)|clothes|things|pieces) (?:i|we) "
    r"(?:already )?(?:own|have)|"
    r"(?:from|out of) my (?:own )?(?:closet|wardrobe)|nothing new|no shopping|without buying)\b"
)
_MIX_NEW = r"\bmix(?:es|ing)? in\b|\b(?:one|a|some) new (?:piece|item|thing)s?\b"
_USE_WARDROBE = (
    r"\b(?:my (?:own )?(?:wardrobe|closet)|my own \w+|(?:things|clothes|pieces) i (?:already )?(?:own|have)|"
    r"mix(?:es|ing)? in)\b"
)


def outfit_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    args: dict[str, Any] = {}
    t = normalise(text)
    if re.search(_ONLY_OWNED, t) and not re.search(_MIX_NEW, t):
        args["only_owned"] = True
    elif re.search(_USE_WARDROBE, t):
        args["use_wardrobe"] = True
    brief = clean_query(without_ids(text))
    if brief:
        args["brief"] = brief[:500]
    _lo, hi = extract_price(text)
    if hi is not None and hi > 0:
        args["budget"] = hi
    gender = extract_gender(text)
    if gender:
        args["gender"] = gender
    anchors = item_refs(text, context)
    if anchors:
        args["anchors"] = anchors[:6]
    k = extract_k(text)
    if k:
        args["k"] = min(k, 10)
    return args


def outfit_followup(text: str, last: dict[str, Any], context: RouteContext) -> dict[str, Any] | None:
    """ "cheaper", "for men", "under 150", "with g-0012" applied to the last outfit request."""
    t = normalise(text)
    if len(t.split()) > 8:
        return None
    args = dict(last)
    _lo, hi = extract_price(text)
    if re.search(CHEAPER, t):
        shown = [float(i["price"]) for i in context.last_items if i.get("price") is not None]
        k = int(last.get("k") or 3)
        current = last.get("budget") or (sum(shown) / max(1, k) if shown else None)
        if current:
            args["budget"] = round(float(current) * 0.8, 2)
    elif re.search(PRICIER, t):
        args.pop("budget", None)
        args["brief"] = (str(last.get("brief", "")) + " premium").strip()
    if hi is not None and hi > 0:
        args["budget"] = hi
    gender = extract_gender(text)
    if gender:
        args["gender"] = gender
    elif re.search(EITHER, t):
        args["ask_who"] = False  # the answer to the question: build for either
    anchors = item_refs(text, context)
    if anchors:
        args["anchors"] = list(dict.fromkeys([*last.get("anchors", []), *anchors]))[:6]
    return args if args != last else None


class BuildOutfit(Tool):
    """Assemble complete outfits from the catalogue: top + bottom or a dress, shoes, and optional
    outerwear, bag or accessory, ranked by learned compatibility, relevance to the brief and the
    user's preferences, within the budget. Give anchors (garment ids) to complete an outfit around
    them, wardrobe_anchors (owned items), use_wardrobe to mix in what the user owns, only_owned
    for "only what I own", or max_new_items / new_item_max_price for "at most one new item under 80". \
Returns outfits with real garment ids, prices, an explanation, and alternatives per slot;
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
            r"\bwh?at (?:should|shall|can|could|do|would|will) (?:i|we|he|she|they|my \w+|my \w+ \w+) wear\b",
            r"\bwhat (?:to|should i|do i|can i) (?:put on|pack)\b",
            r"\b(?:full|complete|whole|entire|total) (?:look|outfit|fit)s?\b",
            r"\b(?:complete|finish|build|make|style|round out|put together)\b.{0,40}\b(?:outfit|look)\b",
            r"\bwhat (?:i|we) (?:must|should|can|need|have)(?: to)? wear\b",
            r"\b(?:which|what) clothes (?:is|are|should|would|do|for)\b",
        ),
        extract=outfit_arguments,
        refine=outfit_followup,
        priority=1,
    )

    id_arguments = ("anchors",)
    assembler = Dep[OutfitAssembler]()
    wardrobes = Dep[Wardrobes]()

    def __init__(self, assembler: OutfitAssembler, wardrobes: Wardrobes) -> None:
        self.assembler = assembler
        self.wardrobes = wardrobes
        self._dresses_both: tuple[int, bool] | None = None  # (catalogue size, answer)

    def who(self, args: BuildOutfitInput) -> Gender | None:
        """Who the outfit is for: the argument, else the brief, else the user's profile."""
        if args.gender is not None:
            return args.gender
        brief = parse_brief(args.brief)
        if brief.gender is not None or brief.kids:
            return brief.gender
        if args.user_id:
            presents = self.wardrobes.get_profile(args.user_id).gender_presentation
            if presents in ("women", "men"):
                return Gender(presents)
        return None

    def dresses_both(self) -> bool:
        """Whether the catalogue has women's and men's clothes (then "who for" matters)."""
        catalogue = self.assembler.index
        if self._dresses_both is None or self._dresses_both[0] != len(catalogue):
            seen = {g.gender for g in catalogue if g.slot in (Slot.TOP, Slot.BOTTOM, Slot.DRESS, Slot.SHOES)}
            self._dresses_both = (len(catalogue), {Gender.WOMEN, Gender.MEN} <= seen)
        return self._dresses_both[1]

    def run(self, args: BuildOutfitInput) -> BuildResult:
        wardrobe_fields = {
            "wardrobe_anchors",
            "use_wardrobe",
            "only_owned",
            "max_new_items",
            "new_item_max_price",
        }
        gender = self.who(args)
        if gender is None and args.ask_who and not args.anchors and self.dresses_both():
            return BuildResult(
                brief=parse_brief(args.brief), outfits=[], alternatives=[], notes=[], question=WHO_QUESTION
            )
        sizes = self.wardrobes.get_profile(args.user_id).sizes if args.user_id else {}
        request = OutfitRequest(
            **args.model_dump(exclude=wardrobe_fields | {"ask_who", "gender"}), gender=gender, sizes=sizes
        )
        wants_wardrobe = (
            args.wardrobe_anchors or args.use_wardrobe or args.only_owned or args.max_new_items is not None
        )
        if not wants_wardrobe:
            if args.new_item_max_price is not None:
                raise ToolInputError(
                    "new_item_max_price applies to outfits with the wardrobe",
                    hint="set use_wardrobe, only_owned or max_new_items too",
                )
            return self.assembler.build(request)
        user = args.user_id or DEFAULT_USER
        return build_with_wardrobe(
            self.assembler,
            request,
            self.wardrobes.wardrobe(user),
            owned_anchors=args.wardrobe_anchors,
            use_wardrobe=args.use_wardrobe or args.only_owned,
            max_new_items=0 if args.only_owned else args.max_new_items,
            new_item_max_price=args.new_item_max_price,
        )


def outfit_assembler(
    catalogue: Any, scorer: CompatibilityScorer, cfg: OutfitSettings, preferences: Reranker | Lazy[Reranker]
) -> OutfitAssembler:
    """The outfit assembler over ``catalogue`` with the ``outfits`` settings."""
    return OutfitAssembler(
        catalogue,
        scorer,
        candidates_per_slot=cfg.candidates_per_slot,
        beam_width=cfg.beam_width,
        weights=(cfg.compat_weight, cfg.relevance_weight, cfg.preference_weight),
        preference=profile_preference(preferences),
    )


def profile_preference(preferences: Reranker | Lazy[Reranker]) -> Any:
    """The user's preferences (the preference model's ``rerank``) as a garment-id -> preference
    map: how much the profile moved each garment's score; garments the user's stated dislikes rule
    out get a strong penalty. The model is asked for only when a user is given."""

    def preference(user_id: str, hits: list[tuple[Garment, float]]) -> dict[str, float]:
        ranked = use(preferences).rerank(user_id, hits)
        kept = {h.garment.id: h.score - h.components.get("base", h.score) for h in ranked}
        return {g.id: kept.get(g.id, -5.0) for g, _ in hits}

    return preference
