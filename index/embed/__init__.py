"""Embedders: text (sentence-transformers) now; image encoders plug in behind ``ImageEmbedder``."""

from stylist.index.embed.factory import make_text_embedder
from stylist.index.embed.text import SentenceTransformerTextEmbedder

__all__ = ["SentenceTransformerTextEmbedder", "make_text_embedder"]
