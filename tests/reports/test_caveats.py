"""Caveats: each plain sentence appears when its condition holds, with the measured figure,
and not otherwise; gathered from a real (fake-provider) tournament's store."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from debate.reports.caveats import Caveat, CaveatFacts, caveats, headline, tournament_caveats
from debate.store import BallotRecord, DebateUpdate, QualificationRecord, Store, StoredBallot, StoredQualification
from tests.helpers import finished_tournament

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma")]
CRITERIA = ("argument", "rebuttal", "style")


def ballot(prop: float = 4, opp: float = 2, *, judge: str = "judge", consistent: bool | None = None, per_criterion: bool = False) -> StoredBallot:
    # per_criterion: vary the scores across criteria, so no ballot gives a side one score everywhere
    scores = {c: {"proposition": prop + (i if per_criterion else 0), "opposition": opp} for i, c in enumerate(CRITERIA)}
    return StoredBallot(judge=judge, judge_model="fake/judge", kind="model", winner="proposition", scores=scores, reason="r", abstained=False, consistent=consistent)


def qualification(judge: str = "judge", *, flagged: bool = False, **result: Any) -> StoredQualification:
    return StoredQualification(tournament_id=1, judge=judge, judge_model="fake/judge", flagged=flagged, result=result, created_at=datetime.now(timezone.utc))


def facts(**overrides: Any) -> CaveatFacts:
    """Facts with nothing wrong: mixed winners, varied scores, a qualified judge, separable ratings."""
    base: dict[str, Any] = {
        "winners": ["proposition", "opposition", "tie", "opposition"],
        "ballots": [ballot(4, 2, per_criterion=True), ballot(2, 4, per_criterion=True), ballot(3, 4, per_criterion=True)],
        "qualifications": [qualification()],
        "judges": ["judge"],
        "rated": 3,
        "separability": 1 / 3,
    }
    return CaveatFacts(**{**base, **overrides})


def kinds(found: list[Caveat]) -> list[str]:
    return [c.kind for c in found]


def test_nothing_wrong_means_no_caveats_and_no_headline() -> None:
    assert caveats(facts()) == []
    assert headline([]) == ""


def test_a_flagged_judge_is_named_with_its_figures() -> None:
    failed = qualification("qwen-judge", flagged=True, accuracy=0.42, position_consistency=0.25, problems=[])
    found = caveats(facts(qualifications=[qualification(), failed], judges=["judge", "qwen-judge"]))
    assert kinds(found) == ["flagged_judge"]
    assert "qwen-judge" in found[0].sentence and "accuracy 0.42" in found[0].sentence and "position consistency 0.25" in found[0].sentence
    # The qualification's own problem sentences carry the thresholds: they are used as written.
    with_problems = qualification("qwen-judge", flagged=True, accuracy=0.42, problems=["control accuracy 0.42 is below 0.80."])
    sentence = caveats(facts(qualifications=[with_problems], judges=["qwen-judge"]))[0].sentence
    assert "(control accuracy 0.42 is below 0.80)" in sentence
    assert headline(found) == "Not a meaningful ranking:"


@pytest.mark.parametrize(("winners", "expected"), [
    (["proposition"] * 6, "The proposition won all 6 judged debates"),
    (["opposition"] * 3, "The opposition won all 3 judged debates"),
    (["proposition"] * 19 + ["tie"], "The proposition won 19 of 20 judged debates (95%)"),
])
def test_one_side_winning_all_or_nearly_all_is_said(winners: list[str], expected: str) -> None:
    found = caveats(facts(winners=winners))
    assert kinds(found) == ["side_decided"] and expected in found[0].sentence


@pytest.mark.parametrize("winners", [["proposition"] * 2, ["proposition"] * 8 + ["opposition"], ["proposition"] * 17 + ["opposition"] * 3])
def test_too_few_debates_or_a_mixed_record_is_not_a_side_caveat(winners: list[str]) -> None:
    assert caveats(facts(winners=winners)) == []


@pytest.mark.parametrize(("ballots", "expected"), [
    ([ballot(3, 3)] * 4, "All 4 ballots gave both sides the same score (3) on every criterion"),
    ([ballot(3, 3), ballot(4, 4, per_criterion=False), ballot(2, 2)], "equal scores on every criterion"),
    ([ballot(3, 3), ballot(3, 2), ballot(3, 2)], "each side one score on every criterion"),
])
def test_uniform_scores_are_said(ballots: list[StoredBallot], expected: str) -> None:
    found = caveats(facts(ballots=ballots))
    assert kinds(found) == ["uniform_scores"] and expected in found[0].sentence


def test_uniform_scores_need_enough_ballots_and_ignore_abstentions() -> None:
    assert caveats(facts(ballots=[ballot(3, 3)] * 2)) == []
    abstained = ballot(3, 3).model_copy(update={"abstained": True})
    assert caveats(facts(ballots=[*facts().ballots, abstained, abstained])) == []


def test_a_judge_whose_verdict_flips_with_the_order_is_counted() -> None:
    flips = [ballot(per_criterion=True, consistent=False)] * 5 + [ballot(per_criterion=True, consistent=True)]
    steady = [ballot(per_criterion=True, judge="other", consistent=True)] * 6
    found = caveats(facts(ballots=flips + steady, judges=["judge", "other"], qualifications=[qualification(), qualification("other")]))
    assert kinds(found) == ["order_flips"]
    assert found[0].sentence.startswith("judge's verdict flipped with the order of presentation in 5 of 6 debates")
    # 30% flipped is not above the threshold; one-order ballots (consistent None) say nothing.
    few = [ballot(per_criterion=True, consistent=False)] * 3 + [ballot(per_criterion=True, consistent=True)] * 7
    assert caveats(facts(ballots=few)) == []
    assert caveats(facts(ballots=[ballot(per_criterion=True)] * 6)) == []


def test_ratings_resting_on_the_prior_are_said_only_with_two_rated_contestants() -> None:
    found = caveats(facts(separability=0.0))
    assert kinds(found) == ["prior_only"] and "0 of 3 pairs" in found[0].sentence
    assert caveats(facts(separability=0.0, rated=1)) == []
    assert caveats(facts(separability=None)) == []


def test_an_unbeaten_contestant_does_not_hide_that_no_interval_stands_apart(store: Store) -> None:
    from dataclasses import replace

    from debate.verdicts import tournament_ratings

    tid = _tid(store)
    table = tournament_ratings(store, tid)
    assert table is not None and len(table.rows) == 3
    # As `debate ratings` shows one that never lost: "above all (>= 1084)", overlapping the next.
    top, second, third = table.rows
    rows = [
        replace(top, rating=1084.0, lower=1084.0, upper=None, no_estimate="above"),
        replace(second, rating=1000.0, lower=880.0, upper=1120.0),
        replace(third, rating=990.0, lower=870.0, upper=1110.0),
    ]
    found = tournament_caveats(store, tid, replace(table, rows=rows))
    assert "prior_only" in kinds(found) and "0 of 3 pairs" in next(c.sentence for c in found if c.kind == "prior_only")
    # An open end apart from the rest is apart: no caveat then.
    rows[0] = replace(rows[0], rating=1200.0, lower=1200.0)
    assert "prior_only" not in kinds(tournament_caveats(store, tid, replace(table, rows=rows)))


def test_an_untested_judge_gets_a_softer_note() -> None:
    found = caveats(facts(qualifications=[], judges=["qwen-judge"]))
    assert kinds(found) == ["untested_judge"] and "qwen-judge has not been tested on control debates" in found[0].sentence
    assert headline(found) == "Read with care:"
    two = caveats(facts(qualifications=[], judges=["a", "b"]))[0].sentence
    assert two.startswith("a, b have not been tested")


def test_the_most_serious_come_first() -> None:
    found = caveats(facts(
        winners=["proposition"] * 4, ballots=[ballot(3, 3)] * 4, qualifications=[qualification("judge", flagged=True, accuracy=0.4)],
        judges=["judge", "new"], separability=0.0,
    ))
    assert kinds(found) == ["flagged_judge", "side_decided", "uniform_scores", "prior_only", "untested_judge"]


# From a store: a real fake-provider tournament, edited by writing records (a revised ballot
# is a judge's final one).


@pytest.fixture(scope="module")
def finished_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished_tournament(tmp_path_factory.mktemp("caveats"), CONTESTANTS)


@pytest.fixture
def store(finished_db: Path, tmp_path: Path) -> Store:
    db = tmp_path / "t.db"
    shutil.copy(finished_db, db)
    opened = Store(str(db))
    yield opened  # type: ignore[misc]
    opened.close()


def _tid(store: Store) -> int:
    return store.find_tournament().id or 0


def _judged(store: Store) -> list[int]:
    return [d.id for d in store.debates(_tid(store)) if d.status == "judged"]


def test_the_store_names_an_untested_judge_until_its_qualification_is_stored(store: Store) -> None:
    tid = _tid(store)
    debate = _judged(store)[0]
    store.write([BallotRecord(debate_id=debate, judge="newcomer", judge_model="fake/new", winner="tie", reason="r")])
    assert any(c.kind == "untested_judge" and c.sentence.startswith("newcomer has not") for c in tournament_caveats(store, tid))
    store.write([QualificationRecord(tournament_id=tid, judge="newcomer", judge_model="fake/new", flagged=True, result={"accuracy": 0.5, "position_consistency": 0.6}, verdicts=[])])
    found = tournament_caveats(store, tid)
    assert not any("newcomer has not" in c.sentence for c in found)
    assert any(c.kind == "flagged_judge" and "Judge newcomer failed" in c.sentence and "accuracy 0.50" in c.sentence for c in found)
    assert found[0].kind == "flagged_judge"


def test_the_store_gives_side_and_score_caveats_from_what_was_judged(store: Store) -> None:
    tid = _tid(store)
    debates = _judged(store)
    store.write([DebateUpdate(debate_id=d, status="judged", winner="proposition" if i % 2 else "opposition") for i, d in enumerate(debates)])
    assert "side_decided" not in kinds(tournament_caveats(store, tid))
    flat = {c: {"proposition": 3.0, "opposition": 3.0} for c in CRITERIA}
    store.write([DebateUpdate(debate_id=d, status="judged", winner="proposition") for d in debates])
    store.write([BallotRecord(debate_id=d, judge="judge", judge_model="fake/judge", stage="revised", winner="proposition", reason="r", scores=flat, consistent=i > 0) for i, d in enumerate(debates)])
    found = {c.kind: c.sentence for c in tournament_caveats(store, tid)}
    assert f"The proposition won all {len(debates)} judged debates" in found["side_decided"]
    assert f"All {len(debates)} ballots gave both sides the same score (3)" in found["uniform_scores"]
    assert "order_flips" not in found  # one flip in six is not a pattern


def test_the_store_gives_order_flips_from_the_final_ballots(store: Store) -> None:
    debates = _judged(store)
    store.write([BallotRecord(debate_id=d, judge="judge", judge_model="fake/judge", stage="revised", winner="tie", reason="r", consistent=i == 0) for i, d in enumerate(debates)])
    found = {c.kind: c.sentence for c in tournament_caveats(store, _tid(store))}
    assert f"in {len(debates) - 1} of {len(debates)} debates" in found["order_flips"]


def test_standings_report_carries_the_caveats(store: Store) -> None:
    from debate.reports.standings import standings_report

    report = standings_report(store, None)
    assert report.caveats == tournament_caveats(store, _tid(store)) and report.caveats
    assert report.model_dump(mode="json")["caveats"][0].keys() == {"kind", "sentence"}


def test_the_scorecard_counts_an_open_end_as_open(store: Store) -> None:
    from dataclasses import replace

    from debate.reports.scorecard.build import _separability
    from debate.verdicts import tournament_ratings

    table = tournament_ratings(store, _tid(store))
    assert table is not None
    top, second, third = table.rows
    rows = [replace(top, lower=1300.0, upper=None, no_estimate="above"), replace(second, lower=880.0, upper=1120.0), replace(third, lower=870.0, upper=1110.0)]
    assert _separability(replace(table, rows=rows)) == pytest.approx(2 / 3)  # the unbeaten one apart from both, the two overlapping
