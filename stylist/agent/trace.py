"""``TurnTrace``: the typed record of how one turn went.

Every step writes to it; the reply's ``metadata`` and ``timings`` are derived from it once, at the
end. The metadata keys are what the CLI's ``--json``, the servers, the TUI and the benchmarks read:
``route``, ``chosen_by``, ``sources``, ``grounding``, ``tokens``, ``tokens_per_s``, ``first_model_token_s``,
``lead``, ``answer`` … A flag that never fired is left out (``"lead" not in metadata``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from stylist.agent.grounding import GroundingReport
from stylist.events import Timings


@dataclass
class TurnTrace:
    """What happened in a turn, with its clock (``time.perf_counter`` seconds)."""

    started: float = field(default_factory=time.perf_counter)
    timeout_s: float = float("inf")
    route: list[str] = field(default_factory=list)
    """Selection steps: ``model``, ``repair``, ``router:confident``, ``router:fallback`` …"""
    sources: list[str] = field(default_factory=list)
    """Where each call came from, in order (``model``, ``router``, ``relaxed`` …)."""
    small_talk: str | None = None
    """The small-talk kind the router recognised (``hello``, ``thanks`` …)."""
    selection_error: str | None = None
    lead: bool = False
    """The found garments were streamed before the model's comment."""
    comment_skipped: bool = False
    """The results lead named no garment, so the model added no comment."""
    template_answer: bool = False
    answer_error: str | None = None
    appended_items: bool = False
    """The model named no garment, so the found ones were listed after its answer."""
    regenerated: bool = False
    repetition_stopped: bool = False
    answer_truncated: bool = False
    echo_lines: int = 0
    """Lines that repeated the prompt's raw data, dropped."""
    echo_sentences: int = 0
    """Sentences of the model's answer that only repeated the request, dropped."""
    tokens: int = 0
    """Streamed answer chunks (one chunk is one token on every backend we ship)."""
    first_chunk: float | None = None
    last_chunk: float | None = None
    first_text: float | None = None
    """When the first text of the answer went out."""
    grounding: GroundingReport | None = None
    model_queue_s: float = 0.0
    """Seconds model calls waited for a model worker (they count against the turn's deadline)."""
    tool_queue_s: float = 0.0
    """Seconds tool calls waited for a tool worker (they count against the turn's deadline too)."""

    @property
    def chosen_by(self) -> str | None:
        """Who chose the turn's first calls: ``model``, ``router`` (it answered first, without the
        model) or ``router-fallback`` (the model failed, chose nothing or chose wrongly);
        ``None`` when no tool was chosen."""
        for step in self.route:
            if step == "model":
                return "model"
            if step in ("router:fallback", "router:model-chose-none", "router:model-failed"):
                return "router-fallback"
            if step in ("router", "router:confident", "router:followup"):
                return "router"
        return None

    @property
    def deadline(self) -> float:
        return self.started + self.timeout_s

    def expired(self) -> bool:
        return time.perf_counter() > self.deadline

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def chunk(self) -> None:
        """Count one streamed model token."""
        now = time.perf_counter()
        self.tokens += 1
        if self.first_chunk is None:
            self.first_chunk = now
        self.last_chunk = now

    def text_sent(self) -> None:
        if self.first_text is None:
            self.first_text = time.perf_counter()

    def timings(self) -> Timings:
        first = self.first_text
        return Timings(
            first_token_s=round(first - self.started, 4) if first is not None else None,
            total_s=round(time.perf_counter() - self.started, 4),
        )

    def metadata(self) -> dict[str, Any]:
        """The reply's ``metadata``: set values only, under the keys readers know."""
        meta: dict[str, Any] = {"route": list(self.route)}
        flags = {
            "chosen_by": self.chosen_by,
            "small_talk": self.small_talk,
            "selection_error": self.selection_error,
            "lead": self.lead or None,
            "answer_error": self.answer_error,
            "answer": "template" if self.template_answer else None,
            "comment_skipped": self.comment_skipped or None,
            "appended_items": self.appended_items or None,
            "regenerated": self.regenerated or None,
            "repetition_stopped": self.repetition_stopped or None,
            "answer_truncated": self.answer_truncated or None,
            "echo_lines": self.echo_lines or None,
            "echo_sentences": self.echo_sentences or None,
            "tokens": self.tokens or None,
            "model_queue_s": round(self.model_queue_s, 3) if self.model_queue_s >= 0.001 else None,
            "tool_queue_s": round(self.tool_queue_s, 3) if self.tool_queue_s >= 0.001 else None,
        }
        meta.update({k: v for k, v in flags.items() if v is not None})
        if self.grounding is not None:
            report = self.grounding
            meta["grounding"] = {
                "rate": round(report.rate, 4),
                "grounded": len(report.grounded),
                "invented": len(report.invented),
                "removed_lines": report.removed_lines,
                "price_fixes": report.price_fixes,
                "colour_fixes": report.colour_fixes,
            }
        if self.first_chunk is not None:
            meta["first_model_token_s"] = round(self.first_chunk - self.started, 4)
            if self.tokens > 1 and self.last_chunk is not None and self.last_chunk > self.first_chunk:
                meta["tokens_per_s"] = round((self.tokens - 1) / (self.last_chunk - self.first_chunk), 2)
        meta["sources"] = list(self.sources)
        return meta
