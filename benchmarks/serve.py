"""Load test of ``stylist serve`` with locust: many end users of one chat service, for minutes.

Starts the real server in a subprocess on a data home whose demo catalogue index is built before
any timing (the server builds it in the background; the script waits for ``/healthz`` to say
``ready``), warms it with one chat, then runs locust headless (benchmarks/_locust_chat.py): N users,
each an end user named in the ``user`` field under one service key, with a conversation of its
own, 0.5-1.5 s between messages, every third turn streamed. Backends:

- ``none``: no LLM; the rule router chooses, the real tools run on the real index.
- ``openai``: the ``openai`` backend against a real ``llama_cpp.server`` serving the packaged GGUF
  (Qwen2.5-Coder-0.5B Q4_K_M; ``--llm-threads`` threads).

Reports per backend: requests answered, throughput, p50/p95 latency of answered requests, refusals
(429 rate limit, 503 queue full or index building) and other errors (target 0), the server's RSS
and thread count before and after the load (and their peak), and the CPU each process used, which
says what limits throughput. A timing run: take it quiet,

    uptime; flock /tmp/stylist-quiet.lock nice -n 0 .venv/bin/python benchmarks/serve.py; uptime

(defaults: both backends, 50 users, 3 minutes each). Prints a table and writes
benchmarks/results/serve.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))  # tests.llama_server
from _common import machine, percentiles_ms, print_table, write_results  # noqa: E402

KEY = "bench-key"
LOCUSTFILE = ROOT / "benchmarks" / "_locust_chat.py"
TICK = os.sysconf("SC_CLK_TCK")
TURN_COLUMNS = [
    "model_answers", "model_answers_per_min", "model_tokens_per_s_median", "model_refused", "model_failed",
    "chosen_by_model", "router_fallback", "router_shortcut", "results_answers", "template_answers",
    "no_summary",
]  # fmt: skip


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, float]:
    """RSS (MB), peak RSS (MB), threads and CPU seconds of a live process, from /proc."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
        elif key == "Threads":
            out[key] = int(value)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    out["cpu_s"] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return out


class Sampler(threading.Thread):
    """Samples a process's RSS and threads every second while the load runs (their peaks)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_threads = pid, 0.0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            try:
                s = proc_status(self.pid)
            except OSError:
                return
            self.peak_rss = max(self.peak_rss, s["VmRSS"])
            self.peak_threads = max(self.peak_threads, int(s["Threads"]))


def wait_ready(port: int, log: Path, proc: subprocess.Popen, limit_s: float = 3600) -> float:
    """Wait until the server answers and its index is ready (a first run builds it); seconds."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit_s:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
            if health.get("index") == "ready":
                return time.monotonic() - t0
            if health.get("index") == "failed":
                raise SystemExit(f"the index build failed: {log.read_text(errors='replace')[-2000:]}")
        except httpx.HTTPError:
            pass
        time.sleep(1.0)
    raise SystemExit(f"the server was not ready within {limit_s:.0f} s")


def llama_pid(url: str) -> int | None:
    """The pid of the llama_cpp.server process serving ``url`` (for its CPU use), from /proc."""
    port = url.split(":")[-1].split("/")[0].encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\x00")
        except OSError:
            continue
        if b"llama_cpp.server" in argv and port in argv:
            return int(cmdline.parent.name)
    return None


def start_server(
    backend: str, home: Path, stack: ExitStack, args: argparse.Namespace
) -> tuple[subprocess.Popen, int | None, str]:
    """``stylist serve`` (and for ``openai`` its llama_cpp.server upstream); (server, upstream pid, base)."""
    env = {
        **os.environ,
        "STYLIST_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "STYLIST_INDEX__DEMO_SIZE": str(args.demo_size),
    }
    port = free_port()
    cmd = [sys.executable, "-m", "stylist.cli", "serve", "--port", str(port), "--api-key", KEY]
    upstream_pid = None
    if backend == "openai":
        from stylist.llm.gguf import default_model_path
        from tests.llama_server import llama_cpp_server

        gguf = default_model_path(home / "models")
        url = stack.enter_context(llama_cpp_server(gguf, threads=args.llm_threads, context=args.llm_context))
        upstream_pid = llama_pid(url)
        env |= {
            "STYLIST_LLM__BASE_URL": url,
            "STYLIST_LLM__MODEL": "stylist-gguf",
            "STYLIST_LLM__API_KEY": "not-needed",
        }
        if args.model_queue is not None:
            env["STYLIST_LLM__MODEL_QUEUE"] = str(args.model_queue)
        if args.timeout_s is not None:
            env["STYLIST_LLM__TIMEOUT_S"] = str(args.timeout_s)
        if args.model_workers is not None:
            env["STYLIST_LLM__MODEL_WORKERS"] = str(args.model_workers)
        if not args.full_calls:
            # Full calls put the 4.6k-token tool schemas into every prompt of the packaged 0.5B model:
            # about 10k tokens with the system prompt, past its context. Picking a name takes a few.
            env["STYLIST_LLM__PICK_TOOL"] = "true"
    if args.concurrency is not None:  # turns at once; the rest wait in the turn queue, then 503
        env["STYLIST_SERVER__CONCURRENCY"] = str(args.concurrency)
    if args.queue_size is not None:
        env["STYLIST_SERVER__QUEUE_SIZE"] = str(args.queue_size)
    cmd += ["--llm", backend]
    log_path = home / f"server-{backend}.log"
    log = stack.enter_context(open(log_path, "ab"))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    stack.callback(lambda: (proc.terminate(), proc.wait(30)))
    built = wait_ready(port, log_path, proc)
    print(f"[{backend}] server ready after {built:.0f} s (index build/open included, not timed)", flush=True)
    base = f"http://127.0.0.1:{port}"
    warm = httpx.post(  # loads the embedder and the tools; not timed
        f"{base}/v1/chat/completions",
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=900,
        json={
            "model": "stylist",
            "user": "warm-up",
            "messages": [{"role": "user", "content": "a red dress"}],
        },
    )
    warm.raise_for_status()
    return proc, upstream_pid, base


