"""The project's error types.

Every boundary (CLI, agent loop, HTTP, MCP) decides what to show from the type: a
``StylistError`` carries a message written for the user, naming the bad field, row or id.
Anything else is a bug and is shown as such.
"""

from __future__ import annotations


class StylistError(Exception):
    """Base of every error Stylist raises on purpose. ``hint`` says what to do about it."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(StylistError):
    """A broken configuration file, environment variable or flag."""

    exit_code = 2


class VocabularyError(StylistError):
    """The packaged fashion vocabulary (``stylist/fashion/vocabulary.toml``) is malformed."""


class CatalogueError(StylistError):
    """A catalogue that cannot be read, or a row that breaks the schema."""


class ItemNotFoundError(CatalogueError):
    """An item id that is not in the catalogue."""

    def __init__(self, item_id: str, *, hint: str | None = None) -> None:
        super().__init__(f"no garment with id {item_id!r} in the catalogue", hint=hint)
        self.item_id = item_id


class IndexNotBuiltError(StylistError):
    """The vector index is missing or unusable."""


class ToolInputError(StylistError):
    """Arguments to a tool that do not fit its schema or make no sense."""

    exit_code = 2


class ToolNotFoundError(ToolInputError):
    """A tool name that is not registered."""


class ModelUnavailableError(StylistError):
    """A model (LLM, embedder, checkpoint) that cannot be loaded."""


class MissingDependencyError(ModelUnavailableError):
    """An optional dependency that is not installed; the message names the extra."""

    def __init__(self, package: str, extra: str, *, purpose: str = "") -> None:
        what = f" for {purpose}" if purpose else ""
        super().__init__(
            f"the optional package {package!r} is needed{what} but is not installed",
            hint=f"pip install 'stylist[{extra}]'",
        )
        self.package = package
        self.extra = extra


class LLMError(StylistError):
    """The language model failed or answered with something unusable."""


class ProfileError(StylistError):
    """A profile or feedback request that cannot be honoured."""


class BusyError(StylistError):
    """A bounded queue is full (the model's calls, or the server's turns): try again later.

    ``retry_after`` is the seconds a client should wait; ``queue`` names the queue that was full."""

    def __init__(self, message: str, *, queue: str, retry_after: float, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.queue = queue
        self.retry_after = retry_after


class TurnCancelled(StylistError):
    """The turn's client went away (a disconnect), so its work stopped."""


class IndexBuildingError(StylistError):
    """The first catalogue index is being built (once, in the background); try again later."""

    def __init__(self, message: str, *, retry_after: float = 30.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after
