"""The model gateway: the one place that calls language models (through litellm).

It owns per-model concurrency limits, timeouts, the retry decision (transient errors are
retried with backoff, permanent ones are not), token and cost accounting, and the mapping of
litellm's exceptions to the engine's own. litellm is imported on first use: it costs seconds
to import, and commands that call no model should not pay that.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
from pydantic import BaseModel, ConfigDict, Field

from debate.core import errors
from debate.config import GatewaySettings, TournamentConfig
from debate.core.secrets import redact
from debate.slots import Slots

FREE_PROVIDERS = ("local/", "fake/")


class CallRequest(BaseModel):
    """One completion to obtain. `metadata` travels to custom providers, never to a hosted API."""

    model_config = ConfigDict(frozen=True)

    model: str
    messages: list[dict[str, str]]
    max_tokens: int
    params: dict[str, Any] = Field(default_factory=dict)
    api_base: str | None = None
    api_key_env: str | None = None
    response_schema: dict[str, Any] | None = None
    stream: bool = False
    role: str = "debater"
    metadata: dict[str, Any] = Field(default_factory=dict)


class CallResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    model: str
    text: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    latency_s: float
    attempts: int
    finish_reason: str
    # The reply's tokens with their log-probabilities, where the provider returned them:
    # [{"token": str, "logprob": float, "top": {token: logprob}}]; None where it did not.
    logprobs: list[dict[str, Any]] | None = None


@dataclass
class Usage:
    """Additive usage figures, kept per (model, role)."""

    calls: int = 0
    failures: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[Any, ...]:
        return (self.calls, self.failures, self.retries, self.prompt_tokens, self.completion_tokens, self.cost_usd, self.latency_s)


DeltaHandler = Callable[[str], None]
RetryHandler = Callable[[errors.GatewayError, int, float], None]
# One attempt at a call: (request, attempt number, timeout, delta handler) -> its result.
Transport = Callable[[CallRequest, int, float, DeltaHandler | None], Awaitable[CallResult]]


@dataclass
class Gateway:
    settings: GatewaySettings = field(default_factory=GatewaySettings)
    per_model: int = 4
    local_per_model: int = 1
    model_limits: dict[str, int] = field(default_factory=dict)
    sleep: Callable[[float], Any] = anyio.sleep
    # litellm (None) in the product; the engine benchmark swaps in a transport without it to
    # measure the engine's own CPU.
    transport: Transport | None = None
    ledger: dict[tuple[str, str], Usage] = field(default_factory=dict)
    _limiters: dict[str, Slots] = field(default_factory=dict)

    def limiter(self, model: str) -> Slots:
        if model not in self._limiters:
            default = self.local_per_model if model.startswith("local/") else self.per_model
            self._limiters[model] = Slots(self.model_limits.get(model, default))
        return self._limiters[model]

    async def complete(self, request: CallRequest, *, on_delta: DeltaHandler | None = None, on_retry: RetryHandler | None = None) -> CallResult:
        """Obtain one completion, retrying transient failures; raises a GatewayError subclass."""
        usage = self.ledger.setdefault((request.model, request.role), Usage())
        litellm_module()  # import outside the timed section: the first call should not pay for it
        attempt = 1
        while True:
            started = time.monotonic()
            try:
                async with self.limiter(request.model).hold(_queue_order(request)):
                    started = time.monotonic()
                    with anyio.fail_after(self.settings.timeout_s):
                        result = await (self.transport or _attempt)(request, attempt, self.settings.timeout_s, on_delta)
            except TimeoutError:
                failure: errors.GatewayError = errors.ModelTimeout(
                    f"{request.model} did not finish within {self.settings.timeout_s:g} s", model=request.model
                )
            except errors.GatewayError as exc:
                failure = exc
            except Exception as exc:  # noqa: BLE001 - litellm's exceptions are mapped below
                failure = map_exception(exc, request.model)
            else:
                result = result.model_copy(update={"latency_s": time.monotonic() - started, "attempts": attempt})
                usage.calls += 1
                usage.prompt_tokens += result.prompt_tokens
                usage.completion_tokens += result.completion_tokens
                usage.cost_usd += result.cost_usd or 0.0
                usage.latency_s += result.latency_s
                return result
            failure.attempts = attempt
            if not failure.retryable or attempt >= self.settings.max_attempts:
                usage.failures += 1
                raise failure
            delay = self.backoff(attempt)
            usage.retries += 1
            if on_retry is not None:
                on_retry(failure, attempt, delay)
            await self.sleep(delay)
            attempt += 1

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter, capped."""
        ceiling = min(self.settings.backoff_max_s, self.settings.backoff_s * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def total(self) -> Usage:
        return sum(self.ledger.values(), Usage())


def _queue_order(request: CallRequest) -> int:
    """Where a call waits for its model's slot: by its debate's id, so the oldest debate goes
    first; a call outside any debate (a judge's qualification) before all of them."""
    debate = request.metadata.get("debate")
    return debate if isinstance(debate, int) else -1


def gateway_for(config: TournamentConfig) -> Gateway:
    """The gateway a tournament's calls go through, with its concurrency limits."""
    limits: dict[str, int] = {}
    for spec in [*config.contestants, *config.judges]:
        if spec.concurrency:
            limits[spec.model] = max(limits.get(spec.model, 0), spec.concurrency)
    return Gateway(settings=config.gateway, per_model=config.concurrency.per_model, local_per_model=config.concurrency.local_per_model, model_limits=limits)


_litellm: Any = None


def check_models(config: TournamentConfig) -> None:
    """Refuse, before anything is stored, a model string no provider would route: an unknown
    prefix should not surface as a failed call in the middle of round one."""
    litellm = litellm_module()
    problems = []
    for group, specs in (("contestants", config.contestants), ("judges", config.judges)):
        for index, spec in enumerate(specs):
            if spec.model.startswith(FREE_PROVIDERS):
                continue
            try:
                litellm.get_llm_provider(spec.model)
            except Exception:  # noqa: BLE001 - litellm says "no provider" with a BadRequestError
                message = f"no provider routes '{spec.model}': prefix it with a litellm provider (openai/, anthropic/, ollama/, ...; `debate models` lists those with keys), local/ or fake/"
                problems.append(errors.Problem(f"tournament '{config.name}'", None, (group, index, "model"), message))
    if problems:
        raise errors.ConfigError(problems)


def litellm_module() -> Any:
    """litellm, imported once with our providers registered and its network look-ups off."""
    global _litellm
    if _litellm is None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        import warnings

        import litellm

        from debate.providers.fake import FakeProvider
        from debate.providers.local import LocalProvider

        # litellm's response types trip pydantic serializer warnings that say nothing to our users.
        warnings.filterwarnings("ignore", message="Pydantic serializer warnings", category=UserWarning)
        litellm.suppress_debug_info = True
        litellm.telemetry = False
        litellm.custom_provider_map = [
            {"provider": "local", "custom_handler": LocalProvider()},
            {"provider": "fake", "custom_handler": FakeProvider()},
        ]
        _litellm = litellm
    return _litellm


def local_provider() -> Any:
    """The registered llama.cpp provider (benchmarks compare it with a direct call)."""
    litellm = litellm_module()
    return next(p["custom_handler"] for p in litellm.custom_provider_map if p["provider"] == "local")


def request_kwargs(request: CallRequest, attempt: int, timeout: float) -> dict[str, Any]:
    """The keyword arguments for `litellm.acompletion` that carry out `request`."""
    kwargs: dict[str, Any] = dict(request.params)
    kwargs.update(
        model=request.model,
        messages=request.messages,
        max_tokens=request.max_tokens,
        timeout=timeout,
        num_retries=0,
        stream=request.stream,
    )
    if request.model.startswith(FREE_PROVIDERS):
        kwargs["metadata"] = {**request.metadata, "attempt": attempt, "model": request.model}
    if request.api_base:
        kwargs["api_base"] = request.api_base
    if request.api_key_env:
        key = os.environ.get(request.api_key_env)
        if not key:
            raise errors.AuthenticationFailed(
                f"{request.model}: environment variable {request.api_key_env} is not set", model=request.model
            )
        kwargs["api_key"] = key
    if request.response_schema is not None:
        kwargs["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "ballot", "schema": request.response_schema, "strict": True},
        }
    if request.stream:
        kwargs["stream_options"] = {"include_usage": True}
    return kwargs


async def _attempt(request: CallRequest, attempt: int, timeout: float, on_delta: DeltaHandler | None) -> CallResult:
    litellm = litellm_module()
    kwargs = request_kwargs(request, attempt, timeout)
    if request.stream:
        return await _streamed(litellm, request, kwargs, on_delta)
    response = await litellm.acompletion(**kwargs)
    choice = response.choices[0]
    text = choice.message.content or ""
    prompt_tokens, completion_tokens = _tokens(response)
    logprobs = token_logprobs(getattr(choice, "logprobs", None)) if request.params.get("logprobs") else None
    if on_delta is not None and text:
        on_delta(text)
    return CallResult(
        model=request.model,
        text=text,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        cost_usd=_cost(litellm, request.model, prompt_tokens, completion_tokens),
        latency_s=0.0,
        attempts=attempt,
        finish_reason=choice.finish_reason or "stop",
        logprobs=logprobs,
    )


def token_logprobs(raw: Any) -> list[dict[str, Any]] | None:
    """OpenAI-style `choice.logprobs` (objects or dicts, as litellm passes them) as plain tokens."""
    content = _field(raw, "content") if raw is not None else None
    if not content:
        return None
    return [
        {
            "token": str(_field(item, "token") or ""),
            "logprob": float(_field(item, "logprob") or 0.0),
            "top": {str(_field(t, "token")): float(_field(t, "logprob")) for t in _field(item, "top_logprobs") or ()},
        }
        for item in content
    ]


def _field(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


async def _streamed(litellm: Any, request: CallRequest, kwargs: dict[str, Any], on_delta: DeltaHandler | None) -> CallResult:
    pieces: list[str] = []
    prompt_tokens = completion_tokens = 0
    stream = await litellm.acompletion(**kwargs)
    async for part in stream:
        if part.choices and (text := part.choices[0].delta.content):
            pieces.append(text)
            if on_delta is not None:
                on_delta(text)
        if usage := getattr(part, "usage", None):
            prompt_tokens, completion_tokens = usage.prompt_tokens or 0, usage.completion_tokens or 0
    text = "".join(pieces)
    # litellm closes every stream with a chunk saying "stop", even one the server cut off
    # mid-body; only its record of what the provider itself sent tells a finished answer apart.
    finish = getattr(stream, "received_finish_reason", None)
    if not finish:
        raise errors.TransientError(
            f"{request.model}: the stream ended before the model finished ({len(text)} characters received)", model=request.model
        )
    if not text.strip():
        raise errors.TransientError(f"{request.model}: the stream finished ({finish}) without any text", model=request.model)
    return CallResult(
        model=request.model,
        text=text,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens or len(pieces),
        cost_usd=_cost(litellm, request.model, prompt_tokens, completion_tokens),
        latency_s=0.0,
        attempts=1,
        finish_reason=finish,
    )


def _tokens(response: Any) -> tuple[int, int]:
    usage = getattr(response, "usage", None)
    if usage is None:
        return 0, 0
    return usage.prompt_tokens or 0, usage.completion_tokens or 0


def _cost(litellm: Any, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Dollars from litellm's price table; None where the table does not know the model."""
    if model.startswith(FREE_PROVIDERS):
        return 0.0
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
        )
    except Exception:  # noqa: BLE001 - an unpriced model is normal, not an error
        return None
    return float(prompt_cost + completion_cost)


def map_exception(exc: BaseException, model: str) -> errors.GatewayError:
    """litellm's exception families -> the engine's retryable / permanent errors."""
    import litellm.exceptions as lx

    message = redact(f"{model}: {type(exc).__name__}: {exc}")[:2000]
    table: list[tuple[type[BaseException], type[errors.GatewayError]]] = [
        (lx.ContextWindowExceededError, errors.ContextWindowExceeded),
        (lx.ContentPolicyViolationError, errors.BadRequest),
        (lx.AuthenticationError, errors.AuthenticationFailed),
        (lx.PermissionDeniedError, errors.AuthenticationFailed),
        (lx.NotFoundError, errors.ModelNotFound),
        (lx.RateLimitError, errors.RateLimited),
        (lx.Timeout, errors.ModelTimeout),
        (lx.BadRequestError, errors.BadRequest),
        (lx.UnprocessableEntityError, errors.BadRequest),
        (lx.InternalServerError, errors.TransientError),
        (lx.ServiceUnavailableError, errors.TransientError),
        (lx.BadGatewayError, errors.TransientError),
        (lx.APIConnectionError, errors.TransientError),
    ]
    for source, target in table:
        if isinstance(exc, source):
            return target(message, model=model)
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and (status >= 500 or status in (408, 409, 429)):
        return errors.TransientError(message, model=model)
    if isinstance(exc, lx.APIError):
        return errors.BadRequest(message, model=model)
    # Not a provider failure: a bug in our code. Let it surface as itself.
    raise exc
