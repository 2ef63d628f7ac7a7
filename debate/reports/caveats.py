"""What makes a tournament's results untrustworthy, said in plain sentences with the measured figure.

A ranking printed with intervals looks like evidence even when the judge was noise, the side
decided every debate or the rubric scores never varied. The standings, the ratings and every
export put these sentences above their tables; an empty list means nothing was found wrong.

`caveats` is the pure rule over gathered facts; `tournament_caveats` gathers them from a store.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from debate.store import StoredBallot, StoredQualification

if TYPE_CHECKING:
    from debate.store import Store
    from judges.ratings import RatingTable

MIN_DEBATES = 3  # below this, a lopsided or uniform record says little either way
NEARLY_ALL = 0.9  # a side winning this share of at least NEARLY_ALL_DEBATES debates
NEARLY_ALL_DEBATES = 10
MAX_INCONSISTENT = 0.3  # share of a judge's ballots that flipped with the presentation order
# Caveats that qualify a ranking rather than void it (the judge was not tested, not failed).
NOTES = frozenset({"untested_judge"})


class Caveat(BaseModel):
    kind: str
    sentence: str


class CaveatFacts(BaseModel):
    """What the rules read: the judged debates' winners (proposition/opposition/tie), the final
    model ballots, stored qualifications, the panel's judges, and the rated contestants'
    separability (None: no ratings with intervals for two or more contestants)."""

    winners: list[str]
    ballots: list[StoredBallot]
    qualifications: list[StoredQualification]
    judges: list[str]
    rated: int = 0
    separability: float | None = None
    canaries: dict[str, int] = {}  # who wrote a motion set's canary (contestant or judge) -> how many texts


def caveats(facts: CaveatFacts) -> list[Caveat]:
    """Every caveat the facts call for, most serious first."""
    return [
        *_canaries(facts.canaries),
        *_flagged_judges(facts.qualifications),
        *_side_decided(facts.winners),
        *_uniform_scores(facts.ballots),
        *_order_flips(facts.ballots),
        *_prior_only(facts.rated, facts.separability),
        *_untested_judges(facts.judges, facts.qualifications),
    ]


def headline(found: list[Caveat]) -> str:
    """The line above the caveats: strong when any of them voids the ranking."""
    if not found:
        return ""
    return "Read with care:" if all(c.kind in NOTES for c in found) else "Not a meaningful ranking:"


def tournament_caveats(store: Store, tournament_id: int, ratings: RatingTable | None = None) -> list[Caveat]:
    """The caveats of a stored tournament; `ratings` saves refitting when the caller has them
    (default: `debate.verdicts.tournament_ratings`)."""
    return caveats(caveat_facts(store, tournament_id, ratings))


def caveat_facts(store: Store, tournament_id: int, ratings: RatingTable | None = None) -> CaveatFacts:
    """The facts the rules read; the panel is the configured judges plus any that left final
    model ballots (a judge may have left the config since)."""
    from debate.reports.standings import stored_config
    from debate.verdicts import tournament_ratings

    table = ratings if ratings is not None else tournament_ratings(store, tournament_id)
    ballots = [b for _, b in store.final_ballots(tournament_id)]
    configured = [j.name for j in stored_config(store, tournament_id).judges]
    rated = len(table.rows) if table is not None else 0
    separable = _separability(table) if table is not None and rated >= 2 else None
    return CaveatFacts(
        winners=[d.winner for d in store.debates(tournament_id) if d.status == "judged" and d.winner is not None],
        ballots=ballots, qualifications=store.qualifications(tournament_id),
        judges=list(dict.fromkeys([*configured, *(b.judge for b in ballots)])),
        rated=rated, separability=separable, canaries=_canary_writers(store, tournament_id, ballots),
    )


def _canary_writers(store: Store, tournament_id: int, ballots: list[StoredBallot]) -> dict[str, int]:
    """Contestants whose speeches drew a canary finding, and judges whose reasons quote one."""
    from judges.rules import reproduced
    from motions import known_canaries

    names = {d.id: (d.proposition, d.opposition) for d in store.debates(tournament_id)}
    writers: dict[str, int] = {}
    for debate_id, side in store.findings_of_kind(tournament_id, "canary"):
        if debate_id in names:
            who = names[debate_id][0 if side == "proposition" else 1]
            writers[who] = writers.get(who, 0) + 1
    shipped = known_canaries()
    for b in ballots:
        if reproduced(b.reason, shipped):
            writers[f"judge {b.judge}"] = writers.get(f"judge {b.judge}", 0) + 1
    return writers


def _canaries(writers: dict[str, int]) -> list[Caveat]:
    if not writers:
        return []
    each = ", ".join(f"{who} ({n})" for who, n in sorted(writers.items()))
    return [Caveat(
        kind="canary",
        sentence=f"A motion set's canary string was reproduced by {each}: those models have seen the set, so their results on it measure memory, not debating.",
    )]


def _separability(table: RatingTable) -> float | None:
    """The share of pairs apart; a contestant that won (lost) every debate has an open end,
    which `separability` reads as such. None was returned for it once, and an unbeaten
    contestant's "above all" then hid that no interval stood apart from another."""
    from judges.ratings import separability

    return separability(table) if table.ci is not None else None


