"""Benchmarks. Each prints its figures; the last line is one JSON object for scripts.

`orchestration` runs every size in a fresh process, so peak RSS belongs to that size alone.
Its wall time is bounded below by the calls' latency over the slots (at the defaults, 0.2 s
over 40 slots: about 30 s per 1,000 debates, so 50 minutes for 100,000).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
from rich.console import Console

if TYPE_CHECKING:
    from debate.gateway import CallRequest, CallResult, DeltaHandler

SPEECHES_PER_DEBATE = 4  # the quick format
JUDGE_ROUNDS_PER_DEBATE = 1  # one judge, its two presentations asked at once


def orchestration(sizes: list[int], *, latency: float, n_models: int, slots: int, console: Console) -> None:
    runs = []
    for size in sizes:
        run = _subprocess_run(size, latency, n_models, slots, console)
        # The same debates with no litellm in the calls: the engine's own cost, and the ratio
        # the engine alone reaches.
        alone = _subprocess_run(size, latency, n_models, slots, console, null_transport=True)
        run |= {
            "engine_alone_cpu_ms_per_call": alone["engine_cpu_ms_per_call"], "engine_alone_ratio": alone["ratio"],
            "fake_model_cpu_ms_per_call": alone["provider_cpu_ms_per_call"],
        }
        runs.append(run)
        console.print(
            f"{run['debates']:>6} debates {run['calls']:>6} calls  wall {run['wall_s']:.1f}s  lower bound {run['lower_bound_s']:.1f}s  "
            f"ratio {run['ratio']:.3f}  engine {run['engine_cpu_ms_per_call']:.3f} ms/call  litellm {run['litellm_cpu_ms_per_call']:.3f} ms/call  "
            f"peak RSS {run['peak_rss_mb']:.0f} MB\n"
            f"{'':>14}without litellm: ratio {alone['ratio']:.3f}  engine alone {alone['engine_cpu_ms_per_call']:.3f} ms/call  "
            f"(the fake model's own text {alone['provider_cpu_ms_per_call']:.3f} ms/call apart)  peak RSS {alone['peak_rss_mb']:.0f} MB"
        )
    # As many streams as the largest run has debates, up to 64: a small run stays quick.
    stream = _streaming_capacity(streams=min(64, max(4, sizes[-1])), tokens=400 if sizes[-1] >= 64 else 100)
    console.print(f"streamed tokens carried by one process: {stream:,.0f} tokens/s")
    largest = dict(runs[-1])
    largest["streamed_tokens_per_s"] = round(stream)
    largest["runs"] = runs
    print(json.dumps(largest))


def _subprocess_run(size: int, latency: float, n_models: int, slots: int, console: Console, *, null_transport: bool = False) -> dict[str, Any]:
    args = [sys.executable, "-m", "debate.bench.orchestration", "orchestration-one", str(size), str(latency), str(n_models), str(slots)]
    done = subprocess.run([*args, "null"] if null_transport else args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        console.print(done.stderr)
        raise SystemExit(1)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _one(size: int, latency: float, n_models: int, slots: int, *, null_transport: bool = False) -> dict[str, Any]:
    from debate.config import validate_config
    from debate.gateway import litellm_module
    from debate.orchestrator import Orchestrator, gateway_for
    from debate.draws.pairing import Draw, Pairing
    from debate.store import Store
    from debate.core.transcript import MotionText

    litellm_module()
    names = [f"m{i}" for i in range(n_models)]
    fake = {"latency": latency, "words": 40}
    config = validate_config({
        "name": f"bench-{size}",
        "contestants": [{"name": n, "model": f"fake/{n}", "params": fake, "concurrency": slots} for n in names],
        "judges": [{"name": "judge", "model": "fake/judge", "params": fake, "concurrency": slots}],
        "stream": False,
        "panel": {"qualification": {"before_first_round": False}},  # measure the debates alone
        "concurrency": {"debates": 2 * slots * (n_models + 1)},  # enough to keep every slot busy, few enough to keep the tail short
    })
    # The few distinct pairings, repeated: the draw handed in costs a reference per debate, so
    # the peak RSS measured is the engine's, not the benchmark's input.
    pairings = [Pairing(proposition=a, opposition=b) for a in names for b in names if a != b]
    draw = Draw(round=1, pairings=tuple(pairings[i % len(pairings)] for i in range(size)))
    motion = MotionText(key="bench-1", text="This House would benchmark its engines.")
    # As many calibration calls as the run makes (within bounds): a small run stays quick.
    speech_cpu = 0.0 if null_transport else _litellm_cpu_per_call(min(1500, max(200, SPEECHES_PER_DEBATE * size)))
    judge_cpu = 0.0 if null_transport else _litellm_cpu_per_call(min(600, max(100, 2 * size)), judge=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db"))
        gateway = gateway_for(config)
        if null_transport:
            gateway.transport = _null_transport
        orchestrator = Orchestrator(config=config, store=store, gateway=gateway, motions=[motion])
        cpu0, wall0 = _cpu(), time.perf_counter()
        anyio.run(orchestrator.run, [draw])
        wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
        calls = orchestrator.gateway.total().calls
        judge_calls = sum(usage.calls for (_, role), usage in orchestrator.gateway.ledger.items() if role == "judge")
        per_model: Counter[str] = Counter()
        for (model, _), usage in orchestrator.gateway.ledger.items():
            per_model[model] += usage.calls
        store.close()
    litellm_cpu = (speech_cpu * (calls - judge_calls) + judge_cpu * judge_calls) / calls
    # The stand-in model's own work (writing its text and log-probabilities) is no more the
    # engine's than litellm's is: through litellm, the calibration above counts it; without, it
    # is timed where it runs.
    provider_cpu = _PROVIDER_CPU[0] / calls * 1000 if null_transport else 0.0
    # Every model has `slots` calls in flight at most, so the busiest one (the judge, asked in
    # both orders of every debate) bounds the run from below, as does one debate's chain of calls.
    critical = (SPEECHES_PER_DEBATE + JUDGE_ROUNDS_PER_DEBATE) * latency
    lower = max(critical, max(per_model.values()) * latency / slots)
    return {
        "debates": size,
        "calls": calls,
        "wall_s": round(wall, 3),
        "lower_bound_s": round(lower, 3),
        "ratio": round(wall / lower, 4) if lower > 0 else None,  # no latency, no bound to compare with
        "engine_cpu_ms_per_call": round(max(0.0, cpu / calls * 1000 - litellm_cpu - provider_cpu), 4),
        "litellm_cpu_ms_per_call": round(litellm_cpu, 4),
        "provider_cpu_ms_per_call": round(provider_cpu, 4),
        "total_cpu_ms_per_call": round(cpu / calls * 1000, 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


_PROVIDER_CPU = [0.0]  # seconds the fake provider's replies took in `_null_transport`


async def _null_transport(request: CallRequest, attempt: int, timeout: float, on_delta: DeltaHandler | None) -> CallResult:
    """The fake provider's answer after its latency, with no litellm in between: what the
    engine costs alone."""
    from debate.gateway import CallResult, token_logprobs
    from debate.providers.fake import reply

    params = dict(request.params) | {"max_tokens": request.max_tokens}
    if request.response_schema is not None:
        params["response_format"] = {"type": "json_schema", "json_schema": {"schema": request.response_schema}}
    await anyio.sleep(float(params.get("latency", 0) or 0))
    start = time.thread_time()
    text, tokens, logprobs = reply(request.model.split("/", 1)[-1], request.messages, params, request.metadata | {"attempt": attempt})
    _PROVIDER_CPU[0] += time.thread_time() - start
    if on_delta is not None:
        on_delta(text)
    return CallResult(
        model=request.model, text=text, prompt_tokens=0, completion_tokens=tokens, cost_usd=0.0,
        latency_s=0.0, attempts=attempt, finish_reason="stop",
        # As the gateway does: log-probabilities are converted only for the calls that ask.
        logprobs=token_logprobs({"content": logprobs}) if request.params.get("logprobs") else None,
    )


def _litellm_cpu_per_call(n: int = 1500, *, judge: bool = False) -> float:
    """CPU milliseconds litellm (with the fake provider answering) spends on one non-streamed
    call to a zero-latency custom provider, measured alone, so it can be taken out of the
    run's total. `judge`: a judge's call, with the ballot's JSON schema and token
    log-probabilities asked for, which costs litellm more than a speech."""
    from debate.gateway import CallRequest, litellm_module, request_kwargs
    from debate.judging import TOP_LOGPROBS
    from judges.presentation import presentation_schema
    from judges.rubric import load_rubric

    litellm = litellm_module()
    user = "y" * (6000 if judge else 1500)
    messages = [{"role": "system", "content": "x" * 400}, {"role": "user", "content": user}]
    params: dict[str, Any] = {"words": 40} | ({"logprobs": True, "top_logprobs": TOP_LOGPROBS} if judge else {})
    schema = presentation_schema(load_rubric()) if judge else None

    async def calls() -> None:
        for i in range(n):
            request = CallRequest(
                model="fake/calibrate", messages=messages, max_tokens=400 if judge else 60, params=params, response_schema=schema,
                metadata={"debate": i, "speech_index": 0, "purpose": "judge" if judge else "speech"},
            )
            await litellm.acompletion(**request_kwargs(request, 1, 60.0))

    anyio.run(calls)  # warm-up: first calls build caches
    start = _cpu()
    anyio.run(calls)
    return (_cpu() - start) / n * 1000


def _streaming_capacity(streams: int = 64, tokens: int = 400) -> float:
    """Tokens per second that streamed calls deliver to an event listener, provider cost ~0."""
    from debate.core.events import EventBus, TextDelta
    from debate.gateway import CallRequest, Gateway

    bus = EventBus()
    received = [0]
    bus.subscribe(lambda e: received.__setitem__(0, received[0] + 1))
    gateway = Gateway(per_model=streams)

    async def one(i: int) -> None:
        request = CallRequest(model="fake/stream", messages=[{"role": "user", "content": "x"}], max_tokens=tokens + 1, params={"words": tokens}, stream=True, metadata={"debate": i})
        await gateway.complete(request, on_delta=lambda text: bus.emit(TextDelta(debate_id=i, index=0, text=text)))

    async def all_streams(count: int) -> None:
        async with anyio.create_task_group() as tg:
            for i in range(count):
                tg.start_soon(one, i)

    anyio.run(all_streams, 2)  # warm-up: the first streams build litellm's caches
    received[0] = 0
    start = time.perf_counter()
    anyio.run(all_streams, streams)
    return received[0] / (time.perf_counter() - start)


def local(*, tokens: int, runs: int, console: Console, batch_sizes: list[int] | None = None) -> None:
    """Gateway vs direct llama-cpp on the same loaded model and prompt, alternating runs; a
    judge's ballot under its grammar, checked against the whole vocabulary and the shortlist
    first; then, for `batch_sizes`, what llama.cpp reaches decoding that many sequences in one
    batch."""
    from debate.gateway import CallRequest, Gateway, local_provider

    name = "qwen2.5-0.5b-instruct"
    messages = [
        {"role": "system", "content": "You are a competitive debater."},
        {"role": "user", "content": "Motion: This House would make public transport free. Give the Proposition opening speech, about 150 words."},
    ]
    loaded = local_provider().loaded(name)
    gateway = Gateway(per_model=1)

    def generate() -> float:
        start, produced = time.perf_counter(), 0
        with loaded.lock:
            for part in loaded.llama.create_chat_completion(messages=messages, max_tokens=tokens, temperature=0.0, stream=True):
                if part["choices"][0]["delta"].get("content"):
                    produced += 1
        return produced / (time.perf_counter() - start)

    def direct() -> float:
        # On the model's own thread, as the provider runs it: the same llama.cpp thread team.
        return loaded.thread.submit(generate).result()

    async def through_gateway() -> float:
        request = CallRequest(model=f"local/{name}", messages=messages, max_tokens=tokens, params={"temperature": 0.0}, stream=True)
        start = time.perf_counter()
        result = await gateway.complete(request, on_delta=lambda _t: None)
        return result.completion_tokens / (time.perf_counter() - start)

    direct()  # warm-up: first run pays for page faults and the prompt
    pairs = []
    for _ in range(runs):
        d = direct()
        g = anyio.run(through_gateway)
        pairs.append((d, g))
        console.print(f"direct {d:.1f} tok/s   gateway {g:.1f} tok/s")
    direct_tps = statistics.median(p[0] for p in pairs)
    gateway_tps = statistics.median(p[1] for p in pairs)
    figures = {"model": f"local/{name}", "tokens": tokens, "runs": runs, "direct_tokens_per_s": round(direct_tps, 2), "gateway_tokens_per_s": round(gateway_tps, 2), "ratio": round(gateway_tps / direct_tps, 4)}
    figures |= grammar_shortlist(loaded, tokens=tokens, runs=runs, console=console)
    if batch_sizes:
        figures |= batch_ceiling(loaded, messages[-1]["content"], batch_sizes, tokens, console)
    print(json.dumps(figures))


def grammar_shortlist(loaded: Any, *, tokens: int, runs: int, console: Console) -> dict[str, Any]:
    """A judge's ballot on a shipped control debate, under the ballot's JSON grammar at
    temperature 0: tokens/s with the grammar checked against the whole vocabulary at every step
    (llama.cpp's way) and against the shortlist first (`_grammar_on_shortlist`), alternating
    runs, and whether each pair wrote the same reply."""
    from debate.core.sides import Side
    from debate.providers import local
    from judges.controls import seed_debates
    from judges.presentation import Presentation, new_fence, presentation_messages, presentation_schema
    from judges.rubric import load_rubric
    from judges.rules import check_transcript

    rubric, transcript = load_rubric(), seed_debates()[0].transcript
    messages = presentation_messages(rubric, transcript, Presentation(label_a=Side.PROPOSITION), fence=new_fence(), findings=check_transcript(transcript))
    reply_format = {"type": "json_object", "schema": presentation_schema(rubric)}
    kept = local.SHORTLIST

    def ballot(shortlist: int) -> tuple[float, str]:
        local.SHORTLIST = shortlist
        try:
            with loaded.lock:
                start = time.perf_counter()
                out = loaded.llama.create_chat_completion(messages=messages, max_tokens=tokens, temperature=0.0, response_format=reply_format)
                return out["usage"]["completion_tokens"] / (time.perf_counter() - start), out["choices"][0]["message"]["content"]
        finally:
            local.SHORTLIST = kept

    def measure() -> list[tuple[tuple[float, str], tuple[float, str]]]:
        ballot(kept)  # warm-up: reads the prompt, which the runs then share
        return [(ballot(loaded.llama.n_vocab() + 1), ballot(kept)) for _ in range(runs)]

    pairs = loaded.thread.submit(measure).result()
    whole = statistics.median(w for (w, _), _ in pairs)
    short = statistics.median(s for _, (s, _) in pairs)
    same = sum(a == b for (_, a), (_, b) in pairs)
    console.print(
        f"judge's ballot under its JSON grammar: {whole:.1f} tok/s checking the whole vocabulary, "
        f"{short:.1f} checking the {kept} likeliest tokens first ({short / whole:.2f}x); same reply in {same} of {runs} runs"
    )
    return {"grammar_tokens_per_s": {"whole_vocabulary": round(whole, 2), "shortlist": round(short, 2)}, "grammar_speedup": round(short / whole, 3), "grammar_same_replies": same}


def batch_ceiling(loaded: Any, text: str, sizes: list[int], tokens: int, console: Console) -> dict[str, Any]:
    """llama.cpp's own tokens/s with `sizes` sequences continuing `text` decoded in one batch
    (debate.bench.batching)."""
    from debate.bench.batching import ceiling
    from debate.providers.local import local_threads

    def measure() -> dict[str, Any]:
        with loaded.lock:
            return ceiling(loaded.llama, text, sizes=sizes, tokens=tokens, threads=local_threads())

    figures = loaded.thread.submit(measure).result()
    for size, rate in figures["tokens_per_s"].items():
        ratio = "" if size == str(sizes[0]) else f"  {figures[f'speedup_{size}_vs_1']:.2f}x one"
        console.print(f"llama.cpp, {size} sequence(s) decoded in one batch: {rate:.1f} tok/s in all{ratio}")
    return figures


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    if len(sys.argv) in (6, 7) and sys.argv[1] == "orchestration-one" and sys.argv[6:] in ([], ["null"]):
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        print(json.dumps(_one(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), null_transport=sys.argv[6:] == ["null"])))
    else:
        raise SystemExit("usage: python -m debate.bench.orchestration orchestration-one SIZE LATENCY MODELS SLOTS [null]")
