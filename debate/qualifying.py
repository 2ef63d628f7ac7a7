"""The adjudication test: each judge grades control debates whose better side is known.

Controls are built from real debates of the tournament when it has enough finished ones,
else from the shipped seed set (`judges.controls`), by degrading one side's speeches. Each
control is graded in both presentations (either side as Debater A) and, for a judge that
samples (temperature above 0, or unset), once more, so repetition stability can be measured.
A judge at temperature 0 is deterministic and is not asked twice. Controls are never stored
as debates: they cannot enter standings or ratings. Each judge's measures (`judges.qualification`)
and every verdict they rest on are stored, so a run can be audited later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import anyio

from debate.config import Judge, TournamentConfig
from debate.core.errors import GatewayError, UserError
from debate.core.secrets import redact
from debate.core.transcript import Transcript
from debate.gateway import CallRequest, CallResult, Gateway, gateway_for
from debate.judging import JudgeAsker
from debate.store import CallRecord, QualificationRecord, Record, Store
from judges.ballot import signed_margin
from judges.controls import Control, SeedDebate, build_controls, seed_debates
from judges.presentation import BOTH, new_fence
from judges.qualification import ControlVerdict, JudgeQualification, Thresholds, qualify
from judges.rubric import Rubric
from judges.rules import check_transcript

Progress = Callable[[str, int, int], None]  # (judge, graded so far, total)
Tested = tuple[JudgeQualification, list[ControlVerdict], list[CallResult]]  # measures, verdicts, calls paid for


def thresholds_of(config: TournamentConfig) -> Thresholds:
    settings = config.panel.qualification
    return Thresholds(accuracy=settings.min_accuracy, position_consistency=settings.min_position_consistency)


def control_debates(config: TournamentConfig, sources: Sequence[Transcript] = ()) -> list[Control]:
    """The tournament's controls: from its own finished debates when there are at least two
    (so controls look like what the judges will grade), else from the shipped seed set."""
    count = config.panel.qualification.controls
    complete = [SeedDebate(source=f"debate:{n}", transcript=t) for n, t in enumerate(sources, 1) if t.complete]
    pool: Sequence[SeedDebate] = complete if len(complete) >= 2 else seed_debates()
    return build_controls(pool, count=count, seed=config.seed)


async def qualify_judges(
    config: TournamentConfig,
    judges: Sequence[Judge],
    gateway: Gateway,
    rubric: Rubric,
    *,
    controls: Sequence[Control],
    on_progress: Progress | None = None,
) -> list[Tested]:
    """Every judge's measures on `controls` (judges run side by side)."""
    results: dict[str, Tested] = {}

    async def one(judge: Judge) -> None:
        verdicts, probabilities, calls = await _grade(judge, controls, gateway, rubric, on_progress)
        measured = qualify(judge.name, verdicts, thresholds_of(config))
        results[judge.name] = (measured.model_copy(update={"probabilities": probabilities}), verdicts, calls)

    async with anyio.create_task_group() as tg:
        for judge in judges:
            tg.start_soon(one, judge)
    return [results[j.name] for j in judges]


def store_qualifications(store: Store, tournament_id: int | None, judges: Sequence[Judge], results: Sequence[Tested]) -> None:
    """The measures and verdicts, and (within a tournament) the calls, so the cost is counted."""
    models = {j.name: j.model for j in judges}
    records: list[Record] = [
        QualificationRecord(
            tournament_id=tournament_id, judge=q.judge, judge_model=models.get(q.judge, ""), flagged=q.flagged,
            result=q.model_dump(mode="json"), verdicts=[v.model_dump(mode="json") for v in verdicts],
        )
        for q, verdicts, _ in results
    ]
    if tournament_id is not None:
        records += [
            CallRecord(
                tournament_id=tournament_id, debate_id=None, purpose="qualification", speech_idx=None, model=c.model,
                prompt_tokens=c.prompt_tokens, completion_tokens=c.completion_tokens, cost_usd=c.cost_usd, latency_s=c.latency_s, attempts=c.attempts,
            )
            for _, _, calls in results
            for c in calls
        ]
    store.write(records)