def run(backend: str, home: Path, args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        proc, upstream, base = start_server(backend, home, stack, args)
        before = proc_status(proc.pid)
        up_before = proc_status(upstream) if upstream else None
        sampler = Sampler(proc.pid)
        sampler.start()
        records = home / f"records-{backend}.jsonl"
        records.unlink(missing_ok=True)
        load0 = os.getloadavg()
        t0 = time.monotonic()
        subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{int(args.minutes * 60)}s",
                "--host", base, "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING",
            ],
            env={**os.environ, "STYLIST_BENCH_RECORDS": str(records), "STYLIST_BENCH_KEY": KEY},
            check=False,
        )  # fmt: skip
        elapsed = time.monotonic() - t0
        sampler.stop.set()
        after = proc_status(proc.pid)
        up_after = proc_status(upstream) if upstream else None
        rows = [json.loads(line) for line in records.read_text().splitlines()] if records.exists() else []
        load = {"before": [round(x, 2) for x in load0], "after": [round(x, 2) for x in os.getloadavg()]}
        procs = {"before": before, "after": after, "up_before": up_before, "up_after": up_after}
        return summarise(backend, args, rows, elapsed, procs, sampler, load)


def summarise(
    backend: str,
    args: argparse.Namespace,
    rows: list[dict[str, Any]],
    elapsed: float,
    procs: dict[str, Any],
    sampler: Sampler,
    load: dict[str, list[float]],
) -> dict[str, Any]:
    ok = [r for r in rows if r["status"] == 200 and r["code"] is None]
    shed = [r for r in rows if r["status"] in (429, 503)]
    other = [r for r in rows if r not in ok and r not in shed]
    codes: dict[str, int] = {}
    for r in shed + other:
        key = f"{r['status']} {r['code']}"
        codes[key] = codes.get(key, 0) + 1
    before, after = procs["before"], procs["after"]
    out: dict[str, Any] = {
        "backend": backend,
        "users": args.users,
        "seconds": round(elapsed, 1),
        "requests": len(rows),
        "answered": len(ok),
        "answered_per_s": round(len(ok) / elapsed, 3),
        "refused_429_503": len(shed),
        "other_errors": len(other),
        "codes": codes,
        "rss_mb_before": round(before["VmRSS"], 1),
        "rss_mb_after": round(after["VmRSS"], 1),
        "rss_mb_peak": round(max(sampler.peak_rss, after["VmRSS"]), 1),
        "threads_before": int(before["Threads"]),
        "threads_after": int(after["Threads"]),
        "threads_peak": max(sampler.peak_threads, int(after["Threads"])),
        "server_cores_used": round((after["cpu_s"] - before["cpu_s"]) / elapsed, 2),
        "loadavg_before": load["before"],
        "loadavg_after": load["after"],
    }
    out.update(percentiles_ms([r["latency_s"] for r in ok]) if ok else {"p50_ms": None, "p95_ms": None})
    streamed = [r["latency_s"] for r in ok if r["stream"]]
    if streamed:
        out["stream_p50_ms"] = percentiles_ms(streamed)["p50_ms"]
    up_before, up_after = procs["up_before"], procs["up_after"]
    if up_before and up_after:
        out["llm_server_cores_used"] = round((up_after["cpu_s"] - up_before["cpu_s"]) / elapsed, 2)
        out["llm_server_rss_mb"] = round(up_after["VmRSS"], 1)
    out |= turn_counts(ok, elapsed)
    if other:
        out["first_other_error"] = f"{other[0]['status']} {other[0]['code']}"
    return out


