"""What decoding several sequences in one batch can gain for a local model on this machine.

llama.cpp decodes a batch of sequences in one pass over the weights; where one sequence is
memory-bound, a batch of four approaches four times its tokens per second. Where the CPU is
already the limit, it gains little. Before any serving of concurrent debates in one batch
(llama.cpp's server with parallel slots, or batched decoding in-process) can be worth its
cost, this measures the ceiling it would reach: 1, 2 and 4 (or more) sequences of the same
model decoded together through llama.cpp's own C API, greedy, one token per sequence per
step, with no server, no Python per token beyond the loop itself. Aggregate tokens per second
by batch size, and each size's ratio to one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

def ceiling(llama: Any, text: str, *, sizes: Sequence[int] = (1, 2, 4), tokens: int = 64, threads: int) -> dict[str, Any]:
    """Aggregate tokens/s when `size` sequences of the loaded `llama` (a llama_cpp.Llama), each
    continuing `text`, are decoded in one batch, for each size;
    {"tokens_per_s": {size: rate}, "speedup_<n>_vs_1": ...}."""
    import llama_cpp as lib

    prompt = llama.tokenize(text.encode())
    params = lib.llama_context_default_params()
    # One cache for all the sequences (kv_unified), with room for each one's prompt and tokens.
    params.kv_unified = True
    params.n_seq_max = max(sizes)
    params.n_ctx = (len(prompt) + tokens + 8) * max(sizes)
    params.n_batch = params.n_ubatch = max(len(prompt), max(sizes))
    params.n_threads = params.n_threads_batch = threads
    context = lib.llama_init_from_model(llama._model.model, params)
    if not context:
        raise RuntimeError("llama.cpp could not make a context for the batch measurement")
    try:
        rates = {size: _rate(lib, context, prompt, size, tokens) for size in sizes}
    finally:
        lib.llama_free(context)
    figures: dict[str, Any] = {"tokens_per_s": {str(size): round(rate, 2) for size, rate in rates.items()}}
    for size in sizes[1:]:
        figures[f"speedup_{size}_vs_1"] = round(rates[size] / rates[sizes[0]], 3)
    return figures


def _rate(lib: Any, context: Any, prompt: list[int], size: int, tokens: int) -> float:
    """Decode the prompt once, copy it to `size` sequences, then time `tokens` steps of one
    token for every sequence."""
    memory = lib.llama_get_memory(context)
    lib.llama_memory_clear(memory, True)
    batch = lib.llama_batch_init(max(len(prompt), size), 0, size)
    samplers = [lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params()) for _ in range(size)]
    try:
        for sampler in samplers:
            lib.llama_sampler_chain_add(sampler, lib.llama_sampler_init_greedy())
        _fill(batch, [(token, i, 0, i == len(prompt) - 1) for i, token in enumerate(prompt)])
        _decode(lib, context, batch)
        for sequence in range(1, size):
            lib.llama_memory_seq_cp(memory, 0, sequence, -1, -1)
        # The first step samples every sequence from the prompt's one row of logits; later
        # steps from row `sequence` of the previous batch.
        rows = [len(prompt) - 1] * size
        position = len(prompt)
        start = time.perf_counter()
        for _ in range(tokens):
            chosen = [lib.llama_sampler_sample(samplers[s], context, rows[s]) for s in range(size)]
            _fill(batch, [(chosen[s], position, s, True) for s in range(size)])
            _decode(lib, context, batch)
            rows = list(range(size))
            position += 1
        return size * tokens / (time.perf_counter() - start)
    finally:
        for sampler in samplers:
            lib.llama_sampler_free(sampler)
        lib.llama_batch_free(batch)


def _fill(batch: Any, entries: list[tuple[int, int, int, bool]]) -> None:
    """(token, position, sequence, wants logits) per entry."""
    batch.n_tokens = len(entries)
    for i, (token, position, sequence, logits) in enumerate(entries):
        batch.token[i] = token
        batch.pos[i] = position
        batch.n_seq_id[i] = 1
        batch.seq_id[i][0] = sequence
        batch.logits[i] = int(logits)


def _decode(lib: Any, context: Any, batch: Any) -> None:
    status = lib.llama_decode(context, batch)
    if status != 0:
        raise RuntimeError(f"llama_decode failed with status {status}")
