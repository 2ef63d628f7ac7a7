"""What a debate says, without who said it: the form speakers and judges both read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from debate.core.formats import Format, Side


class MotionText(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    text: str
    category: str = ""
    language: str = "en"
    info_slide: str | None = None


class Speech(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    side: Side
    role: str
    text: str


class Transcript(BaseModel):
    """An anonymised debate: sides are "Proposition" and "Opposition", never model names."""

    model_config = ConfigDict(frozen=True)

    motion: MotionText
    format: Format
    speeches: tuple[Speech, ...] = ()

    def with_speech(self, speech: Speech) -> "Transcript":
        return self.model_copy(update={"speeches": (*self.speeches, speech)})

    @property
    def complete(self) -> bool:
        return len(self.speeches) >= len(self.format.speeches)
