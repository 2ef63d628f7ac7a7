"""A rule finding: what is wrong in which speech, with the evidence quoted."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from debate.core.transcript import Speech

FindingKind = Literal["over_length", "wrong_language", "identity_leak", "injection", "both_sides", "concession", "canary"]
Severity = Literal["minor", "major"]

EVIDENCE_CHARS = 160


class Finding(BaseModel):
    """One rule problem in one speech, stored with the speech and shown to judges as a fact."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FindingKind
    speech_index: int = Field(ge=0)
    side: str
    severity: Severity
    detail: str = Field(min_length=1, max_length=300)
    evidence: str = Field(default="", max_length=EVIDENCE_CHARS + 10)
    span: tuple[int, int] | None = Field(
        default=None,
        description="character range of the speech text the finding is about (for an identity leak, its whole sentence)",
    )


def excerpt(text: str) -> str:
    """`text` on one line, cut to EVIDENCE_CHARS."""
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1] + "…"


def finding_at(speech: Speech, kind: FindingKind, severity: Severity, detail: str, match: re.Match[str], group: int = 0) -> Finding:
    """A finding quoting what `match` (or its `group`) matched in the speech."""
    start, end = match.span(group)
    raw = speech.text[start:end]
    # Trim the whitespace and sentence punctuation some patterns consume at their edges.
    lead = len(raw) - len(raw.lstrip(" \t\n.!?"))
    trail = len(raw) - len(raw.rstrip(" \t\n"))
    start, end = start + lead, end - trail
    return Finding(kind=kind, speech_index=speech.index, side=speech.side.value, severity=severity, detail=detail,
                   evidence=excerpt(speech.text[start:end]), span=(start, end))
