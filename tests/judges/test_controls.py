"""Control debates: the shipped seeds, each degradation, and a balanced, reproducible set."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from debate.core.formats import builtin_format
from debate.core.sides import SIDES, Side
from debate.core.transcript import MotionText, Speech, Transcript
from judges.controls import DEGRADATIONS, Control, SeedDebate, build_controls, degrade, seed_debates
from judges.rules import check_transcript, count_words

P, O = Side.PROPOSITION, Side.OPPOSITION


def _transcript(key: str, texts: tuple[str, str, str, str], *, language: str = "en") -> Transcript:
    fmt = builtin_format("quick")
    speeches = tuple(Speech(index=i, side=s.side, role=s.role, text=t) for i, (s, t) in enumerate(zip(fmt.speeches, texts)))
    return Transcript(motion=MotionText(key=key, text=f"This house would {key}.", language=language), format=fmt, speeches=speeches)


def _texts(transcript: Transcript, side: Side) -> list[str]:
    return [s.text for s in transcript.speeches if s.side is side]


@pytest.fixture(scope="module")
def seeds() -> list[SeedDebate]:
    return seed_debates()


# --- the shipped seeds ----------------------------------------------------------------------------


def test_seed_set_loads_complete_debates_on_different_motions(seeds: list[SeedDebate]) -> None:
    assert len(seeds) >= 4
    assert len({s.transcript.motion.text for s in seeds}) == len(seeds)
    assert all(s.transcript.complete and s.transcript.format.name == "quick" for s in seeds)
    assert [s.source for s in seeds] == [f"seed:{i}" for i in range(1, len(seeds) + 1)]


def test_seed_speeches_fit_the_demo_limits_and_break_no_rule(seeds: list[SeedDebate]) -> None:
    demo = builtin_format("quick").scaled(0.6)  # the demo's word factor
    for seed in seeds:
        assert check_transcript(seed.transcript) == [], seed.source
        for speech in seed.transcript.speeches:
            assert count_words(speech.text) <= demo.speeches[speech.index].max_words, (seed.source, speech.index)
        for side in SIDES:
            slots = [s.index for s in seed.transcript.speeches if s.side is side]
            wrong = seed.other_side[side]
            assert len(wrong) == len(slots)
            for index, text in zip(slots, wrong):
                assert count_words(text) <= demo.speeches[index].max_words, (seed.source, side, index)


# --- each degradation -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", DEGRADATIONS)
@pytest.mark.parametrize("side", SIDES)
def test_degrading_changes_one_side_only(seeds: list[SeedDebate], kind: str, side: Side) -> None:
    seed, other = seeds[0], seeds[1]
    original = seed.transcript
    degraded = degrade(original, side, kind, rng=random.Random(3), other_side=seed.other_side[side],
                       off_topic=_texts(other.transcript, side))
    assert degraded is not None
    assert _texts(degraded, side.other) == _texts(original, side.other)
    assert all(new != old for new, old in zip(_texts(degraded, side), _texts(original, side)))
    assert [(s.index, s.side, s.role) for s in degraded.speeches] == [(s.index, s.side, s.role) for s in original.speeches]


def test_copy_opponent_copies_the_same_role(seeds: list[SeedDebate]) -> None:
    original = seeds[2].transcript
    degraded = degrade(original, O, "copy_opponent", rng=random.Random(0))
    assert degraded is not None
    by_slot = {(s.side, s.role): s.text for s in original.speeches}
    for speech in degraded.speeches:
        if speech.side is O:
            assert speech.text == by_slot[(P, speech.role)]


def test_word_salad_keeps_the_word_count_and_the_debate_vocabulary(seeds: list[SeedDebate]) -> None:
    original = seeds[1].transcript
    degraded = degrade(original, P, "word_salad", rng=random.Random(5))
    assert degraded is not None
    vocabulary = {w.lower().strip(".,;:!?") for s in original.speeches for w in s.text.split()}
    for old, new in zip(_texts(original, P), _texts(degraded, P)):
        assert count_words(new) == count_words(old)
        assert {w.lower().strip(".") for w in new.split()} <= vocabulary


def test_one_sentence_keeps_only_the_first_sentence() -> None:
    transcript = _transcript("x", ("First point here. Second point there.", "Theirs.", "Again, e.g. 3.5 times! More.", "Theirs again."))
    degraded = degrade(transcript, P, "one_sentence", rng=random.Random(0))
    assert degraded is not None
    assert _texts(degraded, P) == ["First point here.", "Again, e.g. 3.5 times!"]


def test_rule_break_is_flagged_major_by_the_rule_checks(seeds: list[SeedDebate]) -> None:
    degraded = degrade(seeds[0].transcript, O, "rule_break", rng=random.Random(0))
    assert degraded is not None
    findings = check_transcript(degraded)
    kinds = {(f.kind, f.severity) for f in findings if f.side == O.value}
    assert {("injection", "major"), ("identity_leak", "major")} <= kinds
    assert not [f for f in findings if f.side == P.value]


def test_rule_break_in_chinese_stays_chinese() -> None:
    transcript = _transcript("zh", ("我方认为应该这样做。", "对方说得不对。", "我们再说一次。", "他们还是错的。"), language="zh")
    degraded = degrade(transcript, P, "rule_break", rng=random.Random(0))
    assert degraded is not None
    findings = check_transcript(degraded)
    assert {"injection", "identity_leak"} <= {f.kind for f in findings if f.severity == "major"}
    assert "wrong_language" not in {f.kind for f in findings}


def test_kinds_that_need_material_return_none_without_it() -> None:
    transcript = _transcript("x", ("One. Two.", "Three. Four.", "Five. Six.", "Seven. Eight."))
    assert degrade(transcript, P, "other_side", rng=random.Random(0)) is None
    assert degrade(transcript, P, "off_topic", rng=random.Random(0)) is None
    assert degrade(transcript, P, "off_topic", rng=random.Random(0), off_topic=["only one"]) is None
    french = transcript.model_copy(update={"motion": transcript.motion.model_copy(update={"language": "fr"})})
    assert degrade(french, P, "rule_break", rng=random.Random(0)) is None
    with pytest.raises(ValueError, match="unknown degradation"):
        degrade(transcript, P, "shouting", rng=random.Random(0))


def test_one_sentence_of_a_one_sentence_speech_changes_nothing_so_is_none() -> None:
    transcript = _transcript("x", ("Just one.", "Theirs.", "Also one.", "Theirs."))
    assert degrade(transcript, P, "one_sentence", rng=random.Random(0)) is None


# --- a balanced set -------------------------------------------------------------------------------


def test_controls_are_the_same_for_the_same_seed_and_differ_across_seeds(seeds: list[SeedDebate]) -> None:
    first = build_controls(seeds, count=12, seed=7)
    assert first == build_controls(seeds, count=12, seed=7)
    assert first != build_controls(seeds, count=12, seed=8)


def test_controls_spread_kinds_sides_and_debates(seeds: list[SeedDebate]) -> None:
    controls = build_controls(seeds, count=24, seed=1)
    assert len(controls) == 24 and len({c.id for c in controls}) == 24
    assert Counter(c.kind for c in controls) == {kind: 4 for kind in DEGRADATIONS}
    assert Counter(c.better for c in controls) == {P: 12, O: 12}
    assert all(Counter(c.better for c in controls if c.kind == kind) == {P: 2, O: 2} for kind in DEGRADATIONS)
    assert Counter(c.source for c in controls) == {s.source: 6 for s in seeds}


def test_each_control_degrades_the_worse_side_only(seeds: list[SeedDebate]) -> None:
    by_source = {s.source: s.transcript for s in seeds}
    for control in build_controls(seeds, count=12, seed=2):
        original = by_source[control.source]
        worse = control.better.other
        assert control.id == f"{control.source.replace(':', '-')}/{control.kind}/{worse.value}"
        assert _texts(control.transcript, control.better) == _texts(original, control.better)
        assert _texts(control.transcript, worse) != _texts(original, worse)


def test_off_topic_comes_from_another_motion_of_the_same_format(seeds: list[SeedDebate]) -> None:
    wrong_format = Transcript(
        motion=MotionText(key="oxford-one", text="This house would sail."), format=builtin_format("oxford"),
        speeches=tuple(Speech(index=i, side=s.side, role=s.role, text=f"Oxford speech {i}. More.")
                       for i, s in enumerate(builtin_format("oxford").speeches)),
    )
    controls = [c for c in build_controls([*seeds, wrong_format], count=60, seed=4) if c.kind == "off_topic"]
    assert controls
    texts = {s.source: s.transcript for s in seeds}
    for control in controls:
        assert control.source in texts  # the lone oxford debate has no partner of its format
        own = texts[control.source]
        lent = _texts(control.transcript, control.better.other)
        lenders = [t for t in texts.values() if _texts(t, control.better.other) == lent]
        assert len(lenders) == 1 and lenders[0].motion.key != own.motion.key


def test_tournament_transcripts_are_accepted_and_incomplete_ones_skipped() -> None:
    complete = [_transcript(k, (f"{k} a1. More.", f"{k} b1. More.", f"{k} a2. More.", f"{k} b2. More.")) for k in ("cats", "dogs")]
    partial = complete[0].model_copy(update={"speeches": complete[0].speeches[:2]})
    named = SeedDebate(source="debate:17", transcript=complete[1])
    controls = build_controls([complete[0], named, partial], count=10, seed=0)
    # without wrong-side texts, every kind but other_side can be built
    assert {c.kind for c in controls} == set(DEGRADATIONS) - {"other_side"}
    assert {c.source for c in controls} == {"input:0", "debate:17"}
    assert len(controls) == 10


def test_count_is_capped_by_what_the_debates_can_give(seeds: list[SeedDebate]) -> None:
    controls = build_controls(seeds[:2], count=1000, seed=0)
    assert len(controls) == len({c.id for c in controls}) == 2 * len(DEGRADATIONS) * 2


def test_control_rejects_an_unknown_kind(seeds: list[SeedDebate]) -> None:
    with pytest.raises(ValueError, match="unknown degradation"):
        Control(id="x", kind="shouting", better=P, transcript=seeds[0].transcript, source="seed:1")
