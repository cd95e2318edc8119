"""The developer guide's example tool (examples/price_check.py) works as shown: one file plus one
line in the registry, then the router, the agent with ``--llm none`` and the tool contract reach it."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from stylist.errors import ToolNotFoundError
from stylist.facade import Stylist
from stylist.tools.base import Lazy
from stylist.tools.registry import build_registry, plain_function
from tests.fakes.tools import tools_runtime
from tests.test_tool_contract import check_contract

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "price_check.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("price_check_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations in their module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.parametrize("page", ["README.md", "docs/developing.md"])
def test_the_docs_show_the_example_file_as_it_is(page: str) -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / page).read_text(encoding="utf-8"), flags=re.S)
    assert EXAMPLE.read_text(encoding="utf-8") in blocks


def test_the_example_tool_keeps_the_contract_and_answers_without_a_model(example) -> None:
    runtime = tools_runtime()
    index = Lazy(lambda: runtime.catalogue_index)
    registry = build_registry(runtime)
    registry.add(example.PriceCheck(index))  # the one line the guide adds to build_registry
    stylist = Stylist(runtime)
    stylist._registry = registry
    check_contract(registry.get("price_check"), registry, stylist)

    garment = runtime.catalogue_index.get("g-0003")
    reply = stylist.chat("how much is g-0003?")
    assert [c.name for c in reply.tool_calls] == ["price_check"]
    assert f"[{garment.id}] costs ${garment.price:g}" in reply.text
    assert [i.id for i in reply.items] == ["g-0003"]

    price_check = plain_function(example.PriceCheck, "item_ids")
    with pytest.raises(ToolNotFoundError, match="unknown tool .price_check."):
        price_check(["g-0003"], runtime=runtime)  # plain functions serve registered tools only
