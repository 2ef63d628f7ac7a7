"""The local models' prefix cache: a prompt starts from the kept state that shares the most
of it, the cache keeps a bounded number of states, and a restored state changes nothing in
what the model writes."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

from debate.providers.local import _PrefixCache, shared_prefix


def _state(n_tokens: int) -> Any:
    return SimpleNamespace(n_tokens=n_tokens)


@pytest.mark.parametrize(
    ("a", "b", "shared"),
    [([1, 2, 3], [1, 2, 3, 4], 3), ([1, 2, 3], [1, 9, 3], 1), ([5], [6], 0), ([], [1], 0), ((4, 4), [4, 4], 2)],
)
def test_shared_prefix_counts_tokens_equal_from_the_start(a: list[int], b: list[int], shared: int) -> None:
    assert shared_prefix(a, b) == shared


def test_a_prompt_gets_the_state_sharing_its_longest_prefix() -> None:
    cache = _PrefixCache(size=3)
    judge, speech = _state(6), _state(4)
    cache[[1, 2, 3, 4, 5, 6]] = judge
    cache[[1, 7, 8, 9]] = speech
    assert cache[[1, 2, 3, 10, 11]] is judge
    assert cache[[1, 7, 8]] is speech
    assert [1, 2] in cache and [9, 9] not in cache
    with pytest.raises(KeyError):
        cache[[9, 9, 9]]


def test_the_cache_keeps_its_size_dropping_the_least_recently_used() -> None:
    cache = _PrefixCache(size=2)
    cache[[1, 1]] = _state(2)
    cache[[2, 2]] = _state(2)
    cache[[1, 1, 5]]  # a hit makes [1, 1] the most recent
    cache[[3, 3]] = _state(2)
    assert [1, 1] in cache and [3, 3] in cache and [2, 2] not in cache
    assert len(cache.states) == 2


@pytest.mark.slow
def test_a_restored_prefix_writes_what_a_fresh_model_writes() -> None:
    """Between two prompts that share a long prefix comes an unrelated one (as a debater's
    speech comes between two ballots): the third starts from the first's state, and at
    temperature 0 writes exactly what a model without the cache writes."""
    from debate.localmodels import lookup
    from debate.providers.local import _Loaded, _run

    def generate(loaded: Any, messages: list[dict[str, str]]) -> str:
        items = list(_run(loaded, messages, {"temperature": 0.0, "max_tokens": 24}, threading.Event()))
        return "".join(text for text, _ in items)

    instructions = "You judge debates. " + " ".join(f"Rule {i}: weigh evidence over assertion." for i in range(40))
    first = [{"role": "system", "content": instructions}, {"role": "user", "content": "Debate one: cats against dogs. Who won?"}]
    other = [{"role": "system", "content": "You are a poet."}, {"role": "user", "content": "One line about rain."}]
    second = [{"role": "system", "content": instructions}, {"role": "user", "content": "Debate two: tea against coffee. Who won?"}]

    cached = _Loaded(lookup("qwen2.5-0.5b-instruct"))
    hits: list[int] = []
    lookup_state = cached.llama.cache.__class__.__getitem__

    def counting(self: _PrefixCache, key: Any) -> Any:
        state = lookup_state(self, key)
        hits.append(shared_prefix(key, next(k for k, v in self.states.items() if v is state)))
        return state

    try:
        _PrefixCache.__getitem__ = counting  # type: ignore[method-assign]
        generate(cached, first)
        generate(cached, other)
        with_cache = generate(cached, second)
    finally:
        _PrefixCache.__getitem__ = lookup_state  # type: ignore[method-assign]
    assert hits and max(hits) > 200, "the second ballot-like prompt started from the first one's state"
    # One row of logits per kept state, not one per batch slot of the whole vocabulary.
    assert all(state.scores.shape == (1, cached.llama.n_vocab()) for state in cached.llama.cache.states.values())

    cached.llama.close()
    fresh = _Loaded(lookup("qwen2.5-0.5b-instruct"))
    fresh.llama.set_cache(None)
    try:
        assert generate(fresh, second) == with_cache
    finally:
        fresh.llama.close()
