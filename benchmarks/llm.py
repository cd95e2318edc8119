"""LLM backends: load time, first-token latency, decode speed, tool calls and memory.

Each model runs in its own subprocess (clean memory figures) through ``make_chat_model``, the path
the agent uses:

- ``chat``: a streamed answer (64 tokens max) to a short stylist question; first token and decode
  tokens/s. The first request is cold; the next ``--repeat`` requests vary the question, so the
  system prompt is in llama.cpp's prefix cache as it is in a real conversation.
- ``tools``: "red dress under 50 euros" with three tools bound: time to the full reply and whether
  it held a valid call (model choice, then with the grammar forcing a call).

    nice -n 10 python benchmarks/llm.py                      # embedded default + SmolLM2
    nice -n 10 python benchmarks/llm.py --threads 1 2        # thread counts for llama.cpp
    nice -n 10 python benchmarks/llm.py --cases smollm2 transformers-smollm2   # + transformers GGUF

Writes benchmarks/results/llm.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, print_table, write_results  # noqa: E402

CASES = {
    "embedded": {"backend": "embedded", "model": None},
    "smollm2": {"backend": "embedded", "model": "smollm2"},
    "transformers-smollm2": {"backend": "transformers", "model": "smollm2"},
}
SYSTEM = "You are Stylist, a friendly fashion stylist. Answer briefly and concretely."
QUESTIONS = [
    "What should I wear to a summer wedding? I like earthy colours.",
    "Suggest an outfit for a rainy autumn day at the office.",
    "What shoes go with a navy linen suit?",
    "How do I style white sneakers for a dinner date?",
]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_case(name: str, threads: int | None, repeat: int) -> dict[str, Any]:
    from langchain_core.messages import HumanMessage, SystemMessage
    from pydantic import BaseModel, Field

    from stylist.config import load_settings
    from stylist.llm import make_chat_model

    class SearchGarments(BaseModel):
        """Search the garment catalogue."""

        query: str = Field(description="what the garment looks like")
        max_price: float | None = Field(None, description="highest price in euros")
        colours: list[str] = Field(default_factory=list)

    class GetTrends(BaseModel):
        """The colours and styles trending this season."""

        season: str

    class WriteCopy(BaseModel):
        """Write a product description for a garment."""

        item_id: str

    case = CASES[name]
    home = Path(os.environ.get("STYLIST_BENCH_HOME", Path(tempfile.gettempdir()) / "stylist-bench"))
    llm = {k: v for k, v in case.items() if v is not None}
    settings = load_settings(
        home=home,
        llm={**llm, "temperature": 0.0, "max_tokens": 64, "threads": threads, "context_tokens": 4096},
    )
    base_rss = rss_mb()
    started = time.perf_counter()
    model = make_chat_model(settings.llm, settings.models_dir)  # assembles the default once
    assemble_s = time.perf_counter() - started
    started = time.perf_counter()
    model.load()
    load_s = time.perf_counter() - started

    chats = []
    for question in QUESTIONS[: 1 + repeat]:
        messages = [SystemMessage(SYSTEM), HumanMessage(question)]
        t0 = time.perf_counter()
        first = None
        stamps = []
        for chunk in model.stream(messages, max_tokens=64):
            if chunk.content:
                now = time.perf_counter()
                first = first or now
                stamps.append(now)
        n = len(stamps)
        decode = (n - 1) / (stamps[-1] - first) if n > 1 and stamps[-1] > first else None
        chats.append(
            {
                "first_token_s": (first or time.perf_counter()) - t0,
                "total_s": time.perf_counter() - t0,
                "tokens": n,
                "decode_tok_s": decode,
            }
        )

    tools = [SearchGarments, GetTrends, WriteCopy]
    ask = [
        SystemMessage("You are a fashion stylist. Use the tools to find garments."),
        HumanMessage("Find me a red dress under 50 euros."),
    ]
    tool_runs = {}
    for label, choice in (("auto", None), ("grammar", "required")):
        t0 = time.perf_counter()
        reply = model.bind_tools(tools, tool_choice=choice).invoke(ask, max_tokens=80)
        valid = False
        if reply.tool_calls:
            call = reply.tool_calls[0]
            schema = {t.__name__: t for t in tools}.get(call["name"])
            try:
                valid = schema is not None and bool(schema.model_validate(call["args"]))
            except ValueError:
                valid = False
        tool_runs[label] = {
            "total_s": time.perf_counter() - t0,
            "valid_call": valid,
            "call": reply.tool_calls[0] if reply.tool_calls else None,
        }

    cold, warm = chats[0], chats[1:]

    def median(key: str) -> float | None:
        values = sorted(c[key] for c in warm if c[key] is not None)
        return values[len(values) // 2] if values else None

    return {
        "case": name,
        "backend": case["backend"],
        "model": getattr(model, "model_name", name),
        "threads": threads or "default",
        "assemble_s": assemble_s,
        "load_s": load_s,
        "cold_first_token_s": cold["first_token_s"],
        "first_token_s": median("first_token_s"),
        "decode_tok_s": median("decode_tok_s"),
        "chat_total_s": median("total_s"),
        "tool_auto_s": tool_runs["auto"]["total_s"],
        "tool_auto_valid": tool_runs["auto"]["valid_call"],
        "tool_grammar_s": tool_runs["grammar"]["total_s"],
        "tool_grammar_valid": tool_runs["grammar"]["valid_call"],
        "rss_mb": rss_mb() - base_rss,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "chats": chats,
        "tools": tool_runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=["embedded", "smollm2"], choices=list(CASES))
    parser.add_argument("--threads", nargs="+", type=int, default=[0], help="0 = the default")
    parser.add_argument("--repeat", type=int, default=3, help="warm chat requests after the cold one")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:  # child process: one case, JSON on the last line
        name, threads = args.one.split(":")
        print(json.dumps(run_case(name, int(threads) or None, args.repeat), default=str))
        return

    rows = []
    for name in args.cases:
        for threads in args.threads:
            if CASES[name]["backend"] != "embedded" and threads != args.threads[0]:
                continue
            proc = subprocess.run(
                [sys.executable, __file__, "--one", f"{name}:{threads}", "--repeat", str(args.repeat)],
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                print(f"{name}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
                rows.append({"case": name, "threads": threads or "default", "error": proc.stderr[-500:]})
                continue
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(f"done: {name} threads={threads or 'default'}", file=sys.stderr)

    print_table(
        rows,
        [
            "case",
            "threads",
            "load_s",
            "cold_first_token_s",
            "first_token_s",
            "decode_tok_s",
            "chat_total_s",
            "tool_auto_s",
            "tool_auto_valid",
            "tool_grammar_s",
            "tool_grammar_valid",
            "rss_mb",
            "peak_rss_mb",
        ],
    )
    load = os.getloadavg()
    print(f"\nload average during the run: {load[0]:.1f} on {os.cpu_count()} cores")
    path = write_results("llm", {"machine": {**machine(), "loadavg": load}, "rows": rows})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
