"""Image embedders behind the ``ImageEmbedder`` protocol, plus query embedding for images.

Each embedder also says how a text query enters its space (``embed_query``): the packaged
encoder was trained into the catalogue's text space, so queries use the text embedder; a CLIP
model has its own text tower.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from stylist.errors import ModelUnavailableError
from stylist.index.embed.text import EMBEDDED_NAME
from stylist.index.protocols import TextEmbedder

DEMO_CHECKPOINT = Path(__file__).parent / "checkpoints" / "demo.pt"
"""The first encoder, trained on the demo catalogue's drawings (a baseline; the GAN benchmark's feature
space)."""
PHOTOS_CHECKPOINT = Path(__file__).parent / "checkpoints" / "photos.pt"
"""Trained on real product photos (benchmarks/image_text.py): heads for MiniLM and the --fast static model."""
PACKAGED = {"demo": DEMO_CHECKPOINT, "photos": PHOTOS_CHECKPOINT}
"""The packaged encoders by the name ``embed.image_model`` gives them."""
AUTO = ("auto", "embedded")
"""``embed.image_model`` values that let the catalogue choose (``embedded`` is the older name)."""
# Without a catalogue to go by, the demo encoder: the default catalogue is the demo's drawings, and on them
# the photo encoder reads colour too weakly (tests/test_image_search.py's recolouring check fails with it).
PACKAGED_CHECKPOINT = DEMO_CHECKPOINT


def _device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class TrainedImageEmbedder:
    """An encoder trained by ``stylist train image-encoder`` (or the packaged demo one)."""

    has_text_tower = False

    def __init__(
        self, checkpoint: str | Path, text_embedder: TextEmbedder, device: str = "auto", batch_size: int = 64
    ) -> None:
        from stylist.index.imagenc.model import load_checkpoint

        self.checkpoint = Path(checkpoint)
        self.model, self.metrics = load_checkpoint(self.checkpoint, _device(device))
        self.text_embedder = text_embedder
        self.batch_size = batch_size
        self.head = self.model.head_for(text_embedder.name)
        """One checkpoint may hold a head per text space (the MiniLM one, the --fast static one)."""
        self.dim = int(self.head.net[-1].out_features)
        # the content hash tells an index built with an older checkpoint at the same path apart
        digest = _digest(self.checkpoint)
        space = f":{text_embedder.name}" if self.head is not self.model.head else ""
        self.name = f"stylist-image:{self.model.config.backbone}:{self.checkpoint.name}:{digest}{space}"
        trained_for = (
            EMBEDDED_NAME if self.model.config.text_model == "embedded" else self.model.config.text_model
        )
        self.shares_text_space = trained_for == text_embedder.name or self.head is not self.model.head
        """Pictures map into the configured text model's space: a text query vector scores them directly."""
        if text_embedder.dim != self.dim:
            raise ModelUnavailableError(
                (
                    f"image encoder {self.checkpoint} maps into a {self.dim}-d text space but the text "
                    f"model gives {text_embedder.dim}-d vectors"
                ),
                hint="retrain it with `stylist train image-encoder` for the configured text model",
            )

    def embed_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        import torch

        from stylist.index.imagenc.model import preprocess

        device = next(self.model.head.parameters()).device
        rows = []
        with torch.no_grad():
            for start in range(0, len(images), self.batch_size):
                pixels = preprocess(
                    list(images[start : start + self.batch_size]), self.model.config.image_size
                ).to(device)
                rows.append(self.head(self.model.backbone(pixels)).float().cpu().numpy())
        return np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, self.dim), np.float32)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return self.text_embedder.embed_texts(list(texts))


