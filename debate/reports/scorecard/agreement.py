"""The scorecard's judge agreement: alpha per criterion and of verdicts, kappas against the
humans, raters flagged as outliers against the panel, the model judges' winner agreement
matrix and their presented-side bias (the math is `judges.agreement`)."""

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
    presented_side_bias,
    verdict_alpha,
    winner_agreement,
    winner_kappas,
)
from judges.ballot import Ballot, SideScores, Verdict, verdict_side

from debate.reports.scorecard.model import (
    FLAG_ALPHA,
    Agreement,
    AgreementCell,
    PresentedSideBiasInfo,
    RaterInfo,
    WinnerAgreementMatrix,
)
from debate.reports.scorecard.tallies import num
from debate.store import StoredOrderBallot
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


def agreement(
    final: Sequence[q.BallotFacts], every: Sequence[q.BallotFacts], debates: Mapping[int, q.DebateFacts], criteria: Sequence[str],
    orders: Sequence[StoredOrderBallot] = (),
) -> Agreement:
    """`final`: the valid final ballots; `every`: all ballots (for abstentions); `orders`: the
    model judges' presentation ballots (for presented-side bias)."""
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
    # A lone judge is the panel: it agrees with it every time by construction, and a baseline
    # of 1.0 flagged a human scorer on a single dissenting ballot (p = 0). With one judge
    # there is no baseline; without any, the human scorers are pooled.
    pool = [counts[name] for name in judges] if len(judges) >= 2 else [] if judges else list(counts.values())
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
        winner_agreement=winner_matrix(judges),
        presented_side_bias=side_bias(orders),
    )


def winner_matrix(judges: Mapping[str, Mapping[int, Ballot]]) -> WinnerAgreementMatrix:
    """The model judges (by name) against each other: the share of shared debates with the same winner."""
    names = sorted(judges)
    pairs = winner_agreement({name: {d: verdict_side(b.verdict) for d, b in judges[name].items()} for name in names})
    return WinnerAgreementMatrix(
        judges=names,
        cells=[[None if a == b else AgreementCell(share=num(pairs[(a, b)][0]), debates=pairs[(a, b)][1]) for b in names] for a in names],
    )


def side_bias(orders: Sequence[StoredOrderBallot]) -> list[PresentedSideBiasInfo]:
    """Per model judge (by name), its lean toward Debater A; a presentation pairs with the other
    order of the same debate and stage. Abstentions and verdict-less presentations are left out."""
    models = {o.judge: o.judge_model for o in reversed(orders)}  # each judge's model on its first presentation
    graded = [(o.judge, (o.debate_id, o.stage), o.label_a, o.margin) for o in orders if not o.abstained and o.margin is not None]
    return [
        PresentedSideBiasInfo(
            judge=judge, judge_model=models[judge], ballots=b.ballots, toward_a=num(b.toward_a), decisive=b.decisive,
            favours_a=num(b.favours_a), pairs=b.pairs, inconsistent=num(b.inconsistent),
        )
        for judge, b in sorted(presented_side_bias(graded).items())
    ]
