"""The trained personal models over imported rental feedback: "for you" ranking and size advice.

Trained from the profile store's rated items on first use and cached by the runtime's
:class:`~stylist.profiles.personal_cache.PersonalModelCache` (in memory and as a pickle in the data
home, keyed on the store and a fingerprint of its feedback, so new feedback retrains).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from stylist.errors import ItemNotFoundError, ProfileError
from stylist.fashion.vocabulary import vocabulary
from stylist.profiles.catalogue_foryou import RENTAL_OCCASION, CatalogueForYou
from stylist.profiles.fit import FitModel
from stylist.profiles.fitclf import FitClassifier, blank_rental
from stylist.profiles.foryou import COLD, WARM, RentalRecommender
from stylist.profiles.ratings import ExplicitMF, ImplicitMF, MFConfig
from stylist.profiles.rental_data import FIT_NAME, Rentals
from stylist.profiles.rental_models import BodyRow, InteractionItemRow
from stylist.profiles.sizeadvice import SizeAdvisor


class SizeOption(BaseModel):
    size: float
    small: float = Field(description="Chance it is too small in this size.")
    fit: float
    large: float


class SizeAdvice(BaseModel):
    user_id: str
    item_id: str
    category: str | None = None
    recommended_size: float | None = None
    """None when nothing is known about the user's size (no history, no measurements)."""
    probabilities: dict[str, float] = Field(default_factory=dict)
    """P(small), P(fit), P(large) in the recommended size."""
    options: list[SizeOption] = Field(default_factory=list)
    basis: list[str] = Field(default_factory=list)
    """What the advice rests on, in words."""
    method: str = "usual size"
    """``learned choice`` (the size advisor: your sizes and fit feedback, the item's fit history,
    your measurements) or ``usual size`` (the size nearest your usual one, when the advisor has
    nothing to go on or is not trained: a fallback, and ``basis`` says why)."""


class ForYouItem(BaseModel):
    item_id: str
    title: str | None = None
    category: str | None = None
    score: float
    reasons: list[str] = Field(default_factory=list)


class ForYou(BaseModel):
    user_id: str
    occasion: str | None = None
    known_user: bool
    """False: a cold start (popularity, occasion and the stated profile only)."""
    source: str = "catalogue"
    """``catalogue``: garments of the installed catalogue, ranked by what the user's rentals say
    they like; ``rentals``: items known from imported rentals."""
    items: list[ForYouItem] = Field(default_factory=list)


@dataclass
class PersonalModels:
    recommender: RentalRecommender
    fit: FitModel
    version: tuple[int, int]
    catalogue: CatalogueForYou | None = None
    fit_classifier: FitClassifier | None = None
    size_advisor: SizeAdvisor | None = None

    @classmethod
    def train(cls, data: Rentals, version: tuple[int, int] = (0, 0)) -> PersonalModels:
        # the implicit MF is trained only when a default weight uses it (measured: it does not)
        implicit = ImplicitMF().fit(data.user, data.item) if WARM.mf or COLD.mf else None
        explicit = ExplicitMF(MFConfig(factors=0)).fit(data.user, data.item, data.rating)
        rec = RentalRecommender(WARM, COLD).fit(data, implicit, explicit)
        return cls(
            recommender=rec,
            fit=FitModel().fit(data),
            version=version,
            catalogue=CatalogueForYou().fit(data),
            fit_classifier=clf if (clf := FitClassifier().fit(data)).fitted else None,
            size_advisor=adv if (adv := SizeAdvisor().fit(data)).fitted else None,
        )


def body_of(store: Any, user_id: str) -> list[float] | None:
    with store.db.session() as s:
        row = s.get(BodyRow, user_id)
    if row is None:
        return None
    return [np.nan if v is None else float(v) for v in (row.height_in, row.weight_lbs, row.bust_in)]


def _details(store: Any, user_id: str, item_id: str, body: list[float], category: str | None) -> Rentals:
    """A one-row ``Rentals`` of what is known about the user (measurements, body type, age)."""
    with store.db.session() as s:
        row = s.get(BodyRow, user_id)
    out = blank_rental(user_id, item_id, category or "")
    out.body = np.array([body], dtype=float)
    if row is not None:
        out.body_type = np.array([row.body_type or ""], dtype=object)
        out.age = np.array([np.nan if row.age is None else float(row.age)])
    return out


def item_category(store: Any, models: PersonalModels, item_id: str) -> str | None:
    rec = models.recommender
    if item_id in rec.index:
        return rec.category[rec.index[item_id]] or None
    with store.db.session() as s:
        row = s.get(InteractionItemRow, item_id)
    return row.category if row else None


