"""Fakes used by the profile tests (split from tests/fakes.py, which keeps the shared ones)."""

from __future__ import annotations

import hashlib  # noqa: F401
import re  # noqa: F401
from collections.abc import Sequence  # noqa: F401

import numpy as np  # noqa: F401
from pydantic import BaseModel, ConfigDict  # noqa: F401

from stylist.tools.base import Tool  # noqa: F401
from tests.fakes import HashingTextEmbedder  # noqa: F401

# --- catalogue and LLM fakes (profile engineer) ------------------------------------------------

from collections.abc import Iterable, Iterator  # noqa: E402

from stylist.errors import ItemNotFoundError  # noqa: E402
from stylist.index.schema import Garment  # noqa: E402

_FAKE_COLOURS = ["navy", "black", "white", "red", "olive", "beige", "orange", "grey"]
_FAKE_MATERIALS = ["linen", "cotton", "wool", "denim", "silk", "leather"]
_FAKE_TYPES = [("shirts", "top"), ("trousers", "bottom"), ("dresses", "dress"), ("blazers", "outerwear"),
               ("sneakers", "shoes"), ("tote bags", "bag")]


def make_garments(n: int = 48) -> list[Garment]:
    """A small deterministic catalogue covering every colour, material and article type above."""
    out = []
    for i in range(n):
        colour = _FAKE_COLOURS[i % len(_FAKE_COLOURS)]
        material = _FAKE_MATERIALS[(i // 2) % len(_FAKE_MATERIALS)]
        article, slot = _FAKE_TYPES[(i // 3) % len(_FAKE_TYPES)]
        noun = article[:-1] if article.endswith("s") else article
        out.append(Garment(
            id=f"g{i:03d}", title=f"{colour.title()} {material} {noun}", slot=slot, article_type=article,
            gender="unisex", colours=[colour], material=material, price=float(20 + (i * 7) % 180),
            brand=["Acme", "Northwind", "Loom"][i % 3], seasons=["summer"] if material in ("linen", "cotton") else ["winter"],
            occasions=["casual"] if i % 2 else ["formal"],
        ))
    return out


class FakeCatalogueIndex:
    """The catalogue index contract (get/search/vectors_for …) over a list of garments, with the
    hashing embedder for vectors."""

    def __init__(self, garments: Iterable[Garment] | None = None, embedder: HashingTextEmbedder | None = None) -> None:
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

    def search(self, query, filters=None, k=10, image_path=None):  # noqa: ANN001
        self.search_calls.append({"query": query, "k": k})
        q = self.embedder.embed_texts([query or ""])[0]
        scored = []
        for g in self.garments.values():
            if filters is not None and not filters.matches(g):
                continue
            scored.append((g, float(self._vectors[self._row[g.id]] @ q)))
        scored.sort(key=lambda t: (-t[1], t[0].id))
        return scored[:k]


class FakeChatModel:
    """Returns scripted replies in order (the last one repeats) and records every prompt."""

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[tuple[str, str | None]] = []

    def generate(self, prompt: str, system: str | None = None, max_tokens: int = 256) -> str:
        self.prompts.append((prompt, system))
        return self.replies[min(len(self.prompts) - 1, len(self.replies) - 1)]


def fake_runtime(settings=None, **services):  # noqa: ANN001, ANN201
    """A ``Runtime`` with injected fakes, also where ``Runtime`` has no ``catalogue_index`` /
    ``text_embedder`` / ``chat_model`` properties yet (they are other engineers' parts)."""
    from stylist.config import load_settings
    from stylist.runtime import Runtime

    attrs = {}
    for name in ("catalogue_index", "text_embedder", "chat_model"):
        if not hasattr(Runtime, name):
            attrs[name] = property(lambda self, _n=name: self.service(_n, lambda: _missing(_n)))
    cls = type("FakeRuntime", (Runtime,), attrs) if attrs else Runtime
    return cls(settings or load_settings(), **services)


def _missing(name: str):  # noqa: ANN202
    raise AttributeError(f"no {name} injected into this test runtime")
