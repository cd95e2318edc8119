""" "For you" over catalogue garments, the side-information MF and the fit classifier, on small data."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stylist.index.schema import Garment, Gender, Slot
from stylist.profiles.catalogue_foryou import CatalogueForYou, kind_of
from stylist.profiles.fitclf import FitClassifier, FitClfConfig
from stylist.profiles.rental_data import Rentals, from_csv
from stylist.profiles.sidemf import SideMF, SideMFConfig

FIXTURES = Path(__file__).parent / "fixtures" / "renttherunway"


def _garments() -> list[Garment]:
    def g(n: int, title: str, article: str, slot: Slot, occasions: list[str], gender: Gender) -> Garment:
        return Garment(
            id=f"g{n}", title=title, slot=slot, article_type=article, occasions=occasions, gender=gender
        )

    return [
        g(0, "Navy cotton shirt", "Shirts", Slot.TOP, ["work"], Gender.MEN),
        g(1, "Black sheath dress", "Dress", Slot.DRESS, ["work", "party"], Gender.WOMEN),
        g(2, "Red maxi dress", "Dress", Slot.DRESS, ["wedding"], Gender.WOMEN),
        g(3, "Green linen jumpsuit", "Jumpsuit", Slot.DRESS, ["casual"], Gender.WOMEN),
        g(4, "Grey wool blazer", "Blazer", Slot.OUTERWEAR, ["work"], Gender.WOMEN),
        g(5, "White sneakers", "Sneakers", Slot.SHOES, ["casual"], Gender.UNISEX),
        g(6, "Blue satin gown", "Dress", Slot.DRESS, ["formal"], Gender.WOMEN),
        g(7, "Girls' pink dress", "Dress", Slot.DRESS, ["party"], Gender.GIRLS),
    ]


def test_rental_categories_map_to_garment_words() -> None:
    assert kind_of("sheath") == "dress" and kind_of("gown") == "dress" and kind_of("romper") == "jumpsuit"
    assert kind_of("Blazer") == "blazer" and kind_of("culottes") == "trousers"


def test_history_changes_which_catalogue_garments_come_first() -> None:
    data = from_csv(FIXTURES / "history.csv")
    alice = from_csv(FIXTURES / "alice.csv")
    ranker = CatalogueForYou().fit(data.concat(alice))
    garments = _garments()
    adults = {"women", "men", "unisex"}
    top = ranker.rank("alice", garments, k=3, genders=adults)
    assert top[0].garment.id == "g1"  # a sheath dress she would wear to work
    assert any("you rate sheath dresses highly: 10.0/10 over 2 rentals" in r for r in top[0].reasons)
    assert "g7" not in {p.garment.id for p in ranker.rank("alice", garments, k=8, genders=adults)}
    # a user who rents jumpsuits for everyday gets the jumpsuit first
    jumps = _rows("bea", ["romper", "jumpsuit", "jumpsuit"], ["everyday"] * 3)
    ranker = CatalogueForYou().fit(data.concat(jumps))
    assert ranker.rank("bea", garments, k=1, genders=adults)[0].garment.id == "g3"
    # the occasion asked for counts, and a stranger gets what customers rent for it
    cold = ranker.rank("stranger", garments, occasion="wedding", k=2, genders=adults)
    assert not ranker.knows("stranger") and {p.garment.id for p in cold} <= {"g2", "g6"}
    assert any("for wedding" in r for p in cold for r in p.reasons)
    # stated likes and dislikes
    liked = ranker.rank("stranger", garments, k=1, liked_kinds=["blazer"], genders=adults)
    assert liked[0].garment.id == "g4" and liked[0].reasons[0] == "you said you like blazer"
    disliked = ranker.rank("bea", garments, k=8, disliked_kinds=["jumpsuit"], genders=adults)
    assert "g3" not in {p.garment.id for p in disliked}


def _rows(
    user: str, categories: list[str], occasions: list[str], ratings: list[float] | None = None
) -> Rentals:
    n = len(categories)
    return Rentals(
        user=np.array([user] * n, dtype=object),
        item=np.array([f"{user}-{k}" for k in range(n)], dtype=object),
        rating=np.array(ratings or [10.0] * n),
        fit=np.ones(n, dtype=np.int8),
        size=np.full(n, 8.0),
        occasion=np.array(occasions, dtype=object),
        category=np.array(categories, dtype=object),
        time=np.array(["2016-06-01"] * n, dtype="datetime64[s]"),
        body=np.full((n, 3), np.nan),
        body_type=np.array([""] * n, dtype=object),
        age=np.full(n, np.nan),
    )


def _synthetic(seed: int = 0, n_u: int = 300, n_i: int = 40) -> Rentals:
    """Ratings that depend on a body-type x category match and fit that depends on size vs body."""
    rng = np.random.default_rng(seed)
    rows = []
    types, cats = ["pear", "athletic"], ["gown", "jumpsuit"]
    for u in range(n_u):
        bt, height = types[u % 2], 60 + rng.normal(0, 3)
        true = 4 + (height - 60) + rng.normal(0, 0.3)
        for i in rng.choice(n_i, 4, replace=False):
            cat = cats[i % 2]
            r = 10.0 if (bt == "pear") == (cat == "gown") else 6.0
            size = float(np.round(true + rng.integers(-2, 3) + (1.5 if i < 10 else 0)))
            d = size - true - (1.5 if i < 10 else 0)  # items 0-9 run small: people size up
            fit = 2 if d > 0.7 else 0 if d < -0.7 else 1
            rows.append((f"u{u}", f"i{i}", r, fit, size, cat, "party", height, bt))
    cols = list(zip(*rows))
    n = len(rows)
    return Rentals(
        user=np.array(cols[0], dtype=object),
        item=np.array(cols[1], dtype=object),
        rating=np.array(cols[2]),
        fit=np.array(cols[3], dtype=np.int8),
        size=np.array(cols[4]),
        occasion=np.array(cols[6], dtype=object),
        category=np.array(cols[5], dtype=object),
        time=np.array(["2016-01-01"] * n, dtype="datetime64[s]"),
        body=np.column_stack([np.array(cols[7]), np.full(n, np.nan), np.full(n, np.nan)]),
        body_type=np.array(cols[8], dtype=object),
        age=np.full(n, np.nan),
    )


def test_side_features_carry_ratings_to_new_users() -> None:
    data = _synthetic()
    train = data.take(np.isin(data.user, [f"u{u}" for u in range(250)]))
    new = data.take(~np.isin(data.user, train.user))
    plain = SideMF(SideMFConfig(factors=0, side=False, implicit=False, steps=150)).fit(train)
    side = SideMF(SideMFConfig(factors=4, steps=150, reg_side_factor=1.0, reg_feature=1.0)).fit(train)

    def rmse(m: SideMF) -> float:
        return float(np.sqrt(np.mean((m.predict(new) - new.rating) ** 2)))

    # the body type x category match is learned from other users' ratings and carried to new users
    assert rmse(side) < 0.7 * rmse(plain)
    assert np.all((side.predict(new) >= 6.0) & (side.predict(new) <= 10.0))  # clipped to the range seen


def test_early_stopping_keeps_the_best_validation_step() -> None:
    data = _synthetic()
    train = data.take(np.isin(data.user, [f"u{u}" for u in range(250)]))
    val = data.take(~np.isin(data.user, train.user))
    m = SideMF(SideMFConfig(factors=4, steps=300, reg_side_factor=1.0, check_every=10, patience=3)).fit(
        train, val
    )
    best = min(m.history, key=lambda h: h[1])
    assert m.best_step == best[0] and m.history
    rmse = float(np.sqrt(np.mean((m.predict(val) - val.rating) ** 2)))
    assert abs(rmse - best[1]) < 1e-6


def test_fit_classifier_uses_body_and_item_history_for_new_users() -> None:
    data = _synthetic()
    train = data.take(np.isin(data.user, [f"u{u}" for u in range(250)]))
    new = data.take(~np.isin(data.user, train.user))
    clf = FitClassifier(FitClfConfig(max_iter=200)).fit(train)
    probs = clf.probabilities(new)
    assert probs.shape == (len(new), 3) and np.allclose(probs.sum(1), 1)
    always_fit = (new.fit == 1).mean()
    assert (probs.argmax(1) == new.fit).mean() > always_fit + 0.1
    # for one new user, a bigger size makes "large" likelier
    row = new.take(np.arange(len(new)) == 0)
    table = clf.for_sizes(str(row.user[0]), str(row.item[0]), [2.0, 8.0, 14.0], row)
    assert table[0, 0] > table[2, 0] and table[2, 2] > table[0, 2]
