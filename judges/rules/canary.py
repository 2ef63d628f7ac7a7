"""Canaries: each motion set carries a unique string that no model should ever write.

A speech (or a judge's reason) that reproduces one shows the model saw the set's file in its
training data, so its results on that set measure memory, not debating. The GUID inside a
canary is matched on its own too: a model that recalls the number has seen the set even if it
garbles the words around it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from debate.core.transcript import Speech
from judges.rules.finding import Finding, excerpt

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def canary_findings(speech: Speech, canaries: Sequence[str]) -> list[Finding]:
    """A major finding per canary whose text or GUID the speech reproduces."""
    return [
        Finding(
            kind="canary", speech_index=speech.index, side=speech.side.value, severity="major",
            detail="canary reproduced: this model has seen a private motion set (its results on it measure memory)",
            evidence=excerpt(canary),
        )
        for canary in reproduced(speech.text, canaries)
    ]


def reproduced(text: str, canaries: Sequence[str]) -> list[str]:
    """The canaries whose text or GUID appears in `text` (a speech, a judge's reason)."""
    flat = " ".join(text.split()).lower()
    hits = []
    for canary in canaries:
        needles = [" ".join(canary.split()).lower(), *(g.lower() for g in _GUID.findall(canary))]
        if any(n and n in flat for n in needles):
            hits.append(canary)
    return hits
