"""llama.cpp engine speed: prompt evaluation and generation tokens/s, time to first token.

For each packaged GGUF, thread count and ``n_batch``, one :func:`stylist.llm.speed.measure`: a
~600-token stylist prompt evaluated from an empty context (prompt tokens/s, time to first token
without prefix cache), 32 tokens generated greedily (generation tokens/s), then a second prompt
sharing the first one's system prefix (time to first token with the prefix reused, as
``llm.prefix_cache`` does); ``turn_s`` = first token + 60 tokens of comment. Each combination runs
in its own process. ``stylist doctor --measure`` runs the same measurement for the configured model.

    nice -n 10 python benchmarks/llm_speed.py                                  # 0.5B, 1 and 2 threads
    nice -n 10 python benchmarks/llm_speed.py --models default qwen2.5-coder-1.5b --batch 64 256 512

This is the documented way to re-measure ``llm.threads`` and ``llm.batch_tokens`` on a user's own
machine. Writes benchmarks/results/llm_speed.json; the load average is printed and stored, since
figures from a busy machine are not comparable with a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, print_table, write_results  # noqa: E402


def run_one(model: str, threads: int, batch: int) -> dict[str, Any]:
    from stylist.llm.factory import resolve_gguf
    from stylist.llm.speed import measure

    path = resolve_gguf(None if model == "default" else model, Path(os.environ["STYLIST_MODELS"]))
    return measure(path, threads, batch, label=model).to_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["default"], help="default, qwen2.5-coder-1.5b …")
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--batch", nargs="+", type=int, default=[128, 512], help="n_batch values")
    parser.add_argument("--models-dir", type=Path, default=None, help="where the GGUFs are joined")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        model, threads, batch = args.one.split(":")
        print(json.dumps(run_one(model, int(threads), int(batch))))
        return
    models_dir = args.models_dir or Path(tempfile.gettempdir()) / "stylist-llm-speed-models"
    env = {**os.environ, "STYLIST_MODELS": str(models_dir)}
    rows = []
    for model in args.models:
        for threads in args.threads:
            for batch in args.batch:
                proc = subprocess.run(
                    [sys.executable, __file__, "--one", f"{model}:{threads}:{batch}"],
                    capture_output=True,
                    text=True,
                    env=env,
                )
                if proc.returncode != 0:
                    print(f"{model} t={threads} b={batch}: failed\n{proc.stderr[-1500:]}", file=sys.stderr)
                    continue
                rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
                print(f"done: {rows[-1]}", file=sys.stderr, flush=True)
    cols = ["model", "threads", "n_batch", "prompt_tokens", "prompt_tok_s", "gen_tok_s"]
    print_table(rows, cols + ["ttft_no_cache_s", "ttft_prefix_cache_s", "turn_s"])
    load = os.getloadavg()
    print(f"\nload average during the run: {load[0]:.1f} on {os.cpu_count()} cores")
    path = write_results("llm_speed", {"machine": {**machine(), "loadavg": load}, "rows": rows})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
