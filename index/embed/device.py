"""Which torch device a model runs on."""

from __future__ import annotations


def resolve_device(requested: str = "auto") -> str:
    """``auto`` is ``cuda`` when torch sees a GPU, else ``cpu``; anything else is passed through."""
    if requested != "auto":
        return requested
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
