"""The model gateway, through the real litellm path with `fake/` models.

No real sleeping: backoff goes to a recording `sleep`, latencies are a few hundredths of a second.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import anyio
import litellm
import pytest

import debate.gateway as gateway_module
from debate.core import errors
from debate.config import GatewaySettings
from debate.gateway import CallRequest, CallResult, Gateway, map_exception
from debate.core.secrets import REDACTED, redact
from debate.core.sides import Side
from judges.presentation import Presentation, ballot_max_tokens, parse_presented, presentation_schema, verdict_distribution
from judges.rubric import load_rubric

# Each anyio.run starts a new event loop; litellm's logging worker complains about the old one.
pytestmark = pytest.mark.filterwarnings("ignore:coroutine 'Logging.async_success_handler' was never awaited:RuntimeWarning")

MESSAGES = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "argue the motion please"}]


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def _gateway(sleep: RecordingSleep | None = None, **settings: Any) -> Gateway:
    values = {"backoff_s": 0.0, "timeout_s": 5.0, "max_attempts": 4} | settings
    return Gateway(settings=GatewaySettings(**values), sleep=sleep or RecordingSleep())


def _request(model: str = "fake/alpha", *, log: Path | None = None, stream: bool = False, **params: Any) -> CallRequest:
    if log is not None:
        params["call_log"] = str(log)
    return CallRequest(model=model, messages=MESSAGES, max_tokens=40, params=params, stream=stream)


def _calls(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def _run(gateway: Gateway, request: CallRequest, **kwargs: Any) -> CallResult:
    return anyio.run(lambda: gateway.complete(request, **kwargs))


# --- successful calls ----------------------------------------------------------------------


def test_non_streamed_call(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    pieces: list[str] = []
    result = _run(_gateway(), _request(log=log), on_delta=pieces.append)
    assert result.model == "fake/alpha"
    assert result.text and result.text.endswith(".")
    assert pieces == [result.text]
    assert result.completion_tokens == len(result.text.split())
    assert 0 < result.completion_tokens < 40
    assert result.prompt_tokens == sum(len(m["content"].split()) for m in MESSAGES)
    assert result.cost_usd == 0.0
    assert result.attempts == 1
    assert result.finish_reason == "stop"
    assert result.latency_s >= 0
    assert [c["attempt"] for c in _calls(log)] == [1]


def test_streamed_call_delivers_pieces_that_join_to_the_text(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    pieces: list[str] = []
    result = _run(_gateway(), _request(log=log, stream=True), on_delta=pieces.append)
    assert len(pieces) > 1
    assert "".join(pieces) == result.text
    assert result.completion_tokens > 0
    assert result.completion_tokens == len(pieces)
    assert result.cost_usd == 0.0
    assert result.attempts == 1
    assert len(_calls(log)) == 1


def test_streamed_and_whole_calls_give_the_same_text() -> None:
    gw = _gateway()
    whole = _run(gw, _request())
    streamed = _run(gw, _request(stream=True))
    assert whole.text == streamed.text
    assert whole.completion_tokens == streamed.completion_tokens


def _judge_request(**params: Any) -> CallRequest:
    rubric = load_rubric("default")
    return CallRequest(model="fake/judge", messages=MESSAGES, max_tokens=ballot_max_tokens(rubric), response_schema=presentation_schema(rubric), role="judge", params=params)


def test_response_schema_gives_a_valid_ballot() -> None:
    rubric = load_rubric("default")
    result = _run(_gateway(), _judge_request())
    ballot = parse_presented(result.text, rubric, Presentation(label_a=Side.OPPOSITION))
    assert set(ballot.scores) == set(rubric.ids)
    assert result.logprobs is None  # not asked for


def test_logprobs_come_back_when_asked_for_and_show_the_verdict() -> None:
    result = _run(_gateway(), _judge_request(logprobs=True, top_logprobs=5))
    assert result.logprobs is not None
    assert "".join(t["token"] for t in result.logprobs) == result.text
    assert all(t["logprob"] == 0.0 and t["top"] == {t["token"]: 0.0} for t in result.logprobs)  # the fake is always certain
    presentation = Presentation(label_a=Side.PROPOSITION)
    sampled = parse_presented(result.text, load_rubric("default"), presentation).verdict
    distribution = verdict_distribution(result.text, result.logprobs, presentation)
    assert distribution is not None and distribution.probabilities == {sampled.value: 1.0}


def test_token_logprobs_reads_objects_and_dicts() -> None:
    class Top:
        def __init__(self, token: str, logprob: float) -> None:
            self.token, self.logprob = token, logprob

    class Item(Top):
        def __init__(self, token: str, logprob: float, top: list[Any]) -> None:
            super().__init__(token, logprob)
            self.top_logprobs = top

    as_objects = type("Raw", (), {"content": [Item("4", -0.2, [Top("4", -0.2), Top("5", -1.7)]), Item("}", 0.0, [])]})()
    as_dicts = {"content": [{"token": "4", "logprob": -0.2, "top_logprobs": [{"token": "4", "logprob": -0.2}, {"token": "5", "logprob": -1.7}]},
                            {"token": "}", "logprob": 0.0, "top_logprobs": []}]}
    expected = [{"token": "4", "logprob": -0.2, "top": {"4": -0.2, "5": -1.7}}, {"token": "}", "logprob": 0.0, "top": {}}]
    assert gateway_module.token_logprobs(as_objects) == gateway_module.token_logprobs(as_dicts) == expected
    assert gateway_module.token_logprobs(None) is None and gateway_module.token_logprobs({"content": []}) is None


def test_metadata_reaches_the_fake_provider(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    request = _request(log=log).model_copy(update={"metadata": {"debate": 7, "speech_index": 2}})
    _run(_gateway(), request)
    [call] = _calls(log)
    assert call["debate"] == 7 and call["speech_index"] == 2 and call["attempt"] == 1
    assert call["model"] == "fake/alpha"


# --- transient faults ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rate_limit", "server", "connection", "timeout"])
@pytest.mark.parametrize("stream", [False, True])
def test_transient_faults_are_retried(tmp_path: Path, kind: str, stream: bool) -> None:
    log = tmp_path / "calls.jsonl"
    sleep = RecordingSleep()
    retries: list[tuple[type, int, float]] = []
    request = _request(log=log, stream=stream, faults=[{"kind": kind, "times": 2}])
    result = _run(_gateway(sleep, max_attempts=3), request, on_retry=lambda e, a, d: retries.append((type(e), a, d)))
    assert result.attempts == 3
    assert result.text
    assert [c["attempt"] for c in _calls(log)] == [1, 2, 3]
    assert [a for _, a, _ in retries] == [1, 2]
    assert all(issubclass(t, errors.TransientError) for t, _, _ in retries)
    assert len(sleep.delays) == 2


def test_rate_limit_maps_to_rate_limited(tmp_path: Path) -> None:
    seen: list[errors.GatewayError] = []
    _run(_gateway(), _request(faults=[{"kind": "rate_limit", "times": 1}]), on_retry=lambda e, a, d: seen.append(e))
    assert [type(e) for e in seen] == [errors.RateLimited]
    assert seen[0].model == "fake/alpha"


def test_exhausting_attempts_raises_with_attempts(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    gw = _gateway(max_attempts=3)
    with pytest.raises(errors.RateLimited) as info:
        _run(gw, _request(log=log, faults=[{"kind": "rate_limit", "times": 10}]))
    assert info.value.attempts == 3
    assert info.value.retryable
    assert len(_calls(log)) == 3
    usage = gw.ledger[("fake/alpha", "debater")]
    assert (usage.calls, usage.failures, usage.retries) == (0, 1, 2)


def test_single_attempt_setting_never_retries(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    sleep = RecordingSleep()
    with pytest.raises(errors.TransientError) as info:
        _run(_gateway(sleep, max_attempts=1), _request(log=log, faults=[{"kind": "server", "times": 1}]))
    assert info.value.attempts == 1
    assert len(_calls(log)) == 1
    assert sleep.delays == []


def test_backoff_delays_grow_and_are_capped(tmp_path: Path) -> None:
    sleep = RecordingSleep()
    retries: list[float] = []
    gw = _gateway(sleep, backoff_s=1.0, backoff_max_s=3.0, max_attempts=6)
    result = _run(gw, _request(faults=[{"kind": "server", "times": 5}]), on_retry=lambda e, a, d: retries.append(d))
    assert result.attempts == 6
    assert sleep.delays == retries
    assert len(sleep.delays) == 5
    ceilings = [1.0, 2.0, 3.0, 3.0, 3.0]  # 1, 2, 4 -> capped at 3
    for delay, ceiling in zip(sleep.delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert max(sleep.delays) <= 3.0
    assert sleep.delays[1] >= sleep.delays[0]


def test_backoff_ranges() -> None:
    gw = _gateway(backoff_s=0.5, backoff_max_s=5.0)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 5.0), (12, 5.0)]:
        samples = [gw.backoff(attempt) for _ in range(200)]
        assert all(ceiling / 2 <= s <= ceiling for s in samples), (attempt, min(samples), max(samples))
        assert len(set(samples)) > 1, "backoff should be jittered"
    assert _gateway(backoff_s=0.0).backoff(3) == 0.0


# --- permanent faults ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("auth", errors.AuthenticationFailed),
        ("bad_request", errors.BadRequest),
        ("context_window", errors.ContextWindowExceeded),
    ],
)
def test_permanent_faults_fail_after_one_attempt(tmp_path: Path, kind: str, error: type[errors.GatewayError]) -> None:
    log = tmp_path / "calls.jsonl"
    sleep = RecordingSleep()
    gw = _gateway(sleep, max_attempts=4)
    with pytest.raises(error) as info:
        _run(gw, _request(log=log, faults=[{"kind": kind, "times": 1}]))
    assert isinstance(info.value, errors.PermanentError)
    assert not info.value.retryable
    assert info.value.attempts == 1
    assert info.value.model == "fake/alpha"
    assert "fake/alpha" in str(info.value)
    assert len(_calls(log)) == 1
    assert sleep.delays == []
    usage = gw.ledger[("fake/alpha", "debater")]
    assert (usage.calls, usage.failures, usage.retries) == (0, 1, 0)


def test_unset_api_key_env_fails_with_the_variable_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DEBATE_TEST_MISSING_KEY", raising=False)
    log = tmp_path / "calls.jsonl"
    request = _request(log=log).model_copy(update={"api_key_env": "DEBATE_TEST_MISSING_KEY"})
    with pytest.raises(errors.AuthenticationFailed) as info:
        _run(_gateway(), request)
    assert "DEBATE_TEST_MISSING_KEY" in str(info.value)
    assert info.value.attempts == 1
    assert _calls(log) == []  # nothing was sent


def test_set_api_key_env_lets_the_call_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATE_TEST_PRESENT_KEY", "sk-testtesttesttest")
    request = _request().model_copy(update={"api_key_env": "DEBATE_TEST_PRESENT_KEY"})
    assert _run(_gateway(), request).text


# --- timeouts and broken streams -----------------------------------------------------------


def test_hang_hits_the_gateway_timeout(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    gw = _gateway(timeout_s=0.2, max_attempts=2)
    started = time.monotonic()
    with pytest.raises(errors.ModelTimeout) as info:
        _run(gw, _request(log=log, faults=[{"kind": "hang", "times": 5}]))
    elapsed = time.monotonic() - started
    assert info.value.attempts == 2
    assert len(_calls(log)) == 2
    assert 0.35 <= elapsed < 5


def test_hang_once_then_success(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    result = _run(_gateway(timeout_s=0.2, max_attempts=2), _request(log=log, stream=True, faults=[{"kind": "hang", "times": 1}]))
    assert result.attempts == 2
    assert len(_calls(log)) == 2


def test_midstream_fault_on_a_streamed_call_is_retried(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    pieces: list[str] = []
    retried: list[errors.GatewayError] = []
    result = _run(
        _gateway(),
        _request(log=log, stream=True, faults=[{"kind": "midstream", "times": 1}]),
        on_delta=pieces.append,
        on_retry=lambda e, a, d: retried.append(e),
    )
    assert result.attempts == 2
    assert len(_calls(log)) == 2
    assert [type(e) for e in retried] == [errors.TransientError]
    # The first attempt got part way before dropping; the result holds only the complete text.
    assert result.text == _run(_gateway(), _request(stream=True)).text
    assert "".join(pieces).endswith(result.text)


# --- concurrency and accounting ------------------------------------------------------------


def _in_flight_probe(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    state: dict[str, Any] = {"now": {}, "max": {}, "total_max": 0}
    original = gateway_module._attempt

    async def counting(request: CallRequest, *args: Any, **kwargs: Any) -> CallResult:
        now = state["now"]
        now[request.model] = now.get(request.model, 0) + 1
        state["max"][request.model] = max(state["max"].get(request.model, 0), now[request.model])
        state["total_max"] = max(state["total_max"], sum(now.values()))
        try:
            return await original(request, *args, **kwargs)
        finally:
            now[request.model] -= 1

    monkeypatch.setattr(gateway_module, "_attempt", counting)
    return state


def test_per_model_concurrency_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    state = _in_flight_probe(monkeypatch)
    gw = Gateway(settings=GatewaySettings(backoff_s=0.0), per_model=2, sleep=RecordingSleep())
    results: list[CallResult] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for model in ("fake/a", "fake/b"):
                for _ in range(6):
                    tg.start_soon(lambda m=model: _collect(gw, m, results))

    started = time.monotonic()
    anyio.run(main)
    elapsed = time.monotonic() - started
    assert len(results) == 12
    assert state["max"] == {"fake/a": 2, "fake/b": 2}
    assert state["total_max"] == 4  # the limit is per model, not global
    assert elapsed >= 3 * 0.1  # six calls of 0.1 s, two at a time


async def _collect(gw: Gateway, model: str, results: list[CallResult]) -> None:
    results.append(await gw.complete(_request(model, latency=0.1)))


def test_model_limits_override_and_local_default(monkeypatch: pytest.MonkeyPatch) -> None:
    state = _in_flight_probe(monkeypatch)
    gw = Gateway(settings=GatewaySettings(backoff_s=0.0), per_model=4, model_limits={"fake/slow": 1}, sleep=RecordingSleep())
    assert gw.limiter("local/qwen2.5-0.5b-instruct").total == 1
    assert gw.limiter("openai/gpt-4o").total == 4
    assert gw.limiter("fake/slow") is gw.limiter("fake/slow")
    results: list[CallResult] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(lambda: _collect(gw, "fake/slow", results))

    anyio.run(main)
    assert len(results) == 3
    assert state["max"] == {"fake/slow": 1}


def test_usage_ledger_sums_calls_and_tokens() -> None:
    gw = _gateway()
    results = [_run(gw, _request("fake/a")), _run(gw, _request("fake/a", stream=True)), _run(gw, _request("fake/b"))]
    judge = CallRequest(model="fake/a", messages=MESSAGES, max_tokens=30, role="judge")
    results.append(_run(gw, judge))
    assert set(gw.ledger) == {("fake/a", "debater"), ("fake/b", "debater"), ("fake/a", "judge")}
    debater = gw.ledger[("fake/a", "debater")]
    assert debater.calls == 2
    assert debater.completion_tokens == results[0].completion_tokens + results[1].completion_tokens
    assert debater.prompt_tokens == results[0].prompt_tokens + results[1].prompt_tokens
    total = gw.total()
    assert total.calls == 4
    assert total.completion_tokens == sum(r.completion_tokens for r in results) > 0
    assert total.prompt_tokens == sum(r.prompt_tokens for r in results)
    assert total.cost_usd == 0.0
    assert (total.failures, total.retries) == (0, 0)


def test_ledger_counts_retries_of_a_call_that_succeeds() -> None:
    gw = _gateway()
    result = _run(gw, _request(faults=[{"kind": "connection", "times": 2}]))
    usage = gw.ledger[("fake/alpha", "debater")]
    assert (usage.calls, usage.failures, usage.retries) == (1, 0, 2)
    assert usage.completion_tokens == result.completion_tokens


# --- exception mapping and redaction -------------------------------------------------------


def test_map_exception_redacts_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-abcdefghijklmnop"
    monkeypatch.setenv("FAKE_TEST_API_KEY", secret)
    exc = litellm.AuthenticationError(f"invalid api key {secret} given", llm_provider="fake", model="fake/a")
    mapped = map_exception(exc, "fake/a")
    assert isinstance(mapped, errors.AuthenticationFailed)
    assert secret not in str(mapped)
    assert REDACTED in str(mapped)
    assert "fake/a" in str(mapped)


def test_map_exception_table() -> None:
    cases = [
        (litellm.RateLimitError("x", llm_provider="fake", model="m"), errors.RateLimited),
        (litellm.Timeout("x", llm_provider="fake", model="m"), errors.ModelTimeout),
        (litellm.InternalServerError("x", llm_provider="fake", model="m"), errors.TransientError),
        (litellm.APIConnectionError("x", llm_provider="fake", model="m"), errors.TransientError),
        (litellm.ContextWindowExceededError("x", llm_provider="fake", model="m"), errors.ContextWindowExceeded),
        (litellm.BadRequestError("x", llm_provider="fake", model="m"), errors.BadRequest),
        (litellm.NotFoundError("x", llm_provider="fake", model="m"), errors.ModelNotFound),
        (litellm.AuthenticationError("x", llm_provider="fake", model="m"), errors.AuthenticationFailed),
    ]
    for exc, expected in cases:
        mapped = map_exception(exc, "m")
        assert type(mapped) is expected, (type(exc).__name__, type(mapped).__name__)
        assert mapped.model == "m"


def test_map_exception_lets_our_own_bugs_through() -> None:
    bug = ZeroDivisionError("oops")
    with pytest.raises(ZeroDivisionError):
        map_exception(bug, "m")


def test_redact_masks_secret_env_values_and_key_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_TEST_API_KEY", "sk-abcdefghijklmnop")
    monkeypatch.setenv("FAKE_TEST_PASSWORD", "hunter2hunter2")
    monkeypatch.setenv("FAKE_TEST_SHORT_TOKEN", "abc")
    monkeypatch.setenv("FAKE_TEST_COLOUR", "ultramarine")
    text = "key sk-abcdefghijklmnop pw hunter2hunter2 short abc colour ultramarine other sk-zyxwvutsrqponm"
    out = redact(text)
    assert "sk-abcdefghijklmnop" not in out
    assert "hunter2hunter2" not in out
    assert "sk-zyxwvutsrqponm" not in out  # shaped like a key, whatever its source
    assert "short abc" in out  # too short to be a credential
    assert "ultramarine" in out  # not a secret variable
    assert out.count(REDACTED) == 3
    assert redact("ultramarine", extra_env=("FAKE_TEST_COLOUR",)) == REDACTED


def test_waiting_calls_go_oldest_debate_first(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[object] = []
    original = gateway_module._attempt

    async def recording(request: CallRequest, *args: Any, **kwargs: Any) -> CallResult:
        order.append(request.metadata.get("debate"))
        return await original(request, *args, **kwargs)

    monkeypatch.setattr(gateway_module, "_attempt", recording)
    gw = Gateway(settings=GatewaySettings(backoff_s=0.0), per_model=1, sleep=RecordingSleep())

    async def call(debate: int | None) -> None:
        metadata = {} if debate is None else {"debate": debate}
        await gw.complete(_request("fake/queue", latency=0.05).model_copy(update={"metadata": metadata}))

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            for debate in [7, 3, 9, None, 3, 1]:
                tg.start_soon(call, debate)
                await anyio.sleep(0.005)  # arrive in this order; the first holds the one slot

    anyio.run(main)
    # The first arrival took the free slot; the rest waited and went by debate, a call
    # outside any debate (a qualification) first, equal debates in arrival order.
    assert order == [7, None, 1, 3, 3, 9]
