"""What the screens draw from: a tournament's live state, fed by engine events or by the store.

No Textual here. `LiveState.apply(event)` folds one engine event in; `load_snapshot` turns the
store's live view (`debate.api.live_view`) into a state: the starting point of a live run, and
every poll of a read-only spectator.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from debate.core import events as ev

if TYPE_CHECKING:
    from debate.api import LiveView
    from debate.api.reading import DebatePlan, WorkerStats

WAITING, RUNNING, JUDGING, JUDGED, FAILED, FORFEIT = "waiting", "running", "judging", "judged", "failed", "forfeit"
SHARED_MODEL = "(a hidden model)"


@dataclass
class SpeechState:
    index: int
    side: str
    role: str
    speaker: str = ""
    text: str = ""
    tokens: int = 0  # streamed deltas until SpeechDone gives the real count
    latency_s: float | None = None
    cost_usd: float | None = None
    done: bool = False
    started: float = field(default_factory=time.monotonic)

    @property
    def tokens_per_s(self) -> float | None:
        if self.done and self.latency_s:
            return self.tokens / self.latency_s
        elapsed = time.monotonic() - self.started
        return self.tokens / elapsed if self.tokens and elapsed > 0.05 else None


@dataclass
class BallotState:
    judge: str
    winner: str | None
    reason: str
    verdict: str | None = None
    kind: str = "model"


@dataclass
class DebateState:
    id: int
    round: int
    proposition: str
    opposition: str
    motion: str
    status: str = WAITING
    winner: str | None = None
    error: str | None = None
    speeches: dict[int, SpeechState] = field(default_factory=dict)
    ballots: list[BallotState] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    retries: int = 0
    last_retry: str | None = None
    worker: str | None = None  # the worker (host:pid) that holds or last held it; None: a single run's

    @property
    def current(self) -> SpeechState | None:
        return self.speeches[max(self.speeches)] if self.speeches else None

    @property
    def tokens(self) -> int:
        return sum(s.tokens for s in self.speeches.values())

    @property
    def cost(self) -> float:
        return sum(s.cost_usd or 0.0 for s in self.speeches.values())

    def hidden(self, blind: bool) -> bool:
        """Whether a blind tournament still hides who debates here (until the verdict)."""
        return blind and self.status != JUDGED

    def name(self, side: str, blind: bool) -> str:
        """A side's contestant, or just the side while a blind debate is unjudged."""
        if self.hidden(blind):
            return side.capitalize()
        return self.proposition if side == "proposition" else self.opposition


