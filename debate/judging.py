"""The orchestrator's judging step: rule checks, then a panel of judge models on the rubric.

Judges read the anonymised transcript only, in neutral labels (`judges.presentation`). With
`panel.orders: both` (the default) each judge grades every debate twice, the proposition
shown as Debater A and then as Debater B, and its decision is the two combined
(`judges.orders`); with `one`, a coin seeded by the debate and judge picks the presentation,
so a judge's taste for Debater A becomes noise rather than a side bias. Each presentation is
stored as an order ballot, the decision as the judge's ballot.

Each reply must be JSON matching the schema; an invalid reply is asked again once with the
validation error, then that presentation abstains (an invalid score is never stored). Where
the judge's provider returns token log-probabilities, the verdict's distribution over the
five levels is stored beside the sampled verdict. With deliberation on, each judge then sees
the others' decisions once and may revise; both ballots are stored. Scores are normalised per
judge (harsh and lenient judges count alike) before the panel's means are taken.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio

from debate.config import Judge, TournamentConfig
from debate.core import events as ev
from debate.core.errors import GatewayError
from debate.core.secrets import redact
from debate.core.transcript import Transcript
from debate.gateway import CallRequest, CallResult
from debate.store import BallotRecord, CallRecord, DebatePlan, DebateUpdate, FindingRecord, OrderBallotRecord, Record, StoredBallot, StoredOrderBallot
from judges.ballot import Ballot, SideScores, Verdict, signed_margin, verdict_side
from judges.orders import JudgeDecision, SideMeans, combine
from judges.panel import Calibrations, PanelResult, aggregate, deliberation_note, select_panel
from judges.presentation import (
    BOTH,
    Presentation,
    VerdictDistribution,
    ballot_max_tokens,
    new_fence,
    parse_presented,
    presentation_messages,
    presentation_schema,
    verdict_distribution,
)
from judges.rubric import Rubric
from judges.rules import Finding, check_transcript, excludes_from_ratings

MAX_ASKS = 2
TOP_LOGPROBS = 10
INDEPENDENT, REVISED = "independent", "revised"

Caller = Callable[[CallRequest, str], Awaitable[CallResult]]  # (request, purpose) -> result
Writer = Callable[..., Awaitable[None]]


@dataclass
class Judgement:
    """A judged debate's outcome: the debate's update, and the panel's result (None: failed)."""

    update: DebateUpdate
    result: PanelResult | None


@dataclass
class Answer:
    """One presentation's outcome: a ballot (None: abstained), and what the call cost."""

    ballot: Ballot | None
    distribution: VerdictDistribution | None
    problem: str | None
    calls: list[CallResult]