def turn_summary(text: str, stream: bool) -> dict[str, Any] | None:
    """The ``stylist.turn`` summary of a completion's body (a stream's is in its last content chunk)."""
    if not stream:
        return (json.loads(text).get("stylist") or {}).get("turn")
    for line in reversed(text.splitlines()):
        if line.startswith("data: {") and '"stylist"' in line:
            return (json.loads(line[6:]).get("stylist") or {}).get("turn")
    return None


def turn_counts(answered: list[dict[str, Any]], elapsed: float) -> dict[str, Any]:
    """Who did the work of the answered turns, from each response's ``stylist.turn`` summary:
    answers the model wrote (and per minute), turns with a model step refused by a full model
    queue or failed, turns whose calls the router chose because the model failed or was refused
    (``router-fallback``) or without asking it (``router``), and answers that are only the tools'
    results or a template. A turn may count under several of these."""
    turns = [r.get("turn") or {} for r in answered]
    model = sum(t.get("answered_by") == "model" for t in turns)
    speeds = sorted(
        t["tokens_per_s"] for t in turns if t.get("answered_by") == "model" and t.get("tokens_per_s")
    )
    return {
        "model_tokens_per_s_median": speeds[len(speeds) // 2] if speeds else None,
        "model_answers": model,
        "model_answers_per_min": round(60 * model / elapsed, 2) if elapsed > 0 else 0.0,
        "model_refused": sum("refused" in (t.get("selection"), t.get("answer_step")) for t in turns),
        "model_failed": sum("failed" in (t.get("selection"), t.get("answer_step")) for t in turns),
        "chosen_by_model": sum(t.get("chosen_by") == "model" for t in turns),
        "router_fallback": sum(t.get("chosen_by") == "router-fallback" for t in turns),
        "router_shortcut": sum(t.get("chosen_by") == "router" for t in turns),
        "results_answers": sum(t.get("answered_by") == "results" for t in turns),
        "template_answers": sum(t.get("answered_by") == "template" for t in turns),
        "no_summary": sum(not t for t in turns),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="none,openai", help="comma-separated: none, openai")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second")
    parser.add_argument("--demo-size", type=int, default=3000, help="demo catalogue the server indexes")
    parser.add_argument("--llm-threads", type=int, default=2, help="llama_cpp.server threads (openai)")
    parser.add_argument(
        "--llm-context",
        type=int,
        default=8192,
        help="llama_cpp.server context (the tool schemas are 4.6k tokens)",
    )
    parser.add_argument(
        "--home", type=Path, default=Path("/tmp/stylist-serve-bench"), help="data home, kept between runs"
    )
    parser.add_argument(
        "--full-calls",
        action="store_true",
        help="openai: the model writes whole tool calls (llm.pick_tool off) instead of picking a name",
    )
    parser.add_argument(
        "--model-queue",
        type=int,
        help="openai: llm.model_queue (model calls that may wait; one more is answered 503 at once)",
    )
    parser.add_argument("--model-workers", type=int, help="openai: llm.model_workers (model calls at once)")
    parser.add_argument("--timeout-s", type=float, help="openai: llm.timeout_s, a turn's deadline (120)")
    parser.add_argument("--concurrency", type=int, help="server.concurrency: turns that run at once")
    parser.add_argument("--queue-size", type=int, help="server.queue_size: turns that may wait for one")
    parser.add_argument("--results", default="serve", help="name of the JSON under benchmarks/results/")
    args = parser.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    rows = [run(backend, args.home, args) for backend in args.backends.split(",")]
    columns = ["backend", "users", "seconds", "answered", "answered_per_s", "p50_ms", "p95_ms"]
    columns += ["refused_429_503", "other_errors", "rss_mb_before", "rss_mb_after", "threads_before"]
    columns += ["threads_peak", "server_cores_used"]
    print_table(rows, columns)
    print_table(rows, ["backend", *TURN_COLUMNS])
    for row in rows:
        print(f"{row['backend']}: {row['codes']}; load {row['loadavg_before']} -> {row['loadavg_after']}")
        if "llm_server_cores_used" in row:
            print(f"  llama_cpp.server: {row['llm_server_cores_used']} cores, {row['llm_server_rss_mb']} MB")
    write_results(
        args.results,
        {
            "machine": machine(),
            "demo_size": args.demo_size,
            "users": args.users,
            "minutes": args.minutes,
            "think_time_s": [0.5, 1.5],
            "model_queue": args.model_queue,
            "model_workers": args.model_workers,
            "concurrency": args.concurrency,
            "queue_size": args.queue_size,
            "llm_threads": args.llm_threads,
            "full_calls": args.full_calls,
            "timeout_s": args.timeout_s,
            "rows": rows,
        },
    )


if __name__ == "__main__":
    main()
