"""Groups of compiled patterns, each skipped when a speech has none of the words it needs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from judges.rules.finding import Severity


@dataclass(frozen=True)
class PatternGroup:
    """Patterns that all contain one of `triggers` (lower-case substrings): a speech without any
    of them cannot match, and a substring test is about a hundred times cheaper than the patterns."""

    triggers: tuple[str, ...]
    patterns: tuple[tuple[re.Pattern[str], Severity, str], ...]

    def matches(self, text: str, lowered: str, *, prefilter: bool = True) -> Iterator[tuple[re.Match[str], Severity, str]]:
        """Every match in `text` (`lowered` is text.lower()), with its severity and detail."""
        if prefilter and not any(word in lowered for word in self.triggers):
            return
        for pattern, severity, detail in self.patterns:
            for match in pattern.finditer(text):
                yield match, severity, detail


def group(triggers: tuple[str, ...], *patterns: tuple[str, Severity, str]) -> PatternGroup:
    """A group of case-insensitive, multi-line patterns."""
    return PatternGroup(triggers, tuple((re.compile(p, re.IGNORECASE | re.MULTILINE), s, d) for p, s, d in patterns))
