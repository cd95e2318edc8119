"""One real turn in the app: the real ``Stylist`` facade with the embedded model on a small demo
catalogue, then a like from a garment card that reaches the real profile store."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from tui_helpers import send, settle  # noqa: E402

from stylist.tui.app import create_app  # noqa: E402
from stylist.tui.widgets.message_view import AssistantMessage  # noqa: E402
from stylist.tui.widgets.status_bar import StatusBar  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.anyio,
    pytest.mark.filterwarnings("ignore:Image.Image.getdata:DeprecationWarning"),
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_one_real_turn_with_the_embedded_model() -> None:
    from stylist.facade import Stylist

    stylist = Stylist.from_config(
        index={"demo_size": 20},
        llm={"backend": "embedded", "max_tokens": 128, "max_steps": 2, "timeout_s": 900},
    )  # a busy machine is slow, not broken
    catalogue = stylist.runtime.catalogue_index  # built before the app, outside the turn's time budget
    replies = _record_replies(stylist)
    app = create_app(stylist, graphics="halfcell")
    async with app.run_test(size=(100, 36)) as pilot:
        # a woman: the outfit is built at once (asked without a gender, the lead is a question back
        # and the model adds no comment to it)
        await send(pilot, "what do I wear to a summer wedding? I'm a woman, earthy colours, budget 200")
        await settle(pilot)
        (turn,) = app.chat.query(AssistantMessage)
        assert turn.error is None
        assert turn.text.strip()
        (reply,) = replies
        # The model took part: it wrote the answer, and chose the call unless the router was confident
        # (router first is the embedded default; the metadata says who chose). When its answer names a
        # garment the catalogue lacks, grounding replaces it with the template's.
        assert reply.backend == "embedded", reply.metadata
        chosen_by = reply.metadata.get("chosen_by")
        assert chosen_by in {"model", "router"}, reply.metadata
        assert ("model" if chosen_by == "model" else "router:confident") in reply.metadata["route"]
        assert reply.metadata.get("tokens", 0) > 0 or reply.metadata.get("tokens_per_s"), reply.metadata
        assert reply.timings.first_token_s is not None
        assert turn.trace.calls, "the stylist ran no tool"
        assert app.chat.conversation_id
        for card in turn.cards:
            assert card.item.id in catalogue
        status = str(app.chat.query_one(StatusBar).render())
        assert status.startswith("embedded: ") and "CPU" in status and "20 garments" in status
        if turn.cards:
            turn.cards[0].focus()
            await pilot.press("l")
            await settle(pilot)
            view = stylist.registry.invoke("get_profile", {})
            assert [(e.item_id, e.kind) for e in view.recent_feedback] == [(turn.cards[0].item.id, "like")]
    history = stylist.history(app.chat.conversation_id)
    assert [m.role for m in history] == ["user", "assistant"]


def _record_replies(stylist) -> list:
    """Keep the final reply of every turn the app streams (its metadata says who wrote the answer)."""
    from stylist.events import Done

    replies, stream = [], stylist.stream

    def recording(*args, **kwargs):
        for event in stream(*args, **kwargs):
            if isinstance(event, Done):
                replies.append(event.reply)
            yield event

    stylist.stream = recording
    return replies