def advise_size(
    store: Any,
    models: PersonalModels,
    user_id: str,
    item_id: str,
    *,
    height_in: float | None = None,
    weight_lbs: float | None = None,
    bust_in: float | None = None,
) -> SizeAdvice:
    """The size to take of ``item_id`` and the chance each size runs small / fits / runs large."""
    fit = models.fit
    stored = body_of(store, user_id) or [np.nan] * 3
    given = [height_in, weight_lbs, bust_in]
    body = [float(g) if g is not None else s for g, s in zip(given, stored)]
    if item_id not in fit.item_sizes:
        if item_category(store, models, item_id) is None:
            raise ItemNotFoundError(item_id, hint="no fit feedback has been imported for this item")
    basis = []
    sizes = fit.user_sizes.get(user_id, [])
    if sizes:
        basis.append(
            f"you took sizes {', '.join(f'{s:g}' for s in sorted(set(sizes)))} before (usually "
            f"{fit.usual_size(user_id):g})"
        )
    elif any(np.isfinite(body)):
        basis.append("your body measurements (no rentals of yours yet)")
    n_item = len(fit.item_sizes.get(item_id, []))
    if n_item:
        basis.append(f"fit feedback on this item in {n_item} size{'s' if n_item > 1 else ''}")
    best, table = fit.advise(user_id, item_id, body=body if not sizes else None)
    best, method = _learned_choice(models, user_id, item_id, None if sizes else body, best, basis)
    if best is not None and best not in table:  # the learned choice can be two sizes away
        bodies = None if sizes else np.array([body], dtype=float)
        table[best] = fit.probabilities([user_id], [item_id], np.array([best]), bodies)[0]
    if table and models.fit_classifier is not None:
        # the classifier's probabilities (body, item history and the user's own) for the same sizes
        row = _details(store, user_id, item_id, body, item_category(store, models, item_id))
        probs = models.fit_classifier.for_sizes(user_id, item_id, sorted(table), row)
        table = {s: probs[n] for n, s in enumerate(sorted(table))}
    options = [
        SizeOption(
            size=s, small=round(float(p[0]), 3), fit=round(float(p[1]), 3), large=round(float(p[2]), 3)
        )
        for s, p in sorted(table.items())
    ]
    probs = {}
    if best is not None:
        p = table[best]
        probs = {FIT_NAME[k]: round(float(p[k]), 3) for k in range(3)}
    elif not sizes:
        basis.append("nothing is known about your size: import your rentals or give height, weight and bust")
    return SizeAdvice(
        user_id=user_id,
        item_id=item_id,
        category=item_category(store, models, item_id),
        recommended_size=best,
        probabilities=probs,
        options=options,
        basis=basis,
        method=method,
    )


def _learned_choice(
    models: PersonalModels,
    user_id: str,
    item_id: str,
    body: list[float] | None,
    usual: float | None,
    basis: list[str],
) -> tuple[float | None, str]:
    """The size advisor's choice when it can make one, else the usual size (saying why in ``basis``)."""
    advisor = getattr(models, "size_advisor", None)  # pickles from before the advisor have none
    if advisor is None:
        if usual is not None:
            basis.append("the size nearest your usual one (the learned size advice is not trained)")
        return usual, "usual size"
    if not advisor.knows_item(item_id):
        if usual is not None:
            basis.append("the size nearest your usual one (no fit history for this item)")
        return usual, "usual size"
    choice = advisor.advise(user_id, item_id, body)
    if choice is None:
        return usual, "usual size"
    lean = advisor.item_fit.get(item_id)
    if lean is not None and lean.sum() >= 3:
        share_small, share_large = lean[0] / lean.sum(), lean[2] / lean.sum()
        if share_small >= 0.25 or share_large >= 0.25:
            word, share = ("small", share_small) if share_small >= share_large else ("large", share_large)
            basis.append(f"this item runs {word} for {share:.0%} of {int(lean.sum())} renters")
    return choice, "learned choice"


def recommend_for(
    store: Any,
    models: PersonalModels,
    user_id: str,
    *,
    occasion: str | None = None,
    k: int = 10,
    titles: Any = None,
    garments: Any = None,
) -> ForYou:
    """Up to ``k`` items for ``user_id`` with reasons: garments of ``garments`` (the installed
    catalogue) when given, else rental items the user has not rented. ``titles(item_id)`` names
    rental items that are also in the catalogue."""
    occasion = occasion.strip().lower() if occasion else None
    profile = store.get_profile(user_id)
    liked = profile.liked("article_type")
    if garments is not None:
        return _catalogue_for(models, user_id, occasion, k, garments, profile)
    rec = models.recommender
    if occasion and occasion not in rec.occ:
        raise ProfileError(f"unknown occasion {occasion!r}", hint=f"use one of: {', '.join(sorted(rec.occ))}")
    items = rec.recommend(user_id, occasion, k, liked_categories=liked)
    return ForYou(
        user_id=user_id,
        occasion=occasion,
        known_user=rec.knows(user_id),
        source="rentals",
        items=[
            ForYouItem(
                item_id=r.item_id,
                title=titles(r.item_id) if titles else None,
                category=r.category,
                score=round(r.score, 3),
                reasons=r.reasons,
            )
            for r in items
        ],
    )


_GENDERS = {"women": {"women", "unisex"}, "men": {"men", "unisex"}}


def _catalogue_for(
    models: PersonalModels, user_id: str, occasion: str | None, k: int, garments: Any, profile: Any
) -> ForYou:
    ranker = models.catalogue or CatalogueForYou()
    vocab = vocabulary()
    if occasion and occasion not in RENTAL_OCCASION and occasion not in vocab.occasions:
        if occasion not in vocab.occasion_words:
            known = sorted(set(RENTAL_OCCASION) | set(vocab.occasions))
            raise ProfileError(f"unknown occasion {occasion!r}", hint=f"use one of: {', '.join(known)}")
        occasion = vocab.occasion_words[occasion]
    genders = _GENDERS.get(profile.gender_presentation or "", {"women", "men", "unisex"})
    picks = ranker.rank(
        user_id,
        garments,
        occasion,
        k,
        liked_kinds=profile.liked("article_type"),
        disliked_kinds=profile.disliked("article_type"),
        genders=genders,
    )
    return ForYou(
        user_id=user_id,
        occasion=occasion,
        known_user=ranker.knows(user_id),
        source="catalogue",
        items=[
            ForYouItem(
                item_id=p.garment.id,
                title=p.garment.title,
                category=p.garment.article_type,
                score=round(p.score, 3),
                reasons=p.reasons,
            )
            for p in picks
        ],
    )
