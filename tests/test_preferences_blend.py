"""The blend's cross-user parts: the item-popularity prior and confidence-weighted MF."""

from __future__ import annotations

import numpy as np
import pytest

from stylist.profiles.preferences import BlendWeights, PreferenceModel
from tests.fakes.profile import ProfileCatalogueIndex, make_garments, profile_runtime


@pytest.fixture
def index() -> ProfileCatalogueIndex:
    garments = make_garments()
    twins = [garments[0].model_copy(update={"id": f"twin{n}"}) for n in (1, 2)]  # same attributes as g000
    return ProfileCatalogueIndex(garments + twins)


@pytest.fixture
def store(index: ProfileCatalogueIndex):  # noqa: ANN201
    return profile_runtime(catalogue_index=index).profile_store


def _twins(index: ProfileCatalogueIndex) -> tuple[str, str, str]:
    """Three garments with the same title and attributes: one to like and its two twins."""
    return "g000", "twin1", "twin2"


def test_popular_item_with_liked_attributes_beats_unpopular_twin(index, store) -> None:  # noqa: ANN001
    liked, popular, unpopular = _twins(index)
    store.record_feedback("me", liked, "like")
    others = [g.id for g in index if g.id not in (liked, popular, unpopular)]
    for u in range(4):  # other users liked `popular` (and some unrelated items)
        store.record_feedback(f"fan{u}", popular, "like")
        store.record_feedback(f"fan{u}", others[u], "like")
    # the unpopular twin has the better search score: only the popularity prior can flip them
    pool = [(index.get(unpopular), 0.9), (index.get(popular), 0.8)] + [
        (index.get(i), 0.1) for i in others[:6]
    ]
    ranked = PreferenceModel(store, catalogue=lambda: index).rerank("me", pool)
    order = [h.garment.id for h in ranked]
    assert order.index(popular) < order.index(unpopular)
    assert {popular, unpopular} == set(order[:2])  # both rise above items without the liked attributes
    comp = {h.garment.id: h.components for h in ranked}
    assert comp[popular]["popularity"] > 0 > comp[unpopular]["popularity"]

    no_prior = PreferenceModel(store, catalogue=lambda: index, weights=BlendWeights(popularity=0.0)).rerank(
        "me", pool
    )
    ids = [h.garment.id for h in no_prior]
    assert ids.index(unpopular) < ids.index(popular)


def test_popularity_needs_other_users_and_counts_their_latest_word(index, store) -> None:  # noqa: ANN001
    liked, popular, _ = _twins(index)
    store.record_feedback("me", liked, "like")
    store.record_feedback("me", popular, "like")
    model = PreferenceModel(store, catalogue=lambda: index)
    assert model.popularity() == {}  # one user's own clicks are not popularity
    store.record_feedback("fan", popular, "like")
    store.record_feedback("fan2", popular, "like")
    store.record_feedback("fan2", popular, "dislike")  # changed their mind
    counts = PreferenceModel(store, catalogue=lambda: index).popularity()
    assert counts[popular] == 2 and counts[liked] == 1


def test_mf_weight_grows_with_the_users_interactions(index, store) -> None:  # noqa: ANN001
    garments = [g.id for g in index]
    group_a, group_b = garments[:16], garments[16:32]
    for u in range(6):
        for gid in group_a[:12]:
            store.record_feedback(f"a{u}", gid, "like")
        for gid in group_b[:12]:
            store.record_feedback(f"b{u}", gid, "like")
    for gid in group_a[:2]:
        store.record_feedback("light", gid, "like")
    for gid in group_a[:10]:
        store.record_feedback("heavy", gid, "like")
    weights = BlendWeights(
        content=0.0,
        attribute=0.0,
        learned_attribute=0.0,
        learned_dislike=0.0,
        popularity=0.0,
        mf=1.0,
        mf_k=10.0,
    )
    model = PreferenceModel(store, catalogue=lambda: index, weights=weights)
    pool = [
        (index.get(i), 0.5) for i in group_a[10:12] + group_b[:12]
    ]  # items others liked, these two did not

    def mf_spread(user: str) -> float:
        return float(np.std([h.components["mf"] for h in model.rerank(user, pool)]))

    light, heavy = mf_spread("light"), mf_spread("heavy")
    # the MF column is z-scored per list, so its spread is weight x confidence n / (n + mf_k)
    assert light == pytest.approx(2 / 12, rel=0.05)
    assert heavy == pytest.approx(10 / 20, rel=0.05)
    top = [h.garment.id for h in model.rerank("heavy", pool)[:2]]
    assert set(top) == set(group_a[10:12])


