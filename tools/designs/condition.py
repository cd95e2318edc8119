"""What a design is drawn from: the brief's labels (``brief.plan_designs``) and, for a GAN conditioned
on words, the text embedding of the brief in the same text space search uses.

A brief that names nothing the model can draw ("a red car") is not refused by a text model: it gets the
closest article type (and colour) by the brief's embedding against each value's mean training text, and
an honest note saying so. Label-only models (demo, Fashion-MNIST) keep refusing with the valid values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from stylist.errors import ToolInputError
from stylist.fashion.terms import article_key
from stylist.tools.designs.brief import ARTICLE, COLOUR, DesignPlan, colours_for, plan_designs


class TextEncoder(Protocol):
    """The text embedder the GAN was trained with (``name`` must equal the checkpoint's text model)."""

    name: str

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass
class Condition:
    """Per design: its labels and the words it is drawn from; and how the brief was understood."""

    labels: list[dict[str, str]]
    read: dict[str, list[str]]
    texts: list[str] = field(default_factory=list)
    """The words each design's text embedding comes from (empty for label-only models)."""
    vectors: np.ndarray | None = None
    """(N, D) unit-length embeddings of ``texts``."""
    note: str = ""
    """Set when the brief named nothing drawable: what was drawn instead, and why."""

    def understood(self, i: int) -> str:
        """ "article: shirt, colour: olive" for design ``i``."""
        return understood(self.labels[i])


def article_words(value: str) -> str:
    """An article type as a word ("Shirts" → "shirt", "Tshirts" → "t-shirt", "Laptop Bag" → "laptop bag")."""
    key = article_key(value)
    plain = " ".join(value.lower().split())
    singular = plain[:-1] if plain.endswith("s") and not plain.endswith("ss") else plain
    if " " in plain:  # pairs stay plural: "casual shoes", "track pants", "flip flops"
        return plain if plain.endswith(("shoes", "pants", "flops")) else singular
    if key in (plain, singular) or key.replace("-", "") == singular or singular.startswith(key):
        return key
    return singular


def article_spellings(value: str) -> list[str]:
    """The ways a catalogue may spell one article type ("Tshirts": "tshirts", "t-shirt"; "Shirts":
    "shirts", "shirt"), so a design's article finds its garments in the Kaggle catalogue (plural
    types) and in the demo one (singular) alike; search filters compare lower-cased."""
    return list(dict.fromkeys(v.lower() for v in (value, article_key(value), article_words(value))))


def understood(labels: dict[str, str]) -> str:
    parts = []
    for name, value in labels.items():
        if name == ARTICLE:
            parts.append(f"article: {article_words(value)}")
        elif value not in ("none", "solid"):
            parts.append(f"{name}: {value}")
    return ", ".join(parts)


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, np.float32)
    return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True).clip(1e-12)


def nearest_value(prototypes: dict[str, list[float]], vector: np.ndarray) -> str:
    """The value whose mean training text is most cosine-similar to ``vector``."""
    names = list(prototypes)
    scores = _unit(np.array([prototypes[n] for n in names])) @ _unit(vector)
    return names[int(np.argmax(scores))]


def condition_text(brief: str, labels: dict[str, str]) -> str:
    """The words one design is drawn from: the brief, then its understood article and colour, so a
    design whose colour was left open is drawn in the colour its label says."""
    extra = [article_words(labels[ARTICLE])] if ARTICLE in labels else []
    extra += [labels[COLOUR]] if COLOUR in labels else []
    return f"{brief.strip()}. {', '.join(extra)}" if extra else brief.strip()


def read_brief(
    brief: str,
    conditions: dict[str, list[str]],
    n: int,
    *,
    seed: int = 0,
    seen: dict[str, dict[str, list[str]]] | None = None,
    prototypes: dict[str, dict[str, list[float]]] | None = None,
    encoder: TextEncoder | None = None,
    article_type: str | None = None,
    colour: str | None = None,
    pattern: str | None = None,
) -> Condition:
    """Labels (and, with ``encoder``, text embeddings) for ``n`` designs of ``brief``."""
    if not brief.strip():
        raise ToolInputError("the brief is empty: say what to design, e.g. 'olive cotton shirt for men'")
    note = ""
    choose = None
    if encoder is not None and prototypes and ARTICLE in prototypes:
        articles = prototypes[ARTICLE]

        def choose(text: str, candidates: list[str]) -> str:  # "a leather bag": the nearest bag type
            known = {c: articles[c] for c in candidates if c in articles}
            return nearest_value(known, encoder.embed_texts([text.strip()])[0]) if known else candidates[0]

    try:
        plan = plan_designs(
            brief,
            conditions,
            n,
            seed=seed,
            seen=seen,
            article_type=article_type,
            colour=colour,
            pattern=pattern,
            choose=choose,
        )
    except ToolInputError as exc:
        if encoder is None or not prototypes or ARTICLE not in prototypes:
            raise
        plan, note = _closest_plan(brief, conditions, n, seed, seen, prototypes, encoder, exc.message)
    if encoder is None:
        return Condition(plan.labels, plan.read, note=note)
    texts = [condition_text(brief, row) for row in plan.labels]
    unique = list(dict.fromkeys(texts))
    table = dict(zip(unique, _unit(encoder.embed_texts(unique))))
    return Condition(plan.labels, plan.read, texts, np.stack([table[t] for t in texts]), note)


def _closest_plan(
    brief: str,
    conditions: dict[str, list[str]],
    n: int,
    seed: int,
    seen: dict[str, dict[str, list[str]]] | None,
    prototypes: dict[str, dict[str, list[float]]],
    encoder: TextEncoder,
    why: str,
) -> tuple[DesignPlan, str]:
    vector = _unit(encoder.embed_texts([brief.strip()]))[0]
    article = nearest_value(prototypes[ARTICLE], vector)
    colour = None
    if COLOUR in conditions:
        try:
            named = colours_for(brief, conditions[COLOUR])
        except ToolInputError:
            named = [nearest_value(prototypes[COLOUR], vector)] if COLOUR in prototypes else []
        colour = named[0] if named else None
    plan = plan_designs("", conditions, n, seed=seed, seen=seen, article_type=article, colour=colour)
    drawn = understood({ARTICLE: article, **({COLOUR: colour} if colour else {})})
    reason = why.split(";")[0]
    return plan, f"closest I can draw: {drawn} ({reason})"
