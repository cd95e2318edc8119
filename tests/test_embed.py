"""The sentence-transformers text embedder: packaged model, errors, runtime wiring."""

from __future__ import annotations

import numpy as np
import pytest

from stylist.config import load_settings
from stylist.errors import ModelUnavailableError
from stylist.index.embed import SentenceTransformerTextEmbedder, make_text_embedder
from stylist.index.protocols import TextEmbedder
from stylist.runtime import Runtime


def test_lazy_and_configured_from_settings():
    settings = load_settings(embed={"batch_size": 8, "device": "cpu"})
    embedder = make_text_embedder(settings)
    assert isinstance(embedder, TextEmbedder)
    assert embedder._model is None  # nothing loaded yet
    assert embedder.dim == 384 and embedder.name == "all-MiniLM-L6-v2"
    assert embedder.batch_size == 8 and embedder._model is None
    runtime = Runtime(settings)
    assert runtime.text_embedder is runtime.text_embedder
    assert not runtime.has("catalogue_index")


def test_unloadable_model_is_a_clear_error(tmp_path):
    missing = SentenceTransformerTextEmbedder(str(tmp_path / "no-such-model"), device="cpu")
    with pytest.raises(ModelUnavailableError, match="no-such-model"):
        missing.embed_texts(["x"])
    offline = SentenceTransformerTextEmbedder("some-org/not-a-real-model-xyz", device="cpu")
    with pytest.raises(ModelUnavailableError, match="not-a-real-model-xyz") as err:
        _ = offline.dim
    assert err.value.hint


@pytest.mark.slow
def test_packaged_minilm_embeds_normalised_and_meaningful():
    embedder = SentenceTransformerTextEmbedder("embedded", device="auto", batch_size=4)
    vectors = embedder.embed_texts(
        ["navy formal shirt for men", "dark blue office shirt", "red summer dress", "a", "b"]
    )
    assert vectors.shape == (5, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert embedder.device == "cpu"
    assert embedder.embed_texts([]).shape == (0, 384)