class ClipImageEmbedder:
    """Any CLIP-family model transformers can load (FashionCLIP, CLIP, SigLIP) by id or path."""

    shares_text_space = False
    has_text_tower = True
    """Text queries enter its space through ``embed_query`` (its own text encoder)."""

    def __init__(self, model_id: str, device: str = "auto", batch_size: int = 32) -> None:
        try:
            from transformers import AutoModel, AutoProcessor
        except ImportError as exc:  # pragma: no cover - transformers is a dependency
            raise ModelUnavailableError("CLIP models need the transformers package") from exc
        self.device = _device(device)
        try:
            self.model = AutoModel.from_pretrained(model_id).to(self.device).eval()
            self.processor = AutoProcessor.from_pretrained(model_id)
        except Exception as exc:  # network, missing files, wrong architecture
            raise ModelUnavailableError(
                f"cannot load the image model {model_id!r}: {exc}",
                hint="give a local path, or a hub id on a machine with internet access",
            ) from None
        self.batch_size = batch_size
        self.name = f"clip:{model_id}"
        self.dim = int(self.model.config.projection_dim)

    def _normalise(self, vectors) -> np.ndarray:  # type: ignore[no-untyped-def]
        if not hasattr(vectors, "float"):  # newer transformers return an output object
            vectors = vectors.pooler_output
        array = vectors.float().cpu().numpy()
        return (array / np.linalg.norm(array, axis=1, keepdims=True).clip(1e-12)).astype(np.float32)

    def embed_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        import torch

        rows = []
        with torch.no_grad():
            for start in range(0, len(images), self.batch_size):
                inputs = self.processor(
                    images=list(images[start : start + self.batch_size]), return_tensors="pt"
                ).to(self.device)
                rows.append(self._normalise(self.model.get_image_features(**inputs)))
        return np.concatenate(rows) if rows else np.zeros((0, self.dim), np.float32)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        with torch.no_grad():
            inputs = self.processor(text=list(texts), return_tensors="pt", padding=True, truncation=True).to(
                self.device
            )
            return self._normalise(self.model.get_text_features(**inputs))


def user_checkpoint(models_dir: Path) -> Path:
    """Where ``stylist train image-encoder`` writes its model; ``embedded`` prefers it when present."""
    return models_dir / "image_encoder.pt"


def auto_choice(models_dir: Path | None, demo_catalogue: bool | None) -> str:
    """What ``auto`` means for a catalogue: the encoder trained on your own catalogue if there is one
    (``stylist train image-encoder``), else ``demo`` for the demo catalogue's drawings (or when the
    catalogue is unknown: ``None``) and ``photos`` for a catalogue of real photos."""
    trained = user_checkpoint(models_dir) if models_dir is not None else None
    if trained is not None and trained.is_file():
        return str(trained)
    return "photos" if demo_catalogue is False else "demo"


def encoder_ref(name: str | None, models_dir: Path | None = None) -> str | None:
    """The ``embed.image_model`` value that rebuilds the encoder an index records by ``name`` (its
    checkpoint's file and content hash), or ``None`` when it cannot be told (another file)."""
    if not name:
        return None
    if name.startswith("clip:"):
        return name.removeprefix("clip:")
    parts = name.split(":")
    if len(parts) < 4 or parts[0] != "stylist-image":
        return None
    candidates = dict(PACKAGED)
    if models_dir is not None:
        candidates[str(user_checkpoint(models_dir))] = user_checkpoint(models_dir)
    for ref, path in candidates.items():
        if path.name == parts[2] and path.is_file() and _digest(path) == parts[3]:
            return ref
    return None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def make_image_embedder(
    model: str,
    text_embedder: TextEmbedder,
    device: str = "auto",
    batch_size: int = 64,
    models_dir: Path | None = None,
    *,
    demo_catalogue: bool | None = None,
) -> TrainedImageEmbedder | ClipImageEmbedder | None:
    """``auto`` (or ``embedded``) → :func:`auto_choice` for the catalogue; ``demo`` / ``photos`` → the
    packaged encoder trained on the demo drawings / on real product photos; ``none`` → no image search;
    a ``.pt`` path → that checkpoint; else a CLIP id/path."""
    if model == "none":
        return None
    if model in AUTO:
        model = auto_choice(models_dir, demo_catalogue)
    if model in PACKAGED:
        if not PACKAGED[model].is_file():
            raise ModelUnavailableError(
                f"the packaged image encoder {PACKAGED[model]} is missing from this install"
            )
        return TrainedImageEmbedder(PACKAGED[model], text_embedder, device, batch_size)
    if model.endswith(".pt"):
        return TrainedImageEmbedder(Path(model).expanduser(), text_embedder, device, batch_size)
    return ClipImageEmbedder(model, device, batch_size)
