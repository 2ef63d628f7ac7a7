"""Pieces both custom providers share: building litellm responses and stream chunks."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def call_metadata(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The engine's per-call metadata (debate, speech index, role, attempt), if any."""
    params = kwargs.get("litellm_params") or {}
    return dict(params.get("metadata") or {})


def model_response(text: str, prompt_tokens: int, completion_tokens: int, finish_reason: str, *, logprobs: list[dict[str, Any]] | None = None) -> Any:
    """`logprobs`: OpenAI's `choices[0].logprobs.content` list, where the provider has it."""
    choice: dict[str, Any] = {"message": {"role": "assistant", "content": text}, "finish_reason": finish_reason, "index": 0}
    if logprobs is not None:
        choice["logprobs"] = {"content": logprobs}
    response = _free_response_type()(
        choices=[choice],
        usage={
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    )
    # Both providers are free: with the cost given, litellm skips its price look-up.
    response._hidden_params["response_cost"] = 0.0
    return response


@lru_cache(maxsize=1)
def _free_response_type() -> type:
    """litellm's ModelResponse, serialised without pydantic's serializer warnings.

    litellm dumps every response for its logging payload, and its own types (a choice that may
    be streaming or not, a message that deletes its unset fields) make pydantic build a warning
    for each, with the whole response rendered into it; the gateway discards those warnings, yet
    building them (with litellm's price look-up, skipped by the cost `model_response` sets) took about 40%
    of litellm's CPU per call on these providers."""
    import litellm

    class FreeResponse(litellm.ModelResponse):  # type: ignore[misc,name-defined]
        def model_dump(self, **kwargs: Any) -> dict[str, Any]:
            kwargs.setdefault("warnings", False)
            return super().model_dump(**kwargs)  # type: ignore[no-any-return]

    return FreeResponse


def chunk(text: str, *, finished: bool = False, finish_reason: str | None = None, usage: dict[str, int] | None = None) -> Any:
    from litellm.types.utils import GenericStreamingChunk

    return GenericStreamingChunk(
        text=text,
        is_finished=finished,
        finish_reason=finish_reason or ("stop" if finished else ""),
        index=0,
        tool_use=None,
        usage=usage,  # type: ignore[typeddict-item]
    )


def usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def json_schema_of(optional_params: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema asked for through OpenAI-style `response_format`, if any."""
    fmt = optional_params.get("response_format")
    if not isinstance(fmt, dict):
        return None
    if fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        return spec.get("schema") or {}
    if fmt.get("type") == "json_object":
        return fmt.get("schema") or {}
    return None
