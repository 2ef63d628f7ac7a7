"""The orchestrator's judging step: rule checks, then a panel of judge models on the rubric.

Judges read the anonymised transcript only. Each must reply with JSON matching the ballot
schema; an invalid reply is asked again once with the validation error, then the judge
abstains (an invalid score is never stored). With deliberation on, each judge then sees the
others' verdicts once and may revise; both ballots are stored. Scores are normalised per
judge (harsh and lenient judges count alike) before the panel's means are taken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import anyio

from debate.core import events as ev
from debate.core.errors import GatewayError
from debate.core.secrets import redact
from debate.config import Judge, TournamentConfig
from debate.gateway import CallRequest, CallResult
from debate.store import BallotRecord, CallRecord, DebatePlan, DebateUpdate, FindingRecord, Record, StoredBallot
from debate.core.transcript import Transcript
from judges.ballot import Ballot, ballot_max_tokens, ballot_schema, judge_messages, new_fence, parse_ballot, verdict_side
from judges.panel import Calibrations, PanelResult, aggregate, deliberation_note, select_panel
from judges.rubric import Rubric
from judges.rules import Finding, check_transcript, excludes_from_ratings

MAX_ASKS = 2
INDEPENDENT, REVISED = "independent", "revised"

Caller = Callable[[CallRequest, str], Awaitable[CallResult]]  # (request, purpose) -> result
Writer = Callable[..., Awaitable[None]]


@dataclass
class Verdict:
    update: DebateUpdate
    result: PanelResult | None


class PanelRunner:
    def __init__(self, config: TournamentConfig, rubric: Rubric, bus: ev.EventBus, calibrations: Calibrations) -> None:
        self.config = config
        self.rubric = rubric
        self.bus = bus
        self.calibrations = calibrations
        self._families = {c.name: c.lineage for c in config.contestants}
        self._identities = {c.name: (c.model, c.model.split("/")[-1], c.lineage) for c in config.contestants}
        self._judges = {j.name: j for j in config.judges}
        self._schema = ballot_schema(rubric)
        self._max_tokens = ballot_max_tokens(rubric)
        self.self_judged = False

    def panel_for(self, plan: DebatePlan) -> list[Judge]:
        families = {self._families[plan.proposition], self._families[plan.opposition]}
        names = select_panel({j.name: j.lineage for j in self.config.judges}, families, self.config.panel.allow_self_judging)
        if not names:
            # Better a graded debate with a note than none: the user is told once per run.
            self.self_judged = True
            names = [j.name for j in self.config.judges]
        return [self._judges[n] for n in names]

    def findings(self, plan: DebatePlan, transcript: Transcript) -> tuple[list[Finding], list[Record]]:
        identities = [*self._identities[plan.proposition], *self._identities[plan.opposition]]
        found = check_transcript(transcript, extra_identities=identities)
        records = [
            FindingRecord(debate_id=plan.debate_id, speech_idx=f.speech_index, side=f.side, kind=f.kind, severity=f.severity, detail=f.detail, evidence=f.evidence)
            for f in found
        ]
        return found, records

    async def judge(self, tournament_id: int, plan: DebatePlan, transcript: Transcript, call: Caller, write: Writer) -> Verdict:
        """Grade one finished debate; ballots and findings are written as they exist."""
        findings, records = self.findings(plan, transcript)
        if records:
            await write(*records)
        panel = self.panel_for(plan)
        fence = new_fence()
        ballots: dict[str, Ballot | None] = {}
        stored = {j.name: plan.ballot(j.name, INDEPENDENT) for j in panel}

        failures: dict[str, str] = {}

        async def independent(judge: Judge) -> None:
            if stored[judge.name] is not None:
                ballots[judge.name] = ballot_of(stored[judge.name])
                return
            try:
                ballots[judge.name] = await self._ask(tournament_id, plan, transcript, judge, fence, findings, None, INDEPENDENT, call, write)
            except GatewayError as exc:
                # One judge down is one missing ballot, not a crashed tournament. Nothing is
                # stored for it (the failed call is in model_call), so a rerun asks it again.
                ballots[judge.name] = None
                failures[judge.name] = redact(str(exc))
                self.bus.emit(ev.VerdictRecorded(debate_id=plan.debate_id, judge=judge.name, winner=None, reason=f"judge call failed: {failures[judge.name]}"))

        async with anyio.create_task_group() as tg:
            for judge in panel:
                tg.start_soon(independent, judge)
        final = dict(ballots)
        if self.config.panel.deliberation and sum(b is not None for b in ballots.values()) > 1:
            order = [(j.name, ballots[j.name]) for j in panel]

            async def revise(judge: Judge) -> None:
                if ballots[judge.name] is None:
                    return
                done = plan.ballot(judge.name, REVISED)
                if done is not None:
                    final[judge.name] = ballot_of(done)
                    return
                note = deliberation_note(order, for_judge=judge.name)
                try:
                    revised = await self._ask(tournament_id, plan, transcript, judge, fence, findings, note, REVISED, call, write)
                except GatewayError:
                    revised = None  # the independent ballot stands
                final[judge.name] = revised or ballots[judge.name]

            async with anyio.create_task_group() as tg:
                for judge in panel:
                    tg.start_soon(revise, judge)
        for name, ballot in final.items():
            if ballot is not None and stored.get(name) is None:
                self.calibrations.add(name, ballot)
        result = aggregate([(j.name, final[j.name]) for j in panel], {j.name: self.calibrations.of(j.name) for j in panel}, self.rubric)
        return self._verdict(plan, result, findings, failures)

    def _verdict(self, plan: DebatePlan, result: PanelResult, findings: Sequence[Finding], failures: dict[str, str]) -> Verdict:
        if result.winner is None:
            error = "every judge abstained (no valid ballot)"
            if failures:
                error = "no valid ballot; judge calls failed: " + "; ".join(f"{name}: {why}" for name, why in failures.items())
            update = DebateUpdate(debate_id=plan.debate_id, status="failed", error=error[:2000], finished=True)
            return Verdict(update=update, result=None)
        leak = excludes_from_ratings(findings)
        excluded = leak and self.config.rules.exclude_identity_leaks
        totals = result.totals
        update = DebateUpdate(
            debate_id=plan.debate_id, status="judged", winner=result.winner, finished=True,
            margin=result.margin, disagreement=result.disagreement,
            prop_score=totals.proposition if totals else None, opp_score=totals.opposition if totals else None,
            excluded=excluded, excluded_reason="a speaker identified itself (identity leak)" if excluded else None,
        )
        return Verdict(update=update, result=result)

    async def _ask(self, tournament_id: int, plan: DebatePlan, transcript: Transcript, judge: Judge, fence: str, findings: Sequence[Finding], note: str | None, stage: str, call: Caller, write: Writer) -> Ballot | None:
        problem: str | None = None
        for ask in range(MAX_ASKS):
            messages = judge_messages(self.rubric, transcript, fence=fence, findings=findings, problem=problem)
            if note:
                messages = [*messages[:-1], {"role": "user", "content": messages[-1]["content"] + "\n\n" + note}]
            request = CallRequest(
                model=judge.model, messages=messages, max_tokens=judge.max_tokens or self._max_tokens,
                params=judge.sampling(), api_base=judge.api_base, api_key_env=judge.api_key_env,
                response_schema=self._schema, stream=False, role="judge",
                metadata={"debate": plan.debate_id, "purpose": "judge", "ask": ask, "stage": stage, "judge": judge.name},
            )
            result = await call(request, "judge")
            record = _call_record(tournament_id, plan, result)
            try:
                ballot = parse_ballot(result.text, self.rubric)
            except ValueError as exc:
                problem = str(exc)
                await write(record.model_copy(update={"ok": False, "error": f"invalid ballot: {problem}"[:2000]}))
                continue
            await write(_ballot_record(plan, judge, ballot, stage), record)
            self.bus.emit(ev.VerdictRecorded(debate_id=plan.debate_id, judge=judge.name, winner=verdict_side(ballot.verdict), reason=ballot.reason))
            return ballot
        if stage == REVISED:
            return None  # the independent ballot stands
        reason = f"abstained after {MAX_ASKS} invalid replies: {problem}"
        await write(BallotRecord(debate_id=plan.debate_id, judge=judge.name, judge_model=judge.model, winner=None, reason=reason[:2000], abstained=True, stage=stage))
        self.bus.emit(ev.VerdictRecorded(debate_id=plan.debate_id, judge=judge.name, winner=None, reason=reason))
        return None


def ballot_of(stored: StoredBallot | None) -> Ballot | None:
    if stored is None or stored.abstained or stored.verdict is None:
        return None
    return Ballot.model_validate({"scores": stored.scores, "verdict": stored.verdict, "both_poor": stored.both_poor, "reason": stored.reason})


def _ballot_record(plan: DebatePlan, judge: Judge, ballot: Ballot, stage: str) -> BallotRecord:
    return BallotRecord(
        debate_id=plan.debate_id, judge=judge.name, judge_model=judge.model, stage=stage,
        verdict=ballot.verdict.value, winner=verdict_side(ballot.verdict), both_poor=ballot.both_poor,
        scores={cid: s.model_dump() for cid, s in ballot.scores.items()}, reason=ballot.reason,
    )


def _call_record(tournament_id: int, plan: DebatePlan, result: CallResult) -> CallRecord:
    return CallRecord(
        tournament_id=tournament_id, debate_id=plan.debate_id, purpose="judge", speech_idx=None, model=result.model,
        prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens, cost_usd=result.cost_usd,
        latency_s=result.latency_s, attempts=result.attempts,
    )
