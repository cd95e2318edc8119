"""The profile store: updates, contradictions, bad input, export/delete, concurrency, crash safety."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from stylist import db
from stylist.config import load_settings
from stylist.errors import ItemNotFoundError, ProfileError
from stylist.profiles.models import USER_TABLES
from stylist.profiles.store import ProfileStore, utcnow
from stylist.runtime import Runtime
from tests.fakes.profile import ProfileCatalogueIndex

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(load_settings(), catalogue_index=ProfileCatalogueIndex())


@pytest.fixture
def store(runtime: Runtime) -> ProfileStore:
    return runtime.profile_store


def test_update_and_read_back_every_field(store: ProfileStore) -> None:
    report = store.update_profile(
        "ana",
        {
            "name": "Ana",
            "gender_presentation": "feminine",
            "sizes": {"Top": "M", "shoes": "39"},
            "fit_notes": "relaxed fit",
            "body_notes": "tall",
            "budget": 150,
            "currency": "eur",
            "climate": "mediterranean",
            "region": "Lisbon",
            "like": {"colours": ["Navy", "olive"], "style": ["minimal"], "brands": "Acme"},
            "dislike": {"colour": ["orange"], "material": ["polyester"]},
            "wardrobe_add": ["g001", "grey wool coat from my mum"],
        },
    )
    p = store.get_profile("ana")
    assert p.exists and p.name == "Ana" and p.gender_presentation == "women"
    assert p.sizes == {"top": "M", "shoes": "39"} and p.budget == 150 and p.currency == "EUR"
    assert p.likes == {"colour": ["navy", "olive"], "style": ["minimal"], "brand": ["acme"]}
    assert p.dislikes == {"colour": ["orange"], "material": ["polyester"]}
    assert [(w.item_id, w.description) for w in p.wardrobe] == [
        ("g001", "Black linen shirt"),
        (None, "grey wool coat from my mum"),
    ]
    assert "liked colours: + navy" in report.changes
    # an empty size removes it; forget removes a like
    p = store.update_profile("ana", {"sizes": {"shoes": ""}, "forget": {"colour": ["olive"]}}).profile
    assert p.sizes == {"top": "M"} and p.likes["colour"] == ["navy"]


def test_unknown_user_is_an_empty_profile(store: ProfileStore) -> None:
    p = store.get_profile("nobody")
    assert not p.exists and p.likes == {} and p.wardrobe == [] and p.feedback_count == 0


def test_contradiction_later_statement_wins_and_is_reported(store: ProfileStore) -> None:
    store.like("bo", "colour", "orange")
    report = store.dislike("bo", "colour", "orange")
    assert report.profile.dislikes == {"colour": ["orange"]} and "colour" not in report.profile.likes
    assert report.notes == ["orange was a liked colour; it is now disliked (the later statement wins)"]


def test_contradiction_inside_one_request_is_refused(store: ProfileStore) -> None:
    with pytest.raises(ProfileError, match="orange is both liked and disliked"):
        store.update_profile("bo", {"like": {"colour": ["orange"]}, "dislike": {"colour": ["Orange"]}})
    assert not store.get_profile("bo").exists


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"name": "x" * 121}, "name"),
        ({"fit_notes": "x" * 5000}, "fit_notes"),
        ({"like": {"colour": ["x" * 81]}}, "like: like.colour"),
        ({"like": {"mood": ["happy"]}}, "unknown preference kind 'mood'"),
        ({"budget": -3}, "budget"),
        ({"wardrobe_add": ["y" * 501]}, "wardrobe_add"),
        ({"sizes": {"top": "z" * 40}}, "sizes"),
        ({"shoe_size": 42}, "shoe_size"),
    ],
)
def test_bad_changes_name_the_field(store: ProfileStore, changes: dict, needle: str) -> None:
    with pytest.raises(ProfileError, match="invalid profile change") as info:
        store.update_profile("cy", changes)
    assert needle in info.value.message
    assert not store.get_profile("cy").exists


@pytest.mark.parametrize("user_id", ["", "a" * 129, "robert'); drop table profiles;--"])
def test_bad_user_ids(store: ProfileStore, user_id: str) -> None:
    with pytest.raises(ProfileError, match="user id"):
        store.get_profile(user_id)


def test_feedback_checks_ids_and_kinds(store: ProfileStore) -> None:
    with pytest.raises(ItemNotFoundError, match="'g999'"):
        store.record_feedback("dee", "g999", "like")
    with pytest.raises(ProfileError, match="unknown feedback kind 'love'"):
        store.record_feedback("dee", "g001", "love")
    with pytest.raises(ItemNotFoundError):
        store.record_outfit_feedback("dee", ["g001", "nope"], "save")
    assert store.feedback("dee") == []  # nothing half-stored
    events = store.record_outfit_feedback("dee", ["g001", "g002"], "save")
    assert {e.outfit_id for e in events} == {"outfit-g001+g002"}
    store.record_feedback("dee", "g003", "buy")
    assert [e.kind for e in store.feedback("dee")] == ["save", "save", "buy"]


def test_wardrobe_add_list_remove(store: ProfileStore) -> None:
    items = store.wardrobe_add("ed", ["g004", "white sneakers"])
    assert len(items) == 2
    assert store.wardrobe_remove("ed", "g004") and not store.wardrobe_remove("ed", "g004")
    assert store.wardrobe_remove("ed", "White Sneakers")
    assert store.wardrobe("ed") == []


def _rows_about(store: ProfileStore, user_id: str) -> dict[str, int]:
    with store.db.engine.connect() as conn:
        return {
            t.__tablename__: conn.execute(
                text(f"SELECT count(*) FROM {t.__tablename__} WHERE user_id = :u"), {"u": user_id}
            ).scalar()
            for t in USER_TABLES
        }


def test_export_has_everything_and_delete_erases_everything(store: ProfileStore) -> None:
    from stylist.conversations import ConversationStore, MessageRow

    store.update_profile(
        "fay",
        {
            "name": "Fay",
            "like": {"colour": ["navy"]},
            "dislike": {"brand": ["loom"]},
            "wardrobe_add": ["g001", "old jeans"],
        },
    )
    store.record_feedback("fay", "g002", "like")
    store.record_outfit_feedback("fay", ["g003", "g004"], "save")
    store.update_profile("gil", {"like": {"colour": ["red"]}})
    store.record_feedback("gil", "g002", "dislike")
    conversations = ConversationStore(store.db)
    cid = conversations.create("fay", "what do I wear to a wedding?")
    conversations.create("gil", "hello")
    with store.db.session() as s:
        s.add(
            MessageRow(
                conversation_id=cid,
                role="user",
                text="fay's secret question",
                items=[],
                tool_calls=[],
                seen=[],
                created_at=utcnow(),
            )
        )

    data = json.loads(store.export("fay").model_dump_json())
    assert data["profile"]["name"] == "Fay"
    assert {(p["kind"], p["value"], p["polarity"]) for p in data["preferences"]} == {
        ("colour", "navy", "like"),
        ("brand", "loom", "dislike"),
    }
    assert [e["item_id"] for e in data["feedback"]] == ["g002", "g003", "g004"]
    assert len(data["wardrobe"]) == 2
    assert [c["id"] for c in data["other"]["conversations"]] == [cid]
    assert [m["text"] for m in data["other"]["conversation_messages"]] == ["fay's secret question"]

    counts = store.delete("fay")
    assert {
        k: counts[k] for k in ("profiles", "profile_preferences", "wardrobe_items", "feedback_events")
    } == {"profiles": 1, "profile_preferences": 2, "wardrobe_items": 2, "feedback_events": 3}
    assert counts["conversations"] == 1 and counts["conversation_messages"] == 1
    with store.db.engine.connect() as conn:  # the user's id and words appear nowhere in any table
        tables = [r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        for t in tables:
            for row in conn.execute(text(f"SELECT * FROM {t}")):
                values = [str(v).lower() for v in row]
                assert "fay" not in values and not any("secret" in v for v in values), (t, row)
    assert _rows_about(store, "fay") == {t.__tablename__: 0 for t in USER_TABLES}
    assert not store.get_profile("fay").exists
    assert store.get_profile("gil").likes == {"colour": ["red"]}  # others untouched
    assert [c.user_id for c in conversations.summaries("gil")] == ["gil"]
    assert store.user_ids() == ["gil"]


def test_concurrent_threads_lose_no_writes(store: ProfileStore) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                store.record_feedback(f"user{n % 2}", f"g{(n * 15 + i) % 48:03d}", "like")
                store.update_profile(
                    f"user{n % 2}", {"like": {"colour": [f"c{n}-{i}"]}, "sizes": {f"s{n}": str(i)}}
                )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.feedback()) == 60
    for u in ("user0", "user1"):
        p = store.get_profile(u)
        assert len(p.likes["colour"]) == 30 and len(p.sizes) == 2


_WRITER = """
import sys
from stylist.db import open_database
from stylist.profiles.store import ProfileStore, utcnow
store = ProfileStore(open_database(sys.argv[1]))
for i in range(int(sys.argv[3])):
    store.record_feedback(sys.argv[2], f"item{i}", "like")
    store.update_profile(sys.argv[2], {"like": {"colour": [f"c{i}"]}})
