"""The learned compatibility model: training smoke test, checkpoint round trip, monotonicity."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from stylist.errors import ModelUnavailableError, ToolInputError
from stylist.index.schema import Garment
from stylist.tools.outfits.checkpoint import PACKAGED, load_checkpoint, save_checkpoint
from stylist.tools.outfits.data.demo import generate_demo_outfits
from stylist.tools.outfits.infer import FeatureTable, outfit_logits
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.outfits.rules import rule_score
from stylist.tools.outfits.scorer import CompatibilityScorer
from stylist.tools.outfits.train import TrainConfig, auc, embed_garments, split_by_outfit, train_compat
from tests.fakes import HashingTextEmbedder
from tests.fakes.compat import fake_catalogue


def _g(gid: str, slot: str, article: str, colour: str, occasions=(), seasons=(), price=50.0) -> Garment:
    return Garment(
        id=gid,
        title=f"{colour} {article}",
        slot=slot,
        article_type=article,
        gender="women",
        colours=[colour],
        occasions=list(occasions),
        seasons=list(seasons),
        price=price,
    )


GOOD = [
    _g("t", "top", "Blouse", "white", ["work"]),
    _g("b", "bottom", "Trousers", "navy", ["work"]),
    _g("s", "shoes", "Loafers", "brown", ["work"]),
]
BROKEN = {  # one item swapped for one that breaks a rule
    "colour clash": [
        _g("t2", "top", "Blouse", "green", ["work"]),
        _g("b2", "bottom", "Trousers", "red", ["work"]),
        GOOD[2],
    ],
    "formality mismatch": [GOOD[0], GOOD[1], _g("s2", "shoes", "Sports Shoes", "white", ["sports"])],
    "season mismatch": [
        _g("t3", "top", "Sweaters", "cream", ["casual"], ["winter"]),
        _g("b3", "bottom", "Shorts", "beige", ["casual"], ["summer"]),
        _g("s3", "shoes", "Sandals", "tan", ["casual"], ["summer"]),
    ],
}


def test_rule_scorer_prefers_the_good_outfit():
    for kind, outfit in BROKEN.items():
        assert rule_score(GOOD) > rule_score(outfit), kind


def test_auc_helper():
    assert auc([1, 1, 0, 0], [0.9, 0.8, 0.1, 0.2]) == 1.0
    assert auc([1, 0], [0.5, 0.5]) == 0.5
    assert auc([1, 0, 1, 0], [0.1, 0.9, 0.2, 0.8]) == 0.0


def test_split_by_outfit_never_shares_an_outfit():
    catalogue = fake_catalogue(400)
    outfits, _ = generate_demo_outfits(catalogue, n=40, seed=2)
    train, test = split_by_outfit(outfits, 0.25, seed=0)
    assert train.isdisjoint(test) and len(train) + len(test) == 40 and len(test) == 10


def test_training_one_epoch_on_cpu_and_checkpoint_round_trip(tmp_path):
    catalogue = fake_catalogue(400)
    outfits, examples = generate_demo_outfits(catalogue, n=40, seed=2)
    table = FeatureTable(catalogue, embed_garments(catalogue, HashingTextEmbedder(64)))
    config = CompatConfig(text_dim=64, hidden=32, embed_dim=16, pair_hidden=16, embedder="fake-hashing")
    model = train_compat(
        table, outfits, fixed=examples, model_config=config, config=TrainConfig(epochs=1, batch_size=32)
    )
    before = [p.detach().clone() for p in CompatModel(config).parameters()]
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))  # it trained
    ids = [[g.id for g in e.garments] for e in examples[:10]]
    scores = outfit_logits(model, table, ids)
    assert scores.shape == (10,) and np.isfinite(scores).all()

    path = save_checkpoint(model, tmp_path / "c.pt", {"name": "tiny"})
    loaded, meta = load_checkpoint(path)
    assert meta["name"] == "tiny" and loaded.config == config
    np.testing.assert_allclose(outfit_logits(loaded, table, ids), scores, atol=0.05)  # stored in fp16


def test_fresh_negatives_train_from_outfits_alone():
    catalogue = fake_catalogue(300)
    outfits, _ = generate_demo_outfits(catalogue, n=20, seed=4)
    table = FeatureTable(catalogue, embed_garments(catalogue, HashingTextEmbedder(32)))
    config = CompatConfig(text_dim=32, hidden=16, embed_dim=8, pair_hidden=8)
    model = train_compat(
        table, outfits, model_config=config, config=TrainConfig(epochs=1, flavours=("hard", "random", "swap"))
    )
    assert isinstance(model, CompatModel)


def test_unreadable_checkpoints_raise_clear_errors(tmp_path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_checkpoint(tmp_path / "none.pt")
    bad = tmp_path / "bad.pt"
    torch.save({"format": "something-else"}, bad)
    with pytest.raises(ModelUnavailableError, match="not a Stylist compatibility checkpoint"):
        load_checkpoint(bad)


def test_scorer_rejects_duplicates_and_single_items():
    model = CompatModel(CompatConfig(text_dim=8, hidden=8, embed_dim=4, pair_hidden=4))
    scorer = CompatibilityScorer(model, lambda gs: np.zeros((len(gs), 8), np.float32))
    with pytest.raises(ToolInputError, match="duplicate item id"):
        scorer.score([GOOD[0], GOOD[0], GOOD[1]])
    with pytest.raises(ToolInputError, match="at least two items"):
        scorer.score([GOOD[0]])
    result = scorer.score(GOOD[:2])
    assert 0.0 <= result.score <= 1.0 and result.missing_slots == ["shoes"]
    assert any(i.kind == "missing slot" for i in result.issues)


@pytest.fixture(scope="session")
def minilm():
    from stylist.tools.outfits.embedding import text_embedder_for

    return text_embedder_for(None)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["demo", "polyvore"])
def test_packaged_checkpoints_load(name):
    model, meta = load_checkpoint(name)
    assert PACKAGED[name].stat().st_size < 3_000_000
    assert meta["name"] == name and model.config.text_dim == 384


@pytest.mark.slow
def test_packaged_model_scores_good_outfits_above_broken_ones(minilm):
    model, _ = load_checkpoint("demo")
    scorer = CompatibilityScorer(model, lambda gs: minilm.embed_texts([g.document() for g in gs]))
    good = scorer.score(GOOD)
    for kind, outfit in BROKEN.items():
        broken = scorer.score(outfit)
        assert good.score > broken.score, kind
        assert broken.weakest_pair is not None
        assert any(kind in r for p in broken.pairs for r in p.reasons), kind
    assert good.missing_slots == [] and good.weakest_pair is not None
