"""`local/<name>`: GGUF models run in-process by llama-cpp-python, served through litellm.

A `Llama` object is not thread-safe, so each loaded model has one lock and generation runs in
a worker thread while the event loop stays free. Tokens cross from that thread to the event
loop through a queue, one per token, which is what lets spectators watch a local debate live.

Reading a prompt costs more than writing the reply here (two cores read about 85 tokens a
second of a 0.5B model), and the callers of one model take turns: a debater's speech, then the
judge, then the next debate's speeches. So each model keeps the computed state of its last few
generations (`_PrefixCache`), and a prompt starts from the one that shares the longest prefix
with it: the judge's instructions, the same in every ballot, are read once per tournament.
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import litellm
import numpy as np
from litellm import CustomLLM

from debate.localmodels import LocalModel, lookup, model_path
from debate.providers.common import chunk, json_schema_of, model_response, usage

log = logging.getLogger("debate.llama")
_SAMPLING = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "seed", "stop", "presence_penalty", "frequency_penalty")
_DONE = object()


_log_callback: Any = None


def _quiet_llama_logs() -> None:
    """Route llama.cpp's own logging to Python logging instead of the user's terminal."""
    global _log_callback
    import llama_cpp

    if _log_callback is None:

        @llama_cpp.llama_log_callback
        def forward(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            log.debug("%s", text.decode("utf-8", "replace").rstrip())

        _log_callback = forward  # keep a reference: the C side holds only a raw pointer
        llama_cpp.llama_log_set(_log_callback, ctypes.c_void_p(0))


class _Loaded:
    def __init__(self, spec: LocalModel) -> None:
        _quiet_llama_logs()
        self.spec = spec
        self.lock = threading.Lock()
        # One long-lived thread per model: llama.cpp's OpenMP worker team belongs to the thread
        # that calls it, so a fresh thread per generation would leave idle teams spinning.
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"llama-{spec.name}")
        self.llama = _llama_class()(
            model_path=str(model_path(spec)),
            n_ctx=spec.n_ctx,
            n_threads=local_threads(),
            verbose=False,
        )
        self.llama.set_cache(_PrefixCache())


def _llama_class() -> Any:
    """`Llama` whose grammar checks the likeliest tokens first (`_grammar_on_shortlist`), and
    whose saved and restored states carry one row of logits, not one per batch slot
    of the whole vocabulary (311 MB for Qwen, 537 MB for Gemma): copied at the end of every
    generation and zeroed at every restore, those rows doubled the demo's peak memory and took
    half a second a restore. A restored state is always evaluated again from at least one token
    before anything is sampled (`Llama.generate`), so the rows are never read."""
    from llama_cpp import Llama

    class _Llama(Llama):  # type: ignore[misc]
        def save_state(self) -> Any:
            rows = self.scores
            self.scores = rows[:1]
            try:
                return super().save_state()
            finally:
                self.scores = rows

        def load_state(self, state: Any) -> None:
            rows = self.scores
            self.scores = rows[:1]
            try:
                super().load_state(state)
            finally:
                self.scores = rows

        def _init_sampler(self, **kwargs: Any) -> Any:
            sampler = super()._init_sampler(**kwargs)
            if kwargs.get("grammar") is not None:
                _grammar_on_shortlist(sampler)
            return sampler

    return _Llama


# Tokens the grammar is first checked against at each step: the likeliest by logit.
SHORTLIST = 256
_TOKEN_ROW = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])


def _grammar_on_shortlist(sampler: Any) -> None:
    """Have the grammar in a sampler chain check the likeliest tokens first, and the whole
    vocabulary only when none of them fits.

    llama.cpp checks every token of the vocabulary against the grammar at every step: 20 ms a
    token over Qwen's 151,936, as long as the 0.5B model takes to compute the token, so a judge
    writing its JSON ballot wrote 17 tokens a second where it writes 28 unconstrained. The
    token a greedy judge picks is the likeliest that fits; if any token in the shortlist fits,
    that token is in it, so greedy output is the same token for token. Sampling at a
    temperature draws from the shortlist's fitting tokens, which top-k (40 by default) and
    min-p cut to fewer still.

    The chain keeps the grammar (it advances the grammar's state with each token chosen); a
    step before it moves the shortlist to the front of the candidates and shortens the array,
    which leaves the rest in place behind it, and a step after it lengthens the array again and
    asks the grammar once more when it rejected the whole shortlist.
    """
    import llama_cpp

    chain = sampler.sampler
    count = llama_cpp.llama_sampler_chain_n(chain)
    python_steps = {i for i, _ in sampler.custom_samplers}  # nameless: llama.cpp would call a null pointer
    at = next(i for i in range(count) if i not in python_steps and llama_cpp.llama_sampler_name(llama_cpp.llama_sampler_chain_get(chain, i)) == b"grammar")
    grammar, *after = [llama_cpp.llama_sampler_chain_remove(chain, at) for _ in range(count - at)]
    full = [0]  # the candidates' length before the shortlist cut it; 0: not cut this step

    def shortlist(cur_p: Any) -> None:
        candidates = cur_p.contents
        size = int(candidates.size)
        full[0] = size if size > SHORTLIST else 0
        if full[0]:
            rows = _token_rows(candidates, size)
            _to_front(rows, np.argpartition(rows["logit"], size - SHORTLIST)[size - SHORTLIST :])
            candidates.size, candidates.sorted = SHORTLIST, False

    def widen_if_none_fit(cur_p: Any) -> None:
        candidates = cur_p.contents
        if full[0] and np.isneginf(_token_rows(candidates, int(candidates.size))["logit"]).all():
            candidates.size = full[0]
            llama_cpp.llama_sampler_apply(grammar, cur_p)

    sampler.add_custom(shortlist)
    llama_cpp.llama_sampler_chain_add(chain, grammar)
    sampler.add_custom(widen_if_none_fit)
    for step in after:
        llama_cpp.llama_sampler_chain_add(chain, step)


def _token_rows(candidates: Any, size: int) -> Any:
    """The first `size` candidates of a `llama_token_data_array`, as a writable numpy view."""
    buffer = (ctypes.c_char * (size * _TOKEN_ROW.itemsize)).from_address(ctypes.addressof(candidates.data.contents))
    return np.frombuffer(buffer, dtype=_TOKEN_ROW)


def _to_front(rows: Any, chosen: Any) -> None:
    """Swap the rows at `chosen` into the first len(chosen) places; the others stay in the array."""
    front = len(chosen)
    placed = np.zeros(front, dtype=bool)
    placed[chosen[chosen < front]] = True
    incoming, vacant = chosen[chosen >= front], np.flatnonzero(~placed)
    rows[incoming], rows[vacant] = rows[vacant].copy(), rows[incoming].copy()


class _PrefixCache:
    """The states after a model's last `size` generations, each found by the longest prefix it
    shares with a new prompt. llama-cpp-python restores the state only when it shares more than
    what the model holds already, then reads the rest of the prompt from where they part.

    A state is llama.cpp's KV cells for its tokens (12 KB a token for the 0.5B model) and one
    row of logits (`_llama_class`).

    The interface is the one `Llama.set_cache` expects of its `BaseLlamaCache` (item access by a
    token sequence); it is not subclassed so that importing this module does not load llama.cpp.
    """

    def __init__(self, size: int = 6) -> None:
        self.size = size
        self.states: OrderedDict[tuple[int, ...], Any] = OrderedDict()

    def _longest(self, key: Sequence[int]) -> tuple[int, ...] | None:
        best, best_len = None, 0
        for tokens in self.states:
            shared = shared_prefix(tokens, key)
            if shared > best_len:
                best, best_len = tokens, shared
        return best

    def __getitem__(self, key: Sequence[int]) -> Any:
        found = self._longest(key)
        if found is None:
            raise KeyError("no cached state shares a prefix with the prompt")
        self.states.move_to_end(found)
        return self.states[found]

    def __contains__(self, key: Sequence[int]) -> bool:
        return self._longest(key) is not None

    def __setitem__(self, key: Sequence[int], state: Any) -> None:
        self.states.pop(tuple(key), None)
        self.states[tuple(key)] = state
        while len(self.states) > self.size:
            self.states.popitem(last=False)


def shared_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many tokens two sequences share from the start."""
    n = min(len(a), len(b))
    if n == 0:
        return 0
    differ = np.flatnonzero(np.asarray(a[:n]) != np.asarray(b[:n]))
    return int(differ[0]) if differ.size else n


def local_threads() -> int:
    """Threads per local model: DEBATE_LOCAL_THREADS, else every CPU this process may use.
    llama.cpp's threads wait for each other by spinning, so on a machine busy with other work
    fewer threads than CPUs can be faster."""
    raw = os.environ.get("DEBATE_LOCAL_THREADS", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise ValueError(f"DEBATE_LOCAL_THREADS must be a whole number of threads, 1 or more, not {raw!r}")
        return int(raw)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class LocalProvider(CustomLLM):
    def __init__(self) -> None:
        super().__init__()
        self._models: dict[str, _Loaded] = {}
        self._loading = threading.Lock()
        # Free the models while the interpreter is still whole; llama's own finaliser fails later.
        atexit.register(self.close)

    def close(self) -> None:
        with self._loading:
            for loaded in self._models.values():
                loaded.thread.shutdown(wait=True, cancel_futures=True)
                with loaded.lock:
                    loaded.llama.close()
            self._models.clear()

    def loaded(self, name: str) -> _Loaded:
        with self._loading:
            if name not in self._models:
                self._models[name] = _Loaded(lookup(name))
            return self._models[name]

    async def acompletion(self, model: str, messages: list[dict[str, Any]], *args: Any, **kwargs: Any) -> Any:
        params = kwargs.get("optional_params") or {}
        pieces: list[str] = []
        final: dict[str, Any] = {}
        async for token, info in self._generate(model, messages, params):
            pieces.append(token)
            final = info or final
        return model_response(
            "".join(pieces), final.get("prompt_tokens", 0), final.get("completion_tokens", len(pieces)), final.get("finish_reason", "stop"),
            logprobs=final.get("logprobs"),
        )

    async def astreaming(self, model: str, messages: list[dict[str, Any]], *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        params = kwargs.get("optional_params") or {}
        async for token, info in self._generate(model, messages, params):
            if info:
                yield chunk(token, finished=True, finish_reason=info["finish_reason"], usage=usage(info["prompt_tokens"], info["completion_tokens"]))
            else:
                yield chunk(token)

    def completion(self, *args: Any, **kwargs: Any) -> Any:
        raise litellm.BadRequestError("the local provider is async only", model="local", llm_provider="local")

    async def _generate(self, model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> AsyncIterator[tuple[str, dict[str, Any] | None]]:
        """Run one generation in a thread and hand its tokens to the event loop as they come."""
        loaded = await asyncio.to_thread(self.loaded, model)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                with loaded.lock:
                    for item in _run(loaded, messages, params, stop):
                        loop.call_soon_threadsafe(queue.put_nowait, item)
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting side
                loop.call_soon_threadsafe(queue.put_nowait, exc)
            loop.call_soon_threadsafe(queue.put_nowait, _DONE)

        loaded.thread.submit(produce)
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise litellm.APIConnectionError(f"local model failed: {item}", llm_provider="local", model=model) from item
                yield item
        finally:
            # A cancelled or abandoned call must not keep the model busy.
            stop.set()


def _run(loaded: _Loaded, messages: list[dict[str, Any]], params: dict[str, Any], stop: threading.Event) -> Iterator[tuple[str, dict[str, Any] | None]]:
    llama = loaded.llama
    kwargs = {k: params[k] for k in _SAMPLING if params.get(k) is not None}
    kwargs["max_tokens"] = int(params.get("max_tokens") or 256)
    schema = json_schema_of(params)
    recorder = _LogprobRecorder(llama, int(params.get("top_logprobs") or 5)) if params.get("logprobs") else None
    if recorder is not None:
        from llama_cpp import LogitsProcessorList

        kwargs["logits_processor"] = LogitsProcessorList([recorder])
    if loaded.spec.chat:
        if schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        stream = llama.create_chat_completion(messages=messages, stream=True, **kwargs)
        text_of = lambda part: part["choices"][0]["delta"].get("content") or ""  # noqa: E731
    else:
        prompt = _plain_prompt(messages)
        kwargs.setdefault("stop", ["\n\n\n"])
        kwargs.setdefault("repeat_penalty", 1.15)
        stream = llama.create_completion(prompt=prompt, stream=True, **kwargs)
        text_of = lambda part: part["choices"][0].get("text") or ""  # noqa: E731
    produced, finish = 0, "stop"
    for part in stream:
        if stop.is_set():
            finish = "cancelled"
            break
        text = text_of(part)
        finish = part["choices"][0].get("finish_reason") or finish
        if text:
            produced += 1
            yield text, None
    prompt_tokens = max(0, llama.n_tokens - produced)
    info: dict[str, Any] = {"finish_reason": finish, "prompt_tokens": prompt_tokens, "completion_tokens": produced}
    if recorder is not None:
        info["logprobs"] = recorder.content()
    yield "", info


class _LogprobRecorder:
    """Token log-probabilities of a generation, read from the logits llama.cpp samples from.

    llama-cpp-python returns logprobs only for models loaded with `logits_all`, which keeps a
    vocabulary-wide row for every position of the context (gigabytes for a 150k vocabulary).
    A logits processor sees the same raw logits one step at a time, before any grammar, for
    nothing: each call keeps the step's top alternatives, and the next call, whose input ends
    with the token that step chose, fills in that token's own log-probability.
    """

    def __init__(self, llama: Any, top: int) -> None:
        self.llama = llama
        self.top = max(1, min(top, 20))
        self.steps: list[dict[int, float]] = []
        self.chosen: list[int] = []
        self._previous: Any = None
        self._start: int | None = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import numpy as np

        if self._start is None:
            self._start = len(input_ids)
        elif self._previous is not None:
            token = int(input_ids[-1])
            self.chosen.append(token)
            self.steps[-1].setdefault(token, float(self._previous[token]))
        peak = float(np.max(scores))
        logprobs = scores - (peak + float(np.log(np.sum(np.exp(scores - peak)))))
        best = np.argpartition(logprobs, -self.top)[-self.top :]
        self.steps.append({int(i): float(logprobs[i]) for i in best})
        self._previous = logprobs
        return scores

    def content(self) -> list[dict[str, Any]]:
        """OpenAI's `logprobs.content` for every token whose choice was seen."""
        text = lambda token: self.llama.detokenize([token]).decode("utf-8", "replace")  # noqa: E731
        return [
            {
                "token": text(token),
                "logprob": step[token],
                "top_logprobs": [{"token": text(t), "logprob": lp} for t, lp in sorted(step.items(), key=lambda kv: -kv[1])],
            }
            for token, step in zip(self.chosen, self.steps, strict=False)
        ]


def _plain_prompt(messages: list[dict[str, Any]]) -> str:
    """A base model has no chat template: lay the conversation out as a document to continue."""
    body = "\n\n".join(str(m.get("content", "")).strip() for m in messages if m.get("role") != "assistant")
    return body + "\n\nSpeech:\n"
