"""The benchmarks run and print their figures; speed targets are read by people, not asserted."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import run_cli


def test_orchestration_bench_prints_its_figures_as_json() -> None:
    result = run_cli("bench", "orchestration", "--sizes", "12,24", "--latency", "0.01", "--models", "3", "--slots", "2", timeout=300)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("debates", "calls", "wall_s", "lower_bound_s", "ratio", "engine_cpu_ms_per_call", "litellm_cpu_ms_per_call", "streamed_tokens_per_s", "peak_rss_mb", "engine_alone_cpu_ms_per_call", "engine_alone_ratio", "fake_model_cpu_ms_per_call"):
        assert key in figures, key
    assert figures["debates"] == 24 and [r["debates"] for r in figures["runs"]] == [12, 24]
    # Four speeches and one judge per debate, every one through the gateway.
    assert figures["calls"] == 24 * 6, "four speeches and the judge in both orders, per debate"
    assert figures["wall_s"] >= figures["lower_bound_s"] > 0
    assert figures["streamed_tokens_per_s"] > 0
    # The run without litellm still judged every debate: its engine did the work, at a cost.
    assert figures["engine_alone_cpu_ms_per_call"] > 0 and figures["engine_alone_ratio"] >= 1
    assert figures["fake_model_cpu_ms_per_call"] > 0  # timed where the fake model writes its replies
    assert "without litellm" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--sizes", "100,lots"], "--sizes: '100,lots' is not a list of positive debate counts"),
    (["--latency", "0"], "--latency"),
    (["--models", "1"], "--models"),
])
def test_orchestration_bench_refuses_what_it_cannot_measure(args: list[str], message: str) -> None:
    result = run_cli("bench", "orchestration", *args, timeout=60)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_one_orchestration_run_without_latency_has_no_ratio() -> None:
    # A CPU-bound run: there is no lower bound to divide by, so no ratio (it used to divide by zero).
    done = subprocess.run([sys.executable, "-m", "debate.bench.orchestration", "orchestration-one", "6", "0", "2", "2", "null"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["lower_bound_s"] == 0 and figures["ratio"] is None and figures["calls"] == 6 * 6


def test_startup_bench_reports_no_litellm_import() -> None:
    result = run_cli("bench", "startup", "--runs", "1", timeout=120)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["litellm_imported"] is False
    assert set(figures) >= {"help_s", "standings_s", "tournaments_s", "motions_list_s"}


@pytest.mark.slow
def test_local_bench_measures_batched_decoding_on_the_embedded_model() -> None:
    result = run_cli("bench", "local", "--tokens", "6", "--runs", "1", "--batch", "1,2", timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["direct_tokens_per_s"] > 0 and figures["gateway_tokens_per_s"] > 0
    assert set(figures["tokens_per_s"]) == {"1", "2"} and all(rate > 0 for rate in figures["tokens_per_s"].values())
    assert figures["speedup_2_vs_1"] == pytest.approx(figures["tokens_per_s"]["2"] / figures["tokens_per_s"]["1"], rel=0.01)
    assert "2 sequence(s) decoded in one batch" in result.stdout
    assert set(figures["grammar_tokens_per_s"]) == {"whole_vocabulary", "shortlist"} and all(rate > 0 for rate in figures["grammar_tokens_per_s"].values())
    assert figures["grammar_same_replies"] == 1, "at temperature 0 the shortlist writes what the whole vocabulary's check writes"


def test_local_bench_refuses_batch_sizes_it_cannot_compare() -> None:
    result = run_cli("bench", "local", "--batch", "2,4", timeout=60)
    assert result.returncode == 2 and "--batch: '2,4' must start with 1" in result.stderr
