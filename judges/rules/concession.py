"""The `concession` check: a speaker conceding its own side or speaking as the other."""

from __future__ import annotations

import re
from functools import lru_cache

from debate.core.sides import Side
from debate.core.transcript import Speech
from judges.rules.finding import Finding, finding_at
from judges.rules.patterns import PatternGroup, fold, group, words_in

_NEGATOR = re.compile(
    r"\b(?:if|whether|not|never|claims?|claimed|says?|said|thinks?|believes?|argues?|argued|pretends?|suggests?|"
    r"unless|nobody|no\s+one|would\s+have\s+you|wants?\s+you|insists?)\b|n['’]t\b|如果|假如|若是|倘若|并非|不是说|声称|难道|以为",
    re.IGNORECASE,
)
_PARTIAL_EN = r"(?!\s*,?\s*(?:but|however|yet|only|though|although|that|to|about|on|in|when|insofar|partly|up\s+to)\b)"
_PARTIAL_ZH = r"(?![^。！!？?\n]{0,4}(?:但|可是|然而|不过|只是))"


def _other_names(side: Side) -> tuple[str, str]:
    generic = r"other\s+side|opposing\s+(?:side|team|bench)|other\s+team|our\s+opponents?|my\s+opponents?|the\s+opponents?"
    if side is Side.PROPOSITION:
        return rf"(?:the\s+)?(?:opposition|{generic})", r"(?:对方辩友|对方|反方辩友|反方)"
    return rf"(?:the\s+)?(?:proposition|government|{generic})", r"(?:对方辩友|对方|正方辩友|正方)"


def _other_side_name(side: Side) -> tuple[str, str]:
    """The other side's proper name only ("opposition"), for "I am the Opposition"."""
    if side is Side.PROPOSITION:
        return r"(?:the\s+)?opposition", "反方"
    return r"(?:the\s+)?(?:proposition|government)", "正方"


@lru_cache(maxsize=2)
def _concession_patterns(side: Side) -> PatternGroup:
    """The patterns for a speech of `side`; each runs only on a speech with the words it needs."""
    other, other_zh = _other_names(side)
    if side is Side.PROPOSITION:
        reverse = r"(?:oppose|reject|disagree\s+with|vote\s+against)"
        reverse_zh = r"(?:反对|不同意|不支持|不赞成)"
    else:
        reverse = r"(?:agree\s+with|support|endorse|back|vote\s+for)"  # not "accept": "we accept the motion as worded"
        reverse_zh = r"(?:同意|支持|赞成|赞同|接受)"
    we = r"\b(?:I|we)\s+(?:hereby\s+|must\s+|now\s+|have\s+to\s+|fully\s+|completely\s+|actually\s+|also\s+)?"
    them, them_zh = _other_side_name(side)
    team = r"(?:\s+(?:side|team|bench|speaker))?"
    patterns = (
        # Speaking as the other side (seen from small models: "I am the Opposition." in a
        # proposition speech).
        (rf"\b(?:I\s+am|I['’]m|we\s+are|we['’]re)\s+{them}{team}\b(?!['’])(?!\s+to\b)", "speaks as the other side"),
        (rf"\bas\s+{them}{team}\s*,\s*(?:we|I)\b", "speaks as the other side"),
        (rf"(?:我方|我们|本方)(?:是|作为){them_zh}|作为{them_zh}[，,]?\s*(?:我方|我们|我)", "speaks as the other side"),
        (rf"{we}concede\s+(?:the\s+(?:debate|round|motion|win)|defeat|this\s+(?:debate|round)|victory)\b", "concedes the debate"),
        (rf"{we}concede\s*(?:[.!]|$)", "concedes the debate"),
        (rf"{we}(?:agree|side)\s+with\s+{other}{_PARTIAL_EN}(?!['’])", "agrees with the other side"),
        (rf"{we}(?:admit|accept|concede|acknowledge)\s+that\s+{other}\s+(?:is|are|was|were)\s+(?:completely\s+|entirely\s+|absolutely\s+)?(?:right|correct){_PARTIAL_EN}",
         "admits the other side is right"),
        (rf"(?:^|[.!?]\s+|\bsimply,?\s+){other}\s+(?:is|are|was|were|has\s+been|have\s+been)\s+(?:completely\s+|entirely\s+|absolutely\s+|simply\s+|clearly\s+)?(?:right|correct)\s*(?=[.!;]|$)",
         "says the other side is right"),
        (rf"{we}{reverse}\s+(?:the\s+|this\s+)?motion\b(?!\s*['’])", "argues against its own side of the motion"),
        (r"\b(?:our|my)\s+(?:case|side|position|stance)\s+(?:is|was|has\s+been)\s+(?:wrong|mistaken|indefensible|lost)\b", "says its own case is wrong"),
        (r"\bwe\s+(?:have\s+)?lost\s+(?:this|the)\s+(?:debate|round)\b", "says it lost the debate"),
        # Chinese
        (r"(?:我方|我们|本方|我)(?:在此|已经)?(?:认输|承认失败|承认(?:我方|我们)?(?:输了|错了))|(?:我方|本方)输了", "concedes the debate"),
        (rf"(?:我方|我们|本方|我)(?:承认|同意|认同|认为)?{other_zh}(?:的)?(?:观点|立场|说法|论点)?(?:是|才是)?(?:完全|非常|绝对)?(?:正确|对)的?(?=[。！!，,；;]|$){_PARTIAL_ZH}",
         "says the other side is right"),
        (rf"(?:我方|我们|本方|我)(?:承认|同意|认同){other_zh}(?:说得|讲得|所说的|说的)?(?:完全|非常)?(?:对|正确|有道理){_PARTIAL_ZH}", "says the other side is right"),
        (rf"(?:我方|我们|本方)(?:现在|也|其实)?{reverse_zh}(?:本|这个|该|此)?辩题", "argues against its own side of the motion"),
        (r"(?:我方|我们|本方)的?(?:观点|立场|论点)(?:是|确实是)?错(?:误)?的", "says its own case is wrong"),
    )
    return group(*((p, "major", d) for p, d in patterns))


def _negated(text: str, start: int) -> bool:
    """Is the phrase at `start` reported, hypothetical or negated within its sentence?"""
    before = text[max(0, start - 60):start]
    sentence = re.split(r"[.!?。！？\n]", before)[-1]
    return bool(_NEGATOR.search(sentence))


def concession_findings(speech: Speech, *, prefilter: bool = True) -> list[Finding]:
    """The first concession that is not reported, hypothetical or negated, if any.

    `prefilter=False` runs every pattern, so a test can show the words patterns need are read right.
    """
    patterns = _concession_patterns(speech.side)
    present = words_in(fold(speech.text), patterns.words) if prefilter else None
    for match, _, detail in patterns.matches(speech.text, present):
        start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip(" .!?")))
        if not _negated(speech.text, start):
            return [finding_at(speech, "concession", "major", detail, match)]
    return []
