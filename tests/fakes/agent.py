"""The agent tests' catalogue (twelve hand-written garments) and a ``Stylist`` over it."""

from __future__ import annotations

from collections.abc import Iterator as _Iterator
from collections.abc import Sequence
from typing import Any as _Any

import numpy as np

from stylist.errors import CatalogueError, ItemNotFoundError
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment
from tests.fakes.chat import ScriptedChatModel, tool_call
from tests.fakes.core import HashingTextEmbedder, ScoredSearch

__all__ = ["FakeCatalogueIndex", "ScriptedChatModel", "fake_garments", "fake_stylist", "tool_call"]


def _g(
    id: str,
    title: str,
    slot: str,
    article: str,
    colours: list[str],
    price: float,
    gender: str = "unisex",
    occasions: tuple[str, ...] = (),
    seasons: tuple[str, ...] = (),
    description: str = "",
) -> Garment:
    return Garment(
        id=id,
        title=title,
        slot=slot,
        article_type=article,
        colours=colours,
        price=price,
        gender=gender,
        occasions=list(occasions),
        seasons=list(seasons),
        description=description or f"A {title.lower()}.",
    )


def fake_garments() -> list[Garment]:
    """A small catalogue covering every slot, several colours, prices, occasions and seasons."""
    return [
        _g(
            "g-0001",
            "Olive Linen Shirt",
            "top",
            "Shirts",
            ["olive"],
            45.0,
            "men",
            ("wedding", "casual"),
            ("summer",),
        ),
        _g(
            "g-0002",
            "Beige Linen Trousers",
            "bottom",
            "Trousers",
            ["beige"],
            60.0,
            "men",
            ("wedding", "work"),
            ("summer",),
        ),
        _g(
            "g-0003",
            "Rust Wrap Dress",
            "dress",
            "Dresses",
            ["rust"],
            120.0,
            "women",
            ("wedding", "party"),
            ("summer", "autumn"),
        ),
        _g(
            "g-0004",
            "Tan Leather Loafers",
            "shoes",
            "Formal Shoes",
            ["tan"],
            95.0,
            "men",
            ("wedding", "work"),
            (),
        ),
        _g("g-0005", "Black Slim Jeans", "bottom", "Jeans", ["black"], 55.0, "men", ("casual",), ()),
        _g(
            "g-0006",
            "White Canvas Sneakers",
            "shoes",
            "Casual Shoes",
            ["white"],
            40.0,
            "unisex",
            ("casual",),
            ("summer",),
        ),
        _g(
            "g-0007",
            "Black Running Sneakers",
            "shoes",
            "Sports Shoes",
            ["black"],
            58.0,
            "men",
            ("sports",),
            (),
        ),
        _g(
            "g-0008",
            "Navy Wool Blazer",
            "outerwear",
            "Blazers",
            ["navy blue"],
            180.0,
            "men",
            ("work", "formal"),
            ("winter", "autumn"),
        ),
        _g("g-0009", "Red Satin Party Dress", "dress", "Dresses", ["red"], 85.0, "women", ("party",), ()),
        _g(
            "g-0010",
            "Black Cocktail Dress",
            "dress",
            "Dresses",
            ["black"],
            150.0,
            "women",
            ("party", "formal"),
            (),
        ),
        _g(
            "g-0011",
            "Mustard Knit Sweater",
            "top",
            "Sweaters",
            ["mustard"],
            70.0,
            "women",
            ("casual",),
            ("winter", "autumn"),
        ),
        _g("g-0012", "Brown Leather Tote", "bag", "Handbags", ["brown"], 110.0, "women", ("work",), ()),
        _g(
            "g-0013",
            "Cream Silk Blouse",
            "top",
            "Tops",
            ["cream"],
            65.0,
            "women",
            ("work", "wedding"),
            ("summer", "spring"),
        ),
        _g(
            "g-0014",
            "Khaki Chino Shorts",
            "bottom",
            "Shorts",
            ["khaki"],
            35.0,
            "men",
            ("casual",),
            ("summer",),
        ),
        _g(
            "g-0015",
            "Grey Hooded Sweatshirt",
            "top",
            "Sweatshirts",
            ["grey"],
            48.0,
            "unisex",
            ("casual", "sports"),
            ("winter",),
        ),
        _g(
            "g-0016",
            "Beige Trench Coat",
            "outerwear",
            "Coats",
            ["beige"],
            199.0,
            "women",
            ("work",),
            ("autumn", "spring"),
        ),
        _g(
            "g-0017",
            "Gold Hoop Earrings",
            "jewelry",
            "Earrings",
            ["gold"],
            30.0,
            "women",
            ("party", "wedding"),
            (),
        ),
        _g(
            "g-0018",
            "Brown Leather Belt",
            "accessory",
            "Belts",
            ["brown"],
            25.0,
            "men",
            ("work", "casual"),
            (),
        ),
        _g(
            "g-0019",
            "Pink Floral Sundress",
            "dress",
            "Dresses",
            ["pink"],
            75.0,
            "women",
            ("casual", "beach"),
            ("summer",),
        ),
        _g(
            "g-0020",
            "Black Leather Ankle Boots",
            "shoes",
            "Boots",
            ["black"],
            140.0,
            "women",
            ("casual", "party"),
            ("winter", "autumn"),
        ),
        _g("g-0021", "White Oxford Shirt", "top", "Shirts", ["white"], 50.0, "men", ("work", "formal"), ()),
        _g("g-0022", "Olive Cargo Trousers", "bottom", "Trousers", ["olive"], 52.0, "men", ("casual",), ()),
        _g(
            "g-0023",
            "Terracotta Midi Skirt",
            "bottom",
            "Skirts",
            ["terracotta"],
            58.0,
            "women",
            ("wedding", "casual"),
            ("summer",),
        ),
        _g(
            "g-0024",
            "Navy Polo Shirt",
            "top",
            "Tshirts",
            ["navy blue"],
            30.0,
            "men",
            ("casual",),
            ("summer",),
        ),
        _g(
            "g-0025",
            "Camel Wool Coat",
            "outerwear",
            "Coats",
            ["camel"],
            240.0,
            "women",
            ("work", "formal"),
            ("winter",),
        ),
    ]


