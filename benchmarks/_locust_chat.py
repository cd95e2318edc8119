"""The locust user of benchmarks/serve.py: one end user of a chat service, talking to ``stylist serve``.

Every user sends chat completions under the one service key, naming itself in the ``user`` field
(so the per-end-user rate limit applies to it) and keeping one conversation; every third turn is
streamed (the SSE body is read to the end). Each request's outcome, with the answer's
``stylist.turn`` summary (who chose, who answered, refused or failed model steps), is written, one
JSON line, to ``$STYLIST_BENCH_RECORDS`` when locust quits; benchmarks/serve.py reads them.
"""

from __future__ import annotations

import itertools
import json
import os
import time

from locust import HttpUser, between, events, task
from serve import turn_summary  # locust puts this folder on sys.path

KEY = os.environ.get("STYLIST_BENCH_KEY", "bench-key")
MESSAGES = [
    "navy formal shirt for men under 60",
    "a summer dress in earthy colours",
    "black leather boots under 100",
    "something cheaper",
    "white sneakers for women",
    "a warm coat for winter",
]
RECORDS: list[dict] = []
_ids = itertools.count()


class ChatUser(HttpUser):
    wait_time = between(0.5, 1.5)  # a person reads the answer before the next message

    def on_start(self) -> None:
        self.n = next(_ids)
        self.turn = 0

    @task
    def chat(self) -> None:
        stream = self.turn % 3 == 2
        body = {
            "model": "stylist",
            "messages": [{"role": "user", "content": MESSAGES[(self.n + self.turn) % len(MESSAGES)]}],
            "stylist": {"conversation_id": f"bench-{self.n}"},
            "user": f"user-{self.n}",
            "stream": stream,
        }
        self.turn += 1
        t0 = time.perf_counter()
        record = {"stream": stream, "status": 0, "code": None}
        name = "chat (stream)" if stream else "chat"
        try:
            with self.client.post(
                "/v1/chat/completions",
                json=body,
                headers={"Authorization": f"Bearer {KEY}"},
                name=name,
                stream=stream,
                catch_response=True,
                timeout=900,
            ) as r:
                record["status"] = r.status_code
                text = r.text if not stream else "".join(c.decode() for c in r.iter_content(None))
                if r.status_code != 200:
                    try:
                        record["code"] = json.loads(text)["error"]["code"]
                    except (ValueError, KeyError, TypeError):
                        record["code"] = text[:120]
                    r.failure(f"{r.status_code} {record['code']}")
                elif stream and ('"finish_reason": "stop"' not in text or 'data: {"error"' in text):
                    record["code"] = "stream_error" if 'data: {"error"' in text else "stream_incomplete"
                    r.failure(record["code"])
                else:
                    record["turn"] = turn_summary(text, stream)
                    r.success()
        except Exception as exc:  # a dropped connection is an error to count, not a crash
            record["code"] = f"{type(exc).__name__}: {exc}"[:160]
        record["latency_s"] = time.perf_counter() - t0
        record["t"] = time.time()
        RECORDS.append(record)


@events.quitting.add_listener
def _dump(environment, **_: object) -> None:  # noqa: ANN001
    path = os.environ.get("STYLIST_BENCH_RECORDS")
    if path:
        with open(path, "w") as out:
            for record in RECORDS:
                out.write(json.dumps(record) + "\n")
