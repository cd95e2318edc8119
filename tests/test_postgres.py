"""Profiles, feedback and conversations on a real PostgreSQL server (started by ``pgserver``).

Concurrent writer processes, one killed in the middle of a transaction: nothing committed is lost,
nothing half-written appears, and the database takes writes again at once.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from stylist import db
from stylist.conversations import ConversationStore
from stylist.profiles.store import ProfileStore

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pg_url(tmp_path):
    try:
        import pgserver
    except ImportError:
        pytest.skip("pgserver is not installed (it is in the dev extra: pip install -e '.[dev]')")
    try:
        server = pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")
        url = server.get_uri()
    except Exception as exc:  # no PostgreSQL binaries for this platform, no shared memory …
        pytest.skip(f"pgserver could not start PostgreSQL here: {exc}")
    yield url.replace("postgresql://", "postgresql+psycopg2://", 1)
    db.close_all()
    server.cleanup()


_WRITER = """
import sys
from stylist.db import open_database
from stylist.conversations import ConversationStore
from stylist.events import ChatReply
from stylist.profiles.store import ProfileStore
database = open_database(sys.argv[1])
profiles, chats = ProfileStore(database), ConversationStore(database)
user = sys.argv[2]
for i in range(int(sys.argv[3])):
    profiles.record_feedback(user, f"item{i}", "like")
    profiles.update_profile(user, {"like": {"colour": [f"c{i}"]}})
    cid = chats.create(user, conversation_id=f"{user}-{i}")
    chats.add_turn(cid, f"question {i}", ChatReply(conversation_id=cid, text=f"answer {i}"), [])
    print("DONE", i, flush=True)
"""

_CRASHER = """
import sys, time
from stylist.db import open_database
from stylist.profiles.models import FeedbackRow
from stylist.profiles.store import ProfileStore, utcnow
store = ProfileStore(open_database(sys.argv[1]))
for i in range(5):
    store.record_feedback("kim", f"item{i}", "like")
with store._write() as s:
    s.add_all([FeedbackRow(user_id="kim", item_id=f"half{i}", kind="buy", created_at=utcnow()) for i in \
range(500)])
    s.flush()
    print("MID", flush=True)
    time.sleep(120)
"""


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)


def test_concurrent_writers_and_a_killed_one_lose_nothing(pg_url):
    assert db.open_database(pg_url).engine.dialect.name == "postgresql"  # schema and migrations on PG
    writers = [_spawn(_WRITER, pg_url, f"p{n}", "15") for n in range(3)]
    crasher = _spawn(_CRASHER, pg_url)
    assert crasher.stdout.readline().strip() == "MID"
    crasher.send_signal(signal.SIGKILL)  # mid-transaction, while the others keep writing
    crasher.wait(30)
    for w in writers:
        out, _ = w.communicate(timeout=300)
        assert w.returncode == 0 and out.count("DONE") == 15
    database = db.open_database(pg_url)
    profiles, chats = ProfileStore(database), ConversationStore(database)
    for n in range(3):
        user = f"p{n}"
        assert len(profiles.feedback(user)) == 15
        assert len(profiles.get_profile(user).likes["colour"]) == 15
        assert len(chats.summaries(user)) == 15
        assert [m.text for m in chats.history(f"{user}-14")] == ["question 14", "answer 14"]
    kim = profiles.feedback("kim")
    assert sorted(e.item_id for e in kim) == [f"item{i}" for i in range(5)]  # committed kept, half gone
    profiles.record_feedback("kim", "after", "like")  # the killed transaction left no lock behind
    assert len(profiles.feedback("kim")) == 6
