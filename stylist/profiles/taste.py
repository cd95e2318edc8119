"""What the preference model knows about a user (``UserTaste``), its blend weights, the re-ranked
hit it returns, and the small helpers that read garments and profiles for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from stylist.fashion.terms import article_key
from stylist.index.schema import Garment
from stylist.profiles.schema import Profile

#: Strength of each feedback kind in the content signal.
FEEDBACK_WEIGHT = {"like": 1.0, "save": 1.5, "buy": 2.0, "dislike": -1.0}
VERB = {"like": "liked", "save": "saved", "buy": "bought", "dislike": "disliked"}


@dataclass
class BlendWeights:
    base: float = 1.0
    """Weight of the hit's own relevance (z-scored within the list), like content and mf."""
    content: float = 1.0
    attribute: float = 2.0
    """Per attribute the user said they like (colour, material, style …). Not tuned (the
    simulated users state nothing): set above the most a learned affinity gives (3 x a share
    of about 0.5), so saying it counts at least as much as showing it."""
    learned_attribute: float = 3.0
    """Times the share of the user's feedback weight that had the attribute (likes minus
    dislikes), above the attribute's share among the candidates."""
    learned_dislike: float = 5.0
    """Times the share of the user's feedback weight that had the attribute when dislikes
    outweigh likes (a penalty)."""
    shrinkage: float = 5.0
    """Pseudo-count of feedback weight that shrinks learned shares while feedback is scarce."""
    mf: float = 0.0
    """Times the MF prediction (z-scored) and the user's confidence n / (n + mf_k). 0 by default:
    on the simulated users every weight above 0 lowered validation NDCG (their tastes are
    attribute-level, which the attribute and popularity parts already carry); with 0 the model
    is not trained at all."""
    popularity: float = 3.0
    """Times log(1 + users who liked, saved or bought the item), centred per list; used once
    ``popularity_min_users`` users have given positive feedback."""
    popularity_min_users: int = 2
    score_floor: float = 0.05
    """Spreads below this are noise: signals are standardised by max(std, floor), not std alone."""
    budget_penalty: float = 0.5
    """Not tuned: the simulated users keep their price cap hidden, so no stated budget exists there."""
    half_life_days: float = 30.0
    content_k: float = 3.0
    """Content confidence = n / (n + content_k) for n feedback events."""
    mf_k: float = 10.0
    mf_min_users: int = 3
    mf_min_interactions: int = 20


@dataclass
class RankedHit:
    """A hit after personalisation: ``score`` is the blended score, ``base_score`` the original."""

    garment: Garment
    score: float
    base_score: float
    why: str | None = None
    components: dict[str, float] = field(default_factory=dict)


@dataclass
class Evidence:
    weight: float
    when: datetime
    verb: str
    title: str


@dataclass
class UserTaste:
    """What the model knows about one user at one moment."""

    profile: Profile
    n_events: int
    vector: np.ndarray | None
    liked: dict[tuple[str, str], float]
    """Time-decayed feedback weight of the user's positives per attribute (latest event per item)."""
    disliked: dict[tuple[str, str], float]
    liked_total: float
    disliked_total: float
    evidence: dict[tuple[str, str], Evidence]
    positives: list[tuple[Garment, str, datetime]]
    disliked_items: set[str]

    @property
    def is_empty(self) -> bool:
        return (
            self.n_events == 0
            and not self.profile.likes
            and not self.profile.dislikes
            and self.profile.budget is None
        )


def garment_attributes(g: Garment) -> list[tuple[str, str]]:
    out = [("colour", c) for c in g.colours]
    for kind, value in (("material", g.material), ("pattern", g.pattern), ("brand", g.brand)):
        if value:
            out.append((kind, value.lower()))
    out.append(("article_type", article_key(g.article_type)))
    return out


def stated(profile: Profile, polarity: str) -> dict[str, list[str]]:
    """The profile's likes or dislikes, with article types in canonical form."""
    raw = profile.likes if polarity == "like" else profile.dislikes
    return {
        k: list(dict.fromkeys(article_key(v) for v in vals)) if k == "article_type" else vals
        for k, vals in raw.items()
    }


def humanise_age(then: datetime, now: datetime) -> str:
    days = (now - then).total_seconds() / 86400
    if days < 1:
        return "today"
    if days < 2:
        return "yesterday"
    if days < 7:
        return f"{int(days)} days ago"
    if days < 14:
        return "last week"
    if days < 31:
        return f"{int(days // 7)} weeks ago"
    if days < 62:
        return "last month"
    return f"{int(days // 30)} months ago"
