"""A generated catalogue for the outfit tests (slots, occasions, seasons, prices) and its index."""

from __future__ import annotations

import numpy as np

from tests.fakes.core import HashingTextEmbedder, ScoredSearch

# ---------------------------------------------------------------- catalogue fakes (compat engineer)

_FAKE_ARTICLES = {
    # slot: [(article_type, occasions, seasons, price range)]
    "top": [
        ("Tshirts", ["casual"], ["summer", "spring"], (10, 40)),
        ("Shirts", ["formal", "work"], [], (30, 90)),
        ("Blouse", ["party", "work"], ["summer"], (25, 80)),
        ("Sweaters", ["casual"], ["winter", "autumn"], (30, 100)),
    ],
    "bottom": [
        ("Jeans", ["casual"], [], (30, 90)),
        ("Trousers", ["formal", "work"], [], (35, 110)),
        ("Shorts", ["casual"], ["summer"], (15, 45)),
        ("Skirts", ["party"], ["summer", "spring"], (25, 80)),
    ],
    "dress": [
        ("Dresses", ["party", "wedding"], ["summer", "spring"], (50, 180)),
        ("Dresses", ["casual"], ["summer"], (30, 80)),
        ("Dresses", ["formal"], ["winter", "autumn"], (80, 220)),
    ],
    "shoes": [
        ("Sneakers", ["casual", "sports"], [], (40, 120)),
        ("Heels", ["party", "formal", "wedding"], [], (50, 150)),
        ("Sandals", ["casual"], ["summer"], (20, 60)),
        ("Boots", ["casual"], ["winter", "autumn"], (60, 180)),
        ("Formal Shoes", ["formal", "work"], [], (60, 160)),
    ],
    "outerwear": [
        ("Blazers", ["formal", "work"], [], (70, 200)),
        ("Coats", ["casual"], ["winter"], (90, 250)),
    ],
    "bag": [("Handbags", ["work", "party"], [], (40, 160)), ("Backpacks", ["casual"], [], (25, 70))],
    "accessory": [("Belts", ["work"], [], (15, 50)), ("Scarves", ["casual"], ["winter", "autumn"], (15, 45))],
}
_SINGULAR = {
    "Tshirts": "T-shirt",
    "Shirts": "Shirt",
    "Sweaters": "Sweater",
    "Trousers": "Trousers",
    "Skirts": "Skirt",
    "Dresses": "Dress",
    "Sneakers": "Sneakers",
    "Sandals": "Sandals",
    "Boots": "Boots",
    "Blazers": "Blazer",
    "Coats": "Coat",
    "Handbags": "Handbag",
    "Backpacks": "Backpack",
    "Belts": "Belt",
    "Scarves": "Scarf",
}
_FAKE_COLOURS = [
    "black",
    "white",
    "navy",
    "beige",
    "brown",
    "olive",
    "rust",
    "mustard",
    "red",
    "green",
    "blue",
    "pink",
    "yellow",
    "purple",
    "grey",
    "camel",
]


def fake_catalogue(n: int = 360, seed: int = 3) -> list:
    """A small deterministic catalogue over every outfit slot, both genders, with attributes."""
    import random

    from stylist.index.schema import Garment

    rng = random.Random(seed)
    slots = list(_FAKE_ARTICLES)
    out = []
    for i in range(n):
        slot = slots[i % len(slots)]
        article, occasions, seasons, (lo, hi) = rng.choice(_FAKE_ARTICLES[slot])
        gender = (
            "women"
            if slot == "dress" or article in ("Heels", "Blouse", "Skirts")
            else rng.choice(["women", "men", "unisex"])
        )
        colour = rng.choice(_FAKE_COLOURS)
        out.append(
            Garment(
                id=f"g{i:04d}",
                title=f"{colour.title()} {_SINGULAR.get(article, article)} {i}",
                slot=slot,
                article_type=article,
                gender=gender,
                colours=[colour],
                seasons=seasons,
                occasions=occasions,
                price=float(rng.randint(lo, hi)),
            )
        )
    return out


class FakeCatalogueIndex(ScoredSearch):
    """The store contract (search/get/get_many/vectors_for/len/iter/contains) over a list, exact search."""

    def __init__(self, garments: list, embedder: HashingTextEmbedder | None = None) -> None:
        self.garments = {g.id: g for g in garments}
        self.embedder = embedder or HashingTextEmbedder()
        self._ids = list(self.garments)
        self._vectors = self.embedder.embed_texts([g.document() for g in self.garments.values()])
        self._row = {gid: i for i, gid in enumerate(self._ids)}
        self.search_calls = 0

    def search(self, query, filters=None, k=10, image_path=None):
        self.search_calls += 1
        rows = [
            i for i, gid in enumerate(self._ids) if filters is None or filters.matches(self.garments[gid])
        ]
        if not rows:
            return []
        if query:
            q = self.embedder.embed_texts([query])[0]
            scores = self._vectors[rows] @ q
        else:
            scores = np.zeros(len(rows), dtype=np.float32)
        order = sorted(range(len(rows)), key=lambda j: (-float(scores[j]), self._ids[rows[j]]))[:k]
        return [(self.garments[self._ids[rows[j]]], float(scores[j])) for j in order]

    def get(self, garment_id):
        from stylist.errors import ItemNotFoundError

        if garment_id not in self.garments:
            raise ItemNotFoundError(garment_id)
        return self.garments[garment_id]

    def get_many(self, ids):
        return [self.get(i) for i in ids]

    def vectors_for(self, ids):
        return self._vectors[[self._row[i] for i in ids]]

    def __len__(self):
        return len(self.garments)

    def __iter__(self):
        return iter(self.garments.values())

    def __contains__(self, garment_id):
        return garment_id in self.garments


def compat_runtime(garments: list | None = None, **services):  # noqa: ANN201
    """A runtime on :func:`fake_catalogue` (or ``garments``) with the hashing embedder."""
    from stylist.runtime import Runtime

    embedder = services.pop("text_embedder", None) or HashingTextEmbedder()
    index = FakeCatalogueIndex(garments if garments is not None else fake_catalogue(), embedder)
    return Runtime(catalogue_index=index, text_embedder=embedder, **services)


def untrained_assembler(garments: list, *, width: int = 16, candidates: int = 10, beam: int = 6):  # noqa: ANN201
    """An ``OutfitAssembler`` over ``garments`` with a seeded, untrained compatibility model: the
    tests that use it check the rules (dress codes, sizes), not the learned score."""
    import torch

    from stylist.tools.outfits.assembly import OutfitAssembler
    from stylist.tools.outfits.model import CompatConfig, CompatModel
    from stylist.tools.outfits.scorer import CompatibilityScorer

    index = FakeCatalogueIndex(garments)
    torch.manual_seed(0)
    config = CompatConfig(text_dim=384, hidden=2 * width, embed_dim=width, pair_hidden=width)
    model = CompatModel(config).eval()
    scorer = CompatibilityScorer(model, lambda gs: index.vectors_for([g.id for g in gs]), name="untrained")
    return OutfitAssembler(index, scorer, candidates_per_slot=candidates, beam_width=beam)