@dataclass
class LiveState:
    tournament: str = ""
    tournament_id: int | None = None
    status: str = ""
    blind: bool = True
    rounds: int | None = None
    round: int | None = None
    round_motion: str | None = None
    round_motions: dict[int, str | None] = field(default_factory=dict)  # each round's motion (None: one per debate)
    debates_total: int | None = None
    debates_done: int = 0
    debates_failed: int = 0
    finished: bool = False
    debates: dict[int, DebateState] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    # Workers share it (some debate has had one): the board then shows who runs what. Only the
    # store says so; a run in this app feeds events, and runs every debate itself.
    shared: bool = False
    workers: list[WorkerStats] = field(default_factory=list)  # each worker's counts, as the store has them
    polled: set[int] = field(default_factory=set)  # debates whose transcripts the last poll of the store read

    def masked(self, text: str, debates: Iterable[DebateState], *, tag: bool = False) -> str:
        """`text` with each contestant of a still-hidden debate, by name or model id, replaced
        by its side there (`tag`: "Proposition #7", for text about several debates).

        Notes, retry errors and draw reasons name contestants or their models; shown as they
        are they would unmask a blind debate that a human scorer may still be grading.
        """
        if not text or not self.blind:
            return text
        swaps: dict[str, str] = {}
        models = self.contestant_models()
        shared = self.shared_models()
        for d in debates:
            if not d.hidden(self.blind):
                continue
            for side, name in (("proposition", d.proposition), ("opposition", d.opposition)):
                label = d.name(side, self.blind) + (f" #{d.id}" if tag else "")
                swaps[name] = label
                for alias in _model_aliases(models.get(name)):
                    # A model two contestants (or a judge) share would get the wrong side's label.
                    swaps[alias] = SHARED_MODEL if alias in shared else label
        if not swaps:
            return text
        pattern = "|".join(re.escape(a) for a in sorted(swaps, key=len, reverse=True))
        return re.sub(rf"(?<![\w-])(?:{pattern})(?![\w-]|\.\w)", lambda m: swaps[m.group(0)], text)

    def contestant_models(self) -> dict[str, str]:
        return {c["name"]: c["model"] for c in self._specs("contestants")}

    def shared_models(self) -> set[str]:
        """Model ids (and their bare forms) that more than one contestant or judge uses."""
        seen: dict[str, int] = {}
        for spec in (*self._specs("contestants"), *self._specs("judges")):
            for alias in _model_aliases(spec["model"]):
                seen[alias] = seen.get(alias, 0) + 1
        return {alias for alias, count in seen.items() if count > 1}

    def _specs(self, key: str) -> list[dict[str, Any]]:
        return [c for c in self.config.get(key) or [] if isinstance(c, dict) and "name" in c and "model" in c]

    def round_debates(self, number: int | None = None) -> list[DebateState]:
        number = self.round if number is None else number
        return [d for d in self.debates.values() if d.round == number]

    # --- events -------------------------------------------------------------------------

    def apply(self, event: ev.Event) -> int | None:
        """Fold one event in; returns the debate it touched, if any."""
        if isinstance(event, ev.TournamentStarted):
            self.tournament, self.rounds, self.debates_total = event.tournament, event.rounds, event.debates_total
            self.debates_done, self.status = event.debates_done, "running"
        elif isinstance(event, ev.RoundStarted):
            self.round, self.round_motion = event.round, event.motion
            self.round_motions[event.round] = event.motion
        elif isinstance(event, ev.Notice):
            self.notices.append(event.message)
        elif isinstance(event, ev.TournamentDone):
            # Failed debates leave it incomplete (as the store says): running it again retries them.
            self.finished = event.debates_failed == 0
            self.status = "finished" if self.finished else "incomplete"
            self.debates_done = event.debates_judged + event.debates_forfeited
            self.debates_failed = event.debates_failed
        elif isinstance(event, (ev.DebateDone, ev.DebateForfeited)):
            self.debates_done += 1
        elif isinstance(event, ev.DebateFailed):
            self.debates_failed += 1
        debate_id = getattr(event, "debate_id", None)
        if debate_id is None:
            return None
        if isinstance(event, ev.DebateStarted):
            self._start_debate(event)
        elif (debate := self.debates.get(debate_id)) is not None:
            _apply_to_debate(debate, event)
        return debate_id

    def _start_debate(self, event: ev.DebateStarted) -> None:
        old = self.debates.get(event.debate_id)
        debate = DebateState(event.debate_id, event.round, event.proposition, event.opposition, event.motion, RUNNING)
        if old is not None:  # resumed: keep the speeches already known
            debate.speeches = old.speeches
        self.debates[event.debate_id] = debate


def _apply_to_debate(debate: DebateState, event: ev.Event) -> None:
    """One debate's own event (its speeches, retries, ballots, end) folded into it."""
    if isinstance(event, ev.TextDelta):
        speech = debate.speeches.get(event.index)
        if speech is None:
            speech = debate.speeches[event.index] = SpeechState(event.index, "", "")
        speech.text += event.text
        speech.tokens += 1
    elif isinstance(event, ev.SpeechStarted):
        debate.speeches[event.index] = SpeechState(event.index, event.side, event.role, event.speaker)
        debate.status = RUNNING
    elif isinstance(event, ev.SpeechDone):
        if (speech := debate.speeches.get(event.index)) is not None:
            speech.tokens, speech.latency_s, speech.cost_usd, speech.done = event.tokens, event.latency_s, event.cost_usd, True
    elif isinstance(event, ev.CallRetried):
        debate.retries += 1
        if event.index is not None and (speech := debate.speeches.get(event.index)) is not None and not speech.done:
            speech.text, speech.tokens = "", 0  # the retry streams the speech again from its start
        debate.last_retry = f"{event.model} attempt {event.attempt}: {event.error}"
    elif isinstance(event, ev.VerdictRecorded):
        debate.status = JUDGING if debate.status != JUDGED else JUDGED
        debate.ballots.append(BallotState(event.judge, event.winner, event.reason))
    elif isinstance(event, ev.DebateDone):
        debate.status, debate.winner = JUDGED, event.winner
    elif isinstance(event, ev.DebateFailed):
        debate.status, debate.error = FAILED, event.error
    elif isinstance(event, ev.DebateForfeited):
        debate.status, debate.winner, debate.error = FORFEIT, event.winner, event.reason


