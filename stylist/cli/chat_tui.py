"""``stylist chat``: the Textual app on the ``Stylist`` facade."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from stylist.cli.common import state
from stylist.errors import MissingDependencyError, StylistError

BACKENDS = ("embedded", "transformers", "openai", "none")
GRAPHICS = ("auto", "halfcell")


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)


def chat(
    ctx: typer.Context,
    conversation: Annotated[
        str | None,
        typer.Option(
            "--conversation",
            "-C",
            help="Resume this conversation (its id is in the status bar; Ctrl+R lists them).",
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", "-u", help="User id (profiles and conversations are per user).")
    ] = None,
    llm: Annotated[
        str | None,
        typer.Option("--llm", help="LLM backend: embedded, transformers, openai or none (rule router)."),
    ] = None,
    graphics: Annotated[
        str,
        typer.Option(
            "--graphics", help="Thumbnails: auto (best the terminal supports) or halfcell (any terminal)."
        ),
    ] = "auto",
) -> None:
    """Open the stylist in the terminal: streamed answers, garment cards, profile, trends, history."""
    if llm is not None and llm not in BACKENDS:
        raise StylistError(f"--llm {llm!r} is not a backend", hint=f"choose one of: {', '.join(BACKENDS)}")
    if graphics not in GRAPHICS:
        raise StylistError(
            f"--graphics {graphics!r} is not a mode", hint=f"choose one of: {', '.join(GRAPHICS)}"
        )
    try:
        import textual  # noqa: F401
        import textual_image.widget  # noqa: F401  (probes the terminal before the app starts)
    except ImportError as exc:
        raise MissingDependencyError(exc.name or "textual", "tui", purpose="stylist chat") from None
    from stylist.tui.app import create_app

    app = create_app(_stylist(ctx, llm), user_id=user, conversation_id=conversation, graphics=graphics)  # type: ignore[arg-type]
    app.run()


def _stylist(ctx: typer.Context, llm: str | None) -> Any:
    cli = state(ctx)
    if llm is not None:
        cli.override("llm.backend", llm)
    try:
        from stylist.facade import Stylist
    except ImportError:
        raise StylistError(
            "the Stylist facade (stylist/facade.py) is not part of this build",
            hint="update to a build with the agent",
        ) from None
    return Stylist(cli.runtime)
