"""Slash commands typed in the chat input, and their completion."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from textual.suggester import Suggester

from stylist.errors import StylistError


@dataclass(frozen=True)
class SlashCommand:
    name: str
    usage: str
    help: str


SLASH_COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand(
        "/design", "/design DESCRIPTION", "generate garment designs (e.g. /design olive linen dress)"
    ),
    SlashCommand("/trends", "/trends", "open the trends screen"),
    SlashCommand("/profile", "/profile", "open your profile: preferences, sizes, wardrobe"),
    SlashCommand("/history", "/history", "open past conversations to resume one"),
    SlashCommand("/new", "/new", "start a new conversation"),
    SlashCommand("/export", "/export [FILE]", "save this conversation as Markdown"),
    SlashCommand("/help", "/help", "show keys and commands"),
)
NAMES = tuple(c.name for c in SLASH_COMMANDS)


def matching(prefix: str) -> list[SlashCommand]:
    """Commands whose name starts with ``prefix`` (the text typed so far, with its slash)."""
    word = prefix.split(" ", 1)[0].lower()
    if not word.startswith("/") or " " in prefix:
        return []
    return [c for c in SLASH_COMMANDS if c.name.startswith(word)]


def parse(text: str) -> tuple[str, str] | None:
    """``("/name", "argument")`` for a slash command, ``None`` for a chat message.

    Raises ``StylistError`` naming the unknown command and the nearest known one.
    """
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return None
    name, _, argument = stripped.partition(" ")
    name = name.lower()
    if name not in NAMES:
        close = difflib.get_close_matches(name, NAMES, n=1)
        hint = f"did you mean {close[0]}?" if close else "type /help for the list"
        raise StylistError(f"unknown command {name!r}", hint=hint)
    return name, argument.strip()


class SlashSuggester(Suggester):
    """Suggests the first slash command that starts with what was typed."""

    def __init__(self) -> None:
        super().__init__(use_cache=True, case_sensitive=False)

    async def get_suggestion(self, value: str) -> str | None:
        found = matching(value)
        return found[0].name if found else None
