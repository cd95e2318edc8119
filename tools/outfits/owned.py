"""Outfits with what the user owns: wardrobe items as anchors, as candidates, or as the only source.

Wardrobe rows become :class:`Garment` records with ids ``owned-<entry id>`` and a price of 0 (they
cost nothing more), and :class:`WardrobePool` puts them in front of the catalogue index that the
assembler searches. "At most N new items" is a limit the beam search enforces
(``OutfitAssembler.max_new_items``); "new items under a price" filters the catalogue side. Items
added from a photo carry the image encoder's vector of that photo: when it shares the text space
(the packaged encoders do), owned items are ranked against each slot's query by it, so the owned
garment whose photo looks like what the outfit asks for comes first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from stylist.errors import ItemNotFoundError, StylistError, ToolInputError
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment, Slot
from stylist.profiles.schema import WardrobeItem
from stylist.tools.outfits.assembly import NoOutfitError, OutfitAssembler
from stylist.tools.outfits.schemas import BuildResult, OutfitRequest

OWNED_PREFIX = "owned-"
OWNED_BONUS = 0.15  # relevance bonus: among equals, the outfit uses what the user already has
PHOTO_WEIGHT = 0.1  # how much an owned photo's likeness to the slot's query moves it among owned items


def owned_id(entry_id: int | str) -> str:
    return f"{OWNED_PREFIX}{entry_id}"


def is_owned(garment_id: str) -> bool:
    return garment_id.startswith(OWNED_PREFIX)


def owned_garment(item: WardrobeItem, catalogue: Any | None = None) -> Garment | None:
    """The wardrobe entry as a garment, or ``None`` when its slot is unknown (free text)."""
    base: Garment | None = None
    if item.item_id and catalogue is not None and item.item_id in catalogue:
        base = catalogue.get(item.item_id)
    if base is not None:
        return base.model_copy(
            update={
                "id": owned_id(item.id),
                "price": 0.0,
                "attributes": {**base.attributes, "owned": "yes", "catalogue_id": base.id},
            }
        )
    if not item.slot:
        return None
    try:
        slot = Slot(item.slot)
    except ValueError:
        return None
    article = item.article_type or slot.value
    return Garment(
        id=owned_id(item.id),
        title=item.label,
        description=f"Owned {item.label}" + (f", {item.pattern}" if item.pattern else ""),
        slot=slot,
        article_type=article,
        colours=list(item.colours),
        pattern=item.pattern,
        price=0.0,
        attributes={"owned": "yes"},
    )


class WardrobePool:
    """The catalogue index seen through a wardrobe: owned garments join (or replace) its hits."""

    def __init__(
        self,
        index: Any,
        owned: Sequence[Garment],
        *,
        catalogue: bool = True,
        mix_owned: bool = True,
        new_item_max_price: float | None = None,
        owned_vectors: dict[str, np.ndarray] | None = None,
    ) -> None:
        self._index = index
        self.owned = {g.id: g for g in owned}
        self.owned_vectors = owned_vectors or {}
        """Image-encoder vectors of owned photos, by owned garment id."""
        self.catalogue = catalogue
        self.mix_owned = mix_owned
        self.new_item_max_price = new_item_max_price

    def search(
        self,
        query: str | None = None,
        filters: SearchFilters | None = None,
        k: int = 10,
        image_path: str | None = None,
    ) -> list[tuple[Garment, float]]:
        filters = filters or SearchFilters()
        hits: list[tuple[Garment, float]] = []
        if self.catalogue:
            if self.new_item_max_price is not None:
                cap = min(
                    self.new_item_max_price,
                    filters.max_price if filters.max_price is not None else float("inf"),
                )
                filters = filters.model_copy(update={"max_price": cap})
            hits = self._index.search(query, filters=filters, k=k, image_path=image_path)
        if not self.mix_owned:
            return hits
        # owned items ignore the soft filters (occasion, season, colour): they are what the user has
        mine = [
            g
            for g in self.owned.values()
            if (not filters.slots or g.slot in filters.slots) and g.id not in filters.exclude_ids
        ]
        top = float(max((s for _, s in hits), default=0.5))
        likeness = self._photo_likeness(query, mine)
        return [(g, top + OWNED_BONUS + PHOTO_WEIGHT * s) for g, s in zip(mine, likeness)] + hits

    def _photo_likeness(self, query: str | None, mine: Sequence[Garment]) -> list[float]:
        """Cosine of each owned photo's vector with the query in the text space (0 without one)."""
        vectors = [self.owned_vectors.get(g.id) for g in mine]
        if not query or all(v is None for v in vectors):
            return [0.0] * len(mine)
        try:
            q = np.asarray(self._index.query_vector(query), dtype=np.float32)
        except (AttributeError, StylistError):  # an index without query vectors
            return [0.0] * len(mine)
        out = []
        for v in vectors:
            if v is None or v.shape != q.shape:
                out.append(0.0)
            else:
                out.append(float(v @ q / (np.linalg.norm(v) * np.linalg.norm(q) + 1e-9)))
        return out

    def get(self, item_id: str) -> Garment:
        if item_id in self.owned:
            return self.owned[item_id]
        if is_owned(item_id):
            raise ItemNotFoundError(
                f"wardrobe item {item_id.removeprefix(OWNED_PREFIX)} is not in the wardrobe (or has no slot)",
                hint="see `stylist wardrobe list`",
            )
        return self._index.get(item_id)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.owned or item_id in self._index

    def __iter__(self) -> Iterator[Garment]:
        yield from self.owned.values()
        if self.catalogue:
            yield from self._index

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)


