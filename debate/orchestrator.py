"""The orchestrator: runs a tournament's debates concurrently, the one place that awaits models.

Rounds run in order; the debates of a round run concurrently under the configured limits;
speeches within a debate are sequential. Every result goes to the store the moment it exists
(through a group-committing writer) and out to listeners as events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from pydantic import BaseModel, ValidationError

from debate.core import events as ev
from debate.config import Contestant, TournamentConfig
from debate.core.errors import GatewayError, UserError
from debate.core.formats import Format, Side
from debate.forfeits import Availability
from debate.gateway import CallRequest, CallResult, Gateway, gateway_for
from debate.judging import Calibrations, Judgement, PanelRunner, ballot_of, ballot_of_order
from debate.draws.pairing import Draw, motion_for_round
from debate.rounds import ELIMINATION, PRELIMINARY, PlannedRound, Spent, expected_size, needs_draws, next_round, tallied_standings
from debate.prompts import speech_messages
from debate.qualifying import control_debates, describe, qualify_judges, store_qualifications
from debate.core.secrets import redact
from debate.store.results import SETTLED
from debate.store import CallRecord, DebatePlan, DebateUpdate, Record, RoundHeader, SpeechRecord, Store
from debate.core.transcript import MotionText, Speech, Transcript
from debate.verdicts import current_estimates
from debate.writer import StoreWriter
from judges.rubric import Rubric, load_rubric

# Settings that may change between a run and its resume without changing what is computed.
_RUNTIME_SETTINGS = ("database", "concurrency", "gateway", "stream", "name")
_PLAN_CHUNK = 128
PARTIAL_FLUSH_S = 0.5
ROUND_POLL_S = 0.5  # how often a coordinator asks the store whether its round is over


class RunSummary(BaseModel):
    tournament_id: int
    tournament: str
    database: str
    debates: int
    judged: int
    failed: int
    forfeits: int = 0  # debates a contestant lost because it was unavailable
    first_error: str | None = None


def _as_current(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored config as this version writes it: a setting renamed or added with a default
    since the tournament started is not a change of config."""
    try:
        return TournamentConfig.model_validate(stored).public_dict()
    except ValidationError:
        return stored  # what no longer validates is compared as stored, and reported as changed


def prepare(config: TournamentConfig, store: Store, motions: Sequence[MotionText]) -> tuple[int, bool]:
    """The tournament's id in the store, creating it if new. Returns (id, resumed)."""
    existing = store.tournament_or_none(config.name)
    fmt = config.resolved_format()
    if existing is None:
        contestants = [(c.name, c.model, c.lineage) for c in config.contestants]
        return store.create_tournament(config.name, config.public_dict(), fmt, config.seed, contestants, motions), False
    stored = _as_current(json.loads(existing.config_json))
    wanted = config.public_dict()
    changed = sorted(k for k in set(stored) | set(wanted) if k not in _RUNTIME_SETTINGS and stored.get(k) != wanted.get(k))
    if changed:
        raise UserError(
            f"tournament '{config.name}' in {store.location} was started with a different config "
            f"({', '.join(changed)} changed); give the tournament a new name, or use another --db"
        )
    assert existing.id is not None
    return existing.id, True