def _flagged_judges(qualifications: list[StoredQualification]) -> list[Caveat]:
    return [
        Caveat(
            kind="flagged_judge",
            sentence=f"Judge {q.judge} failed its qualification on control debates ({_failures(q.result)}): its verdicts are not evidence of who debated better.",
        )
        for q in qualifications if q.flagged
    ]


def _failures(result: dict[str, Any]) -> str:
    """The qualification's own problem sentences (they carry figure and threshold), else its
    headline figures."""
    problems = [str(p).rstrip(". ") for p in result.get("problems") or []]
    if problems:
        return "; ".join(problems)
    figures = [f"{label} {result[key]:.2f}" for key, label in (("accuracy", "accuracy"), ("position_consistency", "position consistency")) if result.get(key) is not None]
    return ", ".join(figures) or "no figures stored"


def _side_decided(winners: list[str]) -> list[Caveat]:
    n = len(winners)
    for side in ("proposition", "opposition"):
        won = winners.count(side)
        if n >= MIN_DEBATES and won == n:
            return [Caveat(kind="side_decided", sentence=f"The {side} won all {n} judged debates: the side, not the debaters, decided these results.")]
        if n >= NEARLY_ALL_DEBATES and won / n >= NEARLY_ALL:
            return [Caveat(kind="side_decided", sentence=f"The {side} won {won} of {n} judged debates ({won / n:.0%}): the side, more than the debaters, decided these results.")]
    return []


def _uniform_scores(ballots: list[StoredBallot]) -> list[Caveat]:
    scored = [b.scores for b in ballots if not b.abstained and b.scores]
    if len(scored) < MIN_DEBATES:
        return []
    pairs = [(s["proposition"], s["opposition"]) for scores in scored for s in scores.values()]
    values = {v for pair in pairs for v in pair}
    n = len(scored)
    if len(values) == 1:
        sentence = f"All {n} ballots gave both sides the same score ({values.pop():g}) on every criterion: the rubric scores carry no information."
    elif all(p == o for p, o in pairs):
        sentence = f"All {n} ballots gave both sides equal scores on every criterion: the rubric scores cannot tell the debaters apart."
    elif all(_one_score_per_side(scores) for scores in scored):
        sentence = f"All {n} ballots gave each side one score on every criterion: the criteria were not judged separately."
    else:
        return []
    return [Caveat(kind="uniform_scores", sentence=sentence)]


def _one_score_per_side(scores: dict[str, dict[str, float]]) -> bool:
    return all(len({s[side] for s in scores.values()}) == 1 for side in ("proposition", "opposition"))


def _order_flips(ballots: list[StoredBallot]) -> list[Caveat]:
    both_orders = [b for b in ballots if b.consistent is not None and not b.abstained]
    graded = Counter(b.judge for b in both_orders)
    flipped = Counter(b.judge for b in both_orders if not b.consistent)
    return [
        Caveat(kind="order_flips", sentence=f"{judge}'s verdict flipped with the order of presentation in {flipped[judge]} of {n} debates: it favours a position on the page, not an argument.")
        for judge, n in graded.items()
        if n >= MIN_DEBATES and flipped[judge] / n > MAX_INCONSISTENT
    ]


def _prior_only(rated: int, separability: float | None) -> list[Caveat]:
    if rated < 2 or separability is None or separability > 0:
        return []
    pairs = rated * (rated - 1) // 2
    return [Caveat(
        kind="prior_only",
        sentence=f"No contestant's rating is distinguishable from another's at 95% confidence (0 of {pairs} pairs of intervals apart): the intervals show how little the results say, not a ranking.",
    )]


def _untested_judges(judges: list[str], qualifications: list[StoredQualification]) -> list[Caveat]:
    tested = {q.judge for q in qualifications}
    untested = [j for j in judges if j not in tested]
    if not untested:
        return []
    one = len(untested) == 1
    sentence = (
        f"{', '.join(untested)} {'has' if one else 'have'} not been tested on control debates (run debate judges test): "
        f"nothing yet shows {'its' if one else 'their'} verdicts follow the better argument."
    )
    return [Caveat(kind="untested_judge", sentence=sentence)]
