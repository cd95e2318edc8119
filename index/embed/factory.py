"""Which text embedder a setting or an index manifest names (sentence-transformers or static)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stylist.index.embed.static import (
    EMBEDDED_STATIC,
    EMBEDDED_STATIC_NAME,
    StaticTextEmbedder,
    is_static_ref,
)
from stylist.index.embed.text import EMBEDDED, EMBEDDED_NAME, SentenceTransformerTextEmbedder

if TYPE_CHECKING:
    from stylist.config import Settings
    from stylist.index.protocols import TextEmbedder


def make_text_embedder(settings: Settings, model: str | None = None) -> TextEmbedder:
    """The text embedder ``model`` (default: ``embed.text_model``) names; not loaded yet."""
    embed = settings.embed
    model = model or embed.text_model
    if is_static_ref(model):
        return StaticTextEmbedder(model, models_dir=settings.models_dir)
    return SentenceTransformerTextEmbedder(
        model, device=embed.device, batch_size=embed.batch_size, threads=embed.threads
    )


def model_ref_for(embedder_name: str) -> str:
    """The ``embed.text_model`` value that recreates the embedder an index manifest names."""
    return {EMBEDDED_NAME: EMBEDDED, EMBEDDED_STATIC_NAME: EMBEDDED_STATIC}.get(embedder_name, embedder_name)
