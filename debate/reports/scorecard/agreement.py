"""The scorecard's judge agreement: alpha per criterion and of verdicts, kappas against the
humans, and raters flagged as outliers against the panel (the math is `judges.agreement`)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from judges.agreement import (
    agreement_counts,
    criterion_alpha,
    outlier_scorers,
    pooled_rate,
    verdict_alpha,
    winner_kappas,
)
from judges.ballot import Ballot, SideScores, Verdict

from debate.reports.scorecard.model import FLAG_ALPHA, Agreement, RaterInfo
from debate.reports.scorecard.tallies import num
from debate.store import scorecard as q


def _as_ballot(b: q.BallotFacts) -> Ballot | None:
    """A stored ballot as the agreement functions read it (they read scores and verdict only)."""
    try:
        verdict = Verdict(b.verdict)
    except ValueError:
        return None
    scores = {
        cid: SideScores.model_construct(proposition=sides["proposition"], opposition=sides["opposition"])
        for cid, sides in b.scores.items()
        if "proposition" in sides and "opposition" in sides
    }
    return Ballot.model_construct(scores=scores, verdict=verdict, both_poor=b.both_poor, reason=b.reason or "-")


def agreement(final: Sequence[q.BallotFacts], every: Sequence[q.BallotFacts], debates: Mapping[int, q.DebateFacts], criteria: Sequence[str]) -> Agreement:
    raters: dict[str, dict[int, Ballot]] = {}
    kinds: dict[str, tuple[str, str]] = {}
    for b in final:
        ballot = _as_ballot(b)
        if ballot is None:
            continue
        raters.setdefault(b.judge, {})[b.debate_id] = ballot
        kinds.setdefault(b.judge, (b.judge_model, b.kind))
    abstentions: dict[str, int] = defaultdict(int)
    for b in every:
        kinds.setdefault(b.judge, (b.judge_model, b.kind))
        if b.abstained:
            abstentions[b.judge] += 1
    humans = {name: ballots for name, ballots in raters.items() if kinds[name][1] == "human"}
    judges = {name: ballots for name, ballots in raters.items() if kinds[name][1] != "human"}

    alphas = criterion_alpha(raters, SimpleNamespace(ids=tuple(criteria)), level="interval") if raters else {c: math.nan for c in criteria}  # type: ignore[arg-type]
    kappas = {name: num(k) for name, k in winner_kappas(judges, humans).items()} if humans else None
    panel: dict[Any, str | None] = {d.id: d.winner for d in debates.values() if d.status == "judged" and d.winner in ("proposition", "opposition", "tie")}
    counts = agreement_counts(raters, panel)
    pool = [counts[name] for name in judges] if judges else list(counts.values())
    baseline = num(pooled_rate(pool))
    flagged = outlier_scorers(counts, baseline, alpha=FLAG_ALPHA) if baseline is not None else []
    return Agreement(
        criterion_alpha={c: num(alphas.get(c, math.nan)) for c in criteria},
        verdict_alpha=num(verdict_alpha(raters)) if raters else None,
        kappas=kappas,
        baseline_agreement=baseline,
        flagged_scorers=flagged,
        raters=[
            RaterInfo(
                name=name, judge_model=kinds[name][0], kind=kinds[name][1], ballots=len(raters.get(name, {})), abstentions=abstentions.get(name, 0),
                agree=counts.get(name, (0, 0))[0], compared=counts.get(name, (0, 0))[1],
                agreement_rate=counts[name][0] / counts[name][1] if counts.get(name, (0, 0))[1] else None, flagged=name in flagged,
            )
            for name in sorted(kinds, key=lambda n: (kinds[n][1] == "human", n))
        ],
    )
