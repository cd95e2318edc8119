"""What a tool returns, as the agent and the front ends need it.

Every tool's output model subclasses :class:`ToolOutput` and says itself which catalogue garments
it holds (``garments()``), which pictures it drew (``pictures()``), which catalogue ids it refers to
without their details (``catalogue_ids()``) and how it reads as plain text (``to_text()``). Nobody
guesses these from field names. (The methods are not called ``items`` and ``images``: outputs
have fields of those names.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel

from stylist.index.schema import Garment


@dataclass
class SeenItem:
    """A garment that a tool returned in this conversation (what the answer may name)."""

    id: str
    title: str
    price: float | None = None
    currency: str = "USD"
    colours: list[str] = field(default_factory=list)
    slot: str | None = None
    image_path: str | None = None
    reason: str | None = None

    @classmethod
    def from_garment(cls, g: Garment, reason: str | None = None) -> SeenItem:
        return cls(
            id=g.id,
            title=g.title,
            price=g.price,
            currency=g.currency,
            colours=list(g.colours),
            slot=g.slot.value,
            image_path=g.image_path,
            reason=reason,
        )

    @classmethod
    def from_card(cls, data: dict[str, Any]) -> SeenItem:
        """From a tool's own garment summary (``Garment.summary()``, an outfit item's dump)."""
        price, colours, slot = data.get("price"), data.get("colours"), data.get("slot")
        return cls(
            id=data["id"],
            title=data["title"],
            price=float(price) if isinstance(price, (int, float)) else None,
            currency=str(data.get("currency") or "USD"),
            colours=list(colours) if isinstance(colours, list) else [],
            slot=str(slot) if slot else None,
            image_path=data.get("image_path"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], "")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SeenItem:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def unique_items(items: list[SeenItem]) -> list[SeenItem]:
    """``items`` without repeated ids, first kept."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


def money(value: float | None) -> str:
    """ "$1,234.50", "$80"; empty for no price."""
    return "" if value is None else f"${value:,.2f}".removesuffix(".00")


class ToolOutput(BaseModel):
    """Base of every tool's output model."""

    lists_garments: ClassVar[bool] = False
    """True when the answer to this output is the garments it found, listed by the agent with the
    request's constraints (a search); False when ``to_text()`` is the answer (an outfit, a score)."""

    def garments(self) -> list[SeenItem]:
        """The catalogue garments in this result, in order, each once (what an answer may name)."""
        return []

    def pictures(self) -> list[tuple[str, str]]:
        """(absolute PNG path, caption) of each picture the tool drew, shown in the chat reply."""
        return []

    def catalogue_ids(self) -> list[str]:
        """Catalogue ids this result refers to without their details (feedback events, wardrobe
        entries): they were checked when stored, so an answer may name those garments."""
        return []

    def to_text(self) -> str:
        """The result as a plain answer. Garments are written with their ids so grounding can
        check each line. The default lists the fields, lists cut to five entries."""
        data = _short(self.model_dump(mode="json"))
        lines = [f"{key}: {_plain(value)}" for key, value in data.items()]
        return "\n".join(lines)[:1200]


def _short(value: Any, k: int = 5) -> Any:
    if isinstance(value, dict):
        return {key: _short(v, k) for key, v in value.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_short(v, k) for v in value[:k]]
    return value


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def image_pairs(paths: list[str], captions: list[str]) -> list[tuple[str, str]]:
    """(path, caption) pairs for ``paths`` in order, without repeats; a missing caption is empty."""
    out: list[tuple[str, str]] = []
    for i, path in enumerate(paths):
        if path and path not in {p for p, _ in out}:
            out.append((path, captions[i] if i < len(captions) else ""))
    return out
