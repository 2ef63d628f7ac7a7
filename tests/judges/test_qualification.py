"""Judge qualification: scripted judges on fake controls, measured as issue 10 asks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from debate.core.sides import SIDES, Side
from judges.qualification import ControlVerdict, Thresholds, echoes_prompt, qualify

P, O = Side.PROPOSITION, Side.OPPOSITION
Judge = Callable[[str, Side, Side, int], float | None]  # (control, better, label_a, repetition) -> margin


def _verdicts(judge: Judge, *, controls: int = 8, repetitions: int = 2, scores: float | None = None,
              reason: str = "The opposition never answered the cost argument.") -> list[ControlVerdict]:
    out = []
    for i in range(controls):
        better = SIDES[i % 2]
        for repetition in range(repetitions):
            for label_a in SIDES:
                margin = judge(f"c{i}", better, label_a, repetition)
                given = {"argument": {"proposition": scores, "opposition": scores}} if scores is not None else {}
                out.append(ControlVerdict(control=f"c{i}", better=better, label_a=label_a, repetition=repetition,
                                          margin=margin, scores=given, reason=reason))
    return out


def _toward(side: Side, size: float = 2) -> float:
    return size if side is P else -size


def reads_the_debate(control: str, better: Side, label_a: Side, repetition: int) -> float:
    return _toward(better)


def always_a(control: str, better: Side, label_a: Side, repetition: int) -> float:
    return _toward(label_a)


def test_a_judge_that_always_picks_label_a_fails() -> None:
    q = qualify("first-label", _verdicts(always_a))
    assert q.accuracy is not None and q.accuracy <= 0.5
    assert q.position_consistency == 0
    assert q.preference_fairness == 1.0
    assert q.flagged
    assert any("control accuracy 0.00 is below 0.80" == p for p in q.problems)
    assert any(p.startswith("position consistency 0.00") for p in q.problems)
    assert "prefers the first label (Debater A): 1.00 of decisive verdicts" in q.problems


def test_a_judge_that_reads_the_debate_passes() -> None:
    q = qualify("reader", _verdicts(reads_the_debate, scores=None))
    assert (q.accuracy, q.position_consistency, q.repetition_stability) == (1.0, 1.0, 1.0)
    assert q.preference_fairness == 0.5
    assert (q.controls, q.ballots, q.abstentions) == (8, 32, 0)
    assert not q.flagged and q.problems == []


def test_a_judge_that_always_says_the_same_verdict_is_flagged() -> None:
    q = qualify("proposition-always", _verdicts(lambda *_: 2.0))
    # right exactly on the controls the proposition should win, and consistent about it
    assert q.accuracy == 0.5 and q.position_consistency == 1.0
    assert q.flagged


def test_orders_are_combined_by_rounding_the_mean_toward_a_tie() -> None:
    def hesitant(control: str, better: Side, label_a: Side, repetition: int) -> float:
        # clearly right in one order, a tie in the other: the mean 1 still names the better side;
        # slightly right and a tie (mean 0.5) is a tie, which counts as wrong
        strong = 2 if control in ("c0", "c1") else 1
        return _toward(better, strong) if label_a is P else 0

    q = qualify("hesitant", _verdicts(hesitant, controls=4, repetitions=1))
    assert q.accuracy == 0.5
    assert q.position_consistency == 0  # one order names a winner, the other a tie


def test_one_order_alone_is_its_own_verdict() -> None:
    verdicts = [v for v in _verdicts(reads_the_debate, controls=4, repetitions=1) if v.label_a is P]
    q = qualify("one-order", verdicts)
    assert q.accuracy == 1.0 and q.position_consistency is None and not q.flagged


def test_flat_scores_are_reported_without_flagging() -> None:
    q = qualify("flat", _verdicts(reads_the_debate, scores=3))
    assert q.score_spread == 0 and q.distinct_scores == 1
    assert "gave the same score everywhere" in q.problems
    assert not q.flagged


def test_score_spread_measures_the_scores_given() -> None:
    verdicts = [
        ControlVerdict(control="c", better=P, label_a=P, margin=2, scores={"a": {"proposition": 5, "opposition": 1}}),
        ControlVerdict(control="c", better=P, label_a=O, margin=2, scores={"a": {"proposition": 5, "opposition": 1}}),
    ]
    q = qualify("spread", verdicts)
    assert q.score_spread == pytest.approx(2.0) and q.distinct_scores == 2
    assert not any("score" in p for p in q.problems)


def test_repetition_stability_counts_equal_margins_and_is_none_without_repeats() -> None:
    assert qualify("once", _verdicts(reads_the_debate, repetitions=1)).repetition_stability is None

    def wavering(control: str, better: Side, label_a: Side, repetition: int) -> float:
        return _toward(better, 2 if repetition == 0 or label_a is P else 1)

    assert qualify("wavering", _verdicts(wavering)).repetition_stability == 0.5


def test_abstentions_are_counted_and_a_judge_without_valid_verdicts_is_flagged() -> None:
    q = qualify("silent", _verdicts(lambda *_: None, controls=3))
    assert (q.controls, q.ballots, q.abstentions) == (3, 0, 12)
    assert q.accuracy is None and q.position_consistency is None and q.flagged
    assert q.problems == ["no valid verdict on 3 controls (12 abstained or failed)"]

    def sometimes(control: str, better: Side, label_a: Side, repetition: int) -> float | None:
        return None if label_a is O else _toward(better)

    partial = qualify("sometimes", _verdicts(sometimes, controls=4, repetitions=1))
    assert (partial.ballots, partial.abstentions, partial.accuracy) == (4, 4, 1.0)


def test_thresholds_decide_the_flag() -> None:
    def mostly(control: str, better: Side, label_a: Side, repetition: int) -> float:
        return _toward(better) if control != "c0" else _toward(better.other)

    verdicts = _verdicts(mostly, controls=8)
    assert qualify("j", verdicts).accuracy == 7 / 8
    assert not qualify("j", verdicts).flagged
    assert qualify("j", verdicts, Thresholds(accuracy=0.9)).flagged


def test_echoing_reasons_are_reported() -> None:
    echo = "The motion clearly, proposition_slightly, tie, opposition_slightly or opposition_clearly"
    q = qualify("echo", _verdicts(reads_the_debate, reason=echo))
    assert q.echo_share == 1.0
    assert "its reasons echo the prompt in 1.00 of ballots" in q.problems


@pytest.mark.parametrize("reason", [
    "The motion clearly, proposition_slightly, tie, opposition_slightly or opposition_clearly",
    "1 = the Proposition clearly better; 2 = the Proposition slightly better; 3 = too close to call",
    "Debater A slightly better, Debater B clearly better.",
    "<what decided the debate, in one or two sentences>",
    "Score each side on every criterion.",
])
def test_prompt_scaffolding_echoes(reason: str) -> None:
    assert echoes_prompt(reason)


@pytest.mark.parametrize("reason", [
    "The proposition showed buses move more people per lane; the opposition's point about shops went unanswered.",
    "The opposition was clearly better at rebuttal, and the proposition never answered the cost of exemptions.",
    "Too close to call on evidence, but the opposition's rebuttal engaged with every argument the proposition made.",
])
def test_real_reasons_do_not_echo(reason: str) -> None:
    assert not echoes_prompt(reason)
