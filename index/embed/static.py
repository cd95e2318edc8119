"""Static text embeddings (model2vec): a vector per token, averaged; hundreds of times faster than
a transformer, for catalogues too large to embed with one on a few CPU cores.

``embedded-static`` is distilled once, on this machine, from the packaged all-MiniLM-L6-v2 (each
vocabulary token's MiniLM output, PCA-reduced and frequency-weighted; model2vec's method) and kept
under ``models_dir``: nothing is downloaded. ``static:REF`` loads any model2vec model by local
folder or Hugging Face id (for example ``static:minishlab/potion-base-8M``, needs the network).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stylist.errors import ModelUnavailableError
from stylist.index.embed.text import SentenceTransformerTextEmbedder

log = logging.getLogger(__name__)

EMBEDDED_STATIC = "embedded-static"
EMBEDDED_STATIC_NAME = "static-all-MiniLM-L6-v2"
STATIC_PREFIX = "static:"
DISTILLED_FOLDER = "text/static-all-MiniLM-L6-v2"
PCA_DIMS = 256


def is_static_ref(model: str) -> bool:
    """Whether ``embed.text_model`` names a static (model2vec) model."""
    return model == EMBEDDED_STATIC or model.startswith(STATIC_PREFIX)


def _model2vec() -> Any:
    try:
        import model2vec
    except ImportError:
        raise ModelUnavailableError(
            "static text embeddings need the model2vec package", hint="pip install 'model2vec[distill]'"
        ) from None
    return model2vec


def distil(transformer: Any, tokenizer: Any, target: Path, *, pca_dims: int | None = PCA_DIMS) -> Path:
    """Distil a static model from a transformers model and its tokenizer into ``target``.

    Written to a temporary folder next to ``target`` and renamed into place, so an interrupted
    distillation never leaves a half-written model that would later load.
    """
    _model2vec()
    from model2vec.distill import distill_from_model

    target.parent.mkdir(parents=True, exist_ok=True)
    hidden = int(transformer.config.hidden_size)
    static = distill_from_model(
        transformer, tokenizer, device="cpu", pca_dims=min(pca_dims, hidden) if pca_dims else None
    )
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        static.save_pretrained(str(work))
        try:
            work.rename(target)
        except OSError:  # another process finished first: keep theirs
            if not (target / "config.json").is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


class StaticTextEmbedder:
    """A model2vec static model behind the ``TextEmbedder`` protocol; loads on first use."""

    def __init__(self, model: str = EMBEDDED_STATIC, *, models_dir: Path | None = None) -> None:
        if not is_static_ref(model):
            raise ValueError(
                f"{model!r} is not a static model reference ({EMBEDDED_STATIC!r} or 'static:REF')"
            )
        self.model_ref = model
        self.name = EMBEDDED_STATIC_NAME if model == EMBEDDED_STATIC else model
        self.models_dir = models_dir
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return int(self._load().dim)

    @property
    def needs_distilling(self) -> bool:
        """Whether the first load distils ``embedded-static`` (minutes of CPU) before using it."""
        return self.model_ref == EMBEDDED_STATIC and not (Path(self.source) / "config.json").is_file()

    @property
    def source(self) -> str:
        """The folder or id the model loads from."""
        if self.model_ref == EMBEDDED_STATIC:
            if self.models_dir is None:
                raise ModelUnavailableError(
                    f"{EMBEDDED_STATIC!r} needs a models folder to keep the distilled model in"
                )
            return str(self.models_dir / DISTILLED_FOLDER)
        return self.model_ref[len(STATIC_PREFIX) :]

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._open()
            return self._model

    def _open(self) -> Any:
        _model2vec()
        from model2vec import StaticModel

        source = self.source
        if self.needs_distilling:
            self._distil_embedded(Path(source))
        try:
            return StaticModel.from_pretrained(source)
        except Exception as exc:  # model2vec raises OSError, HF errors, ValueError, ...
            where = "a local folder" if Path(source).exists() else "a model id (downloads need network)"
            raise ModelUnavailableError(
                f"cannot load static text model {source!r} as {where}: {type(exc).__name__}: {exc}".strip(),
                hint=f"set embed.text_model to {EMBEDDED_STATIC!r} or to a local model2vec folder",
            ) from None

    def _distil_embedded(self, target: Path) -> None:
        log.info("distilling %s from the packaged all-MiniLM-L6-v2 into %s (once)", EMBEDDED_STATIC, target)
        minilm = SentenceTransformerTextEmbedder(device="cpu")._load()
        distil(minilm[0].auto_model, minilm.tokenizer, target)

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(model.encode(list(texts), show_progress_bar=False), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)

    def __repr__(self) -> str:
        return f"StaticTextEmbedder({self.model_ref!r})"