_CORES = ((Slot.TOP, Slot.BOTTOM, Slot.SHOES), (Slot.DRESS, Slot.SHOES))


def _missing(owned: Sequence[Garment]) -> list[Slot]:
    """The fewest required slots the wardrobe cannot fill (over the two outfit templates)."""
    have = {g.slot for g in owned}
    gaps = [[s for s in core if s not in have] for core in _CORES]
    return min(gaps, key=len)


def build_with_wardrobe(
    assembler: OutfitAssembler,
    request: OutfitRequest,
    wardrobe: Sequence[WardrobeItem],
    *,
    owned_anchors: Sequence[int] = (),
    use_wardrobe: bool = True,
    max_new_items: int | None = None,
    new_item_max_price: float | None = None,
) -> BuildResult:
    """Assemble outfits around/with owned items. ``max_new_items=0`` means "only what I own"."""
    owned = [g for g in (owned_garment(w, assembler.index) for w in wardrobe) if g is not None]
    known = {w.id for w in wardrobe}
    for entry in owned_anchors:
        if entry not in known:
            raise ItemNotFoundError(
                f"wardrobe item {entry} does not exist", hint="see `stylist wardrobe list`"
            )
        if owned_id(entry) not in {g.id for g in owned}:
            raise ToolInputError(
                f"wardrobe item {entry} has no outfit slot (a free-text entry)",
                hint="re-add it from a photo or with --slot",
            )
    if max_new_items is not None:
        use_wardrobe = True
        gaps = _missing(owned)
        if len(gaps) > max_new_items:
            names = ", ".join(s.value for s in gaps)
            if max_new_items == 0:
                raise NoOutfitError(
                    f"only what you own: your wardrobe has no {names}",
                    hint=(
                        f"add {names} with `stylist wardrobe add photo.jpg`, or allow {len(gaps)} new item(s)"
                    ),
                )
            raise NoOutfitError(
                (
                    f"your wardrobe lacks {names}: that needs {len(gaps)} new items, more than the "
                    f"{max_new_items} allowed"
                ),
                hint=f"allow {len(gaps)} new items or add {names} to the wardrobe",
            )
    pool = WardrobePool(
        assembler.index,
        owned,
        catalogue=max_new_items != 0,
        mix_owned=use_wardrobe,
        new_item_max_price=new_item_max_price,
        owned_vectors={
            owned_id(w.id): np.asarray(w.embedding, dtype=np.float32) for w in wardrobe if w.embedding
        },
    )
    anchors = [*request.anchors, *(owned_id(e) for e in owned_anchors)]
    saved = (assembler.index, assembler.max_new_items)
    assembler.index, assembler.max_new_items = pool, max_new_items
    try:
        result = assembler.build(request.model_copy(update={"anchors": anchors}))
    finally:
        assembler.index, assembler.max_new_items = saved
    for outfit in result.outfits:
        for item in outfit.items:
            item.owned = is_owned(item.id)
        new = [i for i in outfit.items if not i.owned]
        outfit.explanation += f" Uses {len(outfit.items) - len(new)} item(s) you own and {len(new)} new."
    for alt in result.alternatives:
        for item in alt.items:
            item.owned = is_owned(item.id)
    return result