class JudgeAsker:
    """Asks one judge for a ballot on one presentation of a transcript, asking again once
    when the reply is invalid. Writes nothing: callers decide what to keep."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self._schema = presentation_schema(rubric)
        self._max_tokens = ballot_max_tokens(rubric)

    async def ask(
        self, judge: Judge, transcript: Transcript, presentation: Presentation, call: Caller, *,
        fence: str | None, findings: Sequence[Finding] = (), note: str | None = None, metadata: dict[str, Any] | None = None,
        on_invalid: Callable[[CallResult, str], Awaitable[None]] | None = None,
    ) -> Answer:
        problem: str | None = None
        calls: list[CallResult] = []
        params = judge.sampling() | ({"logprobs": True, "top_logprobs": TOP_LOGPROBS} if judge.wants_logprobs() else {})
        for ask in range(MAX_ASKS):
            messages = presentation_messages(self.rubric, transcript, presentation, fence=fence, findings=findings, problem=problem, note=note)
            request = CallRequest(
                model=judge.model, messages=messages, max_tokens=judge.max_tokens or self._max_tokens,
                params=params, api_base=judge.api_base, api_key_env=judge.api_key_env,
                response_schema=self._schema, stream=False, role="judge",
                metadata={**(metadata or {}), "purpose": "judge", "ask": ask, "judge": judge.name, "label_a": presentation.label_a.value},
            )
            result = await call(request, "judge")
            calls.append(result)
            try:
                ballot = parse_presented(result.text, self.rubric, presentation)
            except ValueError as exc:
                problem = str(exc)
                if on_invalid is not None:
                    await on_invalid(result, problem)
                continue
            return Answer(ballot, verdict_distribution(result.text, result.logprobs, presentation), None, calls)
        return Answer(None, None, problem, calls)


class PanelRunner:
    def __init__(self, config: TournamentConfig, rubric: Rubric, bus: ev.EventBus, calibrations: Calibrations, *, excluded: Sequence[str] = (),
                 canaries: Sequence[str] = ()) -> None:
        self.config = config
        self.rubric = rubric
        self.bus = bus
        self.calibrations = calibrations
        self.excluded = set(excluded)  # judges left out (failed qualification, with require_qualified)
        self._families = {c.name: c.lineage for c in config.contestants}
        self._identities = {c.name: (c.model, c.model.split("/")[-1], c.lineage) for c in config.contestants}
        self.canaries = tuple(canaries)  # every motion set's canary: a speech that writes one shows a leaked set
        self._judges = {j.name: j for j in config.judges}
        self._asker = JudgeAsker(rubric)
        self.self_judged = False

    def panel_for(self, plan: DebatePlan) -> list[Judge]:
        families = {self._families[plan.proposition], self._families[plan.opposition]}
        candidates = {j.name: j.lineage for j in self.config.judges if j.name not in self.excluded}
        names = select_panel(candidates, families, self.config.panel.allow_self_judging)
        if not names:
            # Better a graded debate with a note than none: the user is told once per run.
            self.self_judged = True
            names = list(candidates)
        return [self._judges[n] for n in names]

    def presentations(self, plan: DebatePlan, judge: Judge) -> tuple[Presentation, ...]:
        if self.config.panel.orders == "both":
            return BOTH
        coin = hashlib.blake2b(f"{self.config.seed}/{plan.debate_id}/{judge.name}".encode(), digest_size=1).digest()[0] % 2
        return (BOTH[coin],)

    def findings(self, plan: DebatePlan, transcript: Transcript) -> tuple[list[Finding], list[Record]]:
        identities = [*self._identities[plan.proposition], *self._identities[plan.opposition]]
        found = check_transcript(transcript, extra_identities=identities, canaries=self.canaries)
        records = [
            FindingRecord(debate_id=plan.debate_id, speech_idx=f.speech_index, side=f.side, kind=f.kind, severity=f.severity, detail=f.detail, evidence=f.evidence)
            for f in found
        ]
        return found, records

    async def judge(self, tournament_id: int, plan: DebatePlan, transcript: Transcript, call: Caller, write: Writer) -> Judgement:
        """Grade one finished debate; ballots and findings are written as they exist."""
        findings, records = self.findings(plan, transcript)
        if records:
            await write(*records)
        panel = self.panel_for(plan)
        fence = new_fence()
        decisions: dict[str, JudgeDecision | None] = {}
        failures: dict[str, str] = {}
        context = _Context(tournament_id, plan, transcript, fence, findings, call, write)

        async def independent(judge: Judge) -> None:
            try:
                decisions[judge.name] = await self._decide(context, judge, None, INDEPENDENT)
            except GatewayError as exc:
                # One judge down is one missing ballot, not a crashed tournament. Nothing is
                # stored for it (the failed call is in model_call), so a rerun asks it again.
                decisions[judge.name] = None
                failures[judge.name] = redact(str(exc))
                self.bus.emit(ev.VerdictRecorded(debate_id=plan.debate_id, judge=judge.name, winner=None, reason=f"judge call failed: {failures[judge.name]}"))

        async with anyio.create_task_group() as tg:
            for judge in panel:
                tg.start_soon(independent, judge)
        final = dict(decisions)
        if self.config.panel.deliberation and sum(d is not None for d in decisions.values()) > 1:
            order = [(j.name, decisions[j.name]) for j in panel]

            async def revise(judge: Judge) -> None:
                if decisions[judge.name] is None:
                    return
                try:
                    revised = await self._decide(context, judge, deliberation_note(order, for_judge=judge.name), REVISED)
                except GatewayError:
                    revised = None  # the independent ballot stands
                final[judge.name] = revised or decisions[judge.name]

            async with anyio.create_task_group() as tg:
                for judge in panel:
                    tg.start_soon(revise, judge)
        result = aggregate([(j.name, final[j.name]) for j in panel], {j.name: self.calibrations.of(j.name) for j in panel}, self.rubric)
        return self._verdict(plan, result, findings, failures)

    async def _decide(self, context: _Context, judge: Judge, note: str | None, stage: str) -> JudgeDecision | None:
        """A judge's decision at one stage: stored if it exists, else asked in each presentation
        not yet stored, combined and written."""
        plan = context.plan
        if (done := plan.ballot(judge.name, stage)) is not None:
            return decision_of_stored(done)
        presentations = self.presentations(plan, judge)
        answers: dict[Presentation, tuple[Ballot | None, float | None, str | None]] = {}
        failures: list[GatewayError] = []

        async def present(presentation: Presentation) -> None:
            stored = plan.order_ballot(judge.name, stage, presentation.label_a.value)
            if stored is not None:
                answers[presentation] = ballot_of_order(stored), stored.expected_margin, stored.reason if stored.abstained else None
                return
            try:
                answers[presentation] = await self._present(context, judge, presentation, note, stage)
            except GatewayError as exc:
                failures.append(exc)  # raised below as itself, not wrapped in a group

        # Both presentations at once: a hosted judge answers them in parallel (a local one
        # takes them in turn anyway).
        async with anyio.create_task_group() as tg:
            for presentation in presentations:
                tg.start_soon(present, presentation)
        if failures:
            raise failures[0]
        valid = [answers[p] for p in presentations if answers[p][0] is not None]
        problems = [answers[p][2] or "no valid reply" for p in presentations if answers[p][0] is None]
        decision = combine([b for b, _, _ in valid if b is not None], [m for _, m, _ in valid])
        if decision is None:
            if stage == REVISED:
                return None  # the independent ballot stands
            reason = f"abstained after {MAX_ASKS} invalid replies: {problems[0]}"
            await context.write(BallotRecord(debate_id=plan.debate_id, judge=judge.name, judge_model=judge.model, winner=None, reason=reason[:2000], abstained=True, stage=stage))
            self.bus.emit(ev.VerdictRecorded(debate_id=plan.debate_id, judge=judge.name, winner=None, reason=reason))
            return None
        await context.write(_ballot_record(plan, judge, decision, stage))
        self.bus.emit(ev.VerdictRecorded(debate_id=plan.debate_id, judge=judge.name, winner=decision.side, reason=decision.reason))
        return decision

    async def _present(self, context: _Context, judge: Judge, presentation: Presentation, note: str | None, stage: str) -> tuple[Ballot | None, float | None, str | None]:
        plan = context.plan

        async def invalid(result: CallResult, problem: str) -> None:
            record = _call_record(context.tournament_id, plan, result)
            await context.write(record.model_copy(update={"ok": False, "error": f"invalid ballot: {problem}"[:2000]}))

        answer = await self._asker.ask(
            judge, context.transcript, presentation, context.call, fence=context.fence, findings=context.findings, note=note,
            metadata={"debate": plan.debate_id, "stage": stage}, on_invalid=invalid,
        )
        base = {"debate_id": plan.debate_id, "judge": judge.name, "judge_model": judge.model, "stage": stage, "label_a": presentation.label_a.value}
        if answer.ballot is None:
            reason = f"abstained after {MAX_ASKS} invalid replies: {answer.problem}"[:2000]
            await context.write(OrderBallotRecord(**base, reason=reason, abstained=True))
            return None, None, answer.problem
        ballot, distribution = answer.ballot, answer.distribution
        self.calibrations.add(judge.name, ballot)
        await context.write(
            OrderBallotRecord(
                **base, reason=ballot.reason, verdict=ballot.verdict.value, winner=verdict_side(ballot.verdict), margin=signed_margin(ballot.verdict),
                expected_margin=distribution.expected_margin if distribution else None,
                probabilities=distribution.probabilities if distribution else None,
                both_poor=ballot.both_poor, scores={cid: s.model_dump() for cid, s in ballot.scores.items()},
            ),
            _call_record(context.tournament_id, plan, answer.calls[-1]),
        )
        return ballot, distribution.expected_margin if distribution else None, None

    def _verdict(self, plan: DebatePlan, result: PanelResult, findings: Sequence[Finding], failures: dict[str, str]) -> Judgement:
        if result.winner is None:
            error = "every judge abstained (no valid ballot)"
            if failures:
                error = "no valid ballot; judge calls failed: " + "; ".join(f"{name}: {why}" for name, why in failures.items())
            update = DebateUpdate(debate_id=plan.debate_id, status="failed", error=error[:2000], finished=True)
            return Judgement(update=update, result=None)
        leak = excludes_from_ratings(findings)
        excluded = leak and self.config.rules.exclude_identity_leaks
        totals = result.totals
        update = DebateUpdate(
            debate_id=plan.debate_id, status="judged", winner=result.winner, finished=True,
            margin=result.margin, disagreement=result.disagreement,
            prop_score=totals.proposition if totals else None, opp_score=totals.opposition if totals else None,
            excluded=excluded, excluded_reason="a speaker identified itself (identity leak)" if excluded else None,
        )
        return Judgement(update=update, result=result)


@dataclass
class _Context:
    """What every call about one debate shares."""

    tournament_id: int
    plan: DebatePlan
    transcript: Transcript
    fence: str
    findings: Sequence[Finding]
    call: Caller
    write: Writer


def ballot_of_order(stored: StoredOrderBallot) -> Ballot | None:
    """A stored presentation's ballot (whole-number scores), for resuming and calibration."""
    if stored.abstained or stored.verdict is None:
        return None
    return Ballot.model_validate({"scores": stored.scores, "verdict": stored.verdict, "both_poor": stored.both_poor, "reason": stored.reason})


