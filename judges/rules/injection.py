"""The `injection` check: text addressed to the judge, or pretending to be part of its prompt.

The patterns live in groups by what they catch: orders to the judge in English, in other
European languages and in Chinese (`orders`); fake system or closing markers, fake ballots,
and role-play as the judge or claims that the other side must be thrown out (`markers`).
"""

from __future__ import annotations

from debate.core.transcript import Speech
from judges.rules.finding import Finding, finding_at
from judges.rules.markers import FAKE_BALLOTS, ROLE_PLAY, SYSTEM_MARKERS
from judges.rules.orders import CHINESE, ENGLISH, EUROPEAN
from judges.rules.patterns import PatternGroup, fold, words_in

INJECTION_GROUPS: tuple[PatternGroup, ...] = (ENGLISH, EUROPEAN, CHINESE, SYSTEM_MARKERS, FAKE_BALLOTS, ROLE_PLAY)
_WORDS = frozenset().union(*(g.words for g in INJECTION_GROUPS))


def injection_findings(speech: Speech, *, prefilter: bool = True) -> list[Finding]:
    """At most one finding: the first major match (else the first minor one), counting the places.

    `prefilter=False` runs every pattern, so a test can show the words patterns need are read right.
    """
    present = words_in(fold(speech.text), _WORDS) if prefilter else None
    hits = [hit for g in INJECTION_GROUPS for hit in g.matches(speech.text, present)]
    if not hits:
        return []
    hits.sort(key=lambda hit: (hit[1] != "major", hit[0].start()))
    match, severity, detail = hits[0]
    places = len({m.start() for m, _, _ in hits})
    return [finding_at(speech, "injection", severity, detail + (f" ({places} places)" if places > 1 else ""), match)]
