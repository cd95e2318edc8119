"""Catalogue ingestion, embedders and vector stores (installed as ``stylist.index``)."""

from stylist.index.schema import Garment, Gender, Slot

__all__ = ["Garment", "Gender", "Slot"]
