"""``stylist ask`` (one turn, streamed), ``stylist conversations`` and ``stylist history``.
(``stylist chat``, the Textual app, is in chat_tui.py.)"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from stylist.cli.common import JSON_OPTION, console, err_console, print_json, state
from stylist.errors import StylistError
from stylist.events import Done, Error, Token, ToolFinished, ToolStarted

LLM_OPTION = typer.Option(
    "--llm", help="LLM backend for this command: embedded, transformers, openai or none (rule router)."
)
CONVERSATION_OPTION = typer.Option(
    "--conversation", "-C", help="Continue this conversation (id from `stylist conversations`)."
)
USER_OPTION = typer.Option("--user", "-u", help="User id (profiles and conversations are per user).")
BACKENDS = ("embedded", "transformers", "openai", "none")


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
    app.command("conversations")(list_conversations)
    app.command("history")(show_history)


def _stylist(ctx: typer.Context, llm: str | None) -> Any:
    from stylist.facade import Stylist

    cli = state(ctx)
    if llm is not None:
        if llm not in BACKENDS:
            raise StylistError(
                f"--llm {llm!r} is not a backend", hint=f"choose one of: {', '.join(BACKENDS)}"
            )
        cli.override("llm.backend", llm)
    return Stylist(cli.runtime)


def ask(
    ctx: typer.Context,
    message: Annotated[str, typer.Argument(help="What you want, in your words.")],
    conversation: Annotated[str | None, CONVERSATION_OPTION] = None,
    user: Annotated[str | None, USER_OPTION] = None,
    llm: Annotated[str | None, LLM_OPTION] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Ask the stylist one question; the answer streams, then the garments it named are listed."""
    stylist = _stylist(ctx, llm)
    reply = None
    for event in stylist.stream(message, conversation_id=conversation, user_id=user):
        if isinstance(event, Error):
            raise StylistError(event.message)
        if isinstance(event, Done):
            reply = event.reply
        elif not as_json:
            if isinstance(event, Token):
                sys.stdout.write(event.text)
                sys.stdout.flush()
            elif isinstance(event, ToolStarted):
                err_console.print(f"[dim]→ {event.name} {_short(event.arguments)}[/]", highlight=False)
            elif isinstance(event, ToolFinished) and not event.ok:
                err_console.print(f"[yellow]  {event.name} failed: {event.error}[/]", highlight=False)
    if reply is None:  # pragma: no cover - the stream always ends with Done or Error
        raise StylistError("the stylist ended without a reply")
    if as_json:
        print_json(
            {
                "answer": reply.text,
                "items": [{"id": i.id, "title": i.title, "price": i.price} for i in reply.items],
                "tool_calls": [c.model_dump(mode="json") for c in reply.tool_calls],
                "backend": reply.backend,
                "timings": reply.timings.model_dump(mode="json"),
                "conversation_id": reply.conversation_id,
                "grounding": reply.metadata.get("grounding"),
                "chosen_by": reply.metadata.get("chosen_by"),
                "route": reply.metadata.get("route"),
            }
        )
        return
    sys.stdout.write("\n")
    _print_items(reply)
    if reply.metadata.get("llm_unavailable"):
        err_console.print(
            f"[yellow]note:[/] answered by the rule router: {reply.metadata['llm_unavailable']}",
            highlight=False,
        )
    err_console.print(
        f"[dim]conversation {reply.conversation_id} · {reply.backend} · {reply.timings.total_s:.1f}s[/]",
        highlight=False,
    )


def _short(arguments: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v}" for k, v in arguments.items())
    return text if len(text) <= 100 else text[:99] + "…"


def _print_items(reply: Any) -> None:
    if not reply.items:
        return
    table = Table("id", "title", "price", "slot")
    for item in reply.items:
        price = f"{item.price:.2f} {item.currency}" if item.price is not None else ""
        table.add_row(item.id, item.title, price, item.slot or "")
    console.print(table)


def list_conversations(
    ctx: typer.Context,
    user: Annotated[str | None, USER_OPTION] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List stored conversations, most recent first."""
    from stylist.facade import Stylist

    items = Stylist(state(ctx).runtime).conversations(user)
    if as_json:
        print_json(items)
        return
    table = Table("id", "title", "user", "turns", "updated")
    for c in items:
        table.add_row(c.id, c.title, c.user_id, str(c.turns), c.updated_at)
    console.print(table)


def show_history(
    ctx: typer.Context,
    conversation: Annotated[str, typer.Argument(help="Conversation id.")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Print one conversation's messages."""
    from stylist.facade import Stylist

    messages = Stylist(state(ctx).runtime).history(conversation)
    if as_json:
        print_json(messages)
        return
    for m in messages:
        console.print(f"[bold]{m.role}[/] [dim]{m.created_at}[/]", highlight=False)
        console.print(m.text, markup=False, highlight=False)
        for item in m.items:
            console.print(f"  • {item.id} {item.title}", markup=False, highlight=False)
