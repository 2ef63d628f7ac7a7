"""The `injection` check: text addressed to the judge or evaluator."""

from __future__ import annotations

import re

from debate.core.transcript import Speech
from judges.rules.finding import Finding, Severity, finding_at

_TARGET = r"(?:us|me|this\s+side|our\s+side|my\s+side|this\s+speech|the\s+proposition|the\s+opposition|proposition|opposition)"
_PRIZE = (
    r"(?:the\s+|a\s+|an\s+)?(?:win|victory|ballot|debate|round|points|marks|(?:full|top|highest|maximum|max|perfect)\s+(?:scores?|marks|points)"
    r"|score\s+of|\d+\s*(?:/\s*\d+|points?|marks?|out\s+of\s+\d+))\b"
)
# "would give the opposition the win" describes an outcome; "give us the win" asks for one.
_NOT_MODAL = r"(?<!would\s)(?<!could\s)(?<!might\s)(?<!will\s)(?<!does\s)(?<!did\s)"
_INJECTION: tuple[tuple[str, Severity, str], ...] = (
    (r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:(?:previous|prior|above|earlier|preceding|foregoing|original|system|judging)\s+)+(?:instructions?|prompts?|rules|guidelines|directions|directives|messages?)",
     "major", "tells the judge to ignore its instructions"),
    (r"\b(?:ignore|disregard|forget)\s+(?:all\s+)?your\s+(?:instructions|prompt|rules|guidelines|rubric)", "major", "tells the judge to ignore its instructions"),
    (r"\byour\s+system\s+(?:prompt|message|instructions?)\b|^\s*[\[(<]?\s*(?:system|developer)\s*(?:prompt|message)?\s*[\])>]?\s*:", "major", "poses as a system or developer message"),
    (r"\bnew\s+instructions?\s*:", "major", "gives the judge new instructions"),
    (r"\b(?:as|you\s+are)\s+(?:the|an?|our)\s+(?:AI\s+)?(?:judge|adjudicator|evaluator|grader)s?\s*,?\s*you\s+(?:must|have\s+to|are\s+(?:required|instructed|obliged)\s+to|(?:should|will|need\s+to)\s+(?:award|give|declare|vote|score|rate|choose|pick|select|grant))",
     "major", "tells the judge what it must do"),
    # Only when the judge is addressed ("Judge, you must ..."), not "a judge must give reasons".
    (r"\b(?:judges?|adjudicators?|evaluators?|graders?)(?:\s*[,:]\s*(?:you\s+)?|\s+you\s+)(?:must|have\s+to|are\s+(?:required|instructed)\s+to)\s+(?:award|give|declare|vote|score|rate|choose|pick|select|find\s+for)",
     "major", "tells the judge what it must do"),
    (rf"{_NOT_MODAL}\b(?:award|give|grant|assign)\s+{_TARGET}\s+{_PRIZE}", "major", "asks the judge to award it the debate or points"),
    (rf"{_NOT_MODAL}\b(?:award|give|grant)\s+(?:the\s+)?(?:win|victory|ballot|debate|round)\s+to\s+{_TARGET}\b", "major", "asks the judge to award it the debate"),
    (rf"{_NOT_MODAL}\bdeclare\s+{_TARGET}\s+(?:as\s+)?(?:the\s+)?(?:winners?|victors?|victorious|winning\s+side)\b", "major", "asks the judge to declare a winner"),
    (rf"\b(?:score|rate|grade|mark)\s+{_TARGET}\s+(?:as\s+)?(?:a\s+|an\s+)?(?:\d|five|ten|full|maximum|max|highest|top|perfect)\b", "major", "tells the judge what score to give"),
    (r"<<\s*/|<<\s*[A-Z][A-Z0-9]*-[0-9A-Za-z]{3,}\s*>>|<<\s*SPEECH", "major", "writes a fake speech fence marker"),
    (r"\{[^{}]{0,200}?[\"'](?:winner|verdict|both_poor)[\"']\s*:|[\"'](?:winner|verdict)[\"']\s*:\s*[\"']", "major", "writes a JSON verdict for the judge"),
    (r"^\s*[\[(]?\s*(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+)?(?:AI\s+)?(?:judges?|evaluators?|graders?|adjudicators?)\b", "minor", "addresses a note to the judge"),
    (r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\|>|\[/?INST\]|<(?:start|end)_of_turn>", "minor", "contains chat-template control tokens"),
    # Chinese
    (r"(?:忽略|无视|忘记|忘掉)(?:之前|以上|前面|先前|上述|所有|全部|你的)的?(?:所有|全部)?(?:指令|指示|说明|提示|规则|要求)", "major", "tells the judge to ignore its instructions"),
    (r"你的系统提示|^\s*[【\[]?系统[】\]]?\s*[:：]", "major", "poses as a system message"),
    (r"(?:评委|裁判|评审)(?:们)?[，,：:]?\s*(?:你|您)?(?:们)?(?:必须|务必|一定要|只能)\s*(?:判|宣布|给|投|打|评|选)", "major", "tells the judge what it must do"),
    (r"作为(?:评委|裁判|评审)[，,]?\s*你(?:们)?(?:必须|应当|应该|需要)", "major", "tells the judge what it must do"),
    (r"(?:判|判定|宣布|宣判)(?:我方|本方|正方|反方)(?:为|是)?(?:获胜|胜利|胜出|赢|胜方|赢家)", "major", "asks the judge to declare a winner"),
    (r"给(?:我方|本方|正方|反方|我们)(?:打|评)?(?:满分|最高分|[0-9０-９一二三四五六七八九十]+分)", "major", "tells the judge what score to give"),
)
_INJECTION_RE = tuple((re.compile(p, re.IGNORECASE | re.MULTILINE), s, d) for p, s, d in _INJECTION)
# Every pattern above needs one of these words; most speeches contain none, and a substring
# test is a hundred times cheaper than running the patterns. Keep in step with `_INJECTION`.
_INJECTION_TRIGGERS = (
    "ignore", "disregard", "forget", "override", "system", "developer", "instruction", "judge", "adjudicator",
    "evaluator", "grader", "award", "give", "grant", "assign", "declare", "score", "rate", "grade", "mark",
    "<<", "winner", "verdict", "both_poor", "note", "message", "<|", "inst]", "_of_turn>",
    "忽略", "无视", "忘记", "忘掉", "系统", "评委", "裁判", "评审", "判", "宣布", "给",
)


def injection_findings(speech: Speech) -> list[Finding]:
    lowered = speech.text.lower()
    if not any(word in lowered for word in _INJECTION_TRIGGERS):
        return []
    hits = [(m, s, d) for pattern, s, d in _INJECTION_RE for m in pattern.finditer(speech.text)]
    if not hits:
        return []
    hits.sort(key=lambda hit: (hit[1] != "major", hit[0].start()))
    match, severity, detail = hits[0]
    places = len({m.start() for m, _, _ in hits})
    return [finding_at(speech, "injection", severity, detail + (f" ({places} places)" if places > 1 else ""), match)]
