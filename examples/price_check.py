"""An example tool: "how much is g-0003?" answers with the catalogue's current price."""

from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from stylist.index.schema import Garment
from stylist.tools.base import Dep, IdList, Tool
from stylist.tools.output import SeenItem, ToolOutput, money
from stylist.tools.routing import RouteHint, item_refs


class Catalogue(Protocol):
    def get(self, item_id: str) -> Garment: ...


class PriceInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_ids: IdList = Field(min_length=1, max_length=10, description="Catalogue ids of the garments.")


class Prices(ToolOutput):
    found: list[Garment]

    def garments(self) -> list[SeenItem]:
        return [SeenItem.from_garment(g) for g in self.found]

    def to_text(self) -> str:
        return "\n".join(
            f"{g.title} [{g.id}] costs {money(g.price) or 'an unknown price'}." for g in self.found
        )


class PriceCheck(Tool):
    """Look up the current price of catalogue garments by their ids (e.g. g-0003)."""

    name = "price_check"
    routing = RouteHint(
        keywords=("how much", "price of", "cost"),
        extract=lambda text, context: {"item_ids": item_refs(text, context, pronouns=True)},
        applies=lambda text, context: bool(item_refs(text, context, pronouns=True)),
        priority=4,
    )
    catalogue = Dep[Catalogue]()

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def run(self, args: PriceInput) -> Prices:
        return Prices(found=[self.catalogue.get(i) for i in args.item_ids])
