""" "Inspired by": the catalogue garments shown beside each design are found by the design's picture
and its words together, kept to the article type the brief named (as the catalogue spells it, else
its slot, else anywhere); and the AC-GAN pieces of training (condition heads, balanced sampling,
warm start)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from designs_helpers import tiny_config, train_tiny

from stylist.config import load_settings
from stylist.errors import IndexNotBuiltError, ToolInputError
from stylist.index.schema import Garment
from stylist.runtime import Runtime
from stylist.tools.designs.condition import article_spellings
from stylist.tools.designs.data import synthetic
from stylist.tools.designs.model import Discriminator, classifier_loss, load_checkpoint
from stylist.tools.designs.sample import DesignSampler
from stylist.tools.designs.tool import DesignGarments
from stylist.tools.designs.train import TrainConfig, epoch_order, train_gan
from stylist.tools.registry import build_registry

#: article → how much a design's picture "looks like" it to an image-only search (handbags win,
#: as the olive shirt design found a beige canvas handbag on the demo index)
PICTURE = {"handbag": 0.9, "handbags": 0.9, "circle": 0.1, "square": 0.8}


def garment(i: int, article: str, slot: str, colour: str = "olive") -> Garment:
    return Garment(
        id=f"p-{i:03d}",
        title=f"{colour.title()} {article}",
        slot=slot,
        article_type=article,
        colours=[colour],
        price=30.0,
        description=f"A {colour} {article.lower()}.",
    )


class PictureFirstIndex:
    """A catalogue whose picture search prefers handbags (``PICTURE``); words add a little; filters are
    the real ``SearchFilters``. Records every search."""

    def __init__(self, garments: list[Garment], pictures: bool = True) -> None:
        self.garments, self.pictures, self.searches = garments, pictures, []

    def search(self, query, filters=None, k=10, image_path=None):
        if image_path and not self.pictures:
            raise IndexNotBuiltError("this index has no image vectors to compare a picture with")
        self.searches.append((query, filters, image_path))
        pool = [g for g in self.garments if filters is None or filters.matches(g)]
        words = set((query or "").lower().split())

        def score(g: Garment) -> float:
            overlap = len(words & set(g.title.lower().split())) / max(len(words), 1)
            return (PICTURE.get(g.article_type.lower(), 0.2) if image_path else 0.0) + 0.3 * overlap

        return [(g, score(g)) for g in sorted(pool, key=score, reverse=True)[:k]]


def photo_catalogue() -> list[Garment]:  # Kaggle spelling: plural article types
    rows = [("Shirts", "top"), ("Handbags", "bag"), ("Tshirts", "top"), ("Casual Shoes", "shoes")]
    return [garment(i, a, s, c) for i, (a, s) in enumerate(rows * 2) for c in (["olive", "beige"][i % 2],)]


def demo_catalogue() -> list[Garment]:  # demo spelling: singular, other shoe types
    rows = [
        ("Shirt", "top"),
        ("Handbag", "bag"),
        ("T-Shirt", "top"),
        ("Sneakers", "shoes"),
        ("Loafers", "shoes"),
    ]
    return [garment(i, a, s) for i, (a, s) in enumerate(rows * 2)]


def tool(index, tmp_path: Path) -> DesignGarments:
    return DesignGarments(sampler=None, catalogue=index, image_embedder=None, out_dir=tmp_path)  # type: ignore[arg-type]


def test_spellings_of_an_article_cover_both_catalogues():
    assert article_spellings("Shirts") == ["shirts", "shirt"]
    assert "t-shirt" in article_spellings("Tshirts") and "tshirts" in article_spellings("Tshirts")
    assert "handbag" in article_spellings("Handbags")


@pytest.mark.parametrize("catalogue", [photo_catalogue, demo_catalogue])
def test_a_named_article_keeps_inspired_by_to_that_article(catalogue, tmp_path):
    index = PictureFirstIndex(catalogue())
    png = tmp_path / "d.png"
    anywhere = index.search("olive shirt", None, 3, image_path=str(png))
    assert anywhere[0][0].article_type.lower().startswith("handbag")  # the bug: picture alone crosses types
    hits, method = tool(index, tmp_path)._inspired_by(
        png, "olive cotton shirt for men. shirt, olive", "Shirts", 3
    )
    assert hits and all(h.garment.article_type.lower() in ("shirts", "shirt") for h in hits)
    assert method == "image+text within shirt"
    query, _, image = index.searches[-1]
    assert query.startswith("olive cotton shirt") and image == str(png)  # words and picture together


def test_an_article_the_catalogue_lacks_falls_back_to_its_slot_then_anywhere(tmp_path):
    index = PictureFirstIndex(demo_catalogue())
    hits, method = tool(index, tmp_path)._inspired_by(
        tmp_path / "d.png", "brown casual shoes", "Casual Shoes", 3
    )
    assert {h.garment.article_type for h in hits} <= {"Sneakers", "Loafers"} and len(hits) == 3
    assert method == "image+text within shoes (no casual shoes)"
    hits, method = tool(index, tmp_path)._inspired_by(tmp_path / "d.png", "gold watch", "Watches", 2)
    assert len(hits) == 2 and method == "image+text any article"


def test_without_pictures_the_words_search_keeps_the_article(tmp_path):
    index = PictureFirstIndex(photo_catalogue(), pictures=False)
    hits, method = tool(index, tmp_path)._inspired_by(tmp_path / "d.png", "olive shirt", "Shirts", 2)
    assert method == "text within shirt" and all(h.garment.article_type == "Shirts" for h in hits)


@pytest.fixture(scope="module")
def sampler(tmp_path_factory):
    return DesignSampler(train_tiny(tmp_path_factory.mktemp("gan"))[1])


def test_through_the_tool_each_design_keeps_to_its_article(sampler, tmp_path):
    shapes = [
        garment(i, a, "accessory", c) for i, (a, c) in enumerate([("Square", "red"), ("Circle", "red")] * 3)
    ]
    index = PictureFirstIndex(shapes)
    runtime = Runtime(
        load_settings(llm={"backend": "none"}, home=str(tmp_path / "home")),
        design_sampler=sampler,
        catalogue_index=index,
        image_embedder=None,
    )
    registry = build_registry(runtime)
    out = registry.invoke("design_garments", {"brief": "a red circle", "n": 2, "seed": 1})
    assert out.inspired_by_method == "image+text within circle"
    assert all(i.garment.article_type == "Circle" for d in out.designs for i in d.inspired_by)
    both = registry.invoke("design_garments", {"brief": "a red circle or square", "n": 2, "seed": 1})
    for d in both.designs:  # each design's own article
        assert {i.garment.article_type.lower() for i in d.inspired_by} == {d.labels["article_type"]}
    assert {d.labels["article_type"] for d in both.designs} == {"circle", "square"}
    assert "red" in index.searches[-1][0]


# ------------------------------------------------------------------ AC-GAN training pieces
def test_classifier_heads_read_conditions_and_train_on_real_pictures(tmp_path):
    data = synthetic(48, 64, seed=0)
    config = tiny_config(data)
    config.classifier = True
    d = Discriminator(config)
    score, logits = d.score_and_logits(torch.zeros(4, 3, 64, 64), {k: v[:4] for k, v in data.labels.items()})
    assert score.shape == (4,) and {k: v.shape for k, v in logits.items()} == {
        "article_type": (4, 2),
        "colour": (4, 3),
    }
    assert classifier_loss({}, {}).item() == 0.0  # no heads: no term
    metrics = train_gan(data, config, TrainConfig(epochs=3, batch_size=16, threads=1, balance=0.5), tmp_path)
    cls = [h["d_cls"] for h in metrics["history"]]
    assert cls[-1] < cls[0] and all(h["g_cls"] > 0 for h in metrics["history"])


def test_balanced_sampling_draws_rare_articles_more_often():
    data = synthetic(48, 64, seed=0)
    data.labels["article_type"] = torch.tensor([0] * 44 + [1] * 4)
    gen = torch.Generator().manual_seed(0)
    plain = epoch_order(data, 0.0, gen)
    assert sorted(plain.tolist()) == list(range(48))  # a shuffle
    draws = torch.cat([epoch_order(data, 1.0, gen) for _ in range(20)])
    rare = (data.labels["article_type"][draws] == 1).float().mean().item()
    assert 0.4 < rare < 0.6  # balance 1: each article about equally often (4/48 = 0.08 without)


def test_warm_start_adds_heads_to_a_run_without_them(tmp_path):
    train_tiny(tmp_path / "first", epochs=1)
    data = synthetic(48, 64, seed=0)
    config = tiny_config(data)
    config.classifier = True
    metrics = train_gan(
        data,
        config,
        TrainConfig(epochs=2, batch_size=16, threads=1),
        tmp_path / "ac",
        warm_from=tmp_path / "first" / "last.pt",
    )
    assert [h["epoch"] for h in metrics["history"]] == [1, 2]
    first = load_checkpoint(tmp_path / "first" / "last.pt")
    assert load_checkpoint(tmp_path / "ac" / "last.pt")["generator"].keys() == first["generator"].keys()
    other = tiny_config(data)
    other.z_dim = 8
    with pytest.raises(ToolInputError, match="cannot warm-start"):
        train_gan(
            data,
            other,
            TrainConfig(epochs=2, batch_size=16),
            tmp_path / "x",
            warm_from=tmp_path / "first" / "last.pt",
        )


def test_truncation_from_the_checkpoint_scales_the_latents(tmp_path):
    _, exported = train_tiny(tmp_path / "t")
    plain = DesignSampler(exported)
    assert plain.truncation == 1.0
    data = load_checkpoint(exported)
    data["metrics"] = {**data["metrics"], "truncation": 0.5}
    torch.save(data, tmp_path / "half.pt")
    half = DesignSampler(tmp_path / "half.pt")
    assert half.truncation == 0.5
    assert torch.allclose(half.latents(4, 3), 0.5 * plain.latents(4, 3))
    assert torch.allclose(half.walk(3, 3)[0], 0.5 * plain.walk(3, 3)[0])  # variations too
    rows = [{"article_type": "circle", "colour": "red"}] * 2
    assert not (half.generate(rows, seed=3) == plain.generate(rows, seed=3)).all()


@pytest.mark.slow
def test_packaged_photo_gan_on_a_real_demo_index_shows_shirts_for_a_shirt(tmp_path):
    """The reported bug end to end: the packaged photo GAN, MiniLM, and a small demo index with the demo
    image encoder; an olive shirt design's "inspired by" garments are shirts."""
    from stylist.fashion.terms import article_key
    from stylist.index.build import build_index
    from stylist.index.embed.factory import make_text_embedder
    from stylist.index.imagenc.embedder import make_image_embedder
    from stylist.index.store import CatalogueIndex
    from stylist.tools.designs.sample import DATASETS
    from stylist.tools.designs.tool import DesignInput

    settings = load_settings(home=str(tmp_path / "home"), index={"demo_size": 80, "demo_seed": 7})
    text = make_text_embedder(settings)
    images = make_image_embedder("demo", text, "cpu")
    build_index(settings, text, demo=True, image_embedder=images)
    index = CatalogueIndex.open(
        settings.index_dir, text, settings=settings.index, image_embedder=lambda: images
    )
    design = DesignGarments(
        DesignSampler(DATASETS["photos"]), index, None, out_dir=tmp_path, text_encoder=text
    )
    out = design.run(DesignInput(brief="olive cotton shirt for men", n=2, seed=0, inspired_by=3))
    assert out.inspired_by_method == "image+text within shirt"
    assert all(article_key(i.garment.article_type) == "shirt" for d in out.designs for i in d.inspired_by)
