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


def text_data(n: int = 48, seed: int = 0):
    """The synthetic set with each picture's words ("red square") embedded by the hashing fake."""
    import torch

    from tests.fakes import HashingTextEmbedder

    data = synthetic(n, 64, seed=seed)
    words = [f"{names['colour']} {names['article_type']}" for names in map(data.label_names, range(n))]
    data.text = torch.from_numpy(HashingTextEmbedder().embed_texts(words))
    return data


def train_tiny_text(folder: Path, epochs: int = 1) -> tuple[dict, Path]:
    """One real epoch of the text-conditioned GAN on ``text_data``; returns (metrics, exported)."""
    data = text_data()
    config = GanConfig(
        conditions=data.conditions,
        image_size=64,
        g_width=4,
        d_width=4,
        z_dim=16,
        embed_dim=4,
        text_dim=int(data.text.shape[1]),
        text_cond=8,
        text_model="fake-hashing",
    )
    train = TrainConfig(epochs=epochs, batch_size=16, threads=1, snapshot_every=1)
    metrics = train_gan(data, config, train, folder)
    exported = export_generator(load_checkpoint(folder / "last.pt"), folder / "gan.pt")
    return metrics, exported
