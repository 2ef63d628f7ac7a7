"""How many threads a local model computes on."""

from __future__ import annotations

import os

import pytest

from debate.providers.local import local_threads


def test_the_variable_sets_the_threads_and_a_bad_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBATE_LOCAL_THREADS", "3")
    assert local_threads() == 3
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("DEBATE_LOCAL_THREADS", bad)
        with pytest.raises(ValueError, match=rf"DEBATE_LOCAL_THREADS must be a whole number of threads, 1 or more, not '{bad}'"):
            local_threads()


def test_without_the_variable_every_usable_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEBATE_LOCAL_THREADS", raising=False)
    assert local_threads() == len(os.sched_getaffinity(0))
