"""The `wrong_language` check: most or much of a speech is not in the motion's language."""

from __future__ import annotations

from debate.core.transcript import Speech
from judges.rules.finding import Finding, Severity, excerpt
from judges.rules.words import language_units, other_latin_sentence_words


def language_findings(speech: Speech, language: str) -> list[Finding]:
    zh, latin, other, english, other_latin = language_units(speech.text)
    total = zh + latin + other
    if language not in ("en", "zh") or total < 8:
        return []
    # Latin-script words count as English until a sentence shows another language (only
    # looked for when the speech has a few of another language's function words at all).
    expected = zh if language == "zh" else latin - (other_latin_sentence_words(speech.text) if other_latin >= 2 else 0)
    foreign = total - expected
    share = foreign / total
    name = {"en": "English", "zh": "Chinese"}[language]
    if share > 0.5:
        return [_language_finding(speech, "major", f"most of the speech ({round(100 * share)}%) is not in {name}")]
    if share > 0.25 and foreign >= 10:
        return [_language_finding(speech, "minor", f"{round(100 * share)}% of the speech is not in {name}")]
    if language == "en" and latin >= 20 and english / latin < 0.10 and other_latin / latin >= 0.15:
        return [_language_finding(speech, "major", "the speech is not in English (it has almost no English words)")]
    return []


def _language_finding(speech: Speech, severity: Severity, detail: str) -> Finding:
    return Finding(kind="wrong_language", speech_index=speech.index, side=speech.side.value, severity=severity,
                   detail=detail, evidence=excerpt(speech.text.strip()[:80]))
