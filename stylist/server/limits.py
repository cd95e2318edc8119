"""API keys, per-key rate limits and request size limits."""

from __future__ import annotations

import hmac
import threading
import time
from dataclasses import dataclass, field


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
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


@dataclass
class KeyChecker:
    keys: list[str] = field(default_factory=list)
    allow_open: bool = False

    def identify(self, authorization: str | None) -> str | None:
        """The caller's key when it is valid (or "open" in open mode); ``None`` to reject."""
        if self.allow_open and not self.keys:
            return "open"
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        offered = authorization[7:].strip()
        for key in self.keys:
            if hmac.compare_digest(offered.encode(), key.encode()):
                return key
        return None
