"""`fake/<name>`: a deterministic model for tests and benchmarks, served through litellm.

Parameters (in a contestant's or judge's `params`):
- `latency`: seconds before the first token (default 0); `token_latency`: seconds per token.
- `words`: length of a generated speech (default: as many as the token budget allows, up to 60).
- `script`: a YAML file of exact texts. A list gives the texts of the model's successive turns
  in one debate; a mapping is looked up by speech index, then role, then `default`; the key
  `judge` holds a list of replies to successive judge attempts, or a mapping from the side
  shown as Debater A ("proposition", "opposition") to such a list.
- `faults`: a list of `{kind, times}`; the first `times` attempts of every call fail with that
  kind (rate_limit, server, connection, timeout, auth, bad_request, context_window, hang,
  midstream, echo_key: a server error that quotes the API key it was sent, as some providers'
  errors do). `fail_rate`: chance that any attempt fails with a server error.
- `call_log`: a file that gets one JSON line per call, so tests can count what was paid for.
- With `logprobs` asked for, every token comes back certain (log-probability 0).
- `oracle: true`: on a control debate (qualification), the judge always prefers the side that
  was not degraded; elsewhere it answers like any fake judge.
Text depends only on the seed, the model name and the call's metadata, never on timing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections.abc import AsyncIterator, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import litellm
import yaml
from litellm import CustomLLM

from debate.providers.common import call_metadata, chunk, json_schema_of, model_response, usage

_WORDS = (
    "evidence shows that policy must weigh costs against benefits for every citizen while the "
    "opposition ignores how incentives shape behaviour over time and why institutions matter more "
    "than intentions so our case rests on fairness safety growth liberty and the duty to protect "
    "future generations from harms we can already foresee today"
).split()


class FakeProvider(CustomLLM):
    async def acompletion(self, model: str, messages: list[dict[str, Any]], *args: Any, **kwargs: Any) -> Any:
        params, meta = kwargs.get("optional_params") or {}, call_metadata(kwargs)
        _log_call(params, model, meta)
        await _fault(params, meta, streaming=False, key=kwargs.get("api_key"))
        if latency := float(params.get("latency", 0) or 0):
            await asyncio.sleep(latency)
        text = _reply(model, messages, params, meta)
        tokens = _split(text)
        if per_token := float(params.get("token_latency", 0) or 0):
            await asyncio.sleep(per_token * len(tokens))
        return model_response(text, _prompt_tokens(messages), len(tokens), "stop", logprobs=_logprobs(tokens, params))

    async def astreaming(self, model: str, messages: list[dict[str, Any]], *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        params, meta = kwargs.get("optional_params") or {}, call_metadata(kwargs)
        _log_call(params, model, meta)
        await _fault(params, meta, streaming=True, key=kwargs.get("api_key"))
        if latency := float(params.get("latency", 0) or 0):
            await asyncio.sleep(latency)
        tokens = _split(_reply(model, messages, params, meta))
        per_token = float(params.get("token_latency", 0) or 0)
        midstream = _active_fault(params, meta) == "midstream"
        for n, token in enumerate(tokens):
            if per_token:
                await asyncio.sleep(per_token)
            if midstream and n == len(tokens) // 2:
                raise litellm.APIConnectionError("fake: connection dropped mid-stream", llm_provider="fake", model=model)
            yield chunk(token)
        yield chunk("", finished=True, usage=usage(_prompt_tokens(messages), len(tokens)))

    def completion(self, *args: Any, **kwargs: Any) -> Any:
        raise litellm.BadRequestError("fake provider is async only", model="fake", llm_provider="fake")


def reply(model: str, messages: list[dict[str, Any]], params: dict[str, Any], meta: dict[str, Any]) -> tuple[str, int, list[dict[str, Any]] | None]:
    """The fake provider's answer, its token count and (when asked for) its OpenAI-style
    log-probabilities, without litellm: the engine benchmark's transport that takes litellm
    out of the measure."""
    text = _reply(model, messages, params, meta)
    tokens = _split(text)
    return text, len(tokens), _logprobs(tokens, params)


def _reply(model: str, messages: list[dict[str, Any]], params: dict[str, Any], meta: dict[str, Any]) -> str:
    if params.get("oracle") and meta.get("purpose") == "judge" and meta.get("control"):
        return _oracle(str(meta["control"]), str(meta.get("label_a", "proposition")), json_schema_of(params) or {})
    if script := params.get("script"):
        scripted = _scripted(Path(script), meta)
        if scripted is not None:
            return scripted
    schema = json_schema_of(params)
    rng = random.Random(_seed(model, params, meta))
    if schema is not None:
        return json.dumps(_instance(schema, rng))
    budget = int(params.get("max_tokens") or 200)
    count = min(int(params.get("words") or 60), max(1, budget - 1))
    words = [rng.choice(_WORDS) for _ in range(count)]
    side = meta.get("side", "")
    opener = f"As {side}, " if side else ""
    return (opener + " ".join(words)).strip().capitalize() + "."


def _oracle(control: str, label_a: str, schema: dict[str, Any]) -> str:
    """A judge that knows which side of a control debate was degraded (its id ends with that
    side) and always prefers the other: a qualification test's perfect judge."""
    better_is_a = not control.endswith("/" + label_a)
    criteria = list(schema.get("properties", {}).get("scores", {}).get("properties", {}))
    good, bad = (4, 2) if better_is_a else (2, 4)
    return json.dumps({
        "reason": "One debater made a relevant, coherent case and answered the other; the other did not.",
        "scores": {cid: {"debater_a": good, "debater_b": bad} for cid in criteria},
        "verdict": 1 if better_is_a else 5,
        "both_poor": False,
    })


