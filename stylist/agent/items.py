"""Light records of what a conversation has shown (no LangChain import: the SQL store uses them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from stylist.tools.output import SeenItem

__all__ = ["SeenItem", "Turn"]


@dataclass
class Turn:
    """One stored exchange, as the agent needs it for context."""

    user: str
    assistant: str
    items: list[SeenItem] = field(default_factory=list)
