"""Debate formats: the ordered speeches of one debate. Pure data, no I/O."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from debate.core.sides import Side


class SpeechSpec(BaseModel):
    """One slot in a format: who speaks, in what role, how long, and what is expected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    side: Side
    role: str = Field(min_length=1, max_length=60)
    max_words: int = Field(default=150, ge=10, le=5000)
    max_tokens: int | None = Field(
        default=None, ge=16, le=32000, description="Token cap sent to the model; default ~1.6 x max_words."
    )
    instructions: str = ""

    @property
    def token_budget(self) -> int:
        return self.max_tokens or int(self.max_words * 1.6) + 16


class Format(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    speeches: tuple[SpeechSpec, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _both_sides_speak(self) -> "Format":
        sides = {speech.side for speech in self.speeches}
        if sides != {Side.PROPOSITION, Side.OPPOSITION}:
            raise ValueError("a format needs at least one speech for each side")
        return self

    def scaled(self, word_factor: float) -> "Format":
        """The same format with every length limit multiplied (demos on slow CPUs use < 1)."""
        speeches = tuple(
            s.model_copy(update={"max_words": max(10, int(s.max_words * word_factor)), "max_tokens": None})
            for s in self.speeches
        )
        return self.model_copy(update={"speeches": speeches})


P, O = Side.PROPOSITION, Side.OPPOSITION

_OPENING = "Define the motion's key terms if needed, then give your side's strongest arguments."
_REBUTTAL = "Answer the other side's arguments directly: quote or paraphrase them, then show why they fail."
_CLOSING = "Summarise the clash: the main questions in the debate and why your side won each of them."
_QUESTIONS = "Ask the other side two or three short, pointed questions about its case. Questions only."
_ANSWERS = "Answer each question you were just asked, directly and briefly, in order."

BUILTIN_FORMATS: dict[str, Format] = {
    "quick": Format(
        name="quick",
        description="Opening and rebuttal for each side: four short speeches, for demos and tests.",
        speeches=(
            SpeechSpec(side=P, role="opening", max_words=120, instructions=_OPENING),
            SpeechSpec(side=O, role="opening", max_words=120, instructions=_OPENING),
            SpeechSpec(side=P, role="rebuttal", max_words=100, instructions=_REBUTTAL),
            SpeechSpec(side=O, role="rebuttal", max_words=100, instructions=_REBUTTAL),
        ),
    ),
    "oxford": Format(
        name="oxford",
        description="Openings, rebuttals and closings: six speeches; the proposition opens and closes.",
        speeches=(
            SpeechSpec(side=P, role="opening", max_words=300, instructions=_OPENING),
            SpeechSpec(side=O, role="opening", max_words=300, instructions=_OPENING),
            SpeechSpec(side=P, role="rebuttal", max_words=250, instructions=_REBUTTAL),
            SpeechSpec(side=O, role="rebuttal", max_words=250, instructions=_REBUTTAL),
            SpeechSpec(side=O, role="closing", max_words=200, instructions=_CLOSING),
            SpeechSpec(side=P, role="closing", max_words=200, instructions=_CLOSING),
        ),
    ),
    "cross-examination": Format(
        name="cross-examination",
        description="Openings, then each side questions the other and hears its answers, then rebuttals and closings.",
        speeches=(
            SpeechSpec(side=P, role="opening", max_words=250, instructions=_OPENING),
            SpeechSpec(side=O, role="opening", max_words=250, instructions=_OPENING),
            SpeechSpec(side=P, role="cross-examination questions", max_words=80, instructions=_QUESTIONS),
            SpeechSpec(side=O, role="cross-examination answers", max_words=150, instructions=_ANSWERS),
            SpeechSpec(side=O, role="cross-examination questions", max_words=80, instructions=_QUESTIONS),
            SpeechSpec(side=P, role="cross-examination answers", max_words=150, instructions=_ANSWERS),
            SpeechSpec(side=O, role="rebuttal", max_words=200, instructions=_REBUTTAL),
            SpeechSpec(side=P, role="rebuttal", max_words=200, instructions=_REBUTTAL),
            SpeechSpec(side=O, role="closing", max_words=150, instructions=_CLOSING),
            SpeechSpec(side=P, role="closing", max_words=150, instructions=_CLOSING),
        ),
    ),
}


def builtin_format(name: str) -> Format:
    """The shipped format called `name`; KeyError lists the known names."""
    try:
        return BUILTIN_FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(BUILTIN_FORMATS))
        raise KeyError(f"unknown format {name!r}; shipped formats are {known}") from None
