"""Behaviour of the TUI with ``App.run_test()`` and Pilot, against the scripted fake stylist."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

pytest.importorskip("textual")

from tui_helpers import screen_text, send, settle, wait_until  # noqa: E402

from stylist.events import Error, Item, ItemRef, StylistInfo, Token  # noqa: E402
from stylist.tui.app import create_app  # noqa: E402
from stylist.tui.screens.help import HelpScreen  # noqa: E402
from stylist.tui.screens.history import HistoryScreen  # noqa: E402
from stylist.tui.screens.profile import ProfileScreen  # noqa: E402
from stylist.tui.screens.trends import TrendsScreen  # noqa: E402
from stylist.tui.widgets.chat_input import ChatInput  # noqa: E402
from stylist.tui.widgets.garment_card import GarmentCard  # noqa: E402
from stylist.tui.widgets.message_view import AssistantMessage, UserMessage  # noqa: E402
from stylist.tui.widgets.status_bar import StatusBar  # noqa: E402
from stylist.tui.widgets.tool_trace import ToolTrace  # noqa: E402
from stylist.tui.widgets.unavailable import Unavailable  # noqa: E402
from tests.fakes.tui import FakeStylist  # noqa: E402

SIZE = (100, 40)
pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore:Image.Image.getdata:DeprecationWarning")]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake(tmp_path: Path) -> FakeStylist:
    return FakeStylist(tmp_path / "images")


def make_app(fake: FakeStylist, **kwargs):
    return create_app(fake, graphics="halfcell", **kwargs)


def turns(app) -> list[AssistantMessage]:
    return list(app.chat.query(AssistantMessage))


async def test_send_message_streams_markdown_and_cards(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "summer wedding, earthy colours, budget 200")
        await settle(pilot)
        assert [m.text for m in app.chat.query(UserMessage)] == ["summer wedding, earthy colours, budget 200"]
        (turn,) = turns(app)
        assert turn.text.startswith("For a **summer wedding**")
        markdown = turn.query_one(".answer").source  # what the Markdown widget shows
        assert "summer wedding" in markdown and "tan leather sandals" in markdown
        assert [c.item.id for c in turn.cards] == ["g-101", "g-202"]
        assert fake.messages == [("summer wedding, earthy colours, budget 200", None)]
        assert app.chat.conversation_id == "conv-1"
        assert app.chat.query_one(ChatInput).value == ""
        assert not app.chat.busy


async def test_text_appears_while_the_stylist_is_still_answering(tmp_path: Path) -> None:
    gate = threading.Event()
    fake = FakeStylist(tmp_path, scripts=[[Token(text="Linen is"), gate, Token(text=" breathable.")]])
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "what fabric?")
        await wait_until(pilot, lambda: bool(turns(app)) and turns(app)[0].text == "Linen is")
        assert app.chat.busy
        assert "answering" in app.chat.query_one(StatusBar).activity
        # The UI still takes keys while the worker waits.
        await pilot.press("h", "i")
        assert app.chat.query_one(ChatInput).value == "hi"
        gate.set()
        await settle(pilot)
        assert turns(app)[0].text == "Linen is breathable."
        assert not app.chat.busy


async def test_tool_trace_shows_arguments_and_timings_and_expands(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "wedding")
        await settle(pilot)
        trace = turns(app)[0].query_one(ToolTrace)
        assert trace.display and trace.collapsed
        assert trace.title == "2 tool calls · 0.17 s"
        rendered = trace.render_calls().plain
        assert '✓ search_garments(query="wedding", max_price=200)  0.12 s' in rendered
        assert 'score_outfit(item_ids=["g-101", "g-202"])  0.05 s' in rendered
        await pilot.click(trace.query_one("CollapsibleTitle"))
        assert not trace.collapsed


async def test_tool_trace_says_who_chose_the_tools(fake: FakeStylist) -> None:
    fake.chosen_by = "model"
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "wedding")
        await settle(pilot)
        trace = turns(app)[0].query_one(ToolTrace)
        assert trace.title == "2 tool calls · 0.17 s · chosen by model"


async def test_failed_tool_is_marked_in_the_trace(tmp_path: Path) -> None:
    from stylist.events import ToolFinished, ToolStarted

    script = [
        ToolStarted(call_id="a", name="search_garments", arguments={"query": "x"}),
        ToolFinished(call_id="a", name="search_garments", ok=False, duration_s=0.5, error="index not built"),
        Token(text="Sorry."),
    ]
    app = make_app(FakeStylist(tmp_path, scripts=[script]))
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "x")
        await settle(pilot)
        trace = turns(app)[0].trace
        assert trace.title == "1 tool call · 0.50 s · 1 failed"
        assert "index not built" in trace.render_calls().plain


async def test_like_from_card_key_and_button_reaches_the_profile(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "wedding")
        await settle(pilot)
        first, second = turns(app)[0].cards
        first.focus()
        await pilot.press("l")
        await settle(pilot)
        await pilot.click(second.query_one("#save"))
        await settle(pilot)
        assert [(e.item_id, e.kind) for e in fake.profile_store.feedback()] == [
            ("g-101", "like"),
            ("g-202", "save"),
        ]
        assert first.has_class("-like") and second.has_class("-save")
        # The profile screen shows what was liked.
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        shown = screen_text(app)
        assert "g-101" in shown and "g-202" in shown


async def test_feedback_failure_is_reported_not_raised(tmp_path: Path) -> None:
    ghost = ItemRef(id="ghost", title="Ghost coat", price=10.0)
    app = make_app(FakeStylist(tmp_path, scripts=[[Item(item=ghost), Token(text="A coat.")]]))
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "coat")
        await settle(pilot)
        card = turns(app)[0].cards[0]
        card.focus()
        await pilot.press("d")
        await settle(pilot)
        assert not card.has_class("-dislike")
        assert any("ghost" in n.message for n in app._notifications)


async def test_exception_in_stream_shows_error_and_restores_input(tmp_path: Path) -> None:
    fake = FakeStylist(tmp_path, scripts=[[Token(text="Hel"), RuntimeError("llama.cpp crashed")]])
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "a jacket for autumn")
        await settle(pilot)
        (turn,) = turns(app)
        assert turn.has_class("-failed")
        assert turn.error == "unexpected RuntimeError: llama.cpp crashed"
        assert app.chat.query_one(ChatInput).value == "a jacket for autumn"
        assert any("llama.cpp crashed" in n.message for n in app._notifications)
        assert not app.chat.busy
        # The next turn works.
        app.chat.query_one(ChatInput).value = ""
        await send(pilot, "try again")
        await settle(pilot)
        assert turns(app)[-1].text.startswith("For a")


async def test_error_event_shows_message_and_restores_input(tmp_path: Path) -> None:
    fake = FakeStylist(tmp_path, scripts=[[Error(message="the language model timed out after 120 s")]])
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "boots")
        await settle(pilot)
        assert turns(app)[0].error == "the language model timed out after 120 s"
        assert app.chat.query_one(ChatInput).value == "boots"
        assert app.chat.conversation_id == "conv-1"


async def test_escape_stops_an_answer_and_restores_input(tmp_path: Path) -> None:
    gate = threading.Event()
    fake = FakeStylist(tmp_path, scripts=[[Token(text="Thinking"), gate, Token(text=" more")]])
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "long question")
        await wait_until(pilot, lambda: bool(turns(app)) and turns(app)[0].text == "Thinking")
        await pilot.press("escape")
        gate.set()
        await settle(pilot)
        assert turns(app)[0].error == "stopped"
        assert app.chat.query_one(ChatInput).value == "long question"


async def test_sending_while_busy_keeps_the_text(tmp_path: Path) -> None:
    gate = threading.Event()
    app = make_app(FakeStylist(tmp_path, scripts=[[Token(text="One"), gate]]))
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "first")
        await wait_until(pilot, lambda: app.chat.busy)
        await send(pilot, "second")
        assert app.chat.query_one(ChatInput).value == "second"
        assert len(turns(app)) == 1
        gate.set()
        await settle(pilot)


async def test_slash_completion_with_tab_and_hint(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        chat_input = app.chat.query_one(ChatInput)
        await pilot.press("/", "t", "r")
        await pilot.pause()
        hint = app.chat.query_one("#completions")
        assert hint.display and "/trends" in str(hint.render())
        await pilot.press("tab")
        assert chat_input.value == "/trends "
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)
        labels = [str(label.render()) for label in app.screen.query(".trend-label")]
        assert labels == ["olive", "linen", "neon"]
        changes = [str(label.render()) for label in app.screen.query(".trend-change")]
        assert changes == ["+31%", "+18%", "-22%"]
        assert app.screen.query(".trend-spark").first().data == [1, 2, 2, 3, 5, 6, 8, 9]
        # Another kind, from the option inputs.
        app.screen.query_one("#option-kind").value = "fabric"
        app.screen.query_one("#option-kind").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert fake.registry.get("trend_forecast").calls[-1].kind == "fabric"
        assert "kind: fabric" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is app.chat


async def test_tab_without_a_command_moves_focus(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        chat_input = app.chat.query_one(ChatInput)
        chat_input.value = "hello"
        await pilot.press("tab")
        assert not chat_input.has_focus and chat_input.value == "hello"


async def test_unknown_slash_command_suggests_and_keeps_input(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/trnds")
        await pilot.pause()
        assert app.chat.query_one(ChatInput).value == "/trnds"
        assert any("did you mean /trends" in n.message for n in app._notifications)
        assert fake.messages == []


async def test_design_command_asks_the_stylist(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/design olive linen dress")
        await settle(pilot)
        assert fake.messages[0][0] == "Generate new garment designs: olive linen dress"
        assert app.chat.query_one(UserMessage).text == "/design olive linen dress"
        await send(pilot, "/design")
        await pilot.pause()
        assert app.chat.query_one(ChatInput).value == "/design"
        assert len(fake.messages) == 1


async def test_history_resume_continues_the_conversation(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "a summer wedding")
        await settle(pilot)
        await send(pilot, "cheaper please")
        await settle(pilot)
        await send(pilot, "/new")
        await settle(pilot)
        assert app.chat.conversation_id is None and not turns(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.chat
        assert [m.text for m in app.chat.query(UserMessage)] == ["a summer wedding", "cheaper please"]
        assert [c.item.id for c in turns(app)[0].cards] == ["g-101", "g-202"]
        assert app.chat.conversation_id == "conv-1"
        await send(pilot, "and shoes?")
        await settle(pilot)
        assert fake.messages[-1] == ("and shoes?", "conv-1")


async def test_resume_on_start_and_unknown_conversation(fake: FakeStylist) -> None:
    cid = fake.new_conversation()
    list(fake.stream("hello", cid))
    app = make_app(fake, conversation_id=cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [m.text for m in app.chat.query(UserMessage)] == ["hello"]
    app = make_app(fake, conversation_id="nope")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # on a loaded machine the notification can land after the workers settle
        await wait_until(pilot, lambda: any("nope" in n.message for n in app._notifications))


async def test_empty_history_says_so(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/history")
        await settle(pilot)
        assert "No conversations yet" in screen_text(app)


async def test_profile_edit_saves_and_bad_value_names_the_field(fake: FakeStylist) -> None:
    app = make_app(fake)
    fake.profile_store.get_profile().budget = 150
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/profile")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProfileScreen)
        assert [f.name for f in screen.fields] == ["statement", "liked_colours", "sizes", "budget"]
        assert screen.query_one("#field-budget").value == "150"
        screen.query_one("#field-liked_colours").value = "olive, rust"
        screen.query_one("#field-sizes").value = "top=M, shoes=42"
        screen.query_one("#field-budget").value = "lots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "budget: could not convert string to float" in screen_text(app)
        assert fake.profile_store.get_profile().likes == {}
        screen.query_one("#field-budget").value = "200"
        await pilot.press("ctrl+s")
        await settle(pilot)
        profile = fake.profile_store.get_profile()
        assert profile.likes == {"colour": ["olive", "rust"]} and profile.budget == 200.0
        assert profile.sizes == {"top": "M", "shoes": "42"}
        shown = screen_text(app)
        assert "Saved: liked colours: + olive; liked colours: + rust" in shown
        assert re.search(r"likes colour +olive, rust", shown)
        # List fields add, so they are empty again; scalars show the stored value.
        assert screen.query_one("#field-liked_colours").value == ""
        assert screen.query_one("#field-sizes").value == "top=M, shoes=42"


async def test_profile_tool_error_is_shown(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await settle(pilot)
        app.screen.query_one("#field-budget").value = ""
        app.screen.query_one("#field-statement").value = "   "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Nothing changed." in screen_text(app)
        app.screen.query_one("#field-budget").value = "-5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "update_profile: budget" in screen_text(app)


async def test_profile_and_trends_say_when_tools_are_missing(tmp_path: Path) -> None:
    app = make_app(FakeStylist(tmp_path, tools=()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen.query_one(Unavailable).tool == "get_profile"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)
        assert app.screen.query_one(Unavailable).tool == "trend_forecast"


async def test_export_writes_markdown(fake: FakeStylist, tmp_path: Path) -> None:
    app = make_app(fake)
    target = tmp_path / "out" / "chat.md"
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "wedding")
        await settle(pilot)
        await send(pilot, f"/export {target}")
        await pilot.pause()
    text = target.read_text()
    assert "## You\n\nwedding" in text
    assert "- `g-101` Olive linen midi dress — 89.00 USD" in text


async def test_status_bar_names_backend_device_and_catalogue(tmp_path: Path) -> None:
    info = StylistInfo(backend="embedded", model="qwen2.5-0.5b", device="cuda:0", catalogue_size=44424)
    app = make_app(FakeStylist(tmp_path, info=info))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = str(app.chat.query_one(StatusBar).render())
        assert text.startswith("embedded: qwen2.5-0.5b · GPU (cuda:0) · 44,424 garments")


async def test_help_screen_and_command_palette(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is app.chat
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"trends")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)


async def test_keyboard_only_reaches_cards(fake: FakeStylist) -> None:
    app = make_app(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, "wedding")
        await settle(pilot)
        for _ in range(6):
            if isinstance(app.focused, GarmentCard):
                break
            await pilot.press("shift+tab")
        assert isinstance(app.focused, GarmentCard)
        await pilot.press("s")
        await settle(pilot)
        assert [e.kind for e in fake.profile_store.feedback()] == ["save"]


def test_device_labels() -> None:
    from stylist.tui.widgets.status_bar import device_label

    assert [device_label(d) for d in ("cpu", "cuda", "cuda:1", "remote")] == [
        "CPU",
        "GPU",
        "GPU (cuda:1)",
        "remote",
    ]


async def test_new_conversation_while_answering_drops_the_old_turn(tmp_path: Path) -> None:
    gate = threading.Event()
    fake = FakeStylist(tmp_path, scripts=[[Token(text="Old"), gate, Token(text=" late")]])
    app = make_app(fake)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "first question")
        await wait_until(pilot, lambda: bool(turns(app)) and turns(app)[0].text == "Old")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not app.chat.busy and not turns(app)
        await send(pilot, "second question")
        gate.set()
        await settle(pilot)
        (turn,) = turns(app)
        assert turn.text.startswith("For a") and "late" not in turn.text
        assert app.chat.query_one(ChatInput).value == ""


async def test_generated_design_appears_as_an_image_card(tmp_path: Path) -> None:
    from stylist.events import Image
    from stylist.tui.widgets.image_card import ImageCard
    from tests.fakes.tui import write_swatch

    path = write_swatch(tmp_path / "design-1.png", (120, 80, 40), (60, 40, 20))
    script = [Image(path=str(path), caption="design 1: rust linen dress"), Token(text="Here is a design.")]
    app = make_app(FakeStylist(tmp_path, scripts=[script]))
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/design rust linen dress")
        await settle(pilot)
        (card,) = app.chat.query(ImageCard)
        assert card.caption == "design 1: rust linen dress"
        assert turns(app)[0].images == [str(path)]
        assert "design 1: rust linen" in screen_text(app)


def test_trend_rows_from_the_real_forecaster_shape() -> None:
    from stylist.tui.screens.trends import describe_report, trend_sections

    report = {
        "kind": "colour",
        "source": "demo",
        "horizon_label": "8 weeks",
        "skipped": ["x: too short"],
        "rising": [
            {
                "kind": "colour",
                "value": "silver",
                "growth": 0.7056,
                "history": [1.0, 2.0],
                "forecast": [3.0, 4.0],
                "lower": [0.0, 0.0],
                "upper": [9.0, 9.0],
                "sparkline": "▁▂",
            }
        ],
        "falling": [
            {"kind": "colour", "value": "orange", "growth": -0.2, "history": [], "forecast": [5.0, 4.0]}
        ],
    }
    sections = trend_sections(report)
    assert list(sections) == ["rising", "falling"]
    silver, orange = sections["rising"][0], sections["falling"][0]
    assert (silver.label, silver.series, silver.change, silver.forecast_from) == (
        "silver",
        [1, 2, 3, 4],
        0.7056,
        2,
    )
    assert (orange.label, orange.series, orange.forecast_from) == ("orange", [5, 4], None)
    assert describe_report(report) == "kind: colour · source: demo · horizon label: 8 weeks"


def test_profile_form_from_the_real_update_profile_schema() -> None:
    from stylist.errors import ToolInputError
    from stylist.tools.update_profile import UpdateProfileInput
    from stylist.tui.tools_view import form_fields, parse_field

    fields = {f.name: f for f in form_fields(UpdateProfileInput.model_json_schema())}
    assert "user_id" not in fields
    assert (fields["liked_colours"].kind, fields["sizes"].kind, fields["budget"].kind) == (
        "list",
        "map",
        "number",
    )
    assert parse_field(fields["liked_colours"], "olive,  rust ,") == ["olive", "rust"]
    assert parse_field(fields["sizes"], "top=M, shoes=42") == {"top": "M", "shoes": "42"}
    assert parse_field(fields["budget"], "") is None
    with pytest.raises(ToolInputError, match="sizes: expected key=value"):
        parse_field(fields["sizes"], "M")
