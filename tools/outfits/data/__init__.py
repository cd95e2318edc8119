"""Outfit data: Polyvore loaders (Maryland and Polyvore Outfits layouts) and demo outfits."""

from stylist.tools.outfits.data.polyvore import load_outfits
from stylist.tools.outfits.data.types import CompatExample, FitbQuestion, OutfitData, OutfitRecord

__all__ = ["CompatExample", "FitbQuestion", "OutfitData", "OutfitRecord", "load_outfits"]