def test_mf_is_not_trained_while_its_weight_is_zero(index, store) -> None:  # noqa: ANN001
    for u in range(4):
        for g in list(index)[:6]:
            store.record_feedback(f"u{u}", g.id, "like")
    assert PreferenceModel(store, catalogue=lambda: index, weights=BlendWeights(mf=0.0)).mf_model() is None
    assert (
        PreferenceModel(store, catalogue=lambda: index, weights=BlendWeights(mf=1.0)).mf_model() is not None
    )


def test_learned_affinity_rises_with_evidence(index, store) -> None:  # noqa: ANN001
    linen = [g.id for g in index if g.material == "linen"]
    pool = [(g, 0.5) for g in index if g.id not in linen[:3]]
    model = PreferenceModel(store, catalogue=lambda: index)

    def linen_gain(user: str) -> float:
        ranked = model.rerank(user, pool)
        lin = [h.components["attribute"] for h in ranked if h.garment.material == "linen"]
        rest = [h.components["attribute"] for h in ranked if h.garment.material != "linen"]
        return float(np.mean(lin) - np.mean(rest))

    store.record_feedback("one", linen[0], "like")
    for i in linen[:3]:
        store.record_feedback("three", i, "like")
    assert 0 < linen_gain("one") < linen_gain("three")


def test_deleted_users_no_longer_make_items_popular(index, store) -> None:  # noqa: ANN001
    liked, popular, _ = _twins(index)
    store.record_feedback("me", liked, "like")
    for u in range(3):
        store.record_feedback(f"fan{u}", popular, "like")
    model = PreferenceModel(store, catalogue=lambda: index)
    assert model.popularity()[popular] == 3
    for u in range(3):
        store.delete(f"fan{u}")
    assert model.popularity() == {}  # only "me" is left: no cross-user signal survives the deletion


def test_like_then_dislike_counts_as_a_dislike(index, store) -> None:  # noqa: ANN001
    """Contradictory feedback on one item: the latest word wins in the learned tastes too."""
    linen = [g.id for g in index if g.material == "linen"]
    store.record_feedback("ro", linen[0], "like")
    store.record_feedback("ro", linen[1], "like")
    store.record_feedback("ro", linen[1], "dislike")
    taste = PreferenceModel(store, catalogue=lambda: index).taste("ro")
    assert taste.liked_total == pytest.approx(1.0, rel=0.01) and taste.disliked_total == pytest.approx(
        1.0, rel=0.01
    )
    assert taste.liked[("material", "linen")] == pytest.approx(1.0, rel=0.01)
    assert linen[1] in taste.disliked_items and linen[0] not in taste.disliked_items
    ranked = PreferenceModel(store, catalogue=lambda: index).rerank("ro", [(g, 0.5) for g in index])
    assert linen[1] not in {h.garment.id for h in ranked}  # an item the user disliked last is filtered out


def test_oversized_outfit_feedback_is_refused_and_repeats_collapse(store) -> None:  # noqa: ANN001
    from stylist.errors import ProfileError

    with pytest.raises(ProfileError, match="outfit of 13 items is too big; the limit is 12"):
        store.record_outfit_feedback("sy", [f"g{i:03d}" for i in range(13)], "save")
    assert store.feedback("sy") == []
    events = store.record_outfit_feedback("sy", ["g001"] * 50 + ["g002"], "save")
    assert [e.item_id for e in events] == ["g001", "g002"]
