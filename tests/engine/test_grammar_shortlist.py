"""A local model checks its grammar against the likeliest tokens first (`_grammar_on_shortlist`):
the candidates array is reordered in place, never shortened for good, and at temperature 0 the
reply is the one llama.cpp's whole-vocabulary check writes, even when no shortlisted token fits."""

from __future__ import annotations

import json
import threading
from typing import Any

import numpy as np
import pytest

from debate.providers import local
from debate.providers.local import _TOKEN_ROW, _to_front


def _rows(n: int, seed: int) -> Any:
    rng = np.random.default_rng(seed)
    rows = np.zeros(n, dtype=_TOKEN_ROW)
    rows["id"] = rng.permutation(n)
    rows["logit"] = rng.normal(size=n).astype(np.float32)
    return rows


@pytest.mark.parametrize("seed", range(5))
def test_the_shortlist_moves_to_the_front_and_nothing_is_lost(seed: int) -> None:
    rows = _rows(1000, seed)
    before = rows.copy()
    best = np.argpartition(rows["logit"], 1000 - 32)[1000 - 32 :]
    wanted = set(rows["id"][best].tolist())
    _to_front(rows, best)
    assert set(rows["id"][:32].tolist()) == wanted
    assert sorted(rows.tolist()) == sorted(before.tolist()), "every candidate is still in the array, with its logit"


def test_a_shortlist_already_at_the_front_stays_put() -> None:
    rows = _rows(50, 9)
    before = rows.copy()
    _to_front(rows, np.array([3, 0, 2, 1]))
    assert rows.tolist() == before.tolist()


SCHEMA = {
    "type": "object",
    "properties": {"winner": {"type": "string", "enum": ["A", "B"]}, "margin": {"type": "integer", "enum": [1, 2, 3]}, "reason": {"type": "string", "maxLength": 120}},
    "required": ["winner", "margin", "reason"],
    "additionalProperties": False,
}
MESSAGES = [
    {"role": "system", "content": "You judge debates. Reply with JSON only."},
    {"role": "user", "content": "A said homework steals evenings. B said practice builds habits. Who won, by how much, and why?"},
]


@pytest.mark.slow
@pytest.mark.parametrize("shortlist", [1, 256])
def test_a_greedy_grammar_reply_is_the_whole_vocabulary_checks_reply(shortlist: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a shortlist of one token most steps find that token does not fit, and the grammar
    is asked again over the whole vocabulary; with 256 it rarely is. Both write what a `Llama`
    without the shortlist writes."""
    import llama_cpp
    from llama_cpp import Llama

    from debate.localmodels import lookup, model_path
    from debate.providers.local import _Loaded, _run

    widened = [0]
    apply = llama_cpp.llama_sampler_apply

    def counting(sampler: Any, cur_p: Any) -> None:
        widened[0] += 1
        apply(sampler, cur_p)

    monkeypatch.setattr(local, "SHORTLIST", shortlist)
    monkeypatch.setattr(llama_cpp, "llama_sampler_apply", counting)
    # Log-probabilities put a Python step first in the chain, as a judge's calls do.
    params = {"temperature": 0.0, "max_tokens": 48, "logprobs": True, "top_logprobs": 3, "response_format": {"type": "json_schema", "json_schema": {"schema": SCHEMA}}}
    loaded = _Loaded(lookup("qwen2.5-0.5b-instruct"))
    try:
        reply = "".join(text for text, _ in _run(loaded, MESSAGES, params, threading.Event()))
    finally:
        loaded.llama.close()
    if shortlist == 1:
        assert widened[0] > 0, "a one-token shortlist that never missed: the fallback went untested"

    plain = Llama(model_path=str(model_path(lookup("qwen2.5-0.5b-instruct"))), n_ctx=2048, n_threads=local.local_threads(), verbose=False)
    try:
        out = plain.create_chat_completion(messages=MESSAGES, temperature=0.0, max_tokens=48, response_format={"type": "json_object", "schema": SCHEMA})
    finally:
        plain.close()
    assert reply == out["choices"][0]["message"]["content"]
    assert reply.startswith('{"winner": "')


@pytest.mark.slow
def test_a_sampled_grammar_reply_still_fits_the_schema() -> None:
    from debate.localmodels import lookup
    from debate.providers.local import _Loaded, _run

    params = {"temperature": 1.0, "seed": 3, "max_tokens": 200, "response_format": {"type": "json_schema", "json_schema": {"schema": SCHEMA}}}
    loaded = _Loaded(lookup("qwen2.5-0.5b-instruct"))
    try:
        replies = ["".join(text for text, _ in _run(loaded, MESSAGES, params | {"seed": seed}, threading.Event())) for seed in (3, 4)]
    finally:
        loaded.llama.close()
    for reply in replies:
        ballot = json.loads(reply)
        assert ballot["winner"] in ("A", "B") and ballot["margin"] in (1, 2, 3) and set(ballot) == {"winner", "margin", "reason"}
