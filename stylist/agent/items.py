"""Light records of what a conversation has shown (no LangChain import: the SQL store uses them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], "")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SeenItem:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class Turn:
    """One stored exchange, as the agent needs it for context."""

    user: str
    assistant: str
    items: list[SeenItem] = field(default_factory=list)
