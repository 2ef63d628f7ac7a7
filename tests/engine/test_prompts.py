"""The messages a debater receives: the debate so far, never who is in it."""

from __future__ import annotations

from debate.core.formats import BUILTIN_FORMATS, Side
from debate.prompts import speech_messages
from debate.core.transcript import MotionText, Speech, Transcript

QUICK = BUILTIN_FORMATS["quick"]
MOTION = MotionText(key="core-en/ubi", text="This House would introduce a universal basic income", category="economics")


def _transcript(n: int, motion: MotionText = MOTION) -> Transcript:
    texts = [
        "  A basic income frees people from poverty traps.  ",
        "The cost is ruinous and work incentives collapse.",
        "Pilots in Finland show employment held steady.",
    ]
    t = Transcript(motion=motion, format=QUICK)
    for i in range(n):
        spec = QUICK.speeches[i]
        t = t.with_speech(Speech(index=i, side=spec.side, role=spec.role, text=texts[i]))
    return t


def _split(messages: list[dict[str, str]]) -> tuple[str, str]:
    assert [m["role"] for m in messages] == ["system", "user"]
    return messages[0]["content"], messages[1]["content"]


def test_first_speech_has_motion_side_role_and_limit() -> None:
    spec = QUICK.speeches[0]
    system, user = _split(speech_messages(_transcript(0), spec))
    assert MOTION.text in user
    assert "Proposition" in system
    assert "You are the Proposition" in user
    assert "support the motion" in user
    assert "the Proposition opening" in user
    assert f"at most {spec.max_words} words" in user
    assert "speech 1 of 4" in user
    assert "debate so far" not in user
    assert spec.instructions in user
    assert "in English" in user


def test_later_speech_includes_every_previous_speech_in_order() -> None:
    transcript = _transcript(3)
    spec = QUICK.speeches[3]
    system, user = _split(speech_messages(transcript, spec))
    assert "Opposition" in system and "Proposition" not in system.split("the motion")[0]
    assert "You are the Opposition" in user and "oppose the motion" in user
    assert "the Opposition rebuttal" in user
    assert f"at most {spec.max_words} words" in user and spec.max_words == 100
    assert "speech 4 of 4" in user
    positions = [user.index(s.text.strip()) for s in transcript.speeches]
    assert positions == sorted(positions)
    assert "Proposition opening:\nA basic income frees people" in user
    assert "Opposition opening:\nThe cost is ruinous" in user
    # Stripped: no stray whitespace from the stored text.
    assert "  A basic income" not in user


def test_format_order_and_info_slide_and_language() -> None:
    motion = MotionText(key="k", text="这个议院会禁止私家车", language="zh", info_slide="Cities are congested.")
    _, user = _split(speech_messages(_transcript(0, motion), QUICK.speeches[0]))
    assert "Background: Cities are congested." in user
    assert "Chinese" in user
    assert "Format (quick): Proposition opening, Opposition opening, Proposition rebuttal, Opposition rebuttal." in user


def test_no_background_line_without_an_info_slide() -> None:
    _, user = _split(speech_messages(_transcript(0), QUICK.speeches[0]))
    assert "Background:" not in user


def test_persona_goes_in_the_system_message_only() -> None:
    persona = "  Speak like a Victorian barrister.  "
    system, user = _split(speech_messages(_transcript(1), QUICK.speeches[1], persona=persona))
    assert "Speak like a Victorian barrister." in system
    assert "Victorian" not in user
    plain_system, _ = _split(speech_messages(_transcript(1), QUICK.speeches[1]))
    assert "Victorian" not in plain_system
    assert "speaking style" not in plain_system


def test_transcript_speeches_carry_no_speaker_identity() -> None:
    # Anonymity is structural: a speech records side and role, never a contestant or model.
    assert set(Speech.model_fields) == {"index", "side", "role", "text"}
    assert set(Transcript.model_fields) == {"motion", "format", "speeches"}


def test_messages_name_no_contestant_or_model() -> None:
    names = ["alpha", "beta", "fake/", "gpt", "claude", "qwen", "gemma"]
    messages = speech_messages(_transcript(2), QUICK.speeches[2], persona="Be crisp.")
    everything = "\n".join(m["content"] for m in messages).lower()
    for name in names:
        assert name not in everything
    assert Side.PROPOSITION.label in messages[1]["content"]