"""


def test_concurrent_processes_lose_no_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, url, f"p{n}", "20"], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for n in range(3)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    store = ProfileStore(db.open_database(url))
    assert len(store.feedback()) == 60
    assert all(len(store.get_profile(f"p{n}").likes["colour"]) == 20 for n in range(3))


_CRASHER = """
import sys, time
from stylist.db import open_database
from stylist.profiles.models import FeedbackRow
from stylist.profiles.store import ProfileStore, utcnow
store = ProfileStore(open_database(sys.argv[1]))
store.update_profile("kim", {"name": "Kim", "like": {"colour": ["navy"]}})
for i in range(5):
    store.record_feedback("kim", f"item{i}", "like")
with store._write() as s:
    s.add_all([FeedbackRow(user_id="kim", item_id=f"half{i}", kind="buy", created_at=utcnow()) for i in \
range(500)])
    s.flush()
    print("MID", flush=True)
    time.sleep(60)
"""


def test_killed_writer_loses_nothing_already_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-c", _CRASHER, url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "MID", proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    store = ProfileStore(db.open_database(url))
    with store.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    p = store.get_profile("kim")
    assert p.name == "Kim" and p.likes == {"colour": ["navy"]}
    assert [e.item_id for e in store.feedback("kim")] == [f"item{i}" for i in range(5)]
    store.record_feedback("kim", "after", "save")  # the database is writable again
    assert len(store.feedback("kim")) == 6


def test_error_inside_a_transaction_rolls_back_the_whole_update(store: ProfileStore, monkeypatch) -> None:
    store.update_profile("lou", {"name": "Lou", "like": {"colour": ["navy"]}, "wardrobe_add": ["old jeans"]})

    def boom(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ProfileStore, "_remove_wardrobe", staticmethod(boom))
    with pytest.raises(RuntimeError):
        store.update_profile(
            "lou", {"name": "Changed", "dislike": {"colour": ["navy"]}, "wardrobe_remove": ["old jeans"]}
        )
    p = store.get_profile("lou")
    assert p.name == "Lou" and p.likes == {"colour": ["navy"]} and p.dislikes == {} and len(p.wardrobe) == 1
