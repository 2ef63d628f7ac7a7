"""The gateway against a real HTTP server that speaks the OpenAI API, through litellm's own
OpenAI client and stream wrapper: faults a hosted provider really produces."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from debate.config import GatewaySettings
from debate.core import errors
from debate.gateway import CallRequest, CallResult, Gateway
from tests.openai_server import WORDS, openai_server

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::ResourceWarning", "ignore::UserWarning")

FULL_TEXT = "".join(WORDS)


async def _no_sleep(delay: float) -> None:
    pass


def _complete(script: list[str], *, stream: bool = True, **settings: Any) -> tuple[CallResult | errors.GatewayError, int]:
    values = {"backoff_s": 0.0, "timeout_s": 10.0, "max_attempts": 3} | settings
    gateway = Gateway(settings=GatewaySettings(**values), sleep=_no_sleep)
    with openai_server(script, slow_s=1.5) as server:
        request = CallRequest(
            model="openai/test-model", messages=[{"role": "user", "content": "argue"}], max_tokens=50,
            api_base=server.api_base, params={"api_key": "test-key"}, stream=stream,
        )
        try:
            outcome: CallResult | errors.GatewayError = anyio.run(lambda: gateway.complete(request))
        except errors.GatewayError as exc:
            outcome = exc
        return outcome, len(server.requests)


@pytest.mark.parametrize("stream", [True, False])
def test_a_clean_answer_is_returned_whole_with_the_providers_finish_reason(stream: bool) -> None:
    result, requests = _complete(["ok"], stream=stream)
    assert isinstance(result, CallResult)
    assert (result.text, result.finish_reason, result.attempts, requests) == (FULL_TEXT, "stop", 1, 1)
    assert result.completion_tokens == len(WORDS)


def test_the_stored_finish_reason_is_the_one_the_provider_sent() -> None:
    result, _ = _complete(["length"])
    assert isinstance(result, CallResult) and result.finish_reason == "length"


@pytest.mark.parametrize("fault", ["cut", "nofinal", "empty"])
def test_a_stream_cut_short_or_empty_is_a_failed_attempt_and_is_retried(fault: str) -> None:
    result, requests = _complete([fault, "ok"])
    assert isinstance(result, CallResult), result
    assert (result.text, result.attempts, requests) == (FULL_TEXT, 2, 2)


@pytest.mark.parametrize("fault", ["cut", "nofinal", "empty"])
def test_a_stream_that_never_finishes_fails_after_the_retries_instead_of_being_stored(fault: str) -> None:
    failure, requests = _complete([fault])
    assert isinstance(failure, errors.TransientError)
    assert failure.attempts == 3 and requests == 3
    assert "test-model" in str(failure)


@pytest.mark.parametrize("status", ["429", "500", "garbage"])
def test_transient_server_faults_are_retried(status: str) -> None:
    result, requests = _complete([status, "ok"])
    assert isinstance(result, CallResult) and result.attempts == 2 and requests == 2


def test_an_authentication_failure_is_permanent() -> None:
    failure, requests = _complete(["401", "ok"])
    assert isinstance(failure, errors.AuthenticationFailed) and requests == 1


def test_a_server_slower_than_the_timeout_is_a_timeout() -> None:
    failure, requests = _complete(["slow"], timeout_s=0.5, max_attempts=2)
    assert isinstance(failure, errors.ModelTimeout) and requests == 2
