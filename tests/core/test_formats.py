"""Debate formats: shipped formats, validation, length limits."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from debate.core.formats import BUILTIN_FORMATS, Format, SpeechSpec, builtin_format
from debate.core.sides import Side

P, O = Side.PROPOSITION, Side.OPPOSITION


def test_shipped_formats_exist() -> None:
    assert {"quick", "oxford", "cross-examination"} <= set(BUILTIN_FORMATS)
    for name, fmt in BUILTIN_FORMATS.items():
        assert fmt.name == name
        assert builtin_format(name) is fmt


def test_quick_has_four_speeches_alternating_sides() -> None:
    quick = BUILTIN_FORMATS["quick"]
    assert [s.side for s in quick.speeches] == [P, O, P, O]
    assert [s.role for s in quick.speeches] == ["opening", "opening", "rebuttal", "rebuttal"]


def test_oxford_has_six_speeches_and_proposition_opens_and_closes() -> None:
    oxford = BUILTIN_FORMATS["oxford"]
    assert len(oxford.speeches) == 6
    assert oxford.speeches[0].side is P and oxford.speeches[-1].side is P
    for side in (P, O):
        assert [s.role for s in oxford.speeches if s.side is side] == ["opening", "rebuttal", "closing"]


def test_cross_examination_questions_are_answered_by_the_other_side() -> None:
    cx = BUILTIN_FORMATS["cross-examination"]
    speeches = list(cx.speeches)
    questions = [i for i, s in enumerate(speeches) if "questions" in s.role]
    answers = [i for i, s in enumerate(speeches) if "answers" in s.role]
    assert len(questions) == 2 and len(answers) == 2
    # Each side asks once and answers once.
    assert {speeches[i].side for i in questions} == {P, O}
    assert {speeches[i].side for i in answers} == {P, O}
    for q in questions:
        answer = speeches[q + 1]
        assert "answers" in answer.role
        assert answer.side is speeches[q].side.other


@pytest.mark.parametrize("name", sorted(BUILTIN_FORMATS))
def test_every_shipped_format_lets_each_side_speak_equally(name: str) -> None:
    fmt = BUILTIN_FORMATS[name]
    sides = [s.side for s in fmt.speeches]
    assert sides.count(P) == sides.count(O) >= 1
    for spec in fmt.speeches:
        assert spec.instructions.strip(), f"{name}/{spec.role} has no instructions"
        assert 10 <= spec.max_words <= 5000


def test_format_with_only_one_side_is_rejected() -> None:
    with pytest.raises(ValidationError, match="each side"):
        Format(name="solo", speeches=(SpeechSpec(side=P, role="a"), SpeechSpec(side=P, role="b")))


def test_format_needs_two_speeches() -> None:
    with pytest.raises(ValidationError):
        Format(name="one", speeches=(SpeechSpec(side=P, role="a"),))


def test_format_forbids_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Format.model_validate({"name": "x", "speeches": [{"side": "proposition", "role": "a"}, {"side": "opposition", "role": "b"}], "colour": 1})


def test_speech_spec_limits() -> None:
    with pytest.raises(ValidationError):
        SpeechSpec(side=P, role="a", max_words=9)
    with pytest.raises(ValidationError):
        SpeechSpec(side=P, role="", max_words=100)
    with pytest.raises(ValidationError):
        SpeechSpec(side="neither", role="a")  # type: ignore[arg-type]


def test_token_budget_default_and_override() -> None:
    assert SpeechSpec(side=P, role="a").max_words == 150
    assert SpeechSpec(side=P, role="a", max_words=100).token_budget == 176  # 100 * 1.6 + 16
    assert SpeechSpec(side=P, role="a", max_words=125).token_budget == 216
    assert SpeechSpec(side=P, role="a", max_words=100, max_tokens=40).token_budget == 40
    # The default always leaves more tokens than words.
    for words in (10, 77, 300, 5000):
        assert SpeechSpec(side=P, role="a", max_words=words).token_budget > words


def test_scaled_multiplies_words_and_never_goes_below_ten() -> None:
    quick = BUILTIN_FORMATS["quick"]
    half = quick.scaled(0.5)
    assert [s.max_words for s in half.speeches] == [60, 60, 50, 50]
    tiny = quick.scaled(0.001)
    assert all(s.max_words == 10 for s in tiny.speeches)
    assert [s.max_words for s in quick.speeches] == [120, 120, 100, 100]


def test_side_helpers() -> None:
    assert P.other is O and O.other is P
    assert P.label == "Proposition" and O.label == "Opposition"
    assert Side("opposition") is O


def test_unknown_builtin_format_lists_known_ones() -> None:
    with pytest.raises(KeyError) as info:
        builtin_format("lincoln")
    message = str(info.value)
    assert "lincoln" in message
    assert all(name in message for name in BUILTIN_FORMATS)
