"""Stylist: a conversational stylist agent over a real garment catalogue."""

__version__ = "0.1.0"
