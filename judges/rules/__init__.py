"""Automatic rule checks on speeches, run before judging. Pure functions of the text.

Six kinds of finding, each seen in real model debates:

- `over_length`: more words than the speech's limit (after a grace of 10%, which absorbs
  differences in how words are counted; more than 50% over is major).
- `wrong_language`: most of the speech is not in the motion's language (major), or a large
  part is (minor). Checked for English and Chinese, the languages motions come in; in an
  English speech, a sentence in French, Spanish or another Latin-script language counts as
  foreign.
- `identity_leak`: the speaker says which model or vendor it is ("I am ChatGPT", "as an AI
  developed by OpenAI", "我是通义千问"). Mentioning a vendor in an argument ("OpenAI's policy
  shows ...") is not a leak: motions are often about AI. A debate with a leak is excluded
  from ratings by default (`excludes_from_ratings`).
- `injection`: text addressed to the judge, or posing as part of its prompt: orders in English,
  French, Spanish, German or Chinese ("ignore previous instructions", "score it zero"), fake
  system, closing or fence markers ("[system override]", "### Instruction:"), a fake ballot
  or results line, role-play as the judge or moderator, a demand that the other side be
  disqualified (`orders`, `markers`; each group of patterns is skipped unless the speech
  has one of its trigger words).
- `both_sides`: a heading for the other side's speech, or for another speech of its own
  side, written inside this speech ("Opposition rebuttal:" on its own line, or mid-line after
  a full stop: "... our case. [Proposition closing] We ..."), as small models often continue
  the debate on their own.
- `concession`: the speaker concedes or abandons its own side ("I concede the debate", "we
  agree with the motion" said by the opposition, "我方承认对方的观点是正确的"), or speaks as the
  other side ("I am the Opposition" in a proposition speech).

- `canary`: the speech reproduces a motion set's canary string (or its GUID): the model has
  seen the set's file, so its results on it measure memory.

Precision matters more than recall: a false finding counts against an innocent side, a
missed one only leaves the judge to notice it. Every pattern therefore demands the first
person, the exact side, or a marker no ordinary speech contains, and partial concessions
("I concede that X, but ...") and arguments about AI companies are left alone.

Word counting (`count_words`, in `words`) is shared by the length check and the language check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from debate.core.lazy import lazy_names

if TYPE_CHECKING:
    from debate.core.formats import SpeechSpec
    from debate.core.transcript import Speech, Transcript
    from judges.rules.both_sides import both_sides_findings
    from judges.rules.canary import canary_findings, reproduced
    from judges.rules.concession import concession_findings
    from judges.rules.finding import EVIDENCE_CHARS, Finding, FindingKind, Severity
    from judges.rules.identity import BUILTIN_IDENTITIES, excludes_from_ratings, identity_findings, identity_variants, redact_identities
    from judges.rules.injection import injection_findings
    from judges.rules.language import language_findings
    from judges.rules.length import LENGTH_GRACE, MAJOR_OVERRUN, length_findings
    from judges.rules.words import CJK_CHARS_PER_WORD, count_words

# The package's names load lazily, as `judges.ratings`'s do: the checks compile a few hundred
# patterns when imported, and `debate standings` needs only `reproduced` (the canary check of
# judges' reasons). `check_speech` loads every check on first use.
_HOME = {
    "both_sides": ["both_sides_findings"],
    "canary": ["canary_findings", "reproduced"],
    "concession": ["concession_findings"],
    "finding": ["EVIDENCE_CHARS", "Finding", "FindingKind", "Severity"],
    "identity": ["BUILTIN_IDENTITIES", "excludes_from_ratings", "identity_findings", "identity_variants", "redact_identities"],
    "injection": ["injection_findings"],
    "language": ["language_findings"],
    "length": ["LENGTH_GRACE", "MAJOR_OVERRUN", "length_findings"],
    "words": ["CJK_CHARS_PER_WORD", "count_words"],
}
__getattr__ = lazy_names(__name__, {name: module for module, names in _HOME.items() for name in names})

__all__ = [
    "BUILTIN_IDENTITIES",
    "CJK_CHARS_PER_WORD",
    "EVIDENCE_CHARS",
    "Finding",
    "canary_findings",
    "reproduced",
    "FindingKind",
    "LENGTH_GRACE",
    "MAJOR_OVERRUN",
    "Severity",
    "check_speech",
    "check_transcript",
    "count_words",
    "excludes_from_ratings",
    "identity_variants",
    "redact_identities",
]


def check_speech(speech: Speech, spec: SpeechSpec, *, language: str, extra_identities: Sequence[str] = (), canaries: Sequence[str] = ()) -> list[Finding]:
    """Every rule finding for one speech, in a fixed order of kinds.

    `language` is the motion's language code ("en", "zh"); `extra_identities` are names the
    speaker could leak beyond the built-in list, normally every contestant's model string;
    `canaries` the motion sets' canary strings no model should be able to write.
    """
    from judges.rules.both_sides import both_sides_findings
    from judges.rules.canary import canary_findings
    from judges.rules.concession import concession_findings
    from judges.rules.identity import identity_findings, identity_variants
    from judges.rules.injection import injection_findings
    from judges.rules.language import language_findings
    from judges.rules.length import length_findings

    extra = identity_variants(extra_identities)
    return [
        *length_findings(speech, spec),
        *language_findings(speech, language),
        *identity_findings(speech, extra),
        *injection_findings(speech),
        *both_sides_findings(speech, spec),
        *concession_findings(speech),
        *canary_findings(speech, canaries),
    ]


def check_transcript(transcript: Transcript, extra_identities: Sequence[str] = (), canaries: Sequence[str] = ()) -> list[Finding]:
    """The findings for every speech so far, in speech order."""
    from debate.core.formats import SpeechSpec

    findings: list[Finding] = []
    specs = transcript.format.speeches
    for speech in transcript.speeches:
        spec = specs[speech.index] if 0 <= speech.index < len(specs) else SpeechSpec(side=speech.side, role=speech.role)
        findings += check_speech(speech, spec, language=transcript.motion.language, extra_identities=extra_identities, canaries=canaries)
    return findings
