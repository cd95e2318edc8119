"""The ``write_copy`` tool: fashion copy for an item or an outfit, grounded in its attributes.

Drafts come from the LLM backend with the item's facts in the prompt; each draft goes through
the grounding check (colours, materials, garment types and prices must be the item's; length
and tone must fit). A failed draft is regenerated once with the problems named; if that fails
too, or no LLM is configured (``llm.backend = "none"``), a deterministic template is used.
English only for now: ``lang`` other than ``en`` is refused with a clear error.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stylist.errors import StylistError, ToolInputError
from stylist.fashion.brief import normalise
from stylist.index.schema import Garment
from stylist.llm import generate
from stylist.tools.base import CommaList, Dep, Tool
from stylist.tools.copykit.facts import (
    SUPPORTED_LANGS,
    CopyKind,
    Facts,
    Tone,
    format_price,
    noun,
    word_limits,
)
from stylist.tools.copykit.grounding import check_copy, words
from stylist.tools.copykit.templates import template_copy
from stylist.tools.output import ToolOutput
from stylist.tools.routing import RouteContext, RouteHint, first_match, item_refs

if TYPE_CHECKING:
    from stylist.runtime import Runtime

log = logging.getLogger(__name__)

KIND_TEXT = {
    "product": "a product description for a shop page",
    "caption": "a one-line social media caption",
    "outfit": "a short description of an outfit built from the listed items",
}
TONE_TEXT = {
    "playful": "playful, warm and upbeat",
    "luxury": "refined and understated, like a luxury house (no exclamation marks, no slang, no emoji)",
    "minimal": "minimal: short plain sentences, no adjectives piled up, no exclamation marks",
}


class WriteCopyInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: str | None = Field(None, max_length=128, description="The catalogue id of the garment.")
    item_ids: CommaList = Field(default_factory=list, max_length=8, description="Garment ids of an outfit.")
    kind: CopyKind = Field("product", description="product (shop description), caption (social) or outfit.")
    tone: Tone = Field("playful", description="playful, luxury or minimal.")
    lang: str = Field("en", description="Language; only 'en' (English) is supported.")

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LANGS:
            raise ValueError(
                f"language {value!r} is not supported; copy is written and checked in English ('en') only"
            )
        return value

    @model_validator(mode="after")
    def _items(self) -> WriteCopyInput:
        if not self.item_id and not self.item_ids:
            raise ValueError("give item_id (one garment) or item_ids (an outfit)")
        return self

    def ids(self) -> list[str]:
        return list(dict.fromkeys(([self.item_id] if self.item_id else []) + self.item_ids))


class CopyResult(ToolOutput):
    text: str
    kind: CopyKind
    tone: Tone
    lang: str
    item_ids: list[str]
    source: Literal["llm", "llm_retry", "template"]
    """Which draft was used: the first LLM draft, the regenerated one, or the template."""
    attempts: int
    """LLM drafts tried (0 when the template was used directly)."""
    rejected: list[str] = Field(default_factory=list)
    """Why earlier drafts were rejected (grounding problems, or the LLM failing)."""
    words: int

    def catalogue_ids(self) -> list[str]:
        return list(self.item_ids)

    def to_text(self) -> str:
        return self.text


class Catalogue(Protocol):
    """The catalogue lookup copy needs (``CatalogueIndex.get`` raises ``ItemNotFoundError``)."""

    def get(self, item_id: str) -> Garment: ...


class TextGenerator(Protocol):
    """A text LLM: ``stylist.llm.generate`` over the configured backend."""

    def generate(self, prompt: str, system: str | None = None, max_tokens: int = 256) -> str: ...


_COPY_TONES = (
    (
        "luxury",
        r"\b(luxury|luxurious|refined|upscale|elegant|premium|high[- ]end|sophisticated|classy|posh)\b",
    ),
    ("minimal", r"\b(minimal|minimalist|short and simple|simple|plain|understated|concise|brief|short)\b"),
    ("playful", r"\b(playful|fun|funny|cheerful|upbeat|cheeky|witty|lively)\b"),
)


def copy_tone(text: str) -> str | None:
    return first_match(text, _COPY_TONES)


def copy_kind(text: str, n_items: int) -> str | None:
    t = normalise(text)
    if re.search(r"\b(caption|instagram|insta|tweet|social|post|tiktok|hashtags?)\b", t):
        return "caption"
    if re.search(r"\boutfit\b", t) or n_items > 1:
        return "outfit"
    if re.search(r"\b(product description|description|describe|shop|listing|product|blurb)\b", t):
        return "product"
    return None


def copy_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    refs = item_refs(text, context, pronouns=True)
    args: dict[str, Any] = {}
    if len(refs) == 1:
        args["item_id"] = refs[0]
    elif refs:
        args["item_ids"] = refs[:8]
    kind = copy_kind(text, len(refs))
    if kind:
        args["kind"] = kind
    tone = copy_tone(text)
    if tone:
        args["tone"] = tone
    return args


def copy_applies(text: str, context: RouteContext) -> bool:
    """Copy is written for garments named or pointed at; a request to pretend one exists is not a
    copywriting request."""
    if re.search(r"\b(pretend|imagine|make up|made up|invent|fictional|fake)\b", normalise(text)):
        return False
    return bool(item_refs(text, context, pronouns=True))


def copy_followup(text: str, last: dict[str, Any], context: RouteContext) -> dict[str, Any] | None:
    """ "make it more luxurious", "shorter", "as a caption", "now one for g-0010"."""
    t = normalise(text)
    if len(t.split()) > 8:
        return None
    args = dict(last)
    refs = item_refs(text, context)
    if refs:
        args.pop("item_id", None)
        args.pop("item_ids", None)
        args.update({"item_id": refs[0]} if len(refs) == 1 else {"item_ids": refs[:8]})
    tone = copy_tone(text)
    if tone:
        args["tone"] = tone
    if re.search(r"\b(caption|instagram|tweet|social|post)\b", t):
        args["kind"] = "caption"
    elif re.search(r"\b(product description|description|shop|listing)\b", t):
        args["kind"] = "product"
    return args if args != last else None


class WriteCopy(Tool):
    """Write fashion copy for a catalogue garment (item_id) or an outfit (item_ids): kind
    product, caption or outfit; tone playful, luxury or minimal; English. Every colour,
    material, garment type and price in the copy is checked against the catalogue."""

    name = "write_copy"
    routing = RouteHint(
        keywords=(
            "write",
            "caption",
            "captions",
            "description",
            "product description",
            "copy",
            "copywriting",
            "blurb",
            "tweet",
            "instagram",
            "post",
            "marketing",
            "describe",
            "sales copy",
            "listing",
            "draft",
            "text for",
            "come up with",
            "hashtags",
        ),
        patterns=(
            (
                r"\b(?:write|draft|compose|create|come up with)\b.{0,40}\b(?:caption|description|copy|"
                r"blurb|post|tweet|text)\b"
            ),
        ),
        extract=copy_arguments,
        applies=copy_applies,
        refine=copy_followup,
        priority=2,
    )

    id_arguments = ("item_id", "item_ids")
    catalogue = Dep[Catalogue]()

    def __init__(self, catalogue: Catalogue, llm: TextGenerator | None = None) -> None:
        self.catalogue = catalogue
        self.llm = llm
        """Drafts the copy; ``None`` (``llm.backend = none``): the template writes it."""

    def run(self, args: WriteCopyInput) -> CopyResult:
        garments = [self.catalogue.get(i) for i in args.ids()]
        return write_copy(garments, kind=args.kind, tone=args.tone, lang=args.lang, llm=self.llm)


def text_generator(runtime: Runtime) -> TextGenerator | None:
    """An object with ``generate(prompt, system=None, max_tokens=...) -> str`` over the configured
    LLM (``stylist.llm.generate``), or ``None`` when ``llm.backend`` is ``none``. The model loads
    on the first draft; if it cannot, the draft fails and the template is used."""
    if runtime.settings.llm.backend == "none":
        return None

    class _RuntimeLLM:
        def generate(self, prompt: str, system: str | None = None, max_tokens: int = 256) -> str:
            return generate(prompt, system=system, max_tokens=max_tokens, runtime=runtime)

    return _RuntimeLLM()


def build_prompt(
    garments: list[Garment], kind: str, tone: str, problems: list[str] | None = None
) -> tuple[str, str]:
    low, high = word_limits(kind, tone)
    system = (
        f"You are a fashion copywriter. Write {KIND_TEXT[kind]} in English. Tone: {TONE_TEXT[tone]}. "
        f"Between {low} and {high} words. State only colours, materials, garment types and prices "
        "that are in "
        "the facts; never invent others. Reply with the copy only: no title, no quotes, no explanation."
    )
    lines = ["Facts:"]
    for n, g in enumerate(garments, 1):
        facts = [f"name: {g.title}", f"garment: {noun(g)}"]
        if g.colours:
            facts.append("colours: " + ", ".join(g.colours))
        if g.material:
            facts.append(f"material: {g.material}")
        if g.pattern:
            facts.append(f"pattern: {g.pattern}")
        if g.price is not None:
            facts.append(f"price: {format_price(g.price, g.currency)}")
        if g.brand:
            facts.append(f"brand: {g.brand}")
        if g.occasions:
            facts.append("occasions: " + ", ".join(g.occasions))
        if g.seasons:
            facts.append("seasons: " + ", ".join(g.seasons))
        lines.append(f"{n}. " + "; ".join(facts))
    if len(garments) > 1 and all(g.price is not None for g in garments):
        lines.append(f"Outfit total: {format_price(sum(g.price for g in garments), garments[0].currency)}")  # type: ignore[misc]
    if problems:
        lines.append(
            "Your previous draft was wrong: " + "; ".join(problems) + ". Write it again using only the facts."
        )
    lines.append(f"Write the {kind} copy now.")
    return "\n".join(lines), system


_PREAMBLE = re.compile(r"^(sure|here(?:'s| is)|certainly|okay|ok)\b[^\n:]*[:\n]\s*", re.IGNORECASE)


def clean_draft(text: str, kind: str, tone: str) -> str:
    """Strip preambles and quotes; cut an over-long draft at the last sentence that fits."""
    text = _PREAMBLE.sub("", text.strip()).strip().strip('"“”').strip()
    text = re.sub(r"\s+", " ", text)
    _, high = word_limits(kind, tone)
    if words(text) > high:
        sentences = re.split(r"(?<=[.!?])\s+", text)
        kept: list[str] = []
        for s in sentences:
            if words(" ".join(kept + [s])) > high:
                break
            kept.append(s)
        if kept:
            text = " ".join(kept)
    return text


def write_copy(
    garments: list[Garment],
    *,
    kind: str = "product",
    tone: str = "playful",
    lang: str = "en",
    llm: Any | None = None,
    attempts: int = 2,
) -> CopyResult:
    """Copy for ``garments`` (one item, or an outfit), grounded; see the module docstring."""
    if lang not in SUPPORTED_LANGS:
        raise ToolInputError(
            f"language {lang!r} is not supported; copy is written and checked in English ('en') only"
        )
    facts = Facts.of(garments)
    ids = [g.id for g in garments]
    rejected: list[str] = []
    tried = 0
    if llm is not None:
        problems: list[str] | None = None
        for n in range(attempts):
            prompt, system = build_prompt(garments, kind, tone, problems)
            tried += 1
            try:
                draft = clean_draft(llm.generate(prompt, system=system, max_tokens=220), kind, tone)
            except StylistError as exc:
                rejected.append(f"draft {n + 1}: the LLM failed: {exc.message}")
                break
            report = check_copy(draft, facts, kind=kind, tone=tone)
            if report.ok:
                return CopyResult(
                    text=draft,
                    kind=kind,
                    tone=tone,
                    lang=lang,
                    item_ids=ids,  # type: ignore[arg-type]
                    source="llm" if n == 0 else "llm_retry",
                    attempts=tried,
                    rejected=rejected,
                    words=words(draft),
                )
            problems = report.problems
            rejected.append(f"draft {n + 1}: " + "; ".join(report.problems))
            log.info("copy draft %d rejected: %s", n + 1, report.problems)
    text = template_copy(garments, kind, tone)
    return CopyResult(
        text=text,
        kind=kind,
        tone=tone,
        lang=lang,
        item_ids=ids,
        source="template",  # type: ignore[arg-type]
        attempts=tried,
        rejected=rejected,
        words=words(text),
    )