@dataclass
class Orchestrator:
    config: TournamentConfig
    store: Store
    gateway: Gateway
    bus: ev.EventBus = field(default_factory=ev.EventBus)
    motions: Sequence[MotionText] = ()
    rubric: Rubric | None = None
    judge_only: bool = False  # grade the stored debates; draw no new round (a re-judging)
    canaries: Sequence[str] = ()  # motion sets' canary strings, looked for in every speech

    def __post_init__(self) -> None:
        self._format: Format = self.config.resolved_format()
        self._contestants = {c.name: c for c in self.config.contestants}
        self._failures: list[str] = []
        self._partials: dict[tuple[int, int], list[str]] = {}
        self.rubric = self.rubric or load_rubric("default")
        self._calibrations = Calibrations(self.rubric)
        self._panel = PanelRunner(self.config, self.rubric, self.bus, self._calibrations, canaries=self.canaries)
        self._availability = Availability(self.config.gateway.unavailable_after)
        self._on_trial: dict[int, str] = {}  # debate -> the speaker whose failed call stopped it

    def load_state(self, tournament_id: int) -> None:
        """What a run (or a worker) carries from the store: the forfeits so far, and every
        judge's calibration, rebuilt from every presentation graded so far (and from ballots
        stored before judges were asked in presentations)."""
        self._availability = Availability(self.config.gateway.unavailable_after, self.store.forfeits(tournament_id))
        for order in self.store.order_ballots(tournament_id, judged_only=False):
            if (parsed := ballot_of_order(order)) is not None:
                self._calibrations.add(order.judge, parsed)
        for judge, ballot in self.store.model_ballots(tournament_id):
            if (parsed := ballot_of(ballot)) is not None:
                self._calibrations.add(judge, parsed)

    async def run(self, draws: list[Draw] | None = None, *, shared: bool = False) -> RunSummary:
        """Play rounds until the tournament is complete. `draws` replaces the config's draws
        (benchmarks use one very large round). `shared`: coordinate workers instead, drawing
        each round and waiting until workers have settled its debates (see `debate.workers`)."""
        tournament_id, resumed = prepare(self.config, self.store, self.motions)
        self.load_state(tournament_id)
        if shared:
            self.store.reopen_debates(tournament_id)
        rounds_total, debates_total = expected_size(self.config)
        self.bus.emit(ev.TournamentStarted(
            tournament=self.config.name, rounds=rounds_total if draws is None else len(draws),
            debates_total=debates_total if draws is None else sum(len(d.pairings) for d in draws),
            debates_done=_settled(self.store.debate_counts(tournament_id)), resumed=resumed,
        ))
        for reason in self._availability.unavailable.values():
            self.bus.emit(ev.Notice(message=f"contestant {reason}: its remaining debates are forfeits"))
        self.store.set_tournament_status(tournament_id, "running")
        await self._qualify(tournament_id)
        writer = StoreWriter(self.store)
        self._rounds_over = anyio.Event()
        attempted: set[int] = set()
        complete = False
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(writer.run)
                if self.config.stream:
                    tg.start_soon(self._flush_partials)
                given = list(draws or [])
                while True:
                    stored = self.store.round_headers(tournament_id)
                    current = next((r for r in stored if r.status != "done" and r.number not in attempted), None)
                    if current is None:
                        if any(r.status != "done" for r in stored) and self.config.pairing != "round-robin" and draws is None:
                            break  # the next draw needs results that failed this time
                        if shared:  # the workers' forfeits, for an arena's next draw
                            self._availability = Availability(self.config.gateway.unavailable_after, self.store.forfeits(tournament_id))
                        planned = self._plan(tournament_id, stored, given) if (draws is None or given) and not self.judge_only else None
                        if planned is None:
                            complete = not any(r.status != "done" for r in stored)
                            break
                        self.store.save_round(tournament_id, planned.draw, planned.motion_keys, kind=planned.kind)
                        continue
                    attempted.add(current.number)
                    if shared:
                        await self._await_round(tournament_id, current)
                    else:
                        await self._run_round(tournament_id, current, writer)
                writer.close()
                self._rounds_over.set()
        except BaseException as exc:
            with anyio.CancelScope(shield=True):
                writer.flush_now()
                if isinstance(exc, (KeyboardInterrupt, anyio.get_cancelled_exc_class())):
                    self.store.mark_stopped(tournament_id)
            raise
        if self._panel.self_judged:
            self.bus.emit(ev.Notice(message="no judge outside the debaters' model families was available for some debates, so the whole panel judged them (set panel.allow_self_judging: true to silence this, or add a judge of another family)"))
        counts = self.store.debate_counts(tournament_id)
        total, judged, failed, forfeits = sum(counts.values()), counts.get("judged", 0), counts.get("failed", 0), counts.get("forfeit", 0)
        self.store.set_tournament_status(tournament_id, "finished" if complete and _settled(counts) == total else "incomplete")
        self.bus.emit(ev.TournamentDone(tournament=self.config.name, debates_judged=judged, debates_failed=failed, debates_forfeited=forfeits))
        return RunSummary(
            tournament_id=tournament_id, tournament=self.config.name, database=self.store.location,
            debates=total, judged=judged, failed=failed, forfeits=forfeits,
            first_error=self._failures[0] if self._failures else None,
        )

    async def _qualify(self, tournament_id: int) -> None:
        """Test the judges on control debates before the first round (once per tournament),
        and leave out those that fail when the config requires qualified judges."""
        assert self.rubric is not None
        stored = {q.judge: q.flagged for q in self.store.qualifications(tournament_id)}
        missing = [j for j in self.config.judges if j.name not in stored]
        if missing and self.config.panel.qualification.before_first_round:
            controls = control_debates(self.config, self.store.transcripts(tournament_id, self._format))
            self.bus.emit(ev.Notice(message=f"testing {len(missing)} judge(s) on {len(controls)} control debates in both orders before the first round"))
            results = await qualify_judges(self.config, missing, self.gateway, self.rubric, controls=controls, on_progress=self._qualifying)
            store_qualifications(self.store, tournament_id, missing, results)
            for measured, _, _ in results:
                stored[measured.judge] = measured.flagged
                self.bus.emit(ev.Notice(message=describe(measured)))
        self.exclude_unqualified(stored)

    def exclude_unqualified(self, stored: dict[str, bool]) -> None:
        """Leave out of the panel the judges `stored` flags (judge -> flagged) or lacks, when
        the config requires qualified judges."""
        if not self.config.panel.require_qualified:
            return
        flagged = [j.name for j in self.config.judges if stored.get(j.name)]
        untested = [j.name for j in self.config.judges if j.name not in stored]
        if len(flagged) + len(untested) == len(self.config.judges):
            raise UserError(
                "panel.require_qualified is set but no judge has passed its qualification on control debates "
                f"(flagged: {', '.join(flagged) or 'none'}; untested: {', '.join(untested) or 'none'}); "
                "add a judge that passes `debate judges test`, or set require_qualified: false"
            )
        if flagged or untested:
            self._panel.excluded = set(flagged) | set(untested)
            self.bus.emit(ev.Notice(message=f"left out of the panel (panel.require_qualified): {', '.join(sorted(self._panel.excluded))}"))

    def _qualifying(self, judge: str, done: int, total: int) -> None:
        # A local judge takes minutes over its controls: say how far it is, four times.
        if done in {round(total * q / 4) for q in (1, 2, 3)}:
            self.bus.emit(ev.Notice(message=f"judge {judge}: {done} of {total} control ballots"))

    def _plan(self, tournament_id: int, stored: list[RoundHeader], given: list[Draw]) -> PlannedRound | None:
        keys = [m.key for m in self.motions]
        history = self.store.motion_history(tournament_id)
        if given:
            draw = given.pop(0)
            key = motion_for_round(draw, history, keys, self.config.seed, draw.round)
            return PlannedRound(draw=draw, kind=PRELIMINARY, motion_keys=(key,))
        estimates: list[Any] = []
        spent = Spent()
        if self.config.pairing == "arena":
            estimates = current_estimates(self.store, tournament_id, self.config)
            usage = self.store.call_counts(tournament_id)
            spent = Spent(debates=self.store.debate_counts(tournament_id).get("judged", 0), tokens=usage["prompt_tokens"] + usage["completion_tokens"], cost=usage["cost_usd"])
        if not needs_draws(self.config):
            return next_round(self.config, stored, (), keys, history, estimates=estimates, spent=spent, unavailable=set(self._availability.unavailable))
        tallies = self.store.result_tallies(tournament_id, [r.number for r in stored if r.kind == PRELIMINARY])
        eliminations = self.store.debate_results(tournament_id, [r.number for r in stored if r.kind == ELIMINATION])
        return next_round(self.config, stored, tallies, keys, history, played=self.store.stored_rounds(tournament_id), eliminations=eliminations, estimates=estimates, spent=spent)

    async def _run_round(self, tournament_id: int, current: RoundHeader, writer: StoreWriter) -> None:
        number = current.number
        counts = self.store.round_debate_counts(tournament_id, number)
        unsettled = sum(counts.values()) - _settled(counts)
        self.bus.emit(ev.RoundStarted(round=number, stage=current.kind, debates=unsettled, motion=current.motion, notes=current.notes))
        again: list[int] | None = None  # None: every debate of the round without its result
        while unsettled and again != []:
            await self._run_debates(tournament_id, number, again, writer, unsettled if again is None else len(again))
            # A debate stopped by a speaker that has failed lately (but not yet often enough to
            # be unavailable) runs again now: the speaker answers, or becomes unavailable and
            # the debate is its forfeit. Either way the round can finish and the next be drawn.
            again = [d for d in self.store.unfinished_debate_ids(tournament_id, number) if self._availability.on_trial(self._on_trial.pop(d, ""))]
        self._close_round(tournament_id, current)

    async def _await_round(self, tournament_id: int, current: RoundHeader) -> None:
        """The coordinator's round: workers claim and run its debates; it is over for this
        pass when none is open (every debate settled, or failed in this pass)."""
        counts = self.store.round_debate_counts(tournament_id, current.number)
        self.bus.emit(ev.RoundStarted(round=current.number, stage=current.kind, debates=sum(counts.values()) - _settled(counts), motion=current.motion, notes=current.notes))
        while await anyio.to_thread.run_sync(self.store.open_debates, tournament_id, current.number):
            await anyio.sleep(ROUND_POLL_S)
        counts = self.store.round_debate_counts(tournament_id, current.number)
        if failed := counts.get("failed", 0):
            self._failures.append(f"round {current.number}: {failed} debate(s) failed in the workers (`debate show ID` has each error)")
        self._close_round(tournament_id, current)

    def _close_round(self, tournament_id: int, current: RoundHeader) -> None:
        number = current.number
        counts = self.store.round_debate_counts(tournament_id, number)
        if _settled(counts) == sum(counts.values()):
            self.store.finish_round(tournament_id, number)
            if current.kind == PRELIMINARY:
                self._snapshot_standings(tournament_id, number)
        self.bus.emit(ev.RoundDone(round=number))

    async def _run_debates(self, tournament_id: int, number: int, only: list[int] | None, writer: StoreWriter, size: int) -> None:
        """Run the round's `size` debates without their result (or `only` these)."""
        workers = min(self.config.concurrency.debates, size)
        send, receive = anyio.create_memory_object_stream[DebatePlan](max_buffer_size=max(1, workers))
        # A fixed pool of workers fed by a loader, not a task per debate, and the round's
        # debates read from the store a page at a time: memory stays flat however large the round.
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._load_plans, tournament_id, number, only, send)
            for _ in range(workers):
                tg.start_soon(self._worker, tournament_id, receive.clone(), writer)
            receive.close()

    def _snapshot_standings(self, tournament_id: int, number: int) -> None:
        counted = [r for r in self.store.round_headers(tournament_id) if r.kind == PRELIMINARY and r.number <= number]
        table = tallied_standings(self.config, counted, self.store.result_tallies(tournament_id, [r.number for r in counted]))
        self.store.save_standings(tournament_id, number, table)

    async def _load_plans(self, tournament_id: int, number: int, only: list[int] | None, send: MemoryObjectSendStream[DebatePlan]) -> None:
        async with send:
            if only is not None:
                pages = (only[start : start + _PLAN_CHUNK] for start in range(0, len(only), _PLAN_CHUNK))
                for page in pages:
                    for plan in await anyio.to_thread.run_sync(self.store.debate_plans, page):
                        await send.send(plan)
                return
            after = 0
            while page := await anyio.to_thread.run_sync(partial(self.store.unfinished_debate_ids, tournament_id, number, after=after, limit=_PLAN_CHUNK)):
                after = page[-1]
                for plan in await anyio.to_thread.run_sync(self.store.debate_plans, page):
                    await send.send(plan)

    async def _worker(self, tournament_id: int, queue: MemoryObjectReceiveStream[DebatePlan], writer: StoreWriter) -> None:
        async with queue:
            async for plan in queue:
                await self.run_debate(tournament_id, plan, writer)

    async def run_debate(self, tournament_id: int, plan: DebatePlan, writer: StoreWriter, *, judge: bool = True) -> str:
        """Run one debate from what is stored of it; its status after. Without `judge` (a
        worker that cannot call the judges) it stops after the speeches, pending its judging."""
        debate_id = plan.debate_id
        if (forfeit := self._availability.forfeit(debate_id, plan.proposition, plan.opposition)) is not None:
            await self._forfeit(plan, forfeit, writer)
            return "forfeit"
        transcript = Transcript(motion=plan.motion, format=self._format, speeches=plan.speeches)
        self.bus.emit(ev.DebateStarted(debate_id=debate_id, round=plan.round_number, proposition=plan.proposition, opposition=plan.opposition, motion=plan.motion.text, resumed_at=len(plan.speeches)))
        await writer.write(DebateUpdate(debate_id=debate_id, status="running", started=not plan.speeches))

        async def call(request: CallRequest, purpose: str) -> CallResult:
            return await self._call(tournament_id, debate_id, None, purpose, request, writer)

        try:
            for index in range(len(transcript.speeches), len(self._format.speeches)):
                transcript = await self._speak(tournament_id, debate_id, transcript, index, plan, writer)
            if not judge:
                await writer.write(DebateUpdate(debate_id=debate_id, status="pending"))
                return "pending"
            verdict = await self._panel.judge(tournament_id, plan, transcript, call, writer.write)
        except GatewayError as exc:
            if (forfeit := self._availability.forfeit(debate_id, plan.proposition, plan.opposition)) is not None:
                await self._forfeit(plan, forfeit, writer)
                return "forfeit"
            verdict = Judgement(update=DebateUpdate(debate_id=debate_id, status="failed", error=redact(str(exc)), finished=True), result=None)
        await writer.write(verdict.update)
        if verdict.update.status == "failed":
            self._failures.append(f"debate {debate_id}: {verdict.update.error}")
            self.bus.emit(ev.DebateFailed(debate_id=debate_id, error=verdict.update.error or ""))
            return "failed"
        winner = verdict.update.winner or "tie"
        self.bus.emit(ev.DebateDone(debate_id=debate_id, winner=winner, proposition=plan.proposition, opposition=plan.opposition))
        return verdict.update.status

    def speaker_on_trial(self, debate_id: int) -> bool:
        """Was the debate stopped by a speaker that failed lately, not yet unavailable? Then it
        is worth running again at once (see `_run_round`)."""
        return self._availability.on_trial(self._on_trial.pop(debate_id, ""))

    async def _forfeit(self, plan: DebatePlan, update: DebateUpdate, writer: StoreWriter) -> None:
        await writer.write(update)
        self.bus.emit(ev.DebateForfeited(debate_id=plan.debate_id, proposition=plan.proposition, opposition=plan.opposition, winner=update.winner, reason=update.error or ""))

    async def _speak(self, tournament_id: int, debate_id: int, transcript: Transcript, index: int, plan: DebatePlan, writer: StoreWriter) -> Transcript:
        spec = self._format.speeches[index]
        speaker: Contestant = self._contestants[plan.proposition if spec.side is Side.PROPOSITION else plan.opposition]
        turn = sum(1 for s in transcript.speeches if s.side is spec.side)
        request = CallRequest(
            model=speaker.model,
            messages=speech_messages(transcript, spec, speaker.persona),
            max_tokens=min(spec.token_budget, speaker.max_tokens or spec.token_budget),
            params=speaker.sampling(),
            api_base=speaker.api_base,
            api_key_env=speaker.api_key_env,
            stream=self.config.stream,
            role="debater",
            metadata={"debate": debate_id, "speech_index": index, "role": spec.role, "side": spec.side.value, "turn": turn, "purpose": "speech"},
        )
        self.bus.emit(ev.SpeechStarted(debate_id=debate_id, index=index, side=spec.side.value, role=spec.role, speaker=speaker.name))
        try:
            result = await self._call(tournament_id, debate_id, index, "speech", request, writer, stream_to=index)
        except GatewayError as exc:
            self._on_trial[debate_id] = speaker.name
            if (reason := self._availability.failed(speaker, exc)) is not None:
                self.bus.emit(ev.Notice(message=f"contestant {reason}: its remaining debates are forfeits"))
            raise
        self._availability.answered(speaker)
        speech = Speech(index=index, side=spec.side, role=spec.role, text=result.text.strip())
        await writer.write(
            SpeechRecord(debate_id=debate_id, speech=speech, tokens=result.completion_tokens, finish_reason=result.finish_reason),
            _call_record(tournament_id, debate_id, "speech", index, result),
        )
        self.bus.emit(ev.SpeechDone(debate_id=debate_id, index=index, tokens=result.completion_tokens, latency_s=result.latency_s, cost_usd=result.cost_usd))
        return transcript.with_speech(speech)

    async def _call(self, tournament_id: int, debate_id: int, index: int | None, purpose: str, request: CallRequest, writer: StoreWriter, stream_to: int | None = None) -> CallResult:
        bus = self.bus
        partial = self._partials.setdefault((debate_id, stream_to), []) if stream_to is not None and request.stream else None

        def on_delta(text: str) -> None:
            if partial is not None:
                partial.append(text)
            if bus.active:
                bus.emit(ev.TextDelta(debate_id=debate_id, index=index if index is not None else -1, text=text))

        def on_retry(error: GatewayError, attempt: int, delay: float) -> None:
            if partial is not None:
                partial.clear()  # the retry speaks the speech again from its start
            bus.emit(ev.CallRetried(debate_id=debate_id, model=request.model, attempt=attempt, delay_s=delay, error=redact(str(error)), index=index if watched else None))

        watched = stream_to is not None and (bus.active or partial is not None)
        try:
            return await self.gateway.complete(request, on_delta=on_delta if watched else None, on_retry=on_retry)
        except GatewayError as exc:
            await writer.write(CallRecord(tournament_id=tournament_id, debate_id=debate_id, purpose=purpose, speech_idx=index, model=request.model, attempts=exc.attempts, ok=False, error=redact(str(exc))[:2000]))
            raise
        finally:
            if stream_to is not None:
                self._partials.pop((debate_id, stream_to), None)

    async def _flush_partials(self) -> None:
        """Speeches being spoken, written to the store twice a second, so spectators in another
        process (`debate spectate`) watch them grow. A finished speech replaces its partial row."""
        flushed: dict[tuple[int, int], int] = {}
        while not self._rounds_over.is_set():
            with anyio.move_on_after(PARTIAL_FLUSH_S):
                await self._rounds_over.wait()
            current = {key: len(parts) for key, parts in list(self._partials.items())}
            changed = {key: "".join(self._partials[key]) for key, n in current.items() if flushed.get(key) != n}
            if changed:
                self.store.write_partials(changed)
            flushed = current

def _settled(counts: dict[str, int]) -> int:
    """How many of the counted debates have their result (judged or forfeit)."""
    return sum(counts.get(status, 0) for status in SETTLED)


def _call_record(tournament_id: int, debate_id: int, purpose: str, index: int | None, result: CallResult) -> CallRecord:
    return CallRecord(
        tournament_id=tournament_id, debate_id=debate_id, purpose=purpose, speech_idx=index, model=result.model,
        prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens, cost_usd=result.cost_usd,
        latency_s=result.latency_s, attempts=result.attempts,
    )
