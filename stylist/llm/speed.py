"""How fast llama.cpp runs a GGUF on this machine, and the settings that make a turn fastest.

One measurement evaluates a ~600-token stylist prompt from an empty context (prompt tokens/s and
the time to the first token without a prefix cache), generates 32 tokens greedily (generation
tokens/s), then answers a second prompt that shares the first one's system prefix (time to the
first token with the prefix reused, as ``llm.prefix_cache`` does). ``stylist doctor --measure``
and ``benchmarks/llm_speed.py`` both use it; :func:`recommend` picks ``llm.threads`` and
``llm.batch_tokens`` from the rows.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SYSTEM = (
    "You are Stylist, a friendly fashion stylist working from a garment catalogue. "
    "Answer with garments from the results, naming each by title, id and price, and say why it fits. "
) * 6
RESULTS = "\n".join(
    f"- Garment {n} [g-{n:04d}] ${20 + n}: colours olive, beige; linen; summer; casual" for n in range(12)
)
QUESTIONS = ("What should I wear to a summer wedding under 200?", "Something in black for an office party?")
GENERATE = 32
TURN_TOKENS = 60
"""Tokens a CPU turn's comment generates (for the expected turn time that ranks settings)."""


@dataclass(frozen=True)
class SpeedRow:
    model: str
    threads: int
    n_batch: int
    prompt_tokens: int
    prompt_tok_s: float
    gen_tok_s: float
    ttft_no_cache_s: float
    ttft_prefix_cache_s: float

    @property
    def turn_s(self) -> float:
        """Expected seconds of a CPU turn's model work: a fresh prompt, then ``TURN_TOKENS`` tokens."""
        return self.ttft_no_cache_s + TURN_TOKENS / max(self.gen_tok_s, 1e-6)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "turn_s": round(self.turn_s, 2)}


def prompt(question: str) -> str:
    return (
        f"<|im_start|>system\n{SYSTEM}\n{RESULTS}<|im_end|>\n<|im_start|>user\n{question}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def _timed(llama: Any, text: str) -> dict[str, float]:
    tokens = llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)
    t0 = time.perf_counter()
    first = last = None
    n = 0
    for chunk in llama.create_completion(tokens, max_tokens=GENERATE, temperature=0.0, stream=True):
        now = time.perf_counter()
        if chunk["choices"][0].get("text") is not None:
            n += 1
            first = first or now
            last = now
    if first is None or last is None:
        raise RuntimeError("the model generated nothing")
    return {"prompt_tokens": len(tokens), "ttft": first - t0, "gen": (n - 1) / (last - first) if n > 1 else 0}


def measure(model_path: Path, threads: int, n_batch: int, label: str | None = None) -> SpeedRow:
    """One measurement of ``model_path`` with ``threads`` and ``n_batch`` (loads the model)."""
    from llama_cpp import Llama

    llama = Llama(
        model_path=str(model_path),
        n_ctx=2048,
        n_threads=threads,
        n_threads_batch=threads,
        n_batch=n_batch,
        verbose=False,
    )
    try:
        llama.reset()
        cold = _timed(llama, prompt(QUESTIONS[0]))
        warm = _timed(llama, prompt(QUESTIONS[1]))  # shares the system prefix: reused
        llama.reset()
        again = _timed(llama, prompt(QUESTIONS[1]))  # the same prompt from an empty context
    finally:
        if hasattr(llama, "close"):
            llama.close()
    return SpeedRow(
        model=label or model_path.name,
        threads=threads,
        n_batch=n_batch,
        prompt_tokens=int(cold["prompt_tokens"]),
        prompt_tok_s=round(cold["prompt_tokens"] / cold["ttft"], 1),
        gen_tok_s=round(cold["gen"], 1),
        ttft_no_cache_s=round(again["ttft"], 2),
        ttft_prefix_cache_s=round(warm["ttft"], 2),
    )


def recommend(rows: list[SpeedRow]) -> SpeedRow:
    """The row whose settings make a turn fastest (fresh prompt plus a short comment)."""
    if not rows:
        raise ValueError("no measurements to choose from")
    return min(rows, key=lambda r: (r.turn_s, r.threads))


def thread_options(cores: int | None = None) -> list[int]:
    """Thread counts worth trying: 1, 2, 4 … up to the usable cores (at most 8)."""
    if cores is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
    out, n = [], 1
    while n <= min(cores, 8):
        out.append(n)
        n *= 2
    if min(cores, 8) not in out:
        out.append(min(cores, 8))
    return out