def _scripted(path: Path, meta: dict[str, Any]) -> str | None:
    script = _load_script(str(path))
    if meta.get("purpose") == "judge":
        replies = script.get("judge") if isinstance(script, dict) else None
        if isinstance(replies, dict):  # per presentation: keyed by the side shown as Debater A
            replies = replies.get(meta.get("label_a"))
        if not replies:
            return None
        replies = replies if isinstance(replies, list) else [replies]
        return str(replies[min(int(meta.get("ask", 0)), len(replies) - 1)])
    if isinstance(script, list):
        turn = int(meta.get("turn", 0))
        return str(script[min(turn, len(script) - 1)]) if script else None
    for key in (meta.get("speech_index"), meta.get("role"), "default"):
        if key is not None and key in script:
            return str(script[key])
    return None


@lru_cache(maxsize=64)
def _load_script(path: str) -> Any:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _seed(model: str, params: dict[str, Any], meta: dict[str, Any]) -> int:
    key = json.dumps([model, params.get("seed", 0), meta.get("debate"), meta.get("speech_index"), meta.get("purpose"), meta.get("label_a"), meta.get("stage"), meta.get("control"), meta.get("repetition")], default=str)
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")


def _instance(schema: dict[str, Any], rng: random.Random) -> Any:
    """A value that satisfies a (simple) JSON schema, so fake judges return valid ballots."""
    if "enum" in schema:
        return rng.choice(schema["enum"])
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _instance(sub, rng) for name, sub in props.items()}
    if kind == "array":
        items = schema.get("items", {})
        return [_instance(items, rng) for _ in range(int(schema.get("minItems", 1)))]
    if kind == "integer":
        return rng.randint(int(schema.get("minimum", 0)), int(schema.get("maximum", 10)))
    if kind == "number":
        return round(rng.uniform(float(schema.get("minimum", 0)), float(schema.get("maximum", 1))), 3)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "string":
        return " ".join(rng.choice(_WORDS) for _ in range(8))
    return None


_FAULTS = {
    "rate_limit": lambda m: litellm.RateLimitError("fake: rate limited", llm_provider="fake", model=m),
    "server": lambda m: litellm.InternalServerError("fake: 500", llm_provider="fake", model=m),
    "connection": lambda m: litellm.APIConnectionError("fake: connection refused", llm_provider="fake", model=m),
    "timeout": lambda m: litellm.Timeout("fake: timed out", llm_provider="fake", model=m),
    "auth": lambda m: litellm.AuthenticationError("fake: invalid key", llm_provider="fake", model=m),
    "bad_request": lambda m: litellm.BadRequestError("fake: bad request", llm_provider="fake", model=m),
    "context_window": lambda m: litellm.ContextWindowExceededError("fake: prompt too long", llm_provider="fake", model=m),
    "not_found": lambda m: litellm.NotFoundError("fake: no such model", llm_provider="fake", model=m),
}


def _active_fault(params: dict[str, Any], meta: dict[str, Any]) -> str | None:
    attempt = int(meta.get("attempt", 1))
    for fault in params.get("faults") or []:
        if attempt <= int(fault.get("times", 1)):
            return str(fault["kind"])
    rate = float(params.get("fail_rate", 0) or 0)
    key = json.dumps([meta, attempt], sort_keys=True, default=str).encode()
    if rate and random.Random(hashlib.blake2b(key, digest_size=8).digest()).random() < rate:
        return "server"
    return None


async def _fault(params: dict[str, Any], meta: dict[str, Any], *, streaming: bool, key: str | None = None) -> None:
    kind = _active_fault(params, meta)
    if kind is None or kind == "midstream":
        return
    if kind == "echo_key":
        raise litellm.InternalServerError(f"fake: 500, rejected credential {key!s}", llm_provider="fake", model=str(meta.get("model", "fake")))
    if kind == "hang":
        await asyncio.sleep(3600)
    factory = _FAULTS.get(kind)
    if factory is None:
        raise litellm.BadRequestError(f"fake: unknown fault kind {kind!r}", llm_provider="fake", model="fake")
    raise factory(str(meta.get("model", "fake")))


def _log_call(params: dict[str, Any], model: str, meta: dict[str, Any]) -> None:
    if log := params.get("call_log"):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"model": model, **meta}, default=str) + "\n")


def _logprobs(tokens: list[str], params: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Each token certain (log-probability 0), when asked for: the path real providers take."""
    if not params.get("logprobs"):
        return None
    return [{"token": t, "logprob": 0.0, "top_logprobs": [{"token": t, "logprob": 0.0}]} for t in tokens]


def _split(text: str) -> list[str]:
    """Word-sized tokens that join back into exactly `text`."""
    return list(_tokens(text))


def _tokens(text: str) -> Iterator[str]:
    start = 0
    for i, ch in enumerate(text):
        if ch == " " and i > start:
            yield text[start:i]
            start = i
    if start < len(text):
        yield text[start:]


def _prompt_tokens(messages: list[dict[str, Any]]) -> int:
    return sum(len(str(m.get("content", "")).split()) for m in messages)
