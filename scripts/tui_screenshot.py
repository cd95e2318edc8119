"""Save an SVG screenshot of a real conversation in ``stylist chat`` (the README's picture).

    STYLIST_HOME=/tmp/stylist-shot .venv/bin/python scripts/tui_screenshot.py --llm embedded

Runs the app headless on the real ``Stylist`` facade (settings from the usual config, file and
environment), sends one message, waits for the whole answer and writes the screen as SVG.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

MESSAGE = "what do I wear to a summer wedding? I like earthy colours, budget 200"


async def shoot(args: argparse.Namespace) -> Path:
    from stylist.facade import Stylist
    from stylist.tui.app import create_app
    from stylist.tui.widgets.chat_input import ChatInput

    overrides: dict = {"llm": {"backend": args.llm}}
    if args.demo_size:
        overrides["index"] = {"demo_size": args.demo_size}
    stylist = Stylist.from_config(**overrides)
    print(f"catalogue: {len(stylist.runtime.catalogue_index)} garments", file=sys.stderr)
    width, height = (int(n) for n in args.size.lower().split("x"))
    app = create_app(stylist, graphics="halfcell")
    async with app.run_test(size=(width, height)) as pilot:
        chat_input = app.chat.query_one(ChatInput)
        chat_input.cursor_blink = False
        chat_input.value = args.message
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await app.chat.workers.wait_for_complete()
        await pilot.pause(0.5)
        turn = app.chat.query("AssistantMessage").last()
        if turn.error:
            raise SystemExit(f"the turn failed: {turn.error}")
        turn.trace.collapsed = False
        app.clear_notifications()
        await pilot.pause(0.3)
        conversation = app.chat.query_one("#conversation")
        conversation.anchor(False)
        conversation.scroll_home(animate=False, immediate=True)
        await pilot.pause(0.3)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        app.save_screenshot(filename=args.out.name, path=str(args.out.parent))
    return args.out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--llm", default="embedded", help="LLM backend (embedded, transformers, openai, none)"
    )
    parser.add_argument("--message", default=MESSAGE)
    parser.add_argument("--size", default="110x40", help="terminal size, WIDTHxHEIGHT")
    parser.add_argument(
        "--demo-size", type=int, default=0, help="demo catalogue size (0: the configured one)"
    )
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot.svg"))
    print(asyncio.run(shoot(parser.parse_args())))


if __name__ == "__main__":
    main()
