"""Fakes for the profile, preference and copywriting tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from stylist.errors import ItemNotFoundError
from stylist.index.schema import Garment
from tests.fakes.chat import ScriptedChatModel  # noqa: F401 - re-exported for the profile tests
from tests.fakes.core import HashingTextEmbedder, ScoredSearch

_PROFILE_COLOURS = ["navy", "black", "white", "red", "olive", "beige", "orange", "grey"]
_PROFILE_MATERIALS = ["linen", "cotton", "wool", "denim", "silk", "leather"]
_PROFILE_TYPES = [
    ("shirts", "top"),
    ("trousers", "bottom"),
    ("dresses", "dress"),
    ("blazers", "outerwear"),
    ("sneakers", "shoes"),
    ("tote bags", "bag"),
]


def make_garments(n: int = 48) -> list[Garment]:
    """A small deterministic catalogue covering every colour, material and article type above."""
    out = []
    for i in range(n):
        colour = _PROFILE_COLOURS[i % len(_PROFILE_COLOURS)]
        material = _PROFILE_MATERIALS[(i // 2) % len(_PROFILE_MATERIALS)]
        article, slot = _PROFILE_TYPES[(i // 3) % len(_PROFILE_TYPES)]
        noun = article[:-1] if article.endswith("s") else article
        out.append(
            Garment(
                id=f"g{i:03d}",
                title=f"{colour.title()} {material} {noun}",
                slot=slot,
                article_type=article,
                gender="unisex",
                colours=[colour],
                material=material,
                price=float(20 + (i * 7) % 180),
                brand=["Acme", "Northwind", "Loom"][i % 3],
                seasons=["summer"] if material in ("linen", "cotton") else ["winter"],
                occasions=["casual"] if i % 2 else ["formal"],
            )
        )
    return out


class ProfileCatalogueIndex(ScoredSearch):
    """The catalogue index contract (get/search/vectors_for …) over ``make_garments()``, with the
    hashing embedder for vectors; records each search's k."""

    def __init__(
        self, garments: Iterable[Garment] | None = None, embedder: HashingTextEmbedder | None = None
    ) -> None:
        self.garments = {g.id: g for g in (garments if garments is not None else make_garments())}
        self.embedder = embedder or HashingTextEmbedder()
        ids = list(self.garments)
        self._row = {gid: i for i, gid in enumerate(ids)}
        self._vectors = self.embedder.embed_texts([self.garments[i].document() for i in ids])
        self.search_calls: list[dict] = []

    def get(self, item_id: str) -> Garment:
        try:
            return self.garments[item_id]
        except KeyError:
            raise ItemNotFoundError(item_id) from None

    def get_many(self, ids: Iterable[str]) -> list[Garment]:
        return [self.get(i) for i in ids]

    def __len__(self) -> int:
        return len(self.garments)

    def __iter__(self) -> Iterator[Garment]:
        return iter(self.garments.values())

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.garments

    def vectors_for(self, ids: Iterable[str]) -> np.ndarray:
        return self._vectors[[self._row[self.get(i).id] for i in ids]]

    def search(self, query, filters=None, k=10, image_path=None):  # noqa: ANN001, ANN201
        self.search_calls.append({"query": query, "k": k})
        q = self.embedder.embed_texts([query or ""])[0]
        scored = []
        for g in self.garments.values():
            if filters is not None and not filters.matches(g):
                continue
            scored.append((g, float(self._vectors[self._row[g.id]] @ q)))
        scored.sort(key=lambda t: (-t[1], t[0].id))
        return scored[:k]


class FakeTextGenerator:
    """The copywriter's text-generator interface: scripted replies in order (the last one
    repeats); records every (prompt, system)."""

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[tuple[str, str | None]] = []

    def generate(self, prompt: str, system: str | None = None, max_tokens: int = 256) -> str:
        self.prompts.append((prompt, system))
        return self.replies[min(len(self.prompts) - 1, len(self.replies) - 1)]


def profile_runtime(settings=None, **services):  # noqa: ANN001, ANN201
    """A ``Runtime`` on the given settings (default: from the environment) with fakes injected."""
    from stylist.config import load_settings
    from stylist.runtime import Runtime

    return Runtime(settings if settings is not None else load_settings(), **services)
