"""What the training of every small model shares: optimiser settings, seeding and CPU threads.

The image encoder, the compatibility model and the garment recogniser extend
:class:`OptimiserConfig` with their own fields (and their own defaults where they differ).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class OptimiserConfig:
    epochs: int = 30
    batch_size: int = 128
    lr: float = 2e-3
    weight_decay: float = 1e-4
    seed: int = 0
    threads: int | None = None
    """CPU threads for torch (``None``: torch's default). Process-wide: torch has no per-model setting."""


def prepare_torch(config: OptimiserConfig) -> None:
    """Seed torch and set its thread count as ``config`` asks, before a model is built."""
    import torch

    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
