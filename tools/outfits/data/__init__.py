"""Outfit data: Polyvore loaders (Maryland and Polyvore Outfits layouts) and demo outfits."""

from stylist.tools.outfits.data.types import CompatExample, FitbQuestion, OutfitData, OutfitRecord

__all__ = ["CompatExample", "FitbQuestion", "OutfitData", "OutfitRecord", "load_outfits"]


def load_outfits(path, *, strict: bool = True):  # noqa: ANN001, ANN201 - thin re-export
    """Load outfits from a Maryland or Polyvore Outfits folder or file (see ``polyvore.py``)."""
    from stylist.tools.outfits.data.polyvore import load_outfits as _load

    return _load(path, strict=strict)
