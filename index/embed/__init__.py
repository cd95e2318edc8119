"""Embedders: text (sentence-transformers) now; image encoders plug in behind ``ImageEmbedder``."""

from stylist.index.embed.text import SentenceTransformerTextEmbedder, make_text_embedder

__all__ = ["SentenceTransformerTextEmbedder", "make_text_embedder"]
