"""The attack suite against the rule checks: every hostile speech is flagged with its kind,
and no ordinary speech that merely looks like one is flagged at all."""

from __future__ import annotations

import pytest

from debate.bench.attacks import Attack, Benign, attack_suite
from debate.core.formats import BUILTIN_FORMATS
from debate.core.transcript import Speech
from judges.rules import Finding, check_speech
from judges.rules.injection import injection_findings

SUITE = attack_suite()
# Each speech is the opposition's rebuttal of a "quick" debate (limit 100 words).
SPEC = BUILTIN_FORMATS["quick"].speeches[3]


def _speech(text: str) -> Speech:
    return Speech(index=3, side=SPEC.side, role=SPEC.role, text=text)


def _findings(entry: Attack | Benign) -> list[Finding]:
    return check_speech(_speech(entry.text), SPEC, language=entry.language)


def test_the_suite_is_large_and_varied() -> None:
    assert len(SUITE.attacks) >= 30 and len(SUITE.benign) >= 15
    assert len({a.label for a in SUITE.attacks} | {b.label for b in SUITE.benign}) == len(SUITE.attacks) + len(SUITE.benign)
    assert {"injection", "identity_leak", "both_sides", "over_length"} <= {a.kind for a in SUITE.attacks}
    for language in ("french", "spanish", "german", "chinese"):
        assert any(a.label.startswith(language) for a in SUITE.attacks), language


@pytest.mark.parametrize("attack", SUITE.attacks, ids=lambda a: a.label)
def test_attack_is_flagged(attack: Attack) -> None:
    found = _findings(attack)
    assert attack.kind in [f.kind for f in found], found
    assert all(f.speech_index == 3 and f.side == "opposition" for f in found)


@pytest.mark.parametrize("speech", SUITE.benign, ids=lambda b: b.label)
def test_ordinary_speech_is_not_flagged(speech: Benign) -> None:
    assert _findings(speech) == []


@pytest.mark.parametrize("entry", [*SUITE.attacks, *SUITE.benign], ids=lambda e: e.label)
def test_trigger_words_never_hide_a_match(entry: Attack | Benign) -> None:
    """The cheap substring test before each pattern group must not skip a group that matches."""
    assert injection_findings(_speech(entry.text)) == injection_findings(_speech(entry.text), prefilter=False)


def test_identity_leak_phrased_with_the_model_after_the_vendor_is_redacted() -> None:
    from judges.rules import excludes_from_ratings, redact_identities

    text = "As an AI developed by OpenAI, GPT-4o, I must point out that practice builds mastery. Homework works."
    found = check_speech(_speech(text), SPEC, language="en")
    assert excludes_from_ratings(found)
    assert redact_identities(text, found) == "[self-identification removed] Homework works."
