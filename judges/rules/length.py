"""The `over_length` check: more words than the speech's limit, after a grace."""

from __future__ import annotations

from debate.core.formats import SpeechSpec
from debate.core.transcript import Speech
from judges.rules.finding import Finding, Severity
from judges.rules.words import count_words

LENGTH_GRACE = 0.10  # no finding up to 10% over the limit
MAJOR_OVERRUN = 0.50  # more than 50% over the limit is major


def length_findings(speech: Speech, spec: SpeechSpec) -> list[Finding]:
    words = count_words(speech.text)
    if words <= spec.max_words * (1 + LENGTH_GRACE):
        return []
    severity: Severity = "major" if words > spec.max_words * (1 + MAJOR_OVERRUN) else "minor"
    over = round(100 * (words - spec.max_words) / spec.max_words)
    return [Finding(kind="over_length", speech_index=speech.index, side=speech.side.value, severity=severity,
                    detail=f"{words} words against a limit of {spec.max_words} ({over}% over)", evidence="")]
