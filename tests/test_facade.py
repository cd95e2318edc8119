"""The Stylist facade: conversations that survive a restart, history, feedback, info."""

from __future__ import annotations

import pytest

from stylist import Stylist
from stylist.conversations import ConversationNotFoundError
from stylist.errors import ItemNotFoundError, ProfileError
from stylist.events import Done, Error
from tests.fakes.agent import ScriptedChatModel, fake_stylist, tool_call


def test_stylist_is_exported_lazily():
    import stylist

    assert stylist.Stylist is Stylist


def test_multi_turn_memory_survives_a_restart(stylist_home):
    first = fake_stylist("none")
    reply = first.chat("show me dresses under 200")
    cid = reply.conversation_id
    del first
    from stylist import db

    db.close_all()
    second = fake_stylist("none")  # a new process would build exactly this
    follow = second.chat("in black", conversation_id=cid)
    args = follow.tool_calls[0].arguments
    assert args["colours"] == ["black"] and args["slot"] == "dress" and args["max_price"] == 200
    assert [i.id for i in follow.items] == ["g-0010"]
    history = second.history(cid)
    assert [m.role for m in history] == ["user", "assistant", "user", "assistant"]
    assert history[1].items and history[1].items[0].id == reply.items[0].id
    [summary] = second.conversations()
    assert summary.id == cid and summary.turns == 2 and summary.title.startswith("show me dresses")


def test_model_sees_earlier_turns_after_restart():
    s1 = fake_stylist(
        "embedded",
        chat_model=ScriptedChatModel(
            script=[tool_call("search_garments", {"query": "coat"}), "Beige Trench Coat [g-0016] ($199)."]
        ),
    )
    cid = s1.chat("a coat for autumn").conversation_id
    model = ScriptedChatModel(
        script=[
            tool_call("search_garments", {"query": "belt"}),
            "The Beige Trench Coat [g-0016] pairs with Brown Leather Belt [g-0018].",
        ]
    )
    reply = fake_stylist("embedded", chat_model=model).chat(
        "what belt goes with that coat?", conversation_id=cid
    )
    texts = [m.content for m in model.calls[0]["messages"]]
    assert "a coat for autumn" in texts and any("g-0016" in t for t in texts)
    # the coat from the earlier turn's tool result is still grounded
    assert [i.id for i in reply.items] == ["g-0016", "g-0018"]


def test_conversations_are_per_user():
    s = fake_stylist("none")
    a = s.new_conversation("alice")
    s.chat("red dress", conversation_id=a)
    s.chat("white shirt", user_id="bob")
    assert [c.id for c in s.conversations("alice")] == [a]
    assert len(s.conversations("bob")) == 1 and len(s.conversations()) == 2


def test_unknown_conversation_is_a_clear_error():
    s = fake_stylist("none")
    with pytest.raises(ConversationNotFoundError, match="nope"):
        s.chat("hi", conversation_id="nope")
    events = list(s.stream("hi", conversation_id="nope"))
    assert len(events) == 1 and isinstance(events[0], Error) and "nope" in events[0].message
    with pytest.raises(ConversationNotFoundError):
        s.history("nope")


def test_empty_message_is_an_error_event():
    events = list(fake_stylist("none").stream("   "))
    assert isinstance(events[-1], Error) and "empty" in events[-1].message


def test_missing_llm_backend_degrades_to_the_router_and_says_why():
    s = fake_stylist("openai")  # no llm.model: the backend cannot be built
    events = list(s.stream("red dress"))
    assert isinstance(events[-1], Done)
    assert "llm.model" in events[-1].reply.metadata["llm_unavailable"] and events[-1].reply.items
    assert events[-1].reply.backend == "none"


class RecordingProfiles:
    def __init__(self):
        self.calls = []

    def record_feedback(self, user_id, item_id, kind):
        self.calls.append((user_id, item_id, kind))


def test_feedback_goes_to_the_profile_store():
    s = fake_stylist("none")
    profiles = RecordingProfiles()
    s.runtime.replace("profile_store", profiles)
    s.feedback("g-0001", "like")
    s.feedback("g-0002", "save", user_id="alice")
    assert profiles.calls == [("default", "g-0001", "like"), ("alice", "g-0002", "save")]
    with pytest.raises(ItemNotFoundError, match="g-nope"):
        s.feedback("g-nope", "like")
    with pytest.raises(ProfileError, match="kind"):
        s.feedback("g-0001", "love")


def test_feedback_without_a_profile_store_says_so():
    s = fake_stylist("none")
    s.runtime.replace("profile_store", None)
    with pytest.raises(ProfileError, match="profile store"):
        s.feedback("g-0001", "like")


def test_info_does_not_force_the_index():
    s = fake_stylist("none")
    info = s.info()
    assert info.backend == "none" and info.catalogue_size == 25
    from stylist.config import load_settings
    from stylist.runtime import Runtime

    bare = Stylist(Runtime(load_settings(llm={"backend": "none"})))
    assert bare.info().catalogue_size is None


def test_feedback_reaches_the_real_profile_store():
    s = fake_stylist("none")
    s.feedback("g-0003", "like", user_id="alice")
    events = s.runtime.profile_store.feedback("alice")
    assert [(e.item_id, e.kind) for e in events] == [("g-0003", "like")]


def test_deleting_a_user_erases_their_conversations():
    s = fake_stylist("none")
    cid = s.chat("red dress", user_id="erin").conversation_id
    s.chat("white shirt", user_id="other")
    s.runtime.profile_store.delete("erin")
    assert [c.user_id for c in s.conversations()] == ["other"]
    with pytest.raises(ConversationNotFoundError):
        s.history(cid)
    from sqlalchemy import text

    with s.store.db.engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM conversation_messages WHERE conversation_id = :c"), {"c": cid}
        ).scalar()
    assert left == 0
