"""The design GAN conditioned on the brief's words: training with text, the sampler's text path,
"closest I can draw", variations, the photo cache reader, and the packaged photo checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from designs_helpers import text_data, train_tiny_text

from stylist.config import load_settings
from stylist.errors import ToolInputError
from stylist.runtime import Runtime
from stylist.tools.designs.condition import article_words, read_brief
from stylist.tools.designs.data import from_photo_cache
from stylist.tools.designs.sample import DATASETS, DesignSampler, resolve_checkpoint
from stylist.tools.registry import build_registry
from tests.fakes import HashingTextEmbedder
from tests.fakes.agent import FakeCatalogueIndex


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("textgan")
    metrics, exported = train_tiny_text(folder)
    return folder, metrics, DesignSampler(exported)


def registry_for(sampler):
    runtime = Runtime(
        load_settings(llm={"backend": "none"}),
        design_sampler=sampler,
        catalogue_index=FakeCatalogueIndex(),
        image_embedder=None,
        text_embedder=HashingTextEmbedder(),
    )
    return build_registry(runtime)


def test_one_epoch_with_text_keeps_prototypes_and_snapshots(trained):
    folder, metrics, sampler = trained
    assert metrics["epochs_done"] == 1
    assert (folder / "snapshots" / "epoch_001.pt").is_file()
    assert sampler.text_model == "fake-hashing" and sampler.config.text_dim == 384
    protos = sampler.prototypes
    assert set(protos) == {"article_type", "colour"} and set(protos["colour"]) == {"red", "blue", "green"}
    assert np.linalg.norm(protos["article_type"]["square"]) == pytest.approx(1.0, abs=1e-3)


def test_text_changes_the_picture_and_the_seed_repeats_it(trained):
    sampler = trained[2]
    rows = [{"article_type": "square", "colour": "red"}] * 2
    words = HashingTextEmbedder().embed_texts(["red square", "green circle with long words"])
    same = [sampler.generate(rows, seed=3, text=words[[0, 0]]) for _ in range(2)]
    assert np.array_equal(same[0], same[1])
    other = sampler.generate(rows, seed=3, text=words)
    assert np.array_equal(other[0], same[0][0]) and not np.array_equal(other[1], same[0][1])
    with pytest.raises(ToolInputError, match="draws from words"):
        sampler.generate(rows, seed=3)
    with pytest.raises(ToolInputError, match=r"text embeddings must be \(2, 384\)"):
        sampler.generate(rows, seed=3, text=words[:, :10])


def test_read_brief_understands_words_and_says_when_it_draws_the_closest(trained):
    sampler = trained[2]
    encoder = HashingTextEmbedder()
    args = dict(seen=sampler.metrics["seen"], prototypes=sampler.prototypes, encoder=encoder)
    cond = read_brief("a red square", sampler.conditions, 3, **args)
    assert cond.labels == [{"article_type": "square", "colour": "red"}] * 3 and cond.note == ""
    assert cond.understood(0) == "article: square, colour: red"
    assert cond.texts[0] == "a red square. square, red" and cond.vectors.shape == (3, 384)
    car = read_brief("a red car", sampler.conditions, 2, **args)
    assert car.note.startswith("closest I can draw: article: ") and "colour: red" in car.note
    assert "names no article type" in car.note
    assert all(row["colour"] == "red" for row in car.labels)
    with pytest.raises(ToolInputError, match="the brief is empty"):
        read_brief("   ", sampler.conditions, 1, **args)
    with pytest.raises(ToolInputError, match="names no article type"):  # labels only: still refused
        read_brief("a red car", sampler.conditions, 1, seen=sampler.metrics["seen"])


def test_tool_reports_the_condition_native_size_and_variations(trained):
    registry = registry_for(trained[2])
    out = registry.invoke("design_garments", {"brief": "a blue circle", "n": 3, "seed": 7, "size": 128})
    assert out.conditioned_on_text and out.understood == ["article: circle, colour: blue"]
    assert "drawn at 64 px (the model's native size), upscaled to 128 px" in out.note
    assert all(d.understood == "article: circle, colour: blue" for d in out.designs)
    again = registry.invoke("design_garments", {"brief": "a blue circle", "n": 3, "seed": 7, "size": 128})
    assert [Path(p).read_bytes() for p in again.images] == [Path(p).read_bytes() for p in out.images]
    walk = registry.invoke(
        "design_garments", {"brief": "a blue circle", "n": 4, "seed": 7, "variation": True, "inspired_by": 0}
    )
    pictures = [Path(p).read_bytes() for p in walk.images]
    assert len(set(pictures)) == 4 and len({d.understood for d in walk.designs}) == 1
    car = registry.invoke("design_garments", {"brief": "a red car", "n": 1, "seed": 1, "inspired_by": 0})
    assert "closest I can draw" in car.note and "closest I can draw" in car.to_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"brief": ""}, "brief"),
        ({"brief": "   "}, "the brief is empty"),
        ({"brief": "a red square", "n": 0}, "n: Input should be greater than or equal to 1"),
        ({"brief": "a red square", "n": 1000}, "n: Input should be less than or equal to 16"),
        ({"brief": "a red square", "size": 10_000}, "size: Input should be less than or equal to 512"),
    ],
)
def test_bad_inputs_are_clear_errors(trained, args, message):
    with pytest.raises(ToolInputError, match=message):
        registry_for(trained[2]).invoke("design_garments", args)


def test_photo_cache_reader_drops_rare_values_and_keeps_a_fixed_vocabulary(tmp_path):
    data = text_data(20)
    path = tmp_path / "photos.npz"
    article = np.array(["Shirts"] * 12 + ["Hat"] + ["Watches"] * 7)
    np.savez(
        path,
        ids=np.array([str(i) for i in range(20)]),
        images=data.images.numpy(),
        article=article,
        colour=np.array(["red", "blue"] * 10),
        text=(data.text.numpy() * 3).astype(np.float16),
        split=np.array(["train"] * 16 + ["test"] * 4),
    )
    train = from_photo_cache(path, "train", min_count=2)
    assert train.conditions["article_type"] == ["Shirts", "Watches"] and len(train) == 15
    assert train.problems == ["12: an article type or colour outside the model's vocabulary"]
    assert torch.allclose(train.text.norm(dim=1), torch.ones(15), atol=1e-3)
    test = from_photo_cache(path, "test", keep=train.conditions)
    assert len(test) == 4 and test.conditions == train.conditions


def test_datasets_resolve_to_their_packaged_checkpoints(tmp_path):
    assert resolve_checkpoint("auto", tmp_path) == DATASETS["photos"]  # the real-photo GAN is the default
    assert resolve_checkpoint("photos", tmp_path) == DATASETS["photos"]
    assert resolve_checkpoint("demo") == DATASETS["demo"]
    assert resolve_checkpoint("fashion-mnist") == DATASETS["fashion-mnist"]
    (tmp_path / "gan.pt").write_bytes(b"x")
    assert resolve_checkpoint("auto", tmp_path) == tmp_path / "gan.pt"
    assert resolve_checkpoint("photos", tmp_path) == DATASETS["photos"]


def test_article_words():
    names = ["Shirts", "Tshirts", "Handbags", "Casual Shoes", "Watches", "Jeans", "Laptop Bag"]
    assert [article_words(n) for n in names] == [
        "shirt",
        "t-shirt",
        "handbag",
        "casual shoes",
        "watch",
        "jeans",
        "laptop bag",
    ]


def test_a_garment_word_shared_by_article_types_is_read_by_the_nearest_words():
    encoder = HashingTextEmbedder()
    names = ["Duffel Bag", "Handbags", "Laptop Bag"]
    prototypes = {
        "article_type": dict(zip(names, encoder.embed_texts(["duffel bag", "handbag", "laptop bag"])))
    }
    conditions = {"article_type": names}
    cond = read_brief("a bag for my laptop", conditions, 2, prototypes=prototypes, encoder=encoder)
    assert cond.read["article_type"] == ["Laptop Bag"] and cond.note == ""
    assert (
        read_brief("black leather handbag", conditions, 3, prototypes=prototypes, encoder=encoder).labels
        == [{"article_type": "Handbags"}] * 3
    )


class StaticLikeEmbedder(HashingTextEmbedder):
    """The index's `--fast` static text model (another name, another width); must not read briefs."""

    name = "embedded-static-fake"

    def __init__(self):
        super().__init__(dim=256)
        self.calls = 0

    def embed_texts(self, texts):
        self.calls += 1
        return super().embed_texts(texts)


