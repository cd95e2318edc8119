"""The preference model: feedback and stated likes move rankings the expected way; MF learns."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from stylist.profiles.mf import MatrixFactorisation, MFConfig
from stylist.profiles.preferences import BlendWeights, PreferenceModel, humanise_age
from stylist.profiles.store import utcnow
from stylist.tools.registry import build_registry
from tests.fakes.profile import ProfileCatalogueIndex, profile_runtime


@pytest.fixture
def index() -> ProfileCatalogueIndex:
    return ProfileCatalogueIndex()


@pytest.fixture
def runtime(index: ProfileCatalogueIndex):  # noqa: ANN201
    return profile_runtime(catalogue_index=index)


def _rank(runtime, user: str, hits) -> list[str]:  # noqa: ANN001
    return [h.garment.id for h in runtime.preference_model.rerank(user, hits)]


def test_unknown_user_keeps_order_and_scores(runtime, index) -> None:  # noqa: ANN001
    hits = index.search("shirt", k=10)
    ranked = runtime.preference_model.rerank("nobody", hits)
    assert [(h.garment.id, h.score, h.why) for h in ranked] == [(g.id, s, None) for g, s in hits]


def test_liking_linen_moves_linen_up_and_says_why(runtime, index) -> None:  # noqa: ANN001
    hits = index.search("casual summer", k=40)
    before = _rank(runtime, "ana", hits)
    store = runtime.profile_store
    linen = [g.id for g in index if g.material == "linen"]
    store.record_feedback("ana", linen[0], "like", at=utcnow() - timedelta(days=8))
    store.record_feedback("ana", linen[1], "save", at=utcnow() - timedelta(days=8))
    ranked = runtime.preference_model.rerank("ana", hits)
    after = [h.garment.id for h in ranked]

    def mean_linen_rank(order: list[str]) -> float:
        return float(np.mean([n for n, i in enumerate(order) if index.get(i).material == "linen"]))

    assert mean_linen_rank(after) < mean_linen_rank(before) - 3
    top_linen = next(h for h in ranked if h.garment.material == "linen" and h.garment.id not in linen[:2])
    assert top_linen.why is not None and "last week" in top_linen.why
    assert any(h.why == "you saved linen last week" or h.why == "you liked linen last week" for h in ranked)


def test_dislike_feedback_demotes_similar_items(runtime, index) -> None:  # noqa: ANN001
    hits = index.search("shirt", k=40)
    red = [g.id for g in index if "red" in g.colours]
    before = _rank(runtime, "bo", hits)
    runtime.profile_store.record_feedback("bo", red[0], "dislike")
    after = _rank(runtime, "bo", hits)
    assert red[0] not in after  # the disliked item itself is filtered out

    def mean_red_rank(order: list[str]) -> float:
        return float(np.mean([n for n, i in enumerate(order) if i in red[1:]]))

    assert mean_red_rank(after) > mean_red_rank(before) + 3


def test_stated_dislike_is_a_hard_filter_and_like_a_boost(runtime, index) -> None:  # noqa: ANN001
    hits = index.search("shirt", k=40)
    runtime.profile_store.update_profile(
        "cy", {"dislike": {"colour": ["orange"]}, "like": {"colour": ["olive"]}}
    )
    ranked = runtime.preference_model.rerank("cy", hits)
    assert all("orange" not in h.garment.colours for h in ranked)
    assert "olive" in ranked[0].garment.colours and ranked[0].why == "you said you like olive"


def test_over_budget_items_sink(runtime, index) -> None:  # noqa: ANN001
    hits = index.search("blazer", k=40)
    runtime.profile_store.update_profile("di", {"budget": 60})
    ranked = runtime.preference_model.rerank("di", hits)
    prices = [h.garment.price for h in ranked]
    cheap = [n for n, p in enumerate(prices) if p <= 60]
    dear = [n for n, p in enumerate(prices) if p > 60]
    assert np.mean(cheap) < np.mean(dear)


def test_humanise_age() -> None:
    now = utcnow()
    assert [humanise_age(now - timedelta(days=d), now) for d in (0.2, 1.5, 3, 9, 20, 40, 100)] == [
        "today",
        "yesterday",
        "3 days ago",
        "last week",
        "2 weeks ago",
        "last month",
        "3 months ago",
    ]


def _two_groups(n_users: int = 8) -> list[tuple[str, str, str]]:
    """Users a* like items A0..A9, users b* like B0..B9; each user misses one item of their group."""
    rows = []
    for g in ("A", "B"):
        for u in range(n_users):
            for i in range(10):
                if i != u % 10:
                    rows.append((f"{g.lower()}{u}", f"{g}{i}", "like"))
    return rows


def test_mf_learns_group_structure_on_a_small_case() -> None:
    rows = _two_groups()
    mf = MatrixFactorisation(MFConfig(factors=4, epochs=60, seed=1)).fit(rows)
    assert mf.losses[-1] < mf.losses[0]
    for u in range(8):
        held_out = f"A{u % 10}"
        scores = mf.predict(f"a{u}", [held_out] + [f"B{i}" for i in range(10)])
        assert scores[0] > scores[1:].max(), (u, scores)
    # unknown users get the global terms only
    assert mf.predict("stranger", ["A0"]).shape == (1,)


def test_collaborative_signal_reaches_rerank(index) -> None:  # noqa: ANN001
    runtime = profile_runtime(catalogue_index=index)
    garments = list(index)
    group_a, group_b = [g.id for g in garments[:12]], [g.id for g in garments[12:24]]
    store = runtime.profile_store
    for u in range(6):
        for gid in group_a[:10]:
            store.record_feedback(f"a{u}", gid, "like")
        for gid in group_b[:10]:
            store.record_feedback(f"b{u}", gid, "like")
    # a new user who liked two A items: unseen A items should beat unseen B items
    store.record_feedback("new", group_a[0], "like")
    store.record_feedback("new", group_a[1], "like")
    model = PreferenceModel(
        store,
        catalogue=lambda: index,
        weights=BlendWeights(content=0.0, attribute=0.0, learned_attribute=0.0, mf=3.0),
    )
    pool = [(index.get(i), 0.5) for i in group_a[2:10] + group_b[2:10]]
    ranked = model.rerank("new", pool)
    top = [h.garment.id for h in ranked[:8]]
    assert len(set(top) & set(group_a)) >= 6
    assert ranked[0].why == "people with tastes like yours liked it"
    # deleting users retrains without them
    for u in range(6):
        store.delete(f"a{u}")
        store.delete(f"b{u}")
    assert model.mf_model() is None


def test_search_tool_personalises_without_breaking_its_contract(runtime, index) -> None:  # noqa: ANN001
    tool = build_registry(runtime).get("search_garments")
    plain = tool.invoke({"query": "shirt", "k": 5})
    assert len(plain.hits) == 5 and all(h.why is None for h in plain.hits)
    same = tool.invoke({"query": "shirt", "k": 5, "user_id": "nobody"})
    assert [h.garment.id for h in same.hits] == [h.garment.id for h in plain.hits]
    runtime.profile_store.update_profile(
        "ed", {"like": {"colour": ["olive"]}, "dislike": {"colour": ["red"]}}
    )
    mine = tool.invoke({"query": "shirt", "k": 5, "user_id": "ed"})
    assert len(mine.hits) == 5
    assert "olive" in mine.hits[0].garment.colours and mine.hits[0].why == "you said you like olive"
    assert all("red" not in h.garment.colours for h in mine.hits)
    assert index.search_calls[-1]["k"] == 30  # a wider pool was re-ranked


def test_outfit_assembly_preference_hook_follows_the_profile(runtime, index) -> None:  # noqa: ANN001
    from stylist.tools.outfits.build_tool import profile_preference

    hits = index.search("shirt", k=40)
    preference = profile_preference(runtime.preference_model)
    assert set(preference("nobody", hits).values()) == {0.0}
    runtime.profile_store.update_profile(
        "fi", {"like": {"colour": ["olive"]}, "dislike": {"colour": ["red"]}}
    )
    prefs = preference("fi", hits)
    olive = [prefs[g.id] for g, _ in hits if "olive" in g.colours]
    red = [prefs[g.id] for g, _ in hits if "red" in g.colours]
    others = [prefs[g.id] for g, _ in hits if not {"olive", "red"} & set(g.colours)]
    assert min(olive) > max(others) and max(red) == -5.0
