"""Who is calling: service keys, user keys, open mode; and which end user a call acts for.

A service key (``server.api_keys``) may act for any end user it names: one backend key for a
chat service with many users. A user key (``server.user_keys = {KEY = "user"}``) acts only as its
user, whatever the body or the tool arguments say. The chat API, the tool endpoint and MCP over
HTTP all apply this one rule.
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from stylist.config import ServerSettings


@dataclass(frozen=True)
class Caller:
    kind: Literal["service", "user", "open"]
    label: str
    """A stable, non-reversible name for the key (rate-limit bucket, default profile)."""
    user: str | None = None
    """The only user a user key may act as."""

    def acting_as(self, named: str | None) -> str:
        """The end user of a call that names ``named`` (the ``user`` field, a ``user_id`` argument)."""
        if self.kind == "user":
            assert self.user is not None
            return self.user
        return named or self.label


class KeyChecker:
    def __init__(self, settings: ServerSettings) -> None:
        self.service_keys = [k for k in settings.api_keys if k]
        self.user_keys = {k: u for k, u in settings.user_keys.items() if k and u}
        self.allow_open = settings.allow_open

    @property
    def has_keys(self) -> bool:
        return bool(self.service_keys or self.user_keys)

    def identify(self, authorization: str | None, host: str | None = None) -> Caller | None:
        """The caller of a request with this ``Authorization`` header; ``None`` to reject it."""
        if self.allow_open and not self.has_keys:
            return Caller("open", "open-" + (host or "local"))
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        offered = authorization[7:].strip().encode()
        found: Caller | None = None
        # Compare with every key (constant time each) so timing says nothing about which matched.
        for key in self.service_keys:
            if hmac.compare_digest(offered, key.encode()):
                found = Caller("service", _label(key))
        for key, user in self.user_keys.items():
            if hmac.compare_digest(offered, key.encode()):
                found = Caller("user", _label(key), user)
        return found


def _label(key: str) -> str:
    # Keys are secrets: a stable, non-reversible label stands for the caller's profile.
    return "key-" + uuid.uuid5(uuid.NAMESPACE_URL, "stylist-key:" + key).hex[:12]


def with_user(arguments: dict[str, Any], fields: dict[str, Any], caller: Caller | None) -> dict[str, Any]:
    """Tool arguments with ``user_id`` set by the caller's rule (a user key always acts as its user)."""
    if caller is None or "user_id" not in fields:
        return arguments
    if caller.kind == "user":
        return {**arguments, "user_id": caller.user}
    return arguments
