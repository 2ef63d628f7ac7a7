"""The `both_sides` check: a heading for another speech written inside this one."""

from __future__ import annotations

import re

from debate.core.formats import SpeechSpec
from debate.core.sides import Side
from debate.core.transcript import Speech
from judges.rules.finding import Finding, Severity, finding_at
from judges.rules.words import count_words

_SIDE_WORDS = {
    "proposition": Side.PROPOSITION, "prop": Side.PROPOSITION, "government": Side.PROPOSITION, "gov": Side.PROPOSITION,
    "affirmative": Side.PROPOSITION, "opposition": Side.OPPOSITION, "opp": Side.OPPOSITION, "negative": Side.OPPOSITION,
    "正方": Side.PROPOSITION, "反方": Side.OPPOSITION,
}
# Words that may stand alone as a label on their own line ("Opposition:"). The others
# ("Government:", "Negative:") are also ordinary headings and count only with a role.
_BARE_OK = {"proposition", "opposition", "prop", "opp", "正方", "反方"}
_ROLE_CANON = {
    "opening": "opening", "constructive": "opening", "first speech": "opening", "first speaker": "opening",
    "rebuttal": "rebuttal", "second speech": "rebuttal", "second speaker": "rebuttal",
    "closing": "closing", "reply": "closing", "summary": "closing", "summation": "closing",
    "third speech": "closing", "third speaker": "closing", "cross-examination": "cross-examination",
    "cross examination": "cross-examination", "crossexamination": "cross-examination",
    "一辩": "opening", "开篇": "opening", "立论": "opening", "陈词": "opening", "二辩": "rebuttal", "三辩": "rebuttal",
    "反驳": "rebuttal", "驳论": "rebuttal", "四辩": "closing", "总结": "closing", "结辩": "closing",
    "质询": "cross-examination", "攻辩": "cross-examination",
}
_EN_LABEL = re.compile(
    r"^(?P<bullet>[ \t]*(?:[-+*•][ \t]+|\d+[.)][ \t]+))?[ \t]*(?:[#>*_\[(]+[ \t]*)*(?:the[ \t]+)?"
    r"(?P<side>proposition|opposition|government|affirmative|negative|prop|opp|gov)"
    r"(?:[ \t]+(?:side|team|bench))?(?:['’]s)?"
    r"(?:[ \t]+(?P<role>(?:opening|closing|rebuttal)[ \t]+(?:speech|statement)|opening|rebuttal|closing|reply|constructive|"
    r"summary|summation|cross[- ]?examination|(?:first|second|third)[ \t]+(?:speaker|speech)|speech|statement))?"
    r"(?:[ \t]+(?:speech|statement))?[ \t]*(?:\([^)\n]{0,30}\))?[ \t]*[*_\])]*[ \t]*(?P<colon>[:：])?[ \t]*[*_]*[ \t]*(?P<rest>.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_ZH_LABEL = re.compile(
    r"^[ \t]*(?:[#>*\-【\[(（]+[ \t]*)*(?P<side>正方|反方)"
    r"(?P<role>(?:[一二三四]辩|开篇|立论|陈词|反驳|驳论|总结|结辩|质询|攻辩|发言|陈述)*)"
    r"[ \t]*[】\])）*]*[ \t]*(?P<colon>[:：])?[ \t]*(?P<rest>.*)$",
    re.MULTILINE,
)

# The same heading written mid-line, as small models also do, after a full stop: with a role
# ("... our case. Proposition rebuttal: we ...") or in brackets ("... [Proposition closing] We ...").
_ROLES_EN = r"opening|rebuttal|closing|reply|constructive|summary|summation|cross[- ]?examination"
_INLINE_LABEL = re.compile(
    rf"(?<=[.!?])[ \t]+(?:(?:the[ \t]+)?(?P<side>proposition|opposition|government|affirmative|negative)(?:[ \t]+(?:side|team))?"
    rf"[ \t]+(?P<role>{_ROLES_EN})(?:[ \t]+(?:speech|statement))?[ \t]*[:：]"
    rf"|[\[(][ \t]*(?P<bside>proposition|opposition|government|affirmative|negative)(?:[ \t]+(?:side|team))?"
    rf"(?:[ \t]+(?P<brole>{_ROLES_EN}))?(?:[ \t]+(?:speech|statement))?[ \t]*[\])][ \t]*[:：]?)(?P<rest>.*)$",
    re.IGNORECASE | re.MULTILINE,
)


