"""Compiled patterns, each skipped when a speech lacks the literal text it cannot match without.

A check runs dozens of patterns over every speech; most speeches contain none of the words a
pattern needs, and a substring test is far cheaper than the pattern. The words are read from
the pattern itself (`needed_words`), never written by hand: a hand-written list missed
"henceforth" and "new task:", which the patterns catch, so the prefilter let those orders by.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from judges.rules.finding import Severity

try:  # re's own parser: the one place that knows what a pattern needs
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # another Python's internals: every pattern then runs on every speech
    _sre = _sre_parse = None  # type: ignore[assignment]

# The letters re's IGNORECASE equates with an ASCII one that casefold() leaves apart or expands
# ("ıgnore all prevıous ınstructıons" matches the patterns; without this it slipped past the
# substring tests). tests/judges/test_rules.py checks the list against re itself.
_DOTTED_I = str.maketrans({"İ": "i", "ı": "i"})


def fold(text: str) -> str:
    """`text` folded as the case-insensitive patterns see it, for the substring tests that
    decide whether to run them: two characters IGNORECASE equates fold alike."""
    return text.translate(_DOTTED_I).casefold()


def needed_words(pattern: str, flags: int = 0, *, most: int = 2) -> tuple[frozenset[str], ...]:
    """Sets of folded strings such that, wherever `pattern` matches `text`, `fold(text)` has
    one string of every set: the `most` rarest sets (by their words' lengths); none when the
    pattern needs no literal text (it then runs on every speech)."""
    if _sre_parse is None:
        return ()
    return tuple(sorted(set(_candidates(_sre_parse.parse(pattern, flags))), key=_rarity, reverse=True)[:most])


def _candidates(items: Sequence[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Sets of folded strings a match of the sequence `items` contains one of, from each part
    of it that needs text: a run of literal characters, a group, a repeat of at least one, an
    alternation whose every branch needs text, a lookahead."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is _sre.IN and len(value) == 1 and value[0][0] is _sre.LITERAL:
            op, value = value[0]
        if op is _sre.LITERAL:
            run.append(chr(value))
            continue
        if op is _sre.AT:  # \b, ^, $: zero-width, so the literals around one are adjacent
            continue
        if run:
            found.append(frozenset({fold("".join(run))}))
            run.clear()
        if op is _sre.SUBPATTERN:
            found += _candidates(value[-1])
        elif op is _sre.ATOMIC_GROUP:
            found += _candidates(value)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and value[0] >= 1:
            found += _candidates(value[2])
        elif op is _sre.ASSERT and value[0] == 1:  # a lookahead's text is the text's too
            found += _candidates(value[1])
        elif op is _sre.BRANCH:
            branches = [_best(_candidates(branch)) for branch in value[1]]
            if all(branches):
                found.append(_shortest(frozenset().union(*branches)))  # type: ignore[arg-type]
    if run:
        found.append(frozenset({fold("".join(run))}))
    return found


def _shortest(words: frozenset[str]) -> frozenset[str]:
    """The words without those that contain another: where the longer is, the shorter is too."""
    return frozenset(w for w in words if not any(v != w and v in w for v in words))


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    return max(candidates, key=_rarity) if candidates else None


def _rarity(words: frozenset[str]) -> tuple[int, float, str]:
    """Longer words are rarer: the shortest word's length, then the mean (then a fixed order)."""
    return min(map(len, words)), sum(map(len, words)) / len(words), min(words)


@dataclass(frozen=True)
class Rule:
    """A compiled pattern, the finding it makes and the words it needs (`needed_words`)."""

    pattern: re.Pattern[str]
    severity: Severity
    detail: str
    needs: tuple[frozenset[str], ...]

    def could_match(self, present: frozenset[str]) -> bool:
        """Whether the speech has a word of every set the pattern needs (`present`: the words
        it has, from `words_in`)."""
        for words in self.needs:  # a loop, not all(): this runs for every pattern and speech
            if words.isdisjoint(present):
                return False
        return True


def rule(pattern: str, severity: Severity, detail: str, flags: int = re.IGNORECASE | re.MULTILINE) -> Rule:
    return Rule(re.compile(pattern, flags), severity, detail, needed_words(pattern, flags))


def words_in(folded: str, words: frozenset[str]) -> frozenset[str]:
    """Which of `words` the folded text has: each tested once, however many patterns need it."""
    return frozenset([word for word in words if word in folded])


@dataclass(frozen=True)
class PatternGroup:
    """Patterns that catch one kind of problem."""

    rules: tuple[Rule, ...]

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word any of the patterns needs."""
        return frozenset().union(*(words for r in self.rules for words in r.needs))

    def matches(self, text: str, present: frozenset[str] | None) -> Iterator[tuple[re.Match[str], Severity, str]]:
        """Every match in `text`, with its severity and detail, of the patterns whose words the
        text has (`present`, from `words_in`); None runs every pattern."""
        for r in self.rules:
            if present is None or r.could_match(present):
                for match in r.pattern.finditer(text):
                    yield match, r.severity, r.detail


def group(*patterns: tuple[str, Severity, str]) -> PatternGroup:
    """A group of case-insensitive, multi-line patterns."""
    return PatternGroup(tuple(rule(p, s, d) for p, s, d in patterns))
