"""Conversations in the SQL store, so a chat survives a restart and any replica can continue it.

Each conversation has a user, a title (its first message) and ordered messages. An assistant
message keeps the items it named, the tool calls it made and the items its tools returned
(``seen``): the next turn grounds against them and follow-ups ("cheaper") reuse the last call.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from stylist.agent.items import SeenItem, Turn
from stylist.db import Base, Database
from stylist.errors import StylistError
from stylist.events import DEFAULT_USER, ChatReply, ConversationSummary, HistoryMessage, ItemRef

#: How many earlier tool-result items a turn may ground against (the most recent ones).
KNOWN_ITEMS_LIMIT = 60


class ConversationNotFoundError(StylistError):
    """A conversation id that is not stored."""

    def __init__(self, conversation_id: str) -> None:
        super().__init__(
            f"no conversation with id {conversation_id!r}", hint="`stylist conversations` lists them"
        )
        self.conversation_id = conversation_id


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class MessageRow(Base):
    __tablename__ = "conversation_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    seen: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite returns naive datetimes
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, user_id: str | None = None, title: str = "", conversation_id: str | None = None) -> str:
        """A new conversation; ``conversation_id`` lets a client (the HTTP API) choose its id."""
        cid = conversation_id or uuid.uuid4().hex[:16]
        now = _now()
        with self.db.session() as s:
            s.add(
                ConversationRow(
                    id=cid, user_id=user_id or DEFAULT_USER, title=title[:200], created_at=now, updated_at=now
                )
            )
        return cid

    def user_of(self, conversation_id: str) -> str:
        with self.db.session() as s:
            row = s.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFoundError(conversation_id)
            return row.user_id

    def add_turn(self, conversation_id: str, user_text: str, reply: ChatReply, seen: list[SeenItem]) -> None:
        now = _now()
        with self.db.session() as s:
            row = s.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFoundError(conversation_id)
            if not row.title:
                row.title = " ".join(user_text.split())[:80]
            row.updated_at = now
            s.add(
                MessageRow(
                    conversation_id=conversation_id,
                    role="user",
                    text=user_text,
                    items=[],
                    tool_calls=[],
                    seen=[],
                    created_at=now,
                )
            )
            s.add(
                MessageRow(
                    conversation_id=conversation_id,
                    role="assistant",
                    text=reply.text,
                    items=[i.model_dump(mode="json") for i in reply.items],
                    tool_calls=[c.model_dump(mode="json") for c in reply.tool_calls],
                    seen=[i.to_dict() for i in seen[:20]],
                    created_at=now,
                )
            )

    def summaries(self, user_id: str | None = None) -> list[ConversationSummary]:
        """Conversations, most recent first (all users when ``user_id`` is None)."""
        with self.db.session() as s:
            counts = (
                select(MessageRow.conversation_id, func.count().label("n"))
                .where(MessageRow.role == "user")
                .group_by(MessageRow.conversation_id)
                .subquery()
            )
            query = select(ConversationRow, counts.c.n).outerjoin(
                counts, counts.c.conversation_id == ConversationRow.id
            )
            if user_id is not None:
                query = query.where(ConversationRow.user_id == user_id)
            rows = s.execute(query.order_by(ConversationRow.updated_at.desc())).all()
            return [
                ConversationSummary(
                    id=r.id,
                    title=r.title or "(empty)",
                    user_id=r.user_id,
                    updated_at=_iso(r.updated_at),
                    turns=int(n or 0),
                )
                for r, n in rows
            ]

    def _messages(self, conversation_id: str) -> list[MessageRow]:
        with self.db.session() as s:
            if s.get(ConversationRow, conversation_id) is None:
                raise ConversationNotFoundError(conversation_id)
            return list(
                s.scalars(
                    select(MessageRow)
                    .where(MessageRow.conversation_id == conversation_id)
                    .order_by(MessageRow.id)
                )
            )

    def history(self, conversation_id: str) -> list[HistoryMessage]:
        return [
            HistoryMessage(
                role=m.role,
                text=m.text,
                items=[ItemRef.model_validate(i) for i in m.items or []],
                created_at=_iso(m.created_at),
            )
            for m in self._messages(conversation_id)
        ]

    def context(
        self, conversation_id: str
    ) -> tuple[list[Turn], dict[str, SeenItem], tuple[str, dict[str, Any]] | None]:
        """(turns, items earlier tools returned, the last successful tool call) for the agent."""
        turns: list[Turn] = []
        known: dict[str, SeenItem] = {}
        last_call: tuple[str, dict[str, Any]] | None = None
        pending_user: str | None = None
        for m in self._messages(conversation_id):
            if m.role == "user":
                pending_user = m.text
                continue
            shown = [SeenItem.from_dict(i) for i in m.items or []]
            turns.append(Turn(user=pending_user or "", assistant=m.text, items=shown))
            pending_user = None
            for data in m.seen or []:
                item = SeenItem.from_dict(data)
                known.pop(item.id, None)
                known[item.id] = item
            for call in m.tool_calls or []:
                if call.get("ok"):
                    last_call = (call["name"], dict(call.get("arguments") or {}))
        if len(known) > KNOWN_ITEMS_LIMIT:
            known = dict(list(known.items())[-KNOWN_ITEMS_LIMIT:])
        return turns, known, last_call
