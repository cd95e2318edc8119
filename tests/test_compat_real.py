"""The real-outfit compatibility model: name words, pair evidence, FITB training, the fixed split,
the measures, catalogue garments reaching it in its own text space, and the packaged default."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from stylist.index.schema import Garment
from stylist.tools.outfits.checkpoint import PACKAGED, load_checkpoint, save_checkpoint
from stylist.tools.outfits.data.demo import generate_demo_outfits
from stylist.tools.outfits.data.types import FitbQuestion, OutfitData, OutfitRecord
from stylist.tools.outfits.evaluate import fitb_accuracy, split_parts
from stylist.tools.outfits.infer import FeatureTable, outfit_logits
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.outfits.scorer import CompatibilityScorer, runtime_vectors, scorer_from_settings
from stylist.tools.outfits.tokens import name_words, token_vector
from stylist.tools.outfits.train import (
    NegativeSampler,
    TrainConfig,
    embed_garments,
    split_by_outfit,
    train_compat,
)
from tests.fakes import HashingTextEmbedder
from tests.fakes.compat import fake_catalogue


def _g(gid: str, title: str, slot: str = "top", price: float | None = 40.0) -> Garment:
    return Garment(id=gid, title=title, slot=slot, article_type=slot.title(), gender="women", price=price)


def test_name_words_drop_words_that_say_nothing_and_shared_words_meet():
    assert name_words("Topshop Women's camel wool coat, the new coat") == ["topshop", "camel", "wool", "coat"]
    a, b, c = (token_vector(t, 4096) for t in ("topshop camel coat", "topshop leather boots", "nike shorts"))
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-6
    assert float(a @ b) > 0.0 and float(a @ c) < float(a @ b)
    assert not token_vector("the and of", 64).any()


def _tiny(tmp_path=None, epochs: int = 1):
    catalogue = fake_catalogue(300)
    outfits, _ = generate_demo_outfits(catalogue, n=30, seed=3)
    config = CompatConfig(
        text_dim=32, hidden=16, embed_dim=8, pair_hidden=8, token_buckets=32, pair_features=True
    )
    table = FeatureTable(catalogue, embed_garments(catalogue, HashingTextEmbedder(32)), config.token_buckets)
    train = TrainConfig(epochs=epochs, batch_size=16, fitb_weight=1.0)
    return catalogue, outfits, table, config, train


def test_pair_evidence_model_trains_with_fitb_questions_and_round_trips(tmp_path):
    catalogue, outfits, table, config, train = _tiny()
    assert table.feats.shape[1] == 32 + CompatModel(config).item_dim - 32 + 32
    model = train_compat(table, outfits, model_config=config, config=train)
    fresh = CompatModel(config)
    assert not torch.equal(fresh.word_weights, model.word_weights)  # the FITB / outfit losses reached them
    assert not torch.equal(fresh.shared_weights, model.shared_weights)
    ids = [[g.id for g in o.garments] for o in outfits[:8]]
    scores = outfit_logits(model, table, ids)
    assert scores.shape == (8,) and np.isfinite(scores).all()
    loaded, _ = load_checkpoint(save_checkpoint(model, tmp_path / "c.pt", {"name": "tiny"}))
    assert loaded.config.pair_features and loaded.config.token_buckets == 32
    np.testing.assert_allclose(outfit_logits(loaded, table, ids), scores, atol=0.05)


def test_hard_heavy_negatives_and_weight_averaging():
    catalogue, outfits, table, config, _ = _tiny()
    base = dict(epochs=2, batch_size=16, fitb_weight=1.0, negatives_per_outfit=2, fitb_flavours=("hard",))
    base["flavours"] = ("hard", "hard", "random")
    plain = train_compat(table, outfits, model_config=config, config=TrainConfig(**base))
    last = train_compat(table, outfits, model_config=config, config=TrainConfig(**base, average_from=2))
    mean = train_compat(table, outfits, model_config=config, config=TrainConfig(**base, average_from=1))
    # averaging only the last epoch is the last epoch; averaging two moves the weights
    for name, p in plain.state_dict().items():
        assert torch.allclose(p, last.state_dict()[name]), name
    assert not torch.allclose(plain.shared_weights, mean.shared_weights)
    ids = [[g.id for g in o.garments] for o in outfits[:6]]
    assert np.isfinite(outfit_logits(mean, table, ids)).all()


def test_shared_words_raise_a_pair_logit_of_an_untrained_model():
    config = CompatConfig(
        text_dim=8, hidden=8, embed_dim=4, pair_hidden=4, token_buckets=4096, pair_features=True
    )
    model = CompatModel(config).eval()
    shared = [_g("a", "topshop camel coat", "outerwear"), _g("b", "topshop camel boots", "shoes")]
    apart = [_g("a", "topshop camel coat", "outerwear"), _g("c", "nike running sneakers", "shoes")]
    scorer = CompatibilityScorer(model, lambda gs: np.ones((len(gs), 8), np.float32))
    assert scorer.pair_matrix(shared)[0, 1] > scorer.pair_matrix(apart)[0, 1]


def test_fitb_questions_hide_a_fashion_piece_among_same_category_others():
    import random

    catalogue, outfits, *_ = _tiny()
    sampler = NegativeSampler(outfits, random.Random(0))
    rest, cands = sampler.question(0, "hard")
    answer = next(g for g in outfits[0].garments if g.id == cands[0])
    assert answer.id not in rest and len(cands) == 4 and len(rest) == len(outfits[0].garments) - 1
    by_id = {g.id: g for g in catalogue}
    assert all(by_id[c].slot == answer.slot for c in cands[1:])


def _outfits(n: int) -> OutfitData:
    return OutfitData(
        [OutfitRecord(str(1000 + i), (_g(f"{i}a", "a"), _g(f"{i}b", "b"))) for i in range(n)], "test"
    )


def test_the_split_is_a_fixed_rule_on_outfit_ids():
    data = _outfits(200)
    parts = split_parts(data)
    assert parts == split_parts(_outfits(200))  # no randomness left
    held = {o for o, p in parts.items() if p == "held-out"}
    assert held == split_by_outfit(data.outfits, 0.3, 2017)[1]  # the previous model's test outfits
    tune = sum(p == "tune" for p in parts.values())
    assert len(held) == 60 and 15 < tune < 45 and set(parts.values()) == {"train", "tune", "held-out"}


def test_fitb_accuracy_counts_the_answer_winning():
    qs = [
        FitbQuestion(str(i), "o", (_g("q", "q"),), tuple(_g(f"c{k}", "c", price=k) for k in range(4)), i % 4)
        for i in range(8)
    ]

    def by_price(outfits):
        return np.array([o[-1].price for o in outfits], dtype=float)

    assert fitb_accuracy(by_price, qs) == 0.25  # always candidate 3: right for 2 of 8
    assert fitb_accuracy(lambda outs: np.zeros(len(outs)), qs) in {i / 8 for i in range(9)}


class _Index:
    def __init__(self, embedder: str, vectors: dict[str, np.ndarray]) -> None:
        self.manifest = SimpleNamespace(embedder=embedder)
        self._v = vectors

    def __contains__(self, gid: str) -> bool:
        return gid in self._v

    def vectors_for(self, ids):
        return np.stack([self._v[i] for i in ids])


def test_catalogue_garments_reach_the_model_in_its_own_text_space():
    garments = [_g("x", "navy blazer", "outerwear"), _g("y", "white shirt")]
    fake = HashingTextEmbedder(16)
    static = {"x": np.zeros(8, np.float32), "y": np.zeros(8, np.float32)}  # a --fast index: other model
    runtime = SimpleNamespace(catalogue_index=_Index("static-all-MiniLM-L6-v2", static), text_embedder=fake)
    vecs = runtime_vectors(runtime, fake.name)(garments)
    np.testing.assert_allclose(vecs, fake.embed_texts([g.document() for g in garments]), atol=1e-6)
    same = SimpleNamespace(catalogue_index=_Index(fake.name, {"x": np.ones(16), "y": np.ones(16)}))
    assert runtime_vectors(same, fake.name)(garments).sum() == 32.0  # the index's own, none re-embedded


def test_a_scorer_without_text_vectors_says_so_in_its_model_name():
    model = CompatModel(CompatConfig(text_dim=8, hidden=8, embed_dim=4, pair_hidden=4))
    scorer = CompatibilityScorer(model, lambda gs: np.zeros((len(gs), 5), np.float32), name="maryland")
    result = scorer.score([_g("a", "white shirt"), _g("b", "navy trousers", "bottom")])
    assert result.model.startswith("maryland (attributes only")


@pytest.mark.slow
def test_the_packaged_real_outfit_model_is_the_default_and_scores_catalogue_garments(tmp_path):
    from stylist.config import load_settings
    from stylist.index.demo import generate_demo_catalogue
    from stylist.tools.outfits.embedding import text_embedder_for

    assert PACKAGED["maryland"].stat().st_size < 3_000_000
    model, meta = load_checkpoint("maryland")
    assert meta["name"] == "maryland" and model.config.pair_features and model.config.text_dim == 384
    assert meta["held_out"]["random"]["compat_auc"] > 0.85
    minilm = text_embedder_for(None)
    settings = load_settings()
    runtime = SimpleNamespace(
        settings=settings,
        catalogue_index=_Index("static-all-MiniLM-L6-v2", {}),
        text_embedder=minilm,
        text_embedder_named=lambda name: minilm,  # Runtime's: its own embedder when it is that model
    )
    scorer = scorer_from_settings(runtime)
    assert scorer.name == "maryland"
    demo = generate_demo_catalogue(200)
    kaggle_like = [  # rows as the Kaggle styles.csv loader makes them (no prices)
        Garment(id="k1", title="Peter England Men Navy Formal Shirt", slot="top", article_type="Shirts",
                gender="men", colours=["navy"]),
        Garment(id="k2", title="Arrow Men Grey Formal Trousers", slot="bottom", article_type="Trousers",
                gender="men", colours=["grey"]),
        Garment(id="k3", title="Clarks Men Brown Formal Shoes", slot="shoes", article_type="Formal Shoes",
                gender="men", colours=["brown"]),
    ]  # fmt: skip
    for outfit in (
        ([g for g in demo if g.slot.value == s][0] for s in ("top", "bottom", "shoes")),
        kaggle_like,
    ):
        result = scorer.score(list(outfit))
        assert 0.0 < result.score < 1.0 and result.model == "maryland"


@pytest.mark.slow
@pytest.mark.shared_data
def test_the_packaged_model_holds_its_figure_on_held_out_real_outfits(shared_data):
    from stylist.tools.outfits.data.polyvore import load_outfits
    from stylist.tools.outfits.embedding import text_embedder_for
    from stylist.tools.outfits.evaluate import benchmark_sets, compat_auc

    data = load_outfits(shared_data / "polyvore-maryland")
    compat, _ = benchmark_sets(data, split_parts(data), "held-out")
    model, _ = load_checkpoint("maryland")
    for flavour, floor in (("random", 0.8), ("hard", 0.6)):
        examples = compat[flavour][:80] + compat[flavour][-80:]  # positives first, negatives last
        garments = list({g.id: g for e in examples for g in e.garments}.values())
        vectors = embed_garments(garments, text_embedder_for(None))
        table = FeatureTable(garments, vectors, model.config.token_buckets)
        found = compat_auc(lambda os: outfit_logits(model, table, [[g.id for g in o] for o in os]), examples)
        assert found > floor, flavour
