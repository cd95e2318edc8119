"""Fakes for the models behind the picture tools, and a runtime on which every built-in tool runs
in milliseconds (the tool contract test and the example-tool test use it)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import torch

from stylist.config import load_settings
from stylist.profiles.feedback_import import import_feedback
from stylist.runtime import Runtime
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.outfits.scorer import CompatibilityScorer
from stylist.tools.recognise.recogniser import Candidate, ColourShare, Recognition
from tests.fakes.compat import FakeCatalogueIndex, fake_catalogue
from tests.fakes.core import HashingTextEmbedder

RENTALS = Path(__file__).resolve().parents[1] / "fixtures" / "renttherunway" / "history.csv"


class FakeRecogniser:
    """The recogniser's interface: every photo is a confidently recognised white shirt."""

    def recognise(self, path: str | Path) -> Recognition:
        return Recognition(
            status="ok",
            message="white shirt",
            article_type="Shirt",
            slot="top",
            article_confidence=0.9,
            candidates=[Candidate(label="Shirt", confidence=0.9)],
            pattern="solid",
            garments_found=1,
            colours=[ColourShare(name="white", share=1.0, hex="#f6f6f4")],
        )


class FakeDesignSampler:
    """The GAN sampler's interface: flat-colour squares, one per label row."""

    conditions = {
        "article_type": ["Dress", "Tshirts"],
        "colour": ["red", "blue", "none"],
        "pattern": ["solid", "striped", "none"],
    }
    metrics: dict[str, Any] = {}
    checkpoint = Path("fake-gan.pt")
    text_model = ""
    prototypes: dict[str, dict[str, list[float]]] = {}
    native_size = 32

    def walk(self, n: int, seed: int) -> np.ndarray:
        return np.linspace(0, 1, n)

    def generate(
        self, labels: list[dict[str, str]], *, seed: int = 0, z: Any = None, text: Any = None
    ) -> np.ndarray:
        rng = np.random.default_rng(seed)
        return rng.integers(0, 255, size=(len(labels), 32, 32, 3), dtype=np.uint8)


def untrained_scorer(index: FakeCatalogueIndex) -> CompatibilityScorer:
    """The compatibility scorer on a small untrained model (deterministic)."""
    torch.manual_seed(0)
    model = CompatModel(CompatConfig(text_dim=384, hidden=32, embed_dim=16, pair_hidden=16)).eval()
    return CompatibilityScorer(
        model, lambda gs: index.embedder.embed_texts([g.document() for g in gs]), name="untrained"
    )


def tools_runtime(n_garments: int = 120) -> Runtime:
    """A runtime where every built-in tool runs on fakes: a generated catalogue, hashing
    embeddings, an untrained outfit scorer, the fake recogniser and GAN, the seasonal-naive
    trend model, no LLM; profiles, a small rental history (tests/fixtures/renttherunway) and
    trends in the SQL store under ``$STYLIST_HOME``."""
    embedder = HashingTextEmbedder()
    # ids as people type them ("g-0003"), so the router reads them from a message
    garments = [g.model_copy(update={"id": f"g-{i:04d}"}) for i, g in enumerate(fake_catalogue(n_garments))]
    index = FakeCatalogueIndex(garments, embedder)
    settings = load_settings(llm={"backend": "none"}, trends={"model": "seasonal_naive"})
    runtime = Runtime(
        settings,
        catalogue_index=index,
        text_embedder=embedder,
        image_embedder=None,
        compat_scorer=untrained_scorer(index),
        recogniser=FakeRecogniser(),
        design_sampler=FakeDesignSampler(),
    )
    # the rentals' items renamed as catalogue ids ("it05" -> "g-0005") so messages can name them
    rentals = Path(settings.home) / "rentals.csv"
    rentals.parent.mkdir(parents=True, exist_ok=True)
    rentals.write_text(re.sub(r"\bit(\d\d)\b", r"g-00\1", RENTALS.read_text()), encoding="utf-8")
    import_feedback(runtime.profile_store, rentals, "renttherunway")
    return runtime
