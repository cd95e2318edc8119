"""Inputs and results of outfit scoring and assembly (pydantic; imports no model code)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from stylist.index.schema import Gender, Slot
from stylist.tools.outfits.brief import ParsedBrief
from stylist.tools.output import SeenItem, ToolOutput, money, unique_items


class PairReport(BaseModel):
    items: tuple[str, str] = Field(description="The two garment ids.")
    titles: tuple[str, str]
    score: float = Field(description="The model's 0-1 compatibility of this pair.")
    reasons: list[str] = Field(
        default_factory=list, description="Rules this pair breaks, e.g. 'colour clash: red and green clash'."
    )


class OutfitIssue(BaseModel):
    kind: str = Field(
        description="colour clash, formality mismatch, season mismatch, same slot or missing slot"
    )
    detail: str
    items: list[str] = Field(default_factory=list)


class OutfitScore(ToolOutput):
    score: float = Field(description="0-1 compatibility from the learned model.")
    verdict: str
    items: list[dict[str, Any]]
    weakest_pair: PairReport | None
    pairs: list[PairReport] = Field(description="Every pair, weakest first.")
    issues: list[OutfitIssue]
    missing_slots: list[str]
    explanation: str
    model: str

    def garments(self) -> list[SeenItem]:
        return unique_items([SeenItem.from_card(i) for i in self.items])

    def to_text(self) -> str:
        names = ", ".join(f"{i.get('title')} [{i.get('id')}]" for i in self.items)
        lines = [f"{names}: {self.verdict} (compatibility {self.score:.2f})."]
        if self.explanation:
            lines.append(self.explanation)
        if self.missing_slots and "Missing:" not in self.explanation:
            lines.append("Missing: " + ", ".join(self.missing_slots) + ".")
        return "\n".join(lines)


class OutfitRequest(BaseModel):
    brief: str = ""
    budget: float | None = Field(None, gt=0)
    gender: Gender | None = None
    anchors: list[str] = Field(default_factory=list)
    k: int = Field(3, ge=1, le=10)
    extras: list[Slot] | None = None
    user_id: str | None = None
    sizes: dict[str, str] = Field(default_factory=dict)
    """The user's sizes by category (the profile's): garments in them are preferred."""


class OutfitItem(BaseModel):
    id: str
    title: str
    slot: Slot
    price: float | None
    colours: list[str]
    anchor: bool = False
    relevance: float = 0.0
    owned: bool = False
    """From the user's wardrobe (id ``owned-<entry>``; price 0: already paid for)."""


class AssembledOutfit(BaseModel):
    items: list[OutfitItem]
    total_price: float
    compatibility: float = Field(description="0-1, from the learned model.")
    relevance: float
    objective: float
    weakest_pair: PairReport | None
    explanation: str
    reasons: list[str] = Field(
        default_factory=list,
        description="Why it works: palette, formality, weather, the model's pairing, budget.",
    )
    watch: str | None = Field(None, description="The one thing to watch, if any.")


class SlotAlternatives(BaseModel):
    slot: Slot
    items: list[OutfitItem]


class BuildResult(ToolOutput):
    brief: ParsedBrief
    outfits: list[AssembledOutfit]
    alternatives: list[SlotAlternatives] = Field(description="Swaps per slot for the first outfit.")
    notes: list[str] = Field(
        default_factory=list, description="Constraints that were relaxed, slots left out."
    )
    question: str | None = Field(
        None, description="Asked instead of building: who the outfit is for, when nothing says."
    )

    def garments(self) -> list[SeenItem]:
        items = [i for o in self.outfits for i in o.items] + [i for a in self.alternatives for i in a.items]
        return unique_items([SeenItem.from_card(i.model_dump(mode="json")) for i in items])

    def to_text(self) -> str:
        """Markdown: a bold heading per outfit, its items as a list, the reasons a paragraph of their own."""
        if self.question:
            return self.question
        if not self.outfits:
            notes = " ".join(self.notes)
            return f"I could not put an outfit together from the catalogue. {notes}".strip()
        blocks: list[str] = []
        said_why: dict[str, int] = {}  # reason → the first outfit that gave it
        said_watch: dict[str, int] = {}
        for n, outfit in enumerate(self.outfits, 1):
            unpriced = any(i.price is None for i in outfit.items)  # a catalogue without prices
            total = "price not given" if unpriced else f"{money(outfit.total_price)} in all"
            blocks.append(f"**Outfit {n}** — {total}, compatibility {outfit.compatibility:.2f}")
            lines = []
            for item in outfit.items:
                said = [money(item.price)] if item.price is not None else []
                said += ["/".join(item.colours[:2])] if item.colours else []
                detail = f" — {', '.join(said)}" if said else ""
                lines.append(f"- {md_escape(item.title)} [{item.id}]{detail} ({item.slot})")
            blocks.append("\n".join(lines))
            why = _unsaid(outfit.reasons or [outfit.explanation], said_why, n, "reasons")
            if why:
                blocks.append(f"*Why:* {why}")
            watch = _unsaid([outfit.watch] if outfit.watch else [], said_watch, n, "warning")
            if watch:
                blocks.append(f"*Watch:* {watch}")
        if self.notes:
            blocks.append("Notes:\n\n" + "\n".join(f"- {md_escape(n)}" for n in self.notes))
        return "\n\n".join(blocks)


def _unsaid(parts: list[str], said: dict[str, int], n: int, what: str) -> str:
    """Outfit ``n``'s reasons (or warning) without those an earlier outfit gave, and a pointer to that
    outfit instead: the answer drops a sentence it already said, which left an empty *Why:* when
    outfits shared every reason."""
    new = [p for p in parts if p and p not in said]
    earlier = sorted({said[p] for p in parts if p in said})
    for part in new:
        said[part] = n
    text = md_escape(" ".join(new))
    if earlier:  # the outfit's own number keeps the pointer itself from reading as a repeat
        others = " and ".join(f"outfit {k}" for k in earlier)
        text = (
            f"{text} Outfit {n} otherwise has the {what} of {others}."
            if text
            else f"Outfit {n}: as {others}."
        )
    return text


def md_escape(text: str) -> str:
    """Text that Markdown shows as written: emphasis and code marks escaped, one line."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"([\\`*_])", r"\\\1", text)
