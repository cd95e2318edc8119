"""What a turn works on: the conversation so far (``TurnContext``) and its tool calls (``Call``)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from stylist.agent.context import compact, delimit
from stylist.agent.items import SeenItem, Turn
from stylist.events import ToolCallRecord


@dataclass
class TurnContext:
    """What the agent knows of the conversation before this turn."""

    conversation_id: str
    user_id: str
    turns: list[Turn] = field(default_factory=list)
    known: dict[str, SeenItem] = field(default_factory=dict)
    """Items returned by tools in earlier turns (the answer may name them again)."""
    last_call: tuple[str, dict[str, Any]] | None = None
    seen: list[SeenItem] = field(default_factory=list)
    """Filled by the agent: every item this turn's tools returned (stored for later turns)."""
    system: str | None = None
    """The client's own instructions (an API caller's system prompt), added to the agent's."""
    generation: dict[str, Any] = field(default_factory=dict)
    """Per-turn options of the answer step the client asked for (``max_tokens``, ``temperature``,
    ``stop``), bound to the chat model."""

    def system_prompt(self, agent_prompt: str) -> str:
        """The agent's system prompt followed by the client's instructions, when there are any."""
        return f"{agent_prompt}\n\nThe client's instructions:\n{self.system}" if self.system else agent_prompt

    def remember(self, calls: list[Call]) -> dict[str, SeenItem]:
        """Add the items of ``calls`` to ``seen``; every item the answer may name, by id."""
        known = dict(self.known)
        for call in calls:
            for item in call.items:
                known[item.id] = item
                if item.id not in {s.id for s in self.seen}:
                    self.seen.append(item)
        return known


@dataclass
class Call:
    """A validated tool call and, once run, its outcome."""

    name: str
    arguments: dict[str, Any]
    source: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    ok: bool = False
    error: str | None = None
    duration_s: float = 0.0
    result: BaseModel | None = None
    items: list[SeenItem] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    """(path, caption) of pictures the tool made (see ``stylist.agent.images``)."""

    def key(self) -> str:
        return self.name + json.dumps(self.arguments, sort_keys=True, default=str)

    def record(self) -> ToolCallRecord:
        return ToolCallRecord(
            name=self.name,
            arguments=self.arguments,
            duration_s=round(self.duration_s, 4),
            ok=self.ok,
            error=self.error,
        )

    def observation(self, k: int = 5, lean: bool = False) -> str:
        """The outcome as the model reads it: a delimited, compact result or the error."""
        if not self.ok:
            return delimit(self.name, {"error": self.error})
        return delimit(self.name, compact(self.result, k=k, lean=lean))
