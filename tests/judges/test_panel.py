"""Judge panels: self-preference eligibility, per-judge normalisation, majority, ties and abstentions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judges.ballot import Ballot, SideScores, Verdict
from judges.orders import combine
from judges.panel import (
    Calibrations,
    JudgeCalibration,
    aggregate,
    deliberation_note,
    eligible,
    normalise,
    select_panel,
)
from judges.rubric import load_rubric

RUBRIC = load_rubric("default")


def _ballot(verdict: str, prop: int | dict[str, int] = 4, opp: int | dict[str, int] = 2, *, both_poor: bool = False,
            reason: str = "Because.") -> Ballot:
    def score(value: int | dict[str, int], cid: str) -> int:
        return value[cid] if isinstance(value, dict) else value

    return Ballot(
        scores={cid: SideScores(proposition=score(prop, cid), opposition=score(opp, cid)) for cid in RUBRIC.ids},
        verdict=Verdict(verdict), both_poor=both_poor, reason=reason,
    )


# --- eligibility -------------------------------------------------------------------------------


def test_a_judge_does_not_grade_its_own_family() -> None:
    assert not eligible("qwen", {"qwen", "gemma"}, allow_self=False)
    assert not eligible("Qwen ", {"qwen"}, allow_self=False)
    assert eligible("gpt", {"qwen", "gemma"}, allow_self=False)
    assert eligible("qwen", {"qwen", "gemma"}, allow_self=True)
    judges = {"j-qwen": "qwen", "j-gpt": "gpt", "j-claude": "claude"}
    assert select_panel(judges, {"gpt", "gemma"}, allow_self=False) == ["j-qwen", "j-claude"]
    assert select_panel(judges, {"gpt", "gemma"}, allow_self=True) == ["j-qwen", "j-gpt", "j-claude"]


# --- calibration and normalisation ----------------------------------------------------------------

HISTORY = [(4, 2), (5, 3), (3, 3), (4, 1), (2, 4)]


def _history(shift: int) -> list[Ballot]:
    return [_ballot("tie", p + shift, o + shift) for p, o in HISTORY]


def _calibration(ballots: list[Ballot], judge: str = "") -> JudgeCalibration:
    calibrations = Calibrations(RUBRIC)
    for ballot in ballots:
        calibrations.add(judge, ballot)
    return calibrations.of(judge)


def test_calibration_is_the_mean_and_spread_over_both_sides() -> None:
    calibration = _calibration(_history(0), judge="j")
    values = [v for pair in HISTORY for v in pair]
    mean = sum(values) / len(values)
    std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    assert calibration.means["style"] == pytest.approx(mean)
    assert calibration.stds["style"] == pytest.approx(std)
    assert calibration.counts["style"] == 10
    assert calibration.spread("style", RUBRIC) == pytest.approx(std)


def test_harsh_and_lenient_judges_normalise_alike() -> None:
    lenient = _calibration(_history(0), judge="lenient")
    harsh = _calibration(_history(-1), judge="harsh")
    a = normalise(_ballot("proposition_clearly", 5, 3), lenient, RUBRIC)
    b = normalise(_ballot("proposition_clearly", 4, 2), harsh, RUBRIC)
    assert a == b
    result = aggregate(
        [("lenient", _ballot("proposition_clearly", 5, 3)), ("harsh", _ballot("proposition_clearly", 4, 2))],
        {"lenient": lenient, "harsh": harsh}, RUBRIC,
    )
    assert result.criterion_means["style"].proposition == 4.5  # raw means differ by judge...
    for cid in RUBRIC.ids:  # ...normalised ones agree exactly
        assert result.normalised_means[cid] == a[cid]


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=12), st.integers(1, 4), st.integers(1, 4))
def test_a_constant_offset_never_changes_normalised_scores(history: list[tuple[int, int]], p: int, o: int) -> None:
    lenient = _calibration([_ballot("tie", a + 1, b + 1) for a, b in history])
    harsh = _calibration([_ballot("tie", a, b) for a, b in history])
    a = normalise(_ballot("tie", p + 1, o + 1), lenient, RUBRIC)
    b = normalise(_ballot("tie", p, o), harsh, RUBRIC)
    assert a.keys() == b.keys()
    for cid in a:
        assert (a[cid].proposition, a[cid].opposition) == pytest.approx((b[cid].proposition, b[cid].opposition))


def test_spread_has_a_floor_and_a_prior() -> None:
    constant = _calibration([_ballot("tie", 3, 3)] * 4)
    assert constant.stds["style"] == 0
    assert constant.spread("style", RUBRIC) == 0.5  # 1/8 of the 1..5 range
    z = normalise(_ballot("tie", 4, 3), constant, RUBRIC)["style"]
    assert (z.proposition, z.opposition) == (2.0, 0.0)
    empty = JudgeCalibration()
    assert (empty.centre("style", RUBRIC), empty.spread("style", RUBRIC)) == (3.0, 1.0)


# --- aggregation -------------------------------------------------------------------------------


def test_majority_with_margin_kept() -> None:
    ballots = [("a", _ballot("proposition_clearly")), ("b", _ballot("proposition_slightly")), ("c", _ballot("opposition_clearly", 2, 4))]
    result = aggregate(ballots, {}, RUBRIC)
    assert result.winner == "proposition"
    assert result.votes == {"proposition": 2, "opposition": 1, "tie": 0}
    assert result.margin == 2 + 1 - 2
    assert result.judges == 3 and result.abstentions == 0
    assert result.dissent == pytest.approx(1 / 3)
    margins = [2, 1, -2]
    mean = sum(margins) / 3
    assert result.disagreement == pytest.approx(sum((m - mean) ** 2 for m in margins) / 3 / 4)
    assert result.criterion_means["rebuttal"].proposition == pytest.approx((4 + 4 + 2) / 3)


def test_disagreement_bounds() -> None:
    same = aggregate([("a", _ballot("opposition_slightly")), ("b", _ballot("opposition_slightly"))], {}, RUBRIC)
    assert same.disagreement == 0 and same.dissent == 0 and same.winner == "opposition"
    split = aggregate([("a", _ballot("proposition_clearly")), ("b", _ballot("opposition_clearly"))], {}, RUBRIC)
    assert split.disagreement == 1 and split.winner == "tie" and split.margin == 0
    near = aggregate([("a", _ballot("proposition_clearly")), ("b", _ballot("proposition_slightly"))], {}, RUBRIC)
    assert near.disagreement == pytest.approx(1 / 16) and near.dissent == 0


@pytest.mark.parametrize(
    ("verdicts", "winner"),
    [
        (["proposition_clearly", "opposition_slightly"], "proposition"),  # level votes: margin decides
        (["proposition_slightly", "opposition_clearly"], "opposition"),
        (["proposition_slightly", "opposition_slightly"], "tie"),
        (["proposition_slightly", "tie"], "proposition"),  # a side vote against a tie vote
        (["tie", "tie", "opposition_clearly"], "tie"),  # more judges saw a tie
        (["tie", "proposition_slightly", "opposition_slightly"], "tie"),
        (["opposition_slightly", "opposition_slightly", "proposition_clearly", "proposition_clearly", "tie"], "proposition"),
    ],
)
def test_ties(verdicts: list[str], winner: str) -> None:
    result = aggregate([(f"j{i}", _ballot(v)) for i, v in enumerate(verdicts)], {}, RUBRIC)
    assert result.winner == winner


def test_abstentions_and_both_poor() -> None:
    result = aggregate(
        [("a", None), ("b", _ballot("opposition_slightly", 2, 3, both_poor=True)), ("c", _ballot("opposition_clearly", 1, 4))],
        {}, RUBRIC,
    )
    assert result.abstentions == 1 and result.judges == 2
    assert result.winner == "opposition" and result.both_poor == 0.5
    assert result.criterion_means["ethics"].opposition == 3.5
    assert result.totals is not None and result.totals.opposition == pytest.approx(3.5)
    nobody = aggregate([("a", None), ("b", None)], {}, RUBRIC)
    assert nobody.winner is None and nobody.abstentions == 2 and nobody.judges == 0
    assert nobody.criterion_means == {} and nobody.totals is None


def test_decisions_from_both_orders_aggregate_with_fractional_margins() -> None:
    consistent = combine([_ballot("proposition_clearly", 5, 2), _ballot("proposition_slightly", 4, 2)])  # 1.5: slightly
    flipped = combine([_ballot("proposition_clearly", 4, 3), _ballot("opposition_clearly", 3, 4)])  # always Debater A: 0, a tie
    assert consistent is not None and flipped is not None
    # A single ballot and decisions mix in one panel.
    result = aggregate([("a", consistent), ("b", flipped), ("c", _ballot("opposition_slightly", 2, 4))], {}, RUBRIC)
    assert result.votes == {"proposition": 1, "opposition": 1, "tie": 1}
    assert result.margin == pytest.approx(1.5 + 0 - 1)
    assert result.winner == "proposition"  # level votes: the summed margin decides
    margins = [1.5, 0.0, -1.0]
    mean = sum(margins) / 3
    assert result.disagreement == pytest.approx(sum((m - mean) ** 2 for m in margins) / 3 / 4)
    assert result.criterion_means["rebuttal"].proposition == pytest.approx((4.5 + 3.5 + 2) / 3)
    assert aggregate([("b", flipped)], {}, RUBRIC).winner == "tie"


def test_uncalibrated_judge_uses_the_neutral_prior() -> None:
    result = aggregate([("new", _ballot("tie", 5, 1))], {}, RUBRIC)
    assert result.normalised_means["style"].proposition == pytest.approx((5 - 3) / 1)
    assert result.normalised_totals is not None and result.normalised_totals.opposition == pytest.approx(-2)


def test_deliberation_note_is_anonymous_and_skips_the_reader() -> None:
    ballots = [
        ("gpt-judge", _ballot("proposition_slightly", reason="Prop answered more.")),
        ("qwen-judge", _ballot("opposition_clearly", both_poor=True, reason="The Opposition rebutted everything. " * 15)),
        ("claude-judge", None),
    ]
    note = deliberation_note(ballots, for_judge="gpt-judge")
    assert "gpt" not in note and "qwen" not in note and "claude" not in note
    assert "- Judge B: the debater against the motion clearly better. Both debaters poor. Reason: the debater against the motion rebutted" in note
    assert "opposition" not in note.lower(), "told by stance: the labels change between presentations"
    assert "- Judge C: abstained." in note
    assert "Judge A" not in note and "Prop answered more" not in note
    assert max(len(line) for line in note.splitlines()) < 300
    assert deliberation_note(ballots[:1], for_judge="gpt-judge") == ""
