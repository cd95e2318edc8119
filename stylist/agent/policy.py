"""How a turn adapts to its backend: one frozen ``Policy``, decided once from the settings.

The packaged 0.5B model on a laptop CPU and a served or GPU model want different turns: on CPU
every prompt token costs tens of milliseconds and the small model rarely fixes its own mistakes,
so the router answers what it can, the prompts are lean and the results come first. Each
``llm.*`` setting left at ``None`` takes its backend default here, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from stylist.config import LLMSettings

SELECTION_MAX_TOKENS = 200
"""Token budget of a selection step (one or two tool calls as JSON); a model that rambles
instead stops early and the router takes over."""
COMMENT_MAX_TOKENS = 64
"""The model's comment after the results lead: two sentences (about 6 s at 10 tokens/s). Greedy small models
otherwise run on to ``max_tokens`` (measured: 512 tokens, a minute on 2 cores, one sentence
repeated)."""

#: Backends whose tool calls are decoded in this process (a grammar can force a valid call).
LOCAL_BACKENDS = ("embedded", "transformers")
#: Backends that pay off from another selection step after a successful one.
CHAINING_BACKENDS = ("openai", "transformers")


@dataclass(frozen=True)
class Policy:
    """The backend-dependent choices of the turn (see ``LLMSettings`` for each knob)."""

    backend: str
    chain: bool
    """Another selection step after a successful one (search, then build an outfit from the
    hits). The 0.5B default only repeats itself, so there a new step only retries a failed call."""
    bound_tools: int | None
    """Tools bound for selection (the router's best matches first); ``None``: all of them."""
    force_call: bool
    """A first selection step whose message the router links to some tool must call a tool
    (``tool_choice="required"``): on llama.cpp the call is decoded under the grammar of the
    tools' JSON schemas, so it is valid by construction."""
    pick_tool: bool
    """The first selection step asks the model for the tool's name only; the tool's extractor
    reads the arguments (``stylist.agent.pick``)."""
    router_first: bool
    """Use the router's call without asking the model when its keywords are unambiguous."""
    small_talk: bool
    """Answer greetings and thanks from the template, without a tool or a model call."""
    repair: bool
    """Show an invalid call's validation error to the model once; otherwise the router's call."""
    answer_items: int
    """Garments per tool result in the answer prompt."""
    lean_cards: bool
    """Garments in the answer prompt as id, title, price and colours only."""
    lead_with_results: bool
    """Stream the found garments from the template first, then the model's comment."""
    selection_max_tokens: int
    comment_max_tokens: int
    """Cap on the model's comment after the results lead."""

    @classmethod
    def for_backend(cls, settings: LLMSettings, backend: str | None = None) -> Policy:
        """The policy for ``backend`` (default ``settings.backend``), with the settings' overrides."""
        backend = backend or settings.backend
        cpu = backend == "embedded"
        router_first = _pick(settings.router_first, cpu)
        return cls(
            backend=backend,
            chain=backend in CHAINING_BACKENDS,
            # the model sees every tool (compact descriptions on embedded) unless limited
            bound_tools=settings.selection_tools,
            force_call=backend in LOCAL_BACKENDS,
            pick_tool=_pick(settings.pick_tool, cpu),
            router_first=router_first,
            small_talk=router_first,
            # a second selection call costs as much as the first on CPU, and the 0.5B model
            # rarely fixes its call: there an invalid call goes straight to the router
            repair=_pick(settings.repair_calls, not cpu),
            answer_items=settings.answer_items or (3 if cpu else 5),
            lean_cards=_pick(settings.lean_cards, cpu),
            lead_with_results=_pick(settings.lead_with_results, cpu),
            selection_max_tokens=min(SELECTION_MAX_TOKENS, settings.max_tokens),
            comment_max_tokens=min(COMMENT_MAX_TOKENS, settings.max_tokens),
        )


def _pick(setting: bool | None, default: bool) -> bool:
    return default if setting is None else setting