def test_designs_read_briefs_in_the_gan_s_text_space_when_the_index_uses_another(trained):
    static, gan_space = StaticLikeEmbedder(), HashingTextEmbedder()
    runtime = Runtime(
        load_settings(llm={"backend": "none"}),
        design_sampler=trained[2],
        catalogue_index=FakeCatalogueIndex(),
        image_embedder=None,
        text_embedder=static,
        **{"text_embedder:fake-hashing": gan_space},  # the GAN's model, made once beside the index's
    )
    out = build_registry(runtime).invoke(
        "design_garments", {"brief": "a blue circle", "n": 2, "inspired_by": 0}
    )
    assert out.conditioned_on_text and out.understood == ["article: circle, colour: blue"]
    assert static.calls == 0


@pytest.mark.slow
def test_packaged_photo_gan_reads_briefs_with_minilm_also_when_the_index_uses_the_static_model(tmp_path):
    from stylist.index.embed.static import EMBEDDED_STATIC

    sampler = DesignSampler(DATASETS["photos"])
    assert sampler.config.text_dim == 384 and sampler.text_model == "all-MiniLM-L6-v2"
    assert sampler.checkpoint.stat().st_size < 8_000_000
    settings = load_settings(
        llm={"backend": "none"},
        home=str(tmp_path),
        embed={"text_model": EMBEDDED_STATIC},
        designs={"model": "photos"},
    )
    runtime = Runtime(
        settings, catalogue_index=FakeCatalogueIndex(), image_embedder=None, design_sampler=sampler
    )
    assert runtime.text_embedder.name != "all-MiniLM-L6-v2"  # the index reads the `--fast` static model
    args = {"brief": "black leather handbag", "n": 2, "seed": 0, "inspired_by": 0}
    out = build_registry(runtime).invoke("design_garments", args)
    assert out.conditioned_on_text and out.understood == ["article: handbag, colour: black"]
    assert [d.labels["article_type"] for d in out.designs] == ["Handbags"] * 2
    encoder = runtime.text_embedder_named("all-MiniLM-L6-v2")  # made once for the designs
    assert encoder.name == "all-MiniLM-L6-v2"
    args = dict(seen=sampler.metrics["seen"], prototypes=sampler.prototypes, encoder=encoder)
    cond = read_brief("olive cotton shirt for men", sampler.conditions, 4, **args)
    assert cond.understood(0) == "article: shirt, colour: olive"
    images = sampler.generate(cond.labels, seed=0, text=cond.vectors)
    assert images.shape == (4, 64, 64, 3) and images.std() > 5
    assert np.array_equal(images, sampler.generate(cond.labels, seed=0, text=cond.vectors))
    car = read_brief("a red car", sampler.conditions, 1, prototypes=sampler.prototypes, encoder=encoder)
    assert car.note.startswith("closest I can draw")