def describe(q: JudgeQualification) -> str:
    """One line for a terminal: the measures, then what is wrong."""

    def figure(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    verdict = "FLAGGED" if q.flagged else "qualified"
    line = (
        f"judge {q.judge}: {verdict} on {q.controls} control debates: accuracy {figure(q.accuracy)}, "
        f"position consistency {figure(q.position_consistency)}, first-label share {figure(q.preference_fairness)}, "
        f"repetition stability {figure(q.repetition_stability)}, score spread {figure(q.score_spread)}"
    )
    if q.probabilities is False:
        line += "; no verdict probabilities (the provider returned no logprobs)"
    if q.problems:
        line += ". " + "; ".join(q.problems)
    return line


async def _grade(judge: Judge, controls: Sequence[Control], gateway: Gateway, rubric: Rubric, on_progress: Progress | None) -> tuple[list[ControlVerdict], bool | None, list[CallResult]]:
    asker = JudgeAsker(rubric)
    repetitions = 1 if judge.temperature == 0 else 2
    jobs = [(c, p, r) for c in controls for r in range(repetitions) for p in BOTH]
    verdicts: list[ControlVerdict] = []
    seen_probabilities: list[bool] = []
    calls: list[CallResult] = []

    async def call(request: CallRequest, _purpose: str) -> CallResult:
        result = await gateway.complete(request)
        calls.append(result)
        return result

    async def grade(control: Control, presentation: object, repetition: int) -> None:
        findings = check_transcript(control.transcript)
        try:
            answer = await asker.ask(
                judge, control.transcript, presentation, call, fence=new_fence(), findings=findings,  # type: ignore[arg-type]
                metadata={"control": control.id, "repetition": repetition},
            )
        except GatewayError as exc:
            answer, failure = None, redact(str(exc))
        else:
            failure = None
        ballot = answer.ballot if answer else None
        if answer is not None and ballot is not None:
            seen_probabilities.append(answer.distribution is not None)
        verdicts.append(ControlVerdict(
            control=control.id, better=control.better, label_a=presentation.label_a, repetition=repetition,  # type: ignore[attr-defined]
            margin=None if ballot is None else float(signed_margin(ballot.verdict)),
            expected_margin=answer.distribution.expected_margin if answer is not None and answer.distribution is not None else None,
            scores={} if ballot is None else {cid: s.model_dump() for cid, s in ballot.scores.items()},
            reason=failure or (ballot.reason if ballot else (answer.problem or "") if answer else ""),
        ))
        if on_progress is not None:
            on_progress(judge.name, len(verdicts), len(jobs))

    async with anyio.create_task_group() as tg:
        for control, presentation, repetition in jobs:
            tg.start_soon(grade, control, presentation, repetition)
    probabilities = None if not seen_probabilities else all(seen_probabilities)
    return sorted(verdicts, key=lambda v: (v.control, v.repetition, v.label_a)), probabilities, calls


async def test_judges(
    config: TournamentConfig,
    database: str,
    rubric: Rubric,
    *,
    names: Sequence[str] = (),
    on_progress: Progress | None = None,
) -> list[JudgeQualification]:
    """`debate judges test`: qualify the config's judges (or those named), store the results.

    Within a stored tournament of the same name, the results belong to it and its judged
    debates are the controls' material; otherwise they are stored on their own.
    """
    judges = _chosen(config, names)
    store = Store(database, create=True)
    try:
        tournament_id, sources = _tournament_material(store, config)
        controls = control_debates(config, sources)
        results = await qualify_judges(config, judges, gateway_for(config), rubric, controls=controls, on_progress=on_progress)
        store_qualifications(store, tournament_id, judges, results)
    finally:
        store.close()
    return [q for q, _, _ in results]


def _chosen(config: TournamentConfig, names: Sequence[str]) -> list[Judge]:
    known = {j.name: j for j in config.judges}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UserError(f"no judge named {', '.join(map(repr, unknown))} in tournament '{config.name}'; its judges: {', '.join(known)}")
    return [known[n] for n in names] if names else list(known.values())


def _tournament_material(store: Store, config: TournamentConfig) -> tuple[int | None, list[Transcript]]:
    """The stored tournament of this name (if any) and its debated transcripts."""
    row = store.tournament_or_none(config.name)
    if row is None or row.id is None:
        return None, []
    return row.id, store.transcripts(row.id, config.resolved_format())
