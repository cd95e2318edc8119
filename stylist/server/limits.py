"""Per-key rate limits (keys themselves: stylist/server/auth.py)."""

from __future__ import annotations

import threading
import time

MAX_BUCKETS = 50_000


class RateLimiter:
    """A token bucket per key: ``per_minute`` requests a minute, bursts up to the same number."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """0.0 when the request may go ahead, else the seconds to wait before retrying."""
        with self._lock:
            now = time.monotonic()
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled (they equal a new one), so many users stay bounded."""
        full = [k for k, (t, last) in self._buckets.items() if t + (now - last) * self.rate >= self.capacity]
        for k in full:
            del self._buckets[k]


USER_HEADER = "x-stylist-user"
"""A service key may name its end user in this header (else the ``user`` field or ``user_id``)."""


class Limits:
    """Rate limits per end user (``server.rate_limit_per_minute``) and, for a service key, a
    separate ceiling over all the users it names (``server.key_rate_limit_per_minute``)."""

    def __init__(self, per_user: int, per_key: int) -> None:
        self.users = RateLimiter(per_user)
        self.keys = RateLimiter(per_key)

    def key(self, label: str) -> float:
        """Seconds to wait before this service key may call again (0.0: go ahead)."""
        return self.keys.acquire(label)

    def user(self, label: str, user: str) -> float:
        """Seconds to wait before ``user`` (named by the key ``label``) may call again."""
        return self.users.acquire(f"{label}\x00{user}")
