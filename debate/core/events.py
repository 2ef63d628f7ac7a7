"""Engine events: what the CLI, the TUI and spectators react to. The engine only emits them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class TournamentStarted(Event):
    kind: Literal["tournament_started"] = "tournament_started"
    tournament: str
    rounds: int | None  # None where the number of rounds depends on results (arena)
    debates_total: int | None
    debates_done: int
    resumed: bool


class RoundStarted(Event):
    kind: Literal["round_started"] = "round_started"
    round: int
    stage: str  # preliminary | elimination | arena
    debates: int
    motion: str | None  # None when each debate has its own motion
    notes: tuple[str, ...] = ()


class DebateStarted(Event):
    kind: Literal["debate_started"] = "debate_started"
    debate_id: int
    round: int
    proposition: str
    opposition: str
    motion: str
    resumed_at: int


class SpeechStarted(Event):
    kind: Literal["speech_started"] = "speech_started"
    debate_id: int
    index: int
    side: str
    role: str
    speaker: str


class TextDelta(Event):
    kind: Literal["text_delta"] = "text_delta"
    debate_id: int
    index: int
    text: str


class SpeechDone(Event):
    kind: Literal["speech_done"] = "speech_done"
    debate_id: int
    index: int
    tokens: int
    latency_s: float
    cost_usd: float | None


class CallRetried(Event):
    kind: Literal["call_retried"] = "call_retried"
    debate_id: int
    model: str
    attempt: int
    delay_s: float
    error: str
    index: int | None = None  # the speech being spoken again from its start, if any


class VerdictRecorded(Event):
    kind: Literal["verdict_recorded"] = "verdict_recorded"
    debate_id: int
    judge: str
    winner: str | None
    reason: str


class DebateDone(Event):
    kind: Literal["debate_done"] = "debate_done"
    debate_id: int
    winner: str
    proposition: str
    opposition: str


class DebateFailed(Event):
    kind: Literal["debate_failed"] = "debate_failed"
    debate_id: int
    error: str


class DebateForfeited(Event):
    """A contestant was unavailable (its calls failed for good): the debate is its forfeit."""

    kind: Literal["debate_forfeited"] = "debate_forfeited"
    debate_id: int
    proposition: str
    opposition: str
    winner: str | None  # the side that did not forfeit; None when both did
    reason: str


class RoundDone(Event):
    kind: Literal["round_done"] = "round_done"
    round: int


class Notice(Event):
    """Something the person running the tournament should know; nothing failed."""

    kind: Literal["notice"] = "notice"
    message: str


class TournamentDone(Event):
    kind: Literal["tournament_done"] = "tournament_done"
    tournament: str
    debates_judged: int
    debates_failed: int
    debates_forfeited: int = 0


Listener = Callable[[Event], None]


class EventBus:
    """Fan-out to listeners, called in order on the event loop. Listeners must not block."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def emit(self, event: Event) -> None:
        for listener in self._listeners:
            listener(event)

    @property
    def active(self) -> bool:
        return bool(self._listeners)
