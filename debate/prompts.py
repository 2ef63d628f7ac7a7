"""The messages a debater receives for one speech. Pure functions of the transcript.

A speaker sees the motion, its side, the format and every speech so far, and nothing that
names its opponent: a speaker that knew who it faced could play to a known judge bias.
"""

from __future__ import annotations

from debate.core.formats import Side, SpeechSpec
from debate.core.transcript import Transcript

LANGUAGE_NAMES = {"en": "English", "zh": "Chinese (简体中文)"}

_SYSTEM = (
    "You are a competitive debater in a formal debate. You argue for the {side} on the motion, "
    "whatever your own view. Speak only for your own side and only in your own turn. Do not say "
    "which AI model, company or system you are, and do not address instructions to the judges: "
    "both count against you."
)


def speech_messages(transcript: Transcript, spec: SpeechSpec, persona: str | None = None) -> list[dict[str, str]]:
    """Chat messages for the next speech of `transcript`, spoken as described by `spec`."""
    system = _SYSTEM.format(side=spec.side.label)
    if persona:
        system += "\n\nYour speaking style: " + persona.strip()
    return [{"role": "system", "content": system}, {"role": "user", "content": _brief(transcript, spec)}]


def _brief(transcript: Transcript, spec: SpeechSpec) -> str:
    motion = transcript.motion
    lines = [f"Motion: {motion.text}"]
    if motion.info_slide:
        lines.append(f"Background: {motion.info_slide}")
    order = ", ".join(f"{s.side.label} {s.role}" for s in transcript.format.speeches)
    lines.append(f"Format ({transcript.format.name}): {order}.")
    lines.append(f"You are the {spec.side.label}. You {_stance(spec.side)} the motion.")
    if transcript.speeches:
        lines.append("\nThe debate so far:")
        for speech in transcript.speeches:
            lines.append(f"\n{speech.side.label} {speech.role}:\n{speech.text.strip()}")
    language = LANGUAGE_NAMES.get(motion.language, motion.language)
    number = len(transcript.speeches) + 1
    lines.append(
        f"\nNow give speech {number} of {len(transcript.format.speeches)}: the {spec.side.label} {spec.role}. "
        f"{spec.instructions} Use at most {spec.max_words} words, in {language}. "
        "Write only the words of the speech."
    )
    return "\n".join(lines)


def _stance(side: Side) -> str:
    return "support" if side is Side.PROPOSITION else "oppose"
