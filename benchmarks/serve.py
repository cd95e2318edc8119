"""Load test of ``stylist serve`` on loopback: N concurrent chat clients for a fixed time.

Starts the real server in a subprocess (a data home shared by the runs, the demo catalogue
indexed before the first run's timing starts), then runs N clients that each hold one conversation and send
chat completions
back to back. Reports throughput, p50/p95 latency, errors (must be 0) and the server's peak RSS.

    .venv/bin/python benchmarks/serve.py                              # router and fake-openai, 10 and 50
    clients
    .venv/bin/python benchmarks/serve.py --modes embedded --clients 10 --seconds 60

Modes: ``router`` (no LLM: the rule router answers, real tools), ``fake-openai`` (the
``openai`` backend against a fast local fake upstream: the agent's full model path with
passthrough concurrency), ``embedded`` (the packaged Qwen 0.5B on llama.cpp, one generation at
a time: requests queue). Prints a table and writes benchmarks/results/serve.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))  # tests.fakes
from _common import machine, percentiles_ms, print_table, write_results  # noqa: E402

KEY = "bench-key"
MESSAGES = [
    "navy formal shirt for men under 60",
    "a summer dress in earthy colours",
    "black leather boots under 100",
    "something cheaper",
    "white sneakers for women",
    "a warm coat for winter",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def start_server(
    mode: str, home: Path, stack: ExitStack, demo_size: int
) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "STYLIST_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "STYLIST_INDEX__DEMO_SIZE": str(demo_size),
        # one key for every client: lift the per-key limit (its refusals are tested elsewhere)
        "STYLIST_SERVER__RATE_LIMIT_PER_MINUTE": "1000000",
    }
    args = [
        sys.executable,
        "-m",
        "stylist.cli",
        "serve",
        "--port",
        str(port := free_port()),
        "--api-key",
        KEY,
    ]
    if mode == "router":
        args += ["--llm", "none"]
    elif mode == "fake-openai":
        from tests.fakes.openai_router import FakeOpenAIServer

        upstream = stack.enter_context(FakeOpenAIServer())
        args = (
            args[:3]
            + ["--set", f"llm.base_url={upstream}", "--set", "llm.model=fake", "--set", "llm.api_key=x"]
            + args[3:]
            + ["--llm", "openai"]
        )
    elif mode != "embedded":
        raise SystemExit(f"unknown mode {mode!r}")
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server mid-request.
    log = stack.enter_context(open(home / f"server-{mode}.log", "ab"))
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=log)
    stack.callback(lambda: (proc.terminate(), proc.wait(10)))
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        raise SystemExit(
            f"the server did not start: {(home / f'server-{mode}.log').read_text(errors='replace')[-2000:]}"
        )
    # Warm up: the first chat builds the demo index and loads the models; not timed.
    httpx.post(
        f"{base}/chat/completions",
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=900,
        json={"model": "stylist", "messages": [{"role": "user", "content": "warm up: a red dress"}]},
    ).raise_for_status()
    return proc, base


async def client(base: str, n: int, stop_at: float, latencies: list[float], errors: list[str]) -> None:
    async with httpx.AsyncClient(timeout=600, headers={"Authorization": f"Bearer {KEY}"}) as http:
        turn = 0
        while time.monotonic() < stop_at:
            body = {
                "model": "stylist",
                "messages": [{"role": "user", "content": MESSAGES[(n + turn) % len(MESSAGES)]}],
                "stylist": {"conversation_id": f"bench-{n}"},
                "user": f"user-{n}",
            }
            t0 = time.perf_counter()
            try:
                r = await http.post(f"{base}/chat/completions", json=body)
                if r.status_code != 200:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
                else:
                    latencies.append(time.perf_counter() - t0)
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            turn += 1


def run(mode: str, clients: int, seconds: float, home: Path, demo_size: int) -> dict[str, Any]:
    with ExitStack() as stack:
        proc, base = start_server(mode, home, stack, demo_size)
        latencies: list[float] = []
        errors: list[str] = []
        t0 = time.monotonic()

        async def main() -> None:
            stop_at = time.monotonic() + seconds
            await asyncio.gather(*(client(base, n, stop_at, latencies, errors) for n in range(clients)))

        asyncio.run(main())
        elapsed = time.monotonic() - t0
        row: dict[str, Any] = {
            "mode": mode,
            "clients": clients,
            "seconds": round(elapsed, 1),
            "requests": len(latencies),
            "req_per_s": round(len(latencies) / elapsed, 2),
            "errors": len(errors),
            "server_peak_rss_mb": round(peak_rss_mb(proc.pid), 1),
        }
        row.update(percentiles_ms(latencies) if latencies else {"p50_ms": None, "p95_ms": None})
        if errors:
            row["first_error"] = errors[0]
        return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="router,fake-openai")
    parser.add_argument("--clients", default="10,50")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--demo-size", type=int, default=3000, help="demo catalogue the server indexes")
    args = parser.parse_args()
    # One data home for every run: the first server builds the demo index, the others reuse it.
    with tempfile.TemporaryDirectory() as home:
        rows = [
            run(mode, int(c), args.seconds, Path(home), args.demo_size)
            for mode in args.modes.split(",")
            for c in args.clients.split(",")
        ]
    print_table(
        rows,
        [
            "mode",
            "clients",
            "seconds",
            "requests",
            "req_per_s",
            "p50_ms",
            "p95_ms",
            "errors",
            "server_peak_rss_mb",
        ],
    )
    write_results("serve", {"machine": machine(), "demo_size": args.demo_size, "rows": rows})


if __name__ == "__main__":
    main()
