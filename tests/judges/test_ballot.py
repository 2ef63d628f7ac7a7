"""Rubric ballots in the sides' terms: the verdict scale, the ballot model, and tolerant-but-exact
parsing of forms written with the sides' names. (Judge models are asked in neutral labels:
tests/judges/test_presentation.py.)"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from judges.ballot import REASON_MAX, VERDICTS, Ballot, SideScores, Verdict, parse_ballot, signed_margin, verdict_margin, verdict_side
from judges.rubric import load_rubric

RUBRIC = load_rubric("default")


def _ballot_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "scores": {cid: {"proposition": 4, "opposition": 2} for cid in RUBRIC.ids},
        "verdict": "proposition_clearly",
        "both_poor": False,
        "reason": "The proposition backed its claims; the opposition never answered them.",
    }
    return data | overrides


# --- verdicts ---------------------------------------------------------------------------------


def test_verdict_scale() -> None:
    assert VERDICTS == ("proposition_clearly", "proposition_slightly", "tie", "opposition_slightly", "opposition_clearly")
    assert [verdict_side(v) for v in VERDICTS] == ["proposition", "proposition", "tie", "opposition", "opposition"]
    assert [verdict_margin(v) for v in VERDICTS] == [2, 1, 0, 1, 2]
    assert [signed_margin(v) for v in Verdict] == [2, 1, 0, -1, -2]
    with pytest.raises(ValueError):
        verdict_side("proposition")


def test_ballot_model_bounds_and_totals() -> None:
    ballot = parse_ballot(json.dumps(_ballot_data()), RUBRIC)
    assert ballot.side == "proposition" and ballot.margin == 2
    assert ballot.totals(RUBRIC) == {"proposition": 4.0, "opposition": 2.0}
    assert ballot.scores["rebuttal"].of("opposition") == 2
    with pytest.raises(ValueError):
        Ballot(scores={}, verdict=Verdict.TIE, reason="x" * (REASON_MAX + 1))
    with pytest.raises(ValueError):
        Ballot(scores={}, verdict=Verdict.TIE, reason="")
    bad = Ballot(scores={"rebuttal": SideScores(proposition=9, opposition=1)}, verdict=Verdict.TIE, reason="r")
    with pytest.raises(ValueError, match="missing argument_sufficiency"):
        bad.check(RUBRIC)


# --- parsing ----------------------------------------------------------------------------------


def test_parse_finds_the_ballot_among_prose_and_braces() -> None:
    body = json.dumps(_ballot_data())
    for text in (
        body,
        f"Here is my ballot:\n```json\n{body}\n```\nThanks!",
        "I considered {the proposition's} framing and {\"note\": 1}. Final: " + body,
        body + " and a second {\"verdict\": \"tie\"}",
        '{"ballot": ' + body + "}",  # wrapped: the inner object is the ballot
    ):
        ballot = parse_ballot(text, RUBRIC)
        assert ballot.verdict is Verdict.PROPOSITION_CLEARLY
        assert ballot.scores["argument_sufficiency"] == SideScores(proposition=4, opposition=2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("I think the proposition won.", "the reply holds no JSON object"),
        ('{"scores": {"style": {"proposition": 3', "the JSON does not parse"),
        ("[1, 2, 3]", "the reply holds no JSON object"),
    ],
)
def test_parse_errors_without_a_ballot(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_ballot(text, RUBRIC)


def _error(**overrides: Any) -> str:
    with pytest.raises(ValueError) as caught:
        parse_ballot(json.dumps(_ballot_data(**overrides)), RUBRIC)
    return str(caught.value)


def test_parse_validates_against_the_rubric() -> None:
    scores = _ballot_data()["scores"]
    assert _error(scores={**scores, "style": {"proposition": 7, "opposition": 2}}) == "scores.style.proposition: 7 is outside 1..5"
    assert _error(scores={k: v for k, v in scores.items() if k not in ("ethics", "style")}) == "scores: missing style, ethics"
    assert _error(scores={**scores, "charisma": {"proposition": 3, "opposition": 3}}).startswith(
        "scores: unknown criterion 'charisma' (the criteria are argument_sufficiency, rebuttal"
    )
    assert _error(scores={**scores, "style": {"proposition": 3}}) == "scores.style.opposition: missing"
    assert _error(scores={**scores, "style": 3}) == "scores.style: must be an object with proposition and opposition"
    assert _error(scores={**scores, "style": {"proposition": 3.5, "opposition": 2}}) == "scores.style.proposition: 3.5 is not a whole number"
    assert _error(scores={**scores, "style": {"proposition": True, "opposition": 2}}) == "scores.style.proposition: True is not a whole number"
    assert _error(scores=[1, 2]).startswith("scores: must be an object")
    assert _error(verdict="win").startswith("verdict: 'win' is not one of proposition_clearly, proposition_slightly, tie")
    assert _error(reason="   ") == "reason: must be a non-empty string"
    assert _error(reason="...") == "reason: '...' is a placeholder; write one or two sentences on what decided the debate"
    assert _error(reason="<your reason>").startswith("reason: '<your reason>' is a placeholder")
    assert parse_ballot(json.dumps(_ballot_data(reason="反方更好。")), RUBRIC).reason == "反方更好。"
    assert _error(both_poor="maybe") == "both_poor: 'maybe' is not true or false"
    assert _error(winner="proposition") == "unknown key 'winner' (the keys are reason, scores, verdict, both_poor)"


def test_parse_reports_missing_keys_and_caps_long_lists() -> None:
    with pytest.raises(ValueError, match="^missing reason, verdict$"):
        parse_ballot(json.dumps({"scores": _ballot_data()["scores"]}), RUBRIC)
    bad_scores = {cid: {"proposition": 9, "opposition": 9} for cid in RUBRIC.ids}
    message = _error(scores=bad_scores)
    assert message.count(";") == 4 and message.endswith("and 8 more")
    assert len(message) < 300


def test_parse_is_tolerant_where_meaning_is_clear() -> None:
    scores = _ballot_data()["scores"] | {"style": {"proposition": "5", "opposition": 1.0}}
    data = _ballot_data(scores=scores, verdict=" Opposition Slightly ", reason="x" * 900)
    del data["both_poor"]
    ballot = parse_ballot(json.dumps(data), RUBRIC)
    assert ballot.scores["style"] == SideScores(proposition=5, opposition=1)
    assert ballot.verdict is Verdict.OPPOSITION_SLIGHTLY
    assert ballot.both_poor is False
    assert len(ballot.reason) == REASON_MAX and ballot.reason.endswith("…")
    assert parse_ballot(json.dumps(_ballot_data(both_poor="true")), RUBRIC).both_poor is True
