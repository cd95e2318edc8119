"""Sampling designs from a trained GAN checkpoint (no training code imported here).

``DesignSampler.generate(labels, seed=...)`` is deterministic: the same checkpoint, labels and
seed give the same pixels. With an image embedder that maps pictures into the text space,
``rerank`` keeps the candidates whose picture embedding is closest to a brief's text embedding.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from stylist.errors import ModelUnavailableError, ToolInputError

if TYPE_CHECKING:
    import torch

    from stylist.tools.designs.model import GanConfig

log = logging.getLogger(__name__)

CHECKPOINTS = Path(__file__).parent / "checkpoints"
DATASETS = {
    "photos": CHECKPOINTS / "photos.pt",
    "demo": CHECKPOINTS / "demo.pt",
    "fashion-mnist": CHECKPOINTS / "fashion_mnist.pt",
}
"""Packaged checkpoints by the data they were trained on. ``photos`` (real product photos, conditioned
on the brief's words) is the default: on held-out real photos it measures closer to them than the
demo one (docs/designs.md)."""
PACKAGED_CHECKPOINT = DATASETS["photos"]
MAX_DESIGNS = 16
MAX_CANDIDATES = 512
MIN_SIZE, MAX_SIZE = 32, 512


def user_checkpoint(models_dir: Path) -> Path:
    """Where ``stylist train gan`` exports its sampling checkpoint; ``auto`` prefers it."""
    return models_dir / "gan.pt"


def resolve_checkpoint(model: str, models_dir: Path | None = None) -> Path:
    """``auto`` → the user's trained GAN when present, else the packaged photo one; ``photos``,
    ``demo``, ``fashion-mnist`` → that packaged one; anything else is a checkpoint path."""
    if model == "auto" or model in DATASETS:
        trained = user_checkpoint(models_dir) if models_dir is not None else None
        use_trained = model == "auto" and trained is not None and trained.is_file()
        path = trained if use_trained and trained is not None else DATASETS.get(model, PACKAGED_CHECKPOINT)
        if not path.is_file():
            raise ModelUnavailableError(
                f"the packaged GAN checkpoint {path} is missing from this install",
                hint="train one with: stylist train gan",
            )
        return path
    path = Path(model).expanduser()
    if not path.is_file():
        raise ModelUnavailableError(f"GAN checkpoint {path} does not exist", hint="check designs.model")
    return path


def design_text_encoder(runtime: Any, text_model: str) -> Any:
    """The text embedder a GAN conditioned on ``text_model``'s space reads briefs with."""
    return runtime.text_embedder_named(text_model)


def _device(device: str) -> str:
    import torch  # heavy: only once a sampler is made

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


class DesignSampler:
    """A trained generator and its condition vocabulary. Torch loads when the first one is made."""

    def __init__(self, checkpoint: str | Path, device: str = "cpu") -> None:
        from stylist.tools.designs.model import generator_from_checkpoint, load_checkpoint  # torch

        self.checkpoint = Path(checkpoint)
        try:
            data = load_checkpoint(self.checkpoint, "cpu")
        except (ValueError, FileNotFoundError) as exc:
            raise ModelUnavailableError(str(exc)) from None
        self.device = _device(device)
        try:
            self.generator = generator_from_checkpoint(data, self.device)
        except ValueError as exc:
            raise ModelUnavailableError(f"{self.checkpoint}: {exc}") from None
        self.config: GanConfig = self.generator.config
        self.metrics: dict[str, Any] = data.get("metrics", {})

    @property
    def text_model(self) -> str:
        """The text embedder whose space the generator reads (empty: labels only)."""
        return self.config.text_model if self.config.text_dim else ""

    @property
    def prototypes(self) -> dict[str, dict[str, list[float]]]:
        """Condition → value → mean text embedding of its training pictures (text models only)."""
        return self.metrics.get("prototypes") or {}

    @property
    def truncation(self) -> float:
        """Every latent is scaled by this (the truncation trick, Brock et al. 2019: pulled towards the
        prior's mean, designs are more typical and less varied); chosen on validation and stored in
        the checkpoint's metrics, 1.0 (none) when absent."""
        return float(self.metrics.get("truncation", 1.0))

    @property
    def native_size(self) -> int:
        return self.config.image_size

    @property
    def conditions(self) -> dict[str, list[str]]:
        return self.config.conditions

    def check_labels(self, labels: dict[str, str]) -> None:
        """Raise ``ToolInputError`` naming the first missing or unknown condition value."""
        for name, values in self.conditions.items():
            if name not in labels:
                raise ToolInputError(f"missing condition {name!r}; valid values: {', '.join(values)}")
            if labels[name] not in values:
                raise ToolInputError(f"unknown {name} {labels[name]!r}; valid values: {', '.join(values)}")

    def _label_tensors(self, labels: Sequence[dict[str, str]]) -> dict[str, torch.Tensor]:
        import torch

        for row in labels:
            self.check_labels(row)
        return {
            name: torch.tensor([values.index(row[name]) for row in labels], device=self.device)
            for name, values in self.conditions.items()
        }

    def latents(self, n: int, seed: int) -> torch.Tensor:
        import torch

        z = torch.randn(n, self.config.z_dim, generator=torch.Generator().manual_seed(seed))
        return (z * self.truncation).to(self.device)

    def walk(self, n: int, seed: int) -> torch.Tensor:
        """``n`` latents on the great circle from one random latent to another (spherical
        interpolation, both ends included): a variation series of one design."""
        import torch

        ends = self.latents(2, seed)
        a, b = ends[0], ends[1]
        omega = torch.arccos((a / a.norm()).dot(b / b.norm()).clamp(-1, 1))
        ts = torch.linspace(0, 1, n, device=a.device) if n > 1 else torch.zeros(1, device=a.device)
        return torch.stack(
            [(torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega) for t in ts]
        )

    def generate(
        self,
        labels: Sequence[dict[str, str]],
        *,
        seed: int = 0,
        z: torch.Tensor | None = None,
        text: np.ndarray | None = None,
        batch_size: int = 256,
    ) -> np.ndarray:
        """uint8 images (N, S, S, C), one per label row; latents from ``seed`` unless ``z`` is given.
        A text-conditioned generator also needs ``text``: (N, text_dim) embeddings of each row's words."""
        if not labels:
            return np.zeros(
                (0, self.config.image_size, self.config.image_size, self.config.channels), np.uint8
            )
        if len(labels) > MAX_CANDIDATES:
            raise ToolInputError(f"at most {MAX_CANDIDATES} images per call, not {len(labels)}")
        import torch

        tensors = self._label_tensors(labels)
        vectors = self._text_tensor(text, len(labels))
        z = self.latents(len(labels), seed) if z is None else z.to(self.device)
        out = []
        with torch.no_grad():
            for start in range(0, len(labels), batch_size):
                part = {k: v[start : start + batch_size] for k, v in tensors.items()}
                words = None if vectors is None else vectors[start : start + batch_size]
                out.append(self.generator(z[start : start + batch_size], part, words).float().cpu())
        images = torch.cat(out)
        return ((images.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()

    def _text_tensor(self, text: np.ndarray | None, n: int) -> torch.Tensor | None:
        import torch

        if not self.config.text_dim:
            return None
        if text is None:
            raise ToolInputError(f"this design model draws from words: give {n} text embeddings")
        vectors = torch.as_tensor(np.asarray(text, np.float32), device=self.device)
        if vectors.shape != (n, self.config.text_dim):
            raise ToolInputError(
                f"text embeddings must be ({n}, {self.config.text_dim}) for {self.config.text_model}, "
                f"not {tuple(vectors.shape)}"
            )
        return torch.nn.functional.normalize(vectors, dim=1)


def to_pil(image: np.ndarray, size: int | None = None) -> Image.Image:
    """One (S, S, C) uint8 array as a picture, upscaled to ``size`` px (Lanczos)."""
    pil = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).convert("RGB")
    if size and size != pil.width:
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise ToolInputError(f"size must be between {MIN_SIZE} and {MAX_SIZE} px, not {size}")
        pil = pil.resize((size, size), Image.Resampling.LANCZOS)
    return pil


def rerank(
    images: np.ndarray, text_vector: np.ndarray, image_embedder: Any, keep: int
) -> tuple[list[int], list[float]]:
    """Indices of the ``keep`` images whose embedding is most cosine-similar to ``text_vector``,
    best first, with their similarities."""
    vectors = np.asarray(image_embedder.embed_images([to_pil(img) for img in images]), np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)
    text = np.asarray(text_vector, np.float32).reshape(-1)
    text /= max(float(np.linalg.norm(text)), 1e-12)
    scores = vectors @ text
    order = np.argsort(-scores, kind="stable")[:keep]
    return order.tolist(), [float(scores[i]) for i in order]
