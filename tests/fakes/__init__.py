"""Fakes for the tests, one module per area; every model fake implements the project's Protocols.

- ``core``: hashing text embedder, colour image embedders, the ``Echo`` tool and ``EchoStylist``;
- ``chat``: :class:`ScriptedChatModel`, the one scripted chat model (``enqueue()`` replies);
- ``agent``: a twelve-garment catalogue and ``fake_stylist()``;
- ``compat``: a generated catalogue for outfits; ``profile``: profiles and preferences;
- ``recognise``: garment pictures and a tiny recogniser; ``trends``: a synonym embedder;
- ``tui``: a scripted ``Stylist`` for the TUI; ``openai_server`` / ``openai_router``: fake
  OpenAI-compatible HTTP servers.
"""

from tests.fakes.chat import ScriptedChatModel, tool_call
from tests.fakes.core import (
    ColourTowerImageEmbedder,
    ColourWordImageEmbedder,
    Echo,
    EchoIn,
    EchoOut,
    EchoStylist,
    HashingTextEmbedder,
    MeanColourImageEmbedder,
)

__all__ = [
    "ColourTowerImageEmbedder",
    "ColourWordImageEmbedder",
    "Echo",
    "EchoIn",
    "EchoOut",
    "EchoStylist",
    "HashingTextEmbedder",
    "MeanColourImageEmbedder",
    "ScriptedChatModel",
    "tool_call",
]
