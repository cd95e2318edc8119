"""The text embedder for training and benchmarks: the runtime's, else the packaged MiniLM."""

from __future__ import annotations

from typing import Any

from stylist.runtime import text_embedder_of


def text_embedder_for(runtime: Any | None) -> Any:
    """``runtime.text_embedder`` (or an injected one), else the store's packaged all-MiniLM-L6-v2."""
    if runtime is not None:
        embedder = text_embedder_of(runtime)
        if embedder is not None:
            return embedder
    from stylist.index.embed.text import SentenceTransformerTextEmbedder

    return SentenceTransformerTextEmbedder()