class FakeCatalogueIndex(ScoredSearch):
    """The catalogue-index contract over a list of garments: hard filters, then word similarity."""

    def __init__(
        self, garments: list[Garment] | None = None, embedder: HashingTextEmbedder | None = None
    ) -> None:
        self.garments = {g.id: g for g in (garments if garments is not None else fake_garments())}
        self.embedder = embedder or HashingTextEmbedder()
        self.searches: list[tuple[str | None, SearchFilters, int]] = []

    def search(
        self,
        query: str | None,
        filters: SearchFilters | None = None,
        k: int = 10,
        image_path: str | None = None,
    ) -> list[tuple[Garment, float]]:
        filters = filters or SearchFilters()
        self.searches.append((query, filters, k))
        pool = [g for g in self.garments.values() if filters.matches(g)]
        if not pool:
            return []
        if not query:
            return [(g, 1.0) for g in pool[:k]]
        vectors = self.embedder.embed_texts([query] + [g.document() for g in pool])
        scores = vectors[1:] @ vectors[0]
        order = np.argsort(-scores, kind="stable")[:k]
        return [(pool[i], float(scores[i])) for i in order]

    def get(self, item_id: str) -> Garment:
        try:
            return self.garments[item_id]
        except KeyError:
            raise ItemNotFoundError(item_id) from None

    def get_many(self, ids: Sequence[str]) -> list[Garment]:
        return [self.get(i) for i in ids]

    def vectors_for(self, ids: Sequence[str]) -> np.ndarray:
        return self.embedder.embed_texts([self.get(i).document() for i in ids])

    def __len__(self) -> int:
        return len(self.garments)

    def __iter__(self) -> _Iterator[Garment]:
        return iter(self.garments.values())

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.garments

    def add(self, garments: Sequence[Garment], *, image_vectors: _Any = None) -> None:
        if clash := [g.id for g in garments if g.id in self.garments]:
            raise CatalogueError(f"garment {clash[0]!r} is already in the index")
        self.garments.update({g.id: g for g in garments})

    def update(self, garments: Sequence[Garment], *, image_vectors: _Any = None) -> None:
        for g in garments:
            self.get(g.id)
        self.garments.update({g.id: g for g in garments})

    def delete(self, ids: Sequence[str]) -> None:
        for i in ids:
            self.get(i)
        for i in ids:
            del self.garments[i]


def fake_stylist(
    backend: str = "none", chat_model: _Any = None, index: _Any = None, **settings: _Any
) -> _Any:
    """A ``Stylist`` on the fake catalogue (and a scripted model when given), in $STYLIST_HOME."""
    from stylist.config import load_settings
    from stylist.facade import Stylist
    from stylist.runtime import Runtime

    services: dict[str, _Any] = {"catalogue_index": index if index is not None else FakeCatalogueIndex()}
    if chat_model is not None:
        services["chat_model"] = chat_model
    # The scripted-model tests are about the model's own selection and answer; the embedded
    # defaults that bypass them (the router's confident calls, the results lead) have their own
    # tests, which switch them back on with ``llm={"router_first": None, ...}``.
    llm = {
        "backend": backend,
        "lead_with_results": False,
        "router_first": False,
        "pick_tool": False,
        **settings.pop("llm", {}),
    }
    return Stylist(Runtime(load_settings(llm=llm, **settings), **services))