def ballot_of(stored: StoredBallot) -> Ballot | None:
    """A ballot stored before judges were asked in presentations (whole-number scores)."""
    if stored.abstained or stored.verdict is None or stored.margin is not None:
        return None
    scores = {cid: SideScores(proposition=round(s["proposition"]), opposition=round(s["opposition"])) for cid, s in stored.scores.items()}
    return Ballot(scores=scores, verdict=Verdict(stored.verdict), both_poor=stored.both_poor, reason=stored.reason)


def decision_of_stored(stored: StoredBallot) -> JudgeDecision | None:
    if stored.abstained or stored.verdict is None:
        return None
    return JudgeDecision(
        margin=stored.margin if stored.margin is not None else float(signed_margin(stored.verdict)),
        verdict=Verdict(stored.verdict),
        scores={cid: SideMeans(**s) for cid, s in stored.scores.items()},
        both_poor=stored.both_poor, reason=stored.reason, consistent=stored.consistent, expected_margin=stored.expected_margin,
    )


def _ballot_record(plan: DebatePlan, judge: Judge, decision: JudgeDecision, stage: str) -> BallotRecord:
    return BallotRecord(
        debate_id=plan.debate_id, judge=judge.name, judge_model=judge.model, stage=stage,
        verdict=decision.verdict.value, winner=decision.side, both_poor=decision.both_poor,
        scores={cid: s.model_dump() for cid, s in decision.scores.items()}, reason=decision.reason,
        margin=decision.margin, consistent=decision.consistent, expected_margin=decision.expected_margin,
    )


def _call_record(tournament_id: int, plan: DebatePlan, result: CallResult) -> CallRecord:
    return CallRecord(
        tournament_id=tournament_id, debate_id=plan.debate_id, purpose="judge", speech_idx=None, model=result.model,
        prompt_tokens=result.prompt_tokens, completion_tokens=result.completion_tokens, cost_usd=result.cost_usd,
        latency_s=result.latency_s, attempts=result.attempts,
    )
