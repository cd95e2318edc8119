"""The ``openai`` backend against a real ``llama_cpp.server`` serving the packaged 0.5B GGUF.

The server is started on a free port and stopped by the fixture. Marked slow (loads the model).
"""

from __future__ import annotations

import pytest

from stylist.concurrency import CancelToken, cancel_scope
from stylist.events import Done
from tests.fakes.agent import fake_stylist

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp.server.app", reason="llama-cpp-python's server extra is not installed")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    from stylist.llm.gguf import default_model_path
    from tests.llama_server import llama_cpp_server

    gguf = default_model_path(tmp_path_factory.mktemp("models"))
    with llama_cpp_server(gguf, context=8192) as url:  # 12 full tool schemas: 4.6k tokens
        yield url


def _served(url: str) -> dict:
    """The ``openai`` backend's settings for the served GGUF: one step, a generous timeout."""
    return {
        "base_url": url,
        "model": "stylist-gguf",
        "api_key": "not-needed",
        "max_steps": 1,
        "timeout_s": 240,
    }


def test_openai_backend_runs_a_turn_through_llama_cpp_server(server_url):
    stylist = fake_stylist(
        "openai",
        llm={**_served(server_url), "max_tokens": 120},
    )
    events = list(stylist.stream("show me a red party dress under 100"))
    assert isinstance(events[-1], Done), events[-1]
    reply = events[-1].reply
    assert reply.backend == "openai"
    assert reply.tool_calls, reply.metadata  # a call was made, by the served model or its fallback
    assert reply.metadata["chosen_by"] in ("model", "router-fallback")
    assert reply.tool_calls[0].name == "search_garments"
    assert reply.text.strip()
    assert reply.metadata["grounding"]["invented"] == 0 or reply.metadata["grounding"]["removed_lines"] >= 1


def test_served_model_picks_the_tool_under_the_servers_grammar(server_url):
    # a named tool_choice makes llama_cpp.server decode the call under the grammar of its schema,
    # so the served 0.5B model's choice is valid by construction (with "auto" it wrote no call)
    stylist = fake_stylist(
        "openai",
        llm={**_served(server_url), "pick_tool": True, "max_tokens": 80},
    )
    # inside a server turn's cancel scope the pick is a streamed request (a gone client hangs up)
    with cancel_scope(CancelToken()):
        reply = stylist.chat("what should I wear to a summer wedding? I'm a woman, budget 200")
    assert reply.metadata["chosen_by"] == "model", reply.metadata
    assert reply.metadata["sources"][0] == "model:tool+rules"
    assert reply.tool_calls[0].name in ("build_outfit", "search_garments")
    assert "selection_error" not in reply.metadata
