"""The catalogue store: Chroma as the record of truth, FAISS for fast search."""

from stylist.index.store.catalogue_index import CatalogueIndex
from stylist.index.store.layout import IndexLayout, Manifest

__all__ = ["CatalogueIndex", "IndexLayout", "Manifest"]
