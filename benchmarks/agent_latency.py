"""Where an embedded-LLM turn spends its time: selection prompt size and time, tool time, answer
prompt size and time to first token, per request.

    nice -n 10 .venv/bin/python benchmarks/agent_latency.py --limit 6
    nice -n 10 .venv/bin/python benchmarks/agent_latency.py --limit 6 --set selection_tools=8 --set
    prefix_cache=false

``--set KEY=VALUE`` overrides ``llm`` settings (several allowed). Besides wall-clock times it
reports process CPU seconds per phase: on a shared machine wall time follows everyone's load,
CPU time follows the work this turn does. ``first_token`` is the first text the user sees (on
``embedded`` the grounded list of found garments when the tools found some: ``llm.lead_with_results``);
``first_model_token`` is the model's first token (llama.cpp runs one thread by default on 2 cores). Uses the
25-garment test catalogue (no index build). Prints a table
and writes ``benchmarks/results/agent_latency.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from _common import print_table, write_results  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "agent_requests.jsonl"


def parse_value(raw: str) -> Any:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    try:
        return int(raw)
    except ValueError:
        try:
            return float(raw)
        except ValueError:
            return raw


class Timer:
    """Wraps a chat model's invoke/stream and records prompt tokens and times."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.events: list[dict[str, Any]] = []

    def install(self, agent: Any) -> None:
        timer = self
        original_invoke = agent.selector._invoke
        original_answer = agent.answerer._stream

        def invoke(runnable: Any, messages: Any, trace: Any) -> Any:
            t0, c0 = time.perf_counter(), time.process_time()
            ai = original_invoke(runnable, messages, trace)
            usage = getattr(ai, "usage_metadata", None) or {}
            timer.events.append(
                {
                    "phase": "select",
                    "s": time.perf_counter() - t0,
                    "cpu_s": time.process_time() - c0,
                    "prompt_tokens": usage.get("input_tokens"),
                    "output_tokens": usage.get("output_tokens"),
                    "calls": len(ai.tool_calls),
                }
            )
            return ai

        def answer(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.perf_counter(), time.process_time()
            first = first_cpu = None
            for event in original_answer(*args, **kwargs):
                if first is None:
                    first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
                yield event
            usage = timer.model._last_usage
            timer.events.append(
                {
                    "phase": "answer",
                    "first_s": first,
                    "first_cpu_s": first_cpu,
                    "s": time.perf_counter() - t0,
                    "prompt_tokens": usage[0],
                    "output_tokens": usage[1],
                }
            )

        agent.selector._invoke = invoke
        agent.answerer._stream = answer


def run(overrides: dict[str, Any], requests: list[dict[str, Any]], models_dir: Path) -> dict[str, Any]:
    from stylist.config import load_settings
    from stylist.events import Done
    from stylist.facade import Stylist
    from stylist.runtime import Runtime
    from tests.fakes.agent import FakeCatalogueIndex

    home = Path(tempfile.mkdtemp())
    (home / "models").symlink_to(
        models_dir.resolve(), target_is_directory=True
    ) if models_dir.exists() else None
    llm = {"backend": "embedded", "timeout_s": 3000, **overrides}
    stylist = Stylist(Runtime(load_settings(home=str(home), llm=llm), catalogue_index=FakeCatalogueIndex()))
    t0 = time.perf_counter()
    agent = stylist.agent()
    stylist.runtime.chat_model.load() if hasattr(stylist.runtime.chat_model, "load") else None
    load_s = time.perf_counter() - t0
    timer = Timer(agent.model)
    timer.install(agent)
    rows = []
    for req in requests:
        cid = stylist.new_conversation()
        timer.events = []
        reply = None
        c0 = time.process_time()
        first_cpu = None
        for event in stylist.stream(req["message"], conversation_id=cid):
            if first_cpu is None and type(event).__name__ == "Token":
                first_cpu = time.process_time() - c0
            if isinstance(event, Done):
                reply = event.reply
        turn_cpu = time.process_time() - c0
        sel = [e for e in timer.events if e["phase"] == "select"]
        ans = [e for e in timer.events if e["phase"] == "answer"]
        first_call = reply.tool_calls[0].name if reply and reply.tool_calls else None
        rows.append(
            {
                "id": req["id"],
                "expected": req["expect"]["tool"],
                "tool": first_call,
                "tool_ok": first_call == req["expect"]["tool"],
                "route": reply.metadata.get("route") if reply else None,
                "first_token_cpu_s": first_cpu,
                "turn_cpu_s": turn_cpu,
                "select_cpu_s": sum(e["cpu_s"] for e in sel),
                "answer_first_cpu_s": ans[0]["first_cpu_s"] if ans else None,
                "select_s": sum(e["s"] for e in sel),
                "select_prompt": sel[0]["prompt_tokens"] if sel else 0,
                "select_steps": len(sel),
                "tools_s": sum(c.duration_s for c in reply.tool_calls) if reply else None,
                "answer_prompt": ans[0]["prompt_tokens"] if ans else 0,
                "answer_first_s": ans[0]["first_s"] if ans else None,
                "first_token_s": reply.timings.first_token_s if reply else None,
                "total_s": reply.timings.total_s if reply else None,
                "first_model_token_s": reply.metadata.get("first_model_token_s") if reply else None,
                "lead": bool(reply.metadata.get("lead")) if reply else False,
                "grounding": reply.metadata.get("grounding", {}).get("rate") if reply else None,
                "invented": reply.metadata.get("grounding", {}).get("invented") if reply else None,
            }
        )
        print(json.dumps(rows[-1], default=str), file=sys.stderr, flush=True)
    return {"settings": overrides, "load_s": load_s, "rows": rows}


def summary(result: dict[str, Any]) -> dict[str, Any]:
    rows = result["rows"]

    def p(values: list[float], q: float) -> float | None:
        values = sorted(v for v in values if v is not None)
        return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else None

    return {
        "settings": ",".join(f"{k}={v}" for k, v in result["settings"].items()) or "defaults",
        "n": len(rows),
        "tool_acc": sum(r["tool_ok"] for r in rows) / len(rows),
        "select_prompt_tok": statistics.mean(r["select_prompt"] for r in rows),
        "select_s_p50": p([r["select_s"] for r in rows], 0.5),
        "answer_prompt_tok": statistics.mean(r["answer_prompt"] for r in rows),
        "answer_first_s_p50": p([r["answer_first_s"] for r in rows], 0.5),
        "select_cpu_p50": p([r["select_cpu_s"] for r in rows], 0.5),
        "answer_first_cpu_p50": p([r["answer_first_cpu_s"] for r in rows], 0.5),
        "first_token_cpu_p50": p([r["first_token_cpu_s"] for r in rows], 0.5),
        "turn_cpu_p50": p([r["turn_cpu_s"] for r in rows], 0.5),
        "first_token_p50": p([r["first_token_s"] for r in rows], 0.5),
        "first_token_p95": p([r["first_token_s"] for r in rows], 0.95),
        "led": sum(r["lead"] for r in rows),
        "first_model_token_p50": p([r["first_model_token_s"] for r in rows], 0.5),
        "total_p50": p([r["total_s"] for r in rows], 0.5),
        "total_p95": p([r["total_s"] for r in rows], 0.95),
        "grounding": statistics.mean(r["grounding"] for r in rows if r["grounding"] is not None),
        "invented_left": sum(r["invented"] or 0 for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=6)
    parser.add_argument(
        "--ids", default=None, help="comma list of request ids (default: an even spread over the set)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        help="llm setting override KEY=VALUE; repeat the flag per setting",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        help="a ;-separated list of KEY=VALUE overrides run as one more variant",
    )
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=Path(os.environ.get("STYLIST_BENCH_MODELS", "/tmp/agent-bench/models")),
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if not r.get("history")]
    if args.ids:
        wanted = args.ids.split(",")
        requests = [r for r in rows if r["id"] in wanted]
    else:
        step = len(rows) / args.limit
        requests = [rows[int(i * step)] for i in range(args.limit)]
    variants = [dict(kv.split("=", 1) for kv in args.set)] + [
        dict(kv.split("=", 1) for kv in v.split(";") if kv) for v in args.variant
    ]
    results = []
    for v in variants:
        overrides = {k: parse_value(x) for k, x in v.items()}
        results.append(run(overrides, requests, args.models_dir))
    table = [summary(r) for r in results]
    print(f"requests: {', '.join(r['id'] for r in requests)}")
    print_table(table, list(table[0]))
    write_results(
        os.environ.get("AGENT_LATENCY_NAME", "agent_latency"),
        {"requests": [r["id"] for r in requests], "results": results, "summary": table},
    )


if __name__ == "__main__":
    main()