def _role_canon(role: str) -> str | None:
    role = re.sub(r"\s+", " ", role.lower().replace("-", " ")).strip()
    role = re.sub(r" (?:speech|statement)$", "", role) if role not in ("first speech", "second speech", "third speech") else role
    role = role.replace("cross examination", "cross-examination")
    if role in _ROLE_CANON:
        return _ROLE_CANON[role]
    for key, canon in _ROLE_CANON.items():  # Chinese roles run together: 一辩开篇
        if not key.isascii() and key in role:
            return canon
    return None


def both_sides_findings(speech: Speech, spec: SpeechSpec) -> list[Finding]:
    own_role = _role_canon(spec.role.split()[0]) if spec.role else None
    if spec.role.startswith("cross"):
        own_role = "cross-examination"
    found: list[tuple[re.Match[str], str]] = []
    for pattern in (_EN_LABEL, _ZH_LABEL):
        for match in pattern.finditer(speech.text):
            word = match.group("side").lower() if pattern is _EN_LABEL else match.group("side")
            side = _SIDE_WORDS[word]
            role_text = (match.group("role") or "").strip()
            role = _role_canon(role_text) if role_text else None
            generic = role_text.lower() in ("speech", "statement", "发言", "陈述")
            rest = match.group("rest").strip()
            if rest:
                # A label followed by text on the same line: only "<side> <role>: text", and
                # not as a list item (a rebuttal may list "- Opposition opening: claimed X").
                if not (match.group("colon") and role_text) or match.groupdict().get("bullet"):
                    continue
            elif not role_text and word not in _BARE_OK:
                continue
            if side is spec.side and (not role_text or generic or role is None or role == own_role):
                continue  # the speaker labelling its own speech
            if not _speaks_as_author(speech.text[match.start("rest"):], strict=not role_text):
                continue  # a heading over a summary of what that side said ("Opposition:\n- they claim ...")
            what = f"the {side.label}" + (f" {role}" if role else "")
            found.append((match, f"writes a heading for {what} speech inside its own speech"))
    found += _inline_labels(speech, spec.side, own_role)
    if not found:
        return []
    match, detail = min(found, key=lambda item: item[0].start())
    after = speech.text[match.start("rest"):]
    severity: Severity = "major" if count_words(after) >= 8 else "minor"
    return [finding_at(speech, "both_sides", severity, detail, match, group=0)]


_FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us|I|my|me)\b|我方|我们|本方", re.IGNORECASE)
_THIRD_PERSON = re.compile(r"\b(?:they|their|theirs|them)\b|对方|他们", re.IGNORECASE)


def _speaks_as_author(after: str, *, strict: bool) -> bool:
    """Does the text under a heading speak in its own voice, rather than report the other side?

    A dangling heading (almost nothing after it) counts: small models often stop right after
    writing the next speaker's label. `strict` (for a bare "Opposition:") needs more first-
    than third-person words; a role heading ("Opposition rebuttal:") needs no more third.
    """
    window = " ".join(after.split()[:60])
    if count_words(window) < 8:
        return True
    first, third = len(_FIRST_PERSON.findall(window)), len(_THIRD_PERSON.findall(window))
    return first > third if strict else first >= third


def _inline_labels(speech: Speech, own_side: Side, own_role: str | None) -> list[tuple[re.Match[str], str]]:
    """Mid-line headings for another speech, followed by text in the speaker's own voice."""
    found = []
    for match in _INLINE_LABEL.finditer(speech.text):
        side = _SIDE_WORDS[(match.group("side") or match.group("bside")).lower()]
        role_text = match.group("role") or match.group("brole")
        role = _role_canon(role_text) if role_text else None
        if side is own_side and (role is None or role == own_role):
            continue
        if not match.group("rest").strip() or not _speaks_as_author(match.group("rest"), strict=False):
            continue
        found.append((match, f"writes a heading for the {side.label}" + (f" {role}" if role else "") + " speech inside its own speech"))
    return found
