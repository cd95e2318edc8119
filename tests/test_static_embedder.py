"""Static (model2vec) text embeddings: distillation, loading, errors, and an index that remembers
which text model built it."""

from __future__ import annotations

import numpy as np
import pytest

from stylist.config import load_settings
from stylist.errors import ModelUnavailableError
from stylist.index.build import build_index, open_or_build
from stylist.index.embed.factory import make_text_embedder, model_ref_for
from stylist.index.embed.static import (
    DISTILLED_FOLDER,
    EMBEDDED_STATIC,
    StaticTextEmbedder,
    distil,
    is_static_ref,
)
from stylist.index.embed.text import SentenceTransformerTextEmbedder
from stylist.runtime import Runtime
from tests.cli_helpers import run_cli
from tests.fakes import HashingTextEmbedder
from tests.sample_catalogue import sample_garments

WORDS = (
    "red blue navy green black white summer winter dress shirt boots leather linen wool cotton "
    "formal casual party men women silk jacket trousers skirt sneakers bag hat scarf"
).split()


@pytest.fixture(scope="module")
def tiny_static(tmp_path_factory):
    """A static model distilled, by the real code path, from a tiny randomly initialised BERT."""
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS])}
    raw = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    raw.normalizer = normalizers.BertNormalizer(lowercase=True)
    raw.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    raw.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=raw,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = transformers.BertModel(config).eval()
    folder = tmp_path_factory.mktemp("tiny-bert")
    model.name_or_path = str(folder)  # a local model: model2vec then asks no hub for its model card
    return distil(model, tokenizer, folder / "static", pca_dims=16)


def test_refs_and_names(tmp_path):
    assert (
        is_static_ref("embedded-static")
        and is_static_ref("static:some/model")
        and not is_static_ref("embedded")
    )
    settings = load_settings(home=tmp_path)
    e = make_text_embedder(settings, "embedded-static")
    assert isinstance(e, StaticTextEmbedder) and e.name == "static-all-MiniLM-L6-v2" and e._model is None
    assert e.needs_distilling and e.source == str(settings.models_dir / DISTILLED_FOLDER)
    assert isinstance(make_text_embedder(settings), SentenceTransformerTextEmbedder)
    # a manifest's embedder name maps back to the setting that recreates it
    assert model_ref_for("all-MiniLM-L6-v2") == "embedded" and model_ref_for(e.name) == EMBEDDED_STATIC
    assert model_ref_for("static:/x/y") == "static:/x/y"
    with pytest.raises(ValueError, match="not a static model"):
        StaticTextEmbedder("embedded")


def test_distilled_model_embeds_normalised_vectors(tiny_static):
    e = StaticTextEmbedder(f"static:{tiny_static}")
    v = e.embed_texts(["red summer dress", "navy wool jacket", "red summer dress"])
    assert v.shape == (3, 16) and v.dtype == np.float32 and e.dim == 16
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(v[0], v[2])
    assert v[0] @ v[1] < 0.999
    assert e.embed_texts([]).shape == (0, 16)
    assert not any(p.name.startswith(".") for p in tiny_static.parent.iterdir())  # no temporary folder left


def test_embedded_static_uses_the_distilled_copy_in_models_dir(tmp_path, tiny_static, monkeypatch):
    target = tmp_path / DISTILLED_FOLDER
    target.parent.mkdir(parents=True)
    target.symlink_to(tiny_static, target_is_directory=True)
    monkeypatch.setattr(
        StaticTextEmbedder, "_distil_embedded", lambda self, t: pytest.fail("distilled again")
    )
    e = StaticTextEmbedder(EMBEDDED_STATIC, models_dir=tmp_path)
    assert not e.needs_distilling and e.embed_texts(["boots"]).shape == (1, 16)


def test_unloadable_static_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="no-such-folder"):
        StaticTextEmbedder(f"static:{tmp_path / 'no-such-folder'}").embed_texts(["x"])
    with pytest.raises(ModelUnavailableError, match="models folder"):
        _ = StaticTextEmbedder(EMBEDDED_STATIC).dim


class NamedHashing(HashingTextEmbedder):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


def test_queries_use_the_text_model_that_built_the_index(stylist_home, monkeypatch):
    settings = load_settings()
    build_index(settings, NamedHashing("static-all-MiniLM-L6-v2"), garments=sample_garments())
    made: list[str | None] = []

    def fake_make(settings, model=None):
        made.append(model)
        return NamedHashing("static-all-MiniLM-L6-v2" if model == EMBEDDED_STATIC else "other")

    monkeypatch.setattr("stylist.index.embed.factory.make_text_embedder", fake_make)
    runtime = Runtime(settings, text_embedder=NamedHashing("all-MiniLM-L6-v2"))
    index = open_or_build(runtime)
    assert made == [EMBEDDED_STATIC]
    assert (
        runtime.text_embedder.name == "static-all-MiniLM-L6-v2"
        and index.text_embedder is runtime.text_embedder
    )
    assert index.search("red dress", k=3)


def test_build_cli_fast_conflicts_with_another_text_model(capsys, stylist_home):
    code, out, err = run_cli(capsys, "index", "build", "--demo", "--fast", "--text-model", "embedded")
    assert code != 0 and "--fast" in err and "embedded-static" in err


@pytest.mark.slow
def test_fast_build_indexes_and_searches_with_the_static_model(
    capsys, stylist_home, tiny_static, monkeypatch
):
    monkeypatch.setenv("STYLIST_INDEX__DEMO_SIZE", "120")
    settings = load_settings()
    target = settings.models_dir / DISTILLED_FOLDER
    target.parent.mkdir(parents=True)
    target.symlink_to(tiny_static, target_is_directory=True)
    code, out, err = run_cli(capsys, "index", "build", "--demo", "--fast", "--no-images", "--json")
    assert code == 0, err
    import json

    report = json.loads(out)
    assert report["embedder"] == "static-all-MiniLM-L6-v2" and report["dim"] == 16
    code, out, err = run_cli(capsys, "search", "red dress", "-k", "3", "--json")
    assert code == 0, err
    assert len(json.loads(out)) == 3
