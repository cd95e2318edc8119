"""The agent benchmark's fixed split, its request files and its answer-quality rubric."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

BENCH = Path(__file__).parents[1] / "benchmarks" / "agent.py"
_spec = importlib.util.spec_from_file_location("agent_benchmark", BENCH)
agent_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(agent_benchmark)


def reply(text, items=()):
    return SimpleNamespace(text=text, items=list(items))


BLAZER = SimpleNamespace(id="g-0001", title="Navy Wool Blazer", price=120.0, colours=["navy"])
CHINOS = SimpleNamespace(id="g-0002", title="Beige Chinos", price=60.0, colours=["beige"])


def test_the_split_is_fixed_and_every_people_request_is_held_out():
    requests = agent_benchmark.load_requests(agent_benchmark.DATA) + agent_benchmark.load_requests(
        agent_benchmark.PEOPLE
    )
    tune3 = agent_benchmark.load_requests(agent_benchmark.TUNE3)
    assert len(tune3) >= 50 and all(agent_benchmark.split_of(r) == "tune" for r in tune3)
    requests += tune3
    people = [r for r in requests if r["id"].startswith("people-")]
    assert len(people) == 159 and len({r["id"] for r in requests}) == len(requests)
    held = [r for r in requests if agent_benchmark.split_of(r) == "heldout"]
    assert {r["id"] for r in people} <= {r["id"] for r in held}
    assert all(r["category"] == "heldout" or r["id"].startswith("people-") for r in held)
    assert any(agent_benchmark.split_of(r) == "tune" for r in requests)
    for r in people:
        json.dumps(r)  # each row is a plain JSON object with an expectation
        assert "tool" in r["expect"]


def test_a_good_answer_passes_the_rubric():
    text = (
        "Navy Wool Blazer [g-0001] ($120): structured wool in navy for the office. "
        "With Beige Chinos [g-0002] ($60) the total is $180, within your $200 budget."
    )
    verdict = agent_benchmark.answer_rubric(
        reply(text, [BLAZER, CHINOS]), "office look under 200", {"budget": 200}
    )
    assert verdict["pass"], verdict


def test_each_rubric_check_can_fail():
    rubric = agent_benchmark.answer_rubric
    assert not rubric(reply("Here is something nice for you.", [BLAZER]), "x", {})["attribute"]
    assert not rubric(reply("The navy blazer is smart.", [BLAZER]), "x", {"max_price": 150})["budget"]
    repeated = "The navy blazer is smart and sharp. The navy blazer is smart and sharp."
    assert not rubric(reply(repeated, [BLAZER]), "x", {})["repeat"]
    message = "what should I wear to a summer wedding with earthy colours"
    echo = "For what should I wear to a summer wedding with earthy colours, the navy blazer."
    assert not rubric(reply(echo, [BLAZER]), message, {})["echo"]
    assert not rubric(reply("The navy blazer comes in various sizes.", [BLAZER]), "x", {})["claims"]
    # no garment proposed and no budget: nothing to name, nothing to total
    assert rubric(reply("I help with outfits: try asking for a look."), "tell me a joke", {})["pass"]


def test_a_total_with_cents_against_the_budget_is_an_amount():
    # the outfit tool's budget line has no currency sign; a count of pieces is no amount
    rubric = agent_benchmark.answer_rubric
    assert rubric(
        reply("Navy blazer. 180.00 of your 200.00 budget, 20.00 left.", [BLAZER]), "x", {"budget": 200}
    )["budget"]
    assert not rubric(reply("Navy blazer: 2 pieces within budget.", [BLAZER]), "x", {"budget": 200})["budget"]
