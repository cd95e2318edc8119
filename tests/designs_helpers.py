"""A tiny GAN trained for one real epoch on the synthetic set (shared by the design tests)."""

from __future__ import annotations

from pathlib import Path

from stylist.tools.designs.data import synthetic
from stylist.tools.designs.model import GanConfig, export_generator, load_checkpoint
from stylist.tools.designs.train import TrainConfig, train_gan


def tiny_config(data) -> GanConfig:
    return GanConfig(conditions=data.conditions, image_size=64, g_width=4, d_width=4, z_dim=16, embed_dim=4)


def train_tiny(folder: Path, epochs: int = 1, resume: bool = False) -> tuple[dict, Path]:
    data = synthetic(48, 64, seed=0)
    metrics = train_gan(
        data, tiny_config(data), TrainConfig(epochs=epochs, batch_size=16, threads=1), folder, resume=resume
    )
    exported = export_generator(load_checkpoint(folder / "last.pt"), folder / "gan.pt")
    return metrics, exported