def load_snapshot(view: LiveView, previous: LiveState | None = None) -> LiveState:
    """The tournament as the store holds it, with partial speeches for debates in flight."""
    info = view.tournament
    state = LiveState(tournament=info.name, tournament_id=info.id, status=info.status, blind=bool(info.config.get("blind", True)), config=info.config)
    state.finished = info.status == "finished"
    state.round = view.current_round
    state.round_motions = {r.number: r.motion for r in view.rounds}
    state.round_motion = state.round_motions.get(state.round) if state.round is not None else None
    state.debates_done = sum(1 for d in view.debates if d.status in (JUDGED, FORFEIT))
    state.debates_failed = sum(1 for d in view.debates if d.status == FAILED)
    state.debates_total = len(view.debates) or None
    for d in view.debates:
        status = d.status if d.status in (JUDGED, FAILED, RUNNING) else (WAITING if d.status in ("pending", "waiting") else d.status)
        state.debates[d.id] = DebateState(d.id, d.round, d.proposition, d.opposition, d.motion, status, d.winner, worker=d.worker, error=d.error)
    state.workers = list(view.workers)
    state.shared = bool(state.workers) or any(d.worker for d in view.debates)
    fill_from_plans(state, view.plans)
    state.polled = {p.debate_id for p in view.plans}
    _add_partial_speeches(state, view, previous)
    return state


def keep_loaded(state: LiveState, previous: LiveState) -> None:
    """Only the current round is read again each poll: what the screens loaded of other rounds
    (a debate judged as the next round began, an earlier round looked at) stays. Run on the UI
    thread as a poll lands, not where it reads: a round may load while the poll is reading."""
    for debate_id, debate in state.debates.items():
        old = previous.debates.get(debate_id)
        if debate_id not in state.polled and old is not None and old.speeches:
            debate.speeches, debate.ballots, debate.findings = old.speeches, old.ballots, old.findings


def outline(state: LiveState) -> tuple[object, ...]:
    """What standings and draws are computed from: the tournament, its round and every
    debate's status and winner. Two polls with the same outline differ only in text."""
    debates = tuple((d.id, d.round, d.status, d.winner) for d in sorted(state.debates.values(), key=lambda d: d.id))
    return (state.tournament, state.status, state.finished, state.round, debates)


def fill_from_plans(state: LiveState, plans: Iterable[DebatePlan]) -> None:
    """Stored speeches, ballots and findings of these debates, folded into the state."""
    for plan in plans:
        debate = state.debates.get(plan.debate_id)
        if debate is None:
            continue
        for s in plan.speeches:
            debate.speeches[s.index] = SpeechState(s.index, s.side.value, s.role, text=s.text, tokens=len(s.text.split()), done=True)
        debate.ballots = [BallotState(b.judge, b.winner, b.reason, b.verdict, b.kind) for b in plan.ballots]
        debate.findings = [f"speech {f.speech_idx + 1} ({f.side}): {f.kind}: {f.detail}" for f in plan.findings]
        if debate.ballots and debate.status == RUNNING and len(debate.speeches) and not any(not s.done for s in debate.speeches.values()):
            debate.status = JUDGING


def _add_partial_speeches(state: LiveState, view: LiveView, previous: LiveState | None) -> None:
    """The text so far of speeches still being spoken, timed from when this view first saw them."""
    slots = view.speech_slots
    for (debate_id, idx), text in view.partial_speeches.items():
        debate = state.debates.get(debate_id)
        if debate is None or (idx in debate.speeches and debate.speeches[idx].done):
            continue
        # Without the format's slots (an old or odd stored config), sides alternate.
        side, role = slots[idx] if idx < len(slots) else ("proposition" if idx % 2 == 0 else "opposition", "speech")
        speech = debate.speeches.setdefault(idx, SpeechState(idx, side, role))
        speech.text, speech.tokens = text, len(text.split())
        if previous is not None and (old := previous.debates.get(debate_id)) and (old_speech := old.speeches.get(idx)):
            speech.started = old_speech.started
        if debate.status == WAITING:
            debate.status = RUNNING


def _model_aliases(model: str | None) -> list[str]:
    """How text may name a model: its id, and the id without provider (litellm's messages
    often drop the "provider/" prefix)."""
    if not model:
        return []
    bare = model.rsplit("/", 1)[-1]
    return [model, bare] if bare != model and len(bare) >= 3 else [model]

