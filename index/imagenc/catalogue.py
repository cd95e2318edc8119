"""Training the image encoder on a catalogue: garments with pictures and their descriptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from stylist.errors import ToolInputError
from stylist.index.imagenc.images import iter_pictures
from stylist.index.imagenc.model import EncoderConfig, save_checkpoint
from stylist.index.imagenc.prompts import ARTICLE_TEMPLATES, COLOUR_TEMPLATES, prompts_for
from stylist.index.imagenc.train import LabelTargets, Pairs, Progress, TrainConfig, train_image_encoder
from stylist.index.loaders.kaggle import _noun
from stylist.index.protocols import TextEmbedder
from stylist.index.schema import Garment


@dataclass
class PictureSet:
    garments: list[Garment] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """One line per garment left out: its id, file and why."""


def load_pictures(
    garments: Sequence[Garment], base: Path | None = None, progress: Progress | None = None
) -> PictureSet:
    """The garments that have a readable picture, with the pictures; the rest are reported."""
    out = PictureSet()
    report = (lambda done, total: progress("pictures", done, total)) if progress else None
    for garment, picture in iter_pictures(garments, out.problems, base, report):
        out.garments.append(garment)
        out.images.append(picture)
    return out


def catalogue_pairs(garments: Sequence[Garment]) -> Pairs:
    """Label-aware training pairs from catalogue rows: the description, the product name as the
    alternative text, runs of one article type in a batch (hard negatives), one article type and colour
    never each other's negatives, and the article type and colour prompts as targets too."""
    nouns = [_noun(g.article_type).removeprefix("pair of ") if g.article_type else "" for g in garments]
    colours = [g.colours[0] if g.colours else "" for g in garments]
    return Pairs(
        texts=[g.document() for g in garments],
        alt_texts=[g.title or g.document() for g in garments],
        groups=nouns,
        same_label=[f"{a}|{c}" if a and c else "" for a, c in zip(nouns, colours)],
        label_sets=[
            LabelTargets(nouns, prompts_for(sorted(set(nouns) - {""}), ARTICLE_TEMPLATES)),
            LabelTargets(colours, prompts_for(sorted(set(colours) - {""}), COLOUR_TEMPLATES)),
        ],
    )


def train_on_catalogue(
    garments: Sequence[Garment],
    text_embedder: TextEmbedder,
    out: Path,
    *,
    base: Path | None = None,
    config: EncoderConfig | None = None,
    train: TrainConfig | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train on every garment with a picture, save the checkpoint to ``out``, return metrics."""
    pictures = load_pictures(garments, base, progress)
    if len(pictures.garments) < 8:
        raise ToolInputError(
            f"only {len(pictures.garments)} garments have readable pictures; training needs at least 8",
            hint="give the catalogue an image_path per garment (or an images/ folder for Kaggle styles.csv)",
        )
    config = config or EncoderConfig()
    if config.text_model == "embedded":
        config.text_model = text_embedder.name
    result = train_image_encoder(
        [g.id for g in pictures.garments],
        pictures.images,
        catalogue_pairs(pictures.garments),
        text_embedder,
        config,
        train,
        progress,
    )
    metrics = {**result.metrics, "skipped": pictures.problems[:50], "skipped_count": len(pictures.problems)}
    save_checkpoint(result.model, out, metrics)
    return metrics
