"""``Stylist``: the one object the CLI, the TUI and the servers talk to.

    stylist = Stylist.from_config(llm={"backend": "none"})
    reply = stylist.chat("a linen shirt for a summer wedding under $80")
    for event in stylist.stream("something cheaper", conversation_id=reply.conversation_id): ...

``stream`` yields typed events (stylist/events.py) and always ends with ``Done`` or ``Error``;
model and tool failures never raise out of it. Conversations live in the SQL store.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stylist.config import load_settings
from stylist.errors import ModelUnavailableError, ProfileError, StylistError
from stylist.events import (
    DEFAULT_USER,
    ChatEvent,
    ChatReply,
    ConversationSummary,
    Done,
    Error,
    FeedbackKind,
    HistoryMessage,
    StylistInfo,
)
from stylist.runtime import Runtime

if TYPE_CHECKING:
    from stylist.agent.loop import Agent
    from stylist.conversations import ConversationStore
    from stylist.tools.registry import ToolRegistry

log = logging.getLogger(__name__)

DEFAULT_MODELS = {
    "embedded": "qwen2.5-coder-0.5b-instruct-q4_k_m",
    "transformers": "(set llm.model)",
    "openai": "(set llm.model)",
    "none": "rule router",
}


class Stylist:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._registry: ToolRegistry | None = None
        self._store: ConversationStore | None = None
        self._agent: Agent | None = None

    @classmethod
    def from_config(cls, config_file: str | Path | None = None, **overrides: Any) -> Stylist:
        """A Stylist on settings from ``config_file``, the environment and ``overrides``."""
        return cls(Runtime(load_settings(config_file, **overrides)))

    # -- parts ----------------------------------------------------------------------------------
    @property
    def registry(self) -> ToolRegistry:
        if self._registry is None:
            from stylist.tools.registry import build_registry

            self._registry = build_registry(self.runtime)
        return self._registry

    @property
    def store(self) -> ConversationStore:
        if self._store is None:
            from stylist.conversations import ConversationStore
            from stylist.db import open_database

            self._store = ConversationStore(open_database(self.runtime.settings.database_url))
        return self._store

    @property
    def backend(self) -> str:
        return self.runtime.settings.llm.backend

    def _chat_model(self) -> Any | None:
        if self.backend == "none":
            return None
        if self.runtime.has("chat_model") or hasattr(type(self.runtime), "chat_model"):
            return (
                self.runtime.chat_model
                if hasattr(type(self.runtime), "chat_model")
                else self.runtime.service("chat_model", _no_llm)
            )
        return self.runtime.service("chat_model", _no_llm)

    def agent(self) -> Agent:
        """The turn engine (loads the chat model on first use)."""
        if self._agent is None:
            from stylist.agent.loop import Agent

            model = self._chat_model()
            self._agent = Agent(
                self.registry,
                self.runtime.settings.llm,
                model,
                backend=self.backend,
                pools=self.runtime.pools,
            )
        return self._agent

    def _router_agent(self) -> Agent:
        from stylist.agent.loop import Agent

        return Agent(self.registry, self.runtime.settings.llm, None, backend="none", pools=self.runtime.pools)

    # -- chatting ---------------------------------------------------------------------------------
    def new_conversation(self, user_id: str | None = None, conversation_id: str | None = None) -> str:
        return self.store.create(user_id or DEFAULT_USER, conversation_id=conversation_id)

    def open_conversation(self, conversation_id: str, user_id: str | None = None) -> str:
        """The conversation with this id, created for ``user_id`` when new. One that belongs to
        another user is refused as not found, so ids cannot be used to read others' chats."""
        from stylist.conversations import ConversationNotFoundError

        user = user_id or DEFAULT_USER
        try:
            owner = self.store.user_of(conversation_id)
        except ConversationNotFoundError:
            return self.new_conversation(user, conversation_id)
        if owner != user:
            raise ConversationNotFoundError(conversation_id)
        return conversation_id

    def stream(
        self,
        message: str,
        conversation_id: str | None = None,
        user_id: str | None = None,
        *,
        history: list[tuple[str, str]] | None = None,
        system: str | None = None,
        generation: dict[str, Any] | None = None,
    ) -> Iterator[ChatEvent]:
        """Events of one turn: tool started/finished, tokens, items, then ``Done`` or ``Error``.

        With ``history`` (the (user, assistant) exchanges before this message, as an API client
        sends them) the turn is stateless: nothing is read from or written to the store, and the
        reply's conversation id is a fresh one nobody can continue. ``system`` is the client's
        own instructions; ``generation`` the answer step's ``max_tokens``/``temperature``/``stop``.
        """
        from stylist.agent.items import Turn
        from stylist.agent.state import TurnContext

        try:
            message = (message or "").strip()
            self.wait_for_index()  # a first build in the background: the turn runs on the index it makes
            if not message:
                yield Error(message="the message is empty", conversation_id=conversation_id)
                return
            stateless = history is not None
            if stateless:
                conversation_id = "stateless-" + uuid.uuid4().hex[:16]
                owner = user_id or DEFAULT_USER
                turns, known, last_call = [Turn(user=u, assistant=a) for u, a in history or []], {}, None
            elif conversation_id is None:
                conversation_id = self.new_conversation(user_id)
                owner = user_id or DEFAULT_USER
                turns, known, last_call = self.store.context(conversation_id)
            else:
                owner = self.store.user_of(conversation_id)
                turns, known, last_call = self.store.context(conversation_id)
            ctx = TurnContext(
                conversation_id=conversation_id,
                user_id=owner,
                turns=turns,
                known=known,
                last_call=last_call,
                system=system or None,
                generation={k: v for k, v in (generation or {}).items() if v is not None},
            )
            note = None
            try:
                agent = self.agent()
            except StylistError as exc:  # no model: the router still answers, and says why
                log.warning("LLM backend %s unavailable: %s", self.backend, exc)
                note = str(exc)
                agent = self._router_agent()
        except StylistError as exc:
            yield Error(message=str(exc), conversation_id=conversation_id)
            return
        for event in agent.run(message, ctx):
            if isinstance(event, Done):
                if note:
                    event.reply.metadata["llm_unavailable"] = note
                if stateless:
                    yield event
                    continue
                try:
                    self.store.add_turn(conversation_id, message, event.reply, ctx.seen)
                except StylistError as exc:
                    log.error("could not store the turn of conversation %s: %s", conversation_id, exc)
                    event.reply.metadata["store_error"] = str(exc)
            yield event

    def chat(self, message: str, conversation_id: str | None = None, user_id: str | None = None) -> ChatReply:
        """One turn, returned whole. Raises ``StylistError`` when the turn cannot run at all."""
        if conversation_id is not None:
            self.store.user_of(conversation_id)  # raises ConversationNotFoundError
        for event in self.stream(message, conversation_id, user_id):
            if isinstance(event, Done):
                return event.reply
            if isinstance(event, Error):
                raise StylistError(event.message)
        raise StylistError(
            "the turn ended without a reply"
        )  # pragma: no cover - stream always ends with Done/Error

    # -- conversations, feedback, info ---------------------------------------------------------
    def conversations(self, user_id: str | None = None) -> list[ConversationSummary]:
        return self.store.summaries(user_id)

    def history(self, conversation_id: str) -> list[HistoryMessage]:
        return self.store.history(conversation_id)

    def feedback(self, item_id: str, kind: FeedbackKind, user_id: str | None = None) -> None:
        """Record a like/dislike/save/buy in the user's profile (raises ItemNotFoundError for unknown ids)."""
        if kind not in ("like", "dislike", "save", "buy"):
            raise ProfileError(f"unknown feedback kind {kind!r}", hint="use like, dislike, save or buy")
        self.runtime.catalogue_index.get(item_id)
        try:
            store = getattr(self.runtime, "profile_store", None)
        except AttributeError:
            store = None
        if store is None:
            raise ProfileError("feedback needs the profile store, which this installation does not have")
        store.record_feedback(user_id or DEFAULT_USER, item_id, kind)

    def prepare_index(self) -> bool:
        """Open the catalogue index in the background, building it first on a first run, so the
        build starts now rather than inside the first turn (``info().index`` says ``building``)."""
        start = getattr(self.runtime, "start_index_build", None)
        return bool(start()) if start is not None else False

    def wait_for_index(self) -> None:
        wait = getattr(self.runtime, "wait_for_index", None)
        if wait is not None:
            wait()

    def info(self) -> StylistInfo:
        llm = self.runtime.settings.llm
        size = None
        if self.runtime.has("catalogue_index"):
            try:
                size = len(self.runtime.catalogue_index)
            except Exception:  # an index that cannot count is not worth failing the status bar
                size = None
        model_obj = self.runtime._services.get("chat_model") if self.runtime.has("chat_model") else None
        device = getattr(model_obj, "device", None) or {"openai": "remote", "transformers": "auto"}.get(
            llm.backend, "cpu"
        )
        model = llm.model or getattr(model_obj, "model_name", None) or DEFAULT_MODELS[llm.backend]
        state = getattr(self.runtime, "index_state", None)
        return StylistInfo(
            backend=llm.backend,
            model=str(model),
            device=str(device),
            catalogue_size=size,
            index=state() if state is not None else None,
        )


def _no_llm() -> Any:
    raise ModelUnavailableError(
        "no LLM backend is available in this installation",
        hint="use --llm none (rule router), or install the LLM backends",
    )
