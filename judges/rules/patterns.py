"""Groups of compiled patterns, each skipped when a speech has none of the words it needs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from judges.rules.finding import Severity

# The letters re's IGNORECASE equates with an ASCII one that casefold() leaves apart or expands
# ("ıgnore all prevıous ınstructıons" matches the patterns; without this it slipped past their
# triggers). tests/judges/test_rules.py checks the list against re itself.
_DOTTED_I = str.maketrans({"İ": "i", "ı": "i"})


def fold(text: str) -> str:
    """`text` folded as the case-insensitive patterns see it, for the substring tests that
    decide whether to run them: a trigger a pattern needs is in the folded text wherever the
    pattern matches."""
    return text.translate(_DOTTED_I).casefold()


@dataclass(frozen=True)
class PatternGroup:
    """Patterns that all contain one of `triggers` (folded substrings): a speech without any
    of them cannot match, and a substring test is about a hundred times cheaper than the patterns."""

    triggers: tuple[str, ...]
    patterns: tuple[tuple[re.Pattern[str], Severity, str], ...]

    def matches(self, text: str, folded: str, *, prefilter: bool = True) -> Iterator[tuple[re.Match[str], Severity, str]]:
        """Every match in `text` (`folded` is fold(text)), with its severity and detail."""
        if prefilter and not any(word in folded for word in self.triggers):
            return
        for pattern, severity, detail in self.patterns:
            for match in pattern.finditer(text):
                yield match, severity, detail


def group(triggers: tuple[str, ...], *patterns: tuple[str, Severity, str]) -> PatternGroup:
    """A group of case-insensitive, multi-line patterns."""
    return PatternGroup(triggers, tuple((re.compile(p, re.IGNORECASE | re.MULTILINE), s, d) for p, s, d in patterns))
