"""Automatic rule checks on speeches, run before judging. Pure functions of the text.

Six kinds of finding, each seen in real model debates:

- `over_length`: more words than the speech's limit (after a grace of 10%, which absorbs
  differences in how words are counted; more than 50% over is major).
- `wrong_language`: most of the speech is not in the motion's language (major), or a large
  part is (minor). Checked for English and Chinese, the languages motions come in.
- `identity_leak`: the speaker says which model or vendor it is ("I am ChatGPT", "as an AI
  developed by OpenAI", "我是通义千问"). Mentioning a vendor in an argument ("OpenAI's policy
  shows ...") is not a leak: motions are often about AI. A debate with a leak is excluded
  from ratings by default (`excludes_from_ratings`).
- `injection`: text addressed to the judge or evaluator: "ignore previous instructions",
  "award this side the win", "as the judge you must ...", fake fence markers, a JSON verdict.
- `both_sides`: a heading for the other side's speech, or for another speech of its own
  side, written inside this speech ("Opposition rebuttal:" on its own line), as small models
  often continue the debate on their own.
- `concession`: the speaker concedes or abandons its own side ("I concede the debate", "we
  agree with the motion" said by the opposition, "我方承认对方的观点是正确的"), or speaks as the
  other side ("I am the Opposition" in a proposition speech).

Precision matters more than recall: a false finding counts against an innocent side, a
missed one only leaves the judge to notice it. Every pattern therefore demands the first
person, the exact side, or a marker no ordinary speech contains, and partial concessions
("I concede that X, but ...") and arguments about AI companies are left alone.

Word counting: Chinese is written without spaces, so each CJK character counts as 1/1.5 of
a word (`CJK_CHARS_PER_WORD`): a Chinese text carries roughly the content of an English
text with two thirds as many words as it has characters (translations run at about 1.5 to
1.8 characters per English word; the lower figure errs in the speaker's favour).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from debate.formats import Side, SpeechSpec
from debate.transcript import Speech, Transcript

FindingKind = Literal["over_length", "wrong_language", "identity_leak", "injection", "both_sides", "concession"]
Severity = Literal["minor", "major"]

CJK_CHARS_PER_WORD = 1.5
LENGTH_GRACE = 0.10  # no finding up to 10% over the limit
MAJOR_OVERRUN = 0.50  # more than 50% over the limit is major
EVIDENCE_CHARS = 160


class Finding(BaseModel):
    """One rule problem in one speech, stored with the speech and shown to judges as a fact."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FindingKind
    speech_index: int = Field(ge=0)
    side: str
    severity: Severity
    detail: str = Field(min_length=1, max_length=300)
    evidence: str = Field(default="", max_length=EVIDENCE_CHARS + 10)
    span: tuple[int, int] | None = Field(
        default=None,
        description="character range of the speech text the finding is about (for an identity leak, its whole sentence)",
    )


# --- word counting and scripts -----------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_KANA_HANGUL = "\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff"
_HAN_RE = re.compile(f"[{_HAN}]")
_SYLLABIC_RE = re.compile(f"[{_HAN}{_KANA_HANGUL}]")
_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")

# Common English function words: real English prose is 30-50% these; other languages that
# use the Latin alphabet have almost none of them.
_ENGLISH_WORDS = frozenset(
    "the of and to is that it for are be this with not we they our their should would will can "  # noqa: SIM905
    "have has by from or as but more than because which who what when if an its was were been "
    "you your these those there also most many how why must".split()
)


# Function words of other languages written in the Latin alphabet (Spanish, French, German,
# Italian, Portuguese, Dutch, Indonesian): a speech counts as not English only when these are
# common and English ones are rare, so a list of English noun phrases is never flagged.
_OTHER_LATIN_WORDS = frozenset(
    "el la los las del que y en por para con es una un se lo al como pero más le les des et est pour dans "  # noqa: SIM905
    "une du au qui ne pas sont ce der die das und ist nicht mit den dem ein eine zu auf sich il di che per "
    "non sono della gli em do da não os uma het een van zijn ook yang dan dengan ini itu tidak untuk".split()
)


def count_words(text: str) -> int:
    """Words in `text`; each CJK character counts as 1/CJK_CHARS_PER_WORD of a word."""
    syllabic = len(_SYLLABIC_RE.findall(text))
    rest = _SYLLABIC_RE.sub(" ", text)
    return len(_WORD_RE.findall(rest)) + math.ceil(syllabic / CJK_CHARS_PER_WORD)


def _language_units(text: str) -> tuple[float, float, float, int, int]:
    """(Chinese units, Latin-script words, other units, English and other-Latin function words)."""
    han = len(_HAN_RE.findall(text))
    syllabic = len(_SYLLABIC_RE.findall(text)) - han
    latin = other = english = foreign = 0
    for word in _WORD_RE.findall(_SYLLABIC_RE.sub(" ", text)):
        if word.isdigit():
            continue
        if _LATIN_RE.search(word):
            latin += 1
            english += word.lower() in _ENGLISH_WORDS
            foreign += word.lower() in _OTHER_LATIN_WORDS
        elif any(ch.isalpha() for ch in word):
            other += 1
    return han / CJK_CHARS_PER_WORD, float(latin), other + syllabic / CJK_CHARS_PER_WORD, english, foreign


# --- built-in identities ----------------------------------------------------------------------

# Names that are also ordinary words are matched only as written (capitalised).
_CASE_SENSITIVE = ("Meta", "Phi", "Gemini", "Llama", "LLaMA", "Falcon", "Grok", "Bard", "Ernie", "Kimi", "Claude", "Bing")
_CASE_INSENSITIVE = (
    "ChatGPT", "GPT", "OpenAI", "Anthropic", "Gemma", "Google", "DeepMind", "PaLM", "Qwen", "Tongyi",
    "Qianwen", "Alibaba", "Mistral", "Mixtral", "DeepSeek", "Microsoft", "Copilot", "xAI", "Cohere",
    "Baidu", "Moonshot", "ChatGLM", "GLM", "Zhipu", "Doubao", "ByteDance", "Hunyuan", "Tencent",
    "Vicuna", "Perplexity",
)
_CHINESE_NAMES = (
    "通义千问", "通义", "千问", "阿里巴巴", "阿里云", "阿里", "谷歌", "微软", "百度", "文心一言", "文心",
    "深度求索", "智谱", "月之暗面", "字节跳动", "豆包", "腾讯", "混元", "讯飞星火", "星火",
)
BUILTIN_IDENTITIES: tuple[str, ...] = _CASE_SENSITIVE + _CASE_INSENSITIVE + _CHINESE_NAMES

_VERSION = r"(?:[\s\-]?v?\d+(?:\.\d+)*[a-z]?)?(?:[\s\-](?:turbo|pro|flash|ultra|sonnet|opus|haiku|mini|nano|instruct|coder|chat|max|plus|large|medium|small|base|preview))*"


def identity_variants(model_strings: Iterable[str]) -> tuple[str, ...]:
    """The names a contestant could leak: each string and its last path segment."""
    names: list[str] = []
    for raw in model_strings:
        for name in (raw.strip(), raw.strip().rsplit("/", 1)[-1]):
            if len(name) >= 3 and name not in names:
                names.append(name)
    return tuple(names)


@lru_cache(maxsize=64)
def _name_pattern(extra: tuple[str, ...]) -> str:
    def alternation(names: Iterable[str]) -> str:
        return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))

    ascii_names = (*_CASE_INSENSITIVE, *(n for n in extra if n.isascii()))
    latin = (
        r"(?<![A-Za-z0-9])(?:(?-i:" + alternation(_CASE_SENSITIVE) + r")|" + alternation(ascii_names) + r")"
        + _VERSION + r"(?![A-Za-z0-9])"
    )
    chinese = alternation((*_CHINESE_NAMES, *(n for n in extra if not n.isascii())))
    return f"(?P<name>{latin}|{chinese})"


# --- identity leak ----------------------------------------------------------------------------

_FILL = (
    r"(?:a|an|the|just|actually|called|named|known\s+as|AI|artificial|intelligence|large|language|"
    r"model|assistant|chatbot|bot|system|version|of|made|developed|created|trained|built|designed|"
    r"released|owned|programmed|powered|by|from|at|one)"
)
_BUILT = r"(?:developed|created|trained|built|made|designed|programmed|released|owned|powered)"
# What may follow "I am <name>" when it names the speaker (and not "I am a Google user").
_SELF_END = (
    r"(?=\s*(?:[,.;:!?)\"”’—–\-]|$)|\s+(?:model|AI|assistant|chatbot|LLM|language|here|speaking|and|but|so|myself|by|from|with)\b"
    r"|['’]s\s+(?:own\s+)?(?:AI|model|language|assistant|chatbot|LLM|creation|product)\b)"
)
_ZH_AFTER = (
    r"(?=\s*(?:[，。,.！!？?；;：:、）)]|$|(?:公司)?(?:所|旗下)?(?:开发|训练|研发|创建|打造|推出|设计)"
    r"|(?:公司)?(?:的|旗下的)?(?:人工智能|AI|大?语言模型|大模型|模型|助手|产品)|在此|来))"
)
_ZH_MODEL = r"(?:人工智能|AI|大?语言模型|大模型|模型|助手)"


@lru_cache(maxsize=64)
def _identity_patterns(extra: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    name = _name_pattern(extra)
    english = [
        rf"\bI(?:\s+am|['’]m)\s+(?:{_FILL}\s+){{0,6}}?{name}{_SELF_END}",
        rf"\bI(?:\s+was|\s+am|['’]m|\s+have\s+been|['’]ve\s+been)?\s+(?:{_FILL}\s+){{0,6}}?{_BUILT}\s+(?:by|at)\s+{name}",
        rf"\bas\s+(?:{_FILL}\s+){{0,5}}?{_BUILT}\s+(?:by|at)\s+{name}\s*,?\s*(?:I|I['’]m|my|me)\b",
        rf"\bas\s+(?:{_FILL}\s+){{0,3}}?{name}(?:\s+(?:model|AI|assistant|chatbot))?\s*,\s*(?:I|I['’]m|my|me|we)\b",
        # "As ChatGPT, made by OpenAI, I ...": the appositive sits between the name and the I.
        rf"\bas\s+(?:{_FILL}\s+){{0,3}}?{name}\s*,\s*(?:{_FILL}\s+){{0,4}}?{_BUILT}\s+(?:by|at)\s+[\w .&-]{{1,40}}?,\s*(?:I|I['’]m|my|me|we)\b",
        rf"\bmy\s+(?:name|creators?|developers?|makers?|company|vendor|parent\s+company|model\s+name)\s+(?:is|are|was|were)\s+(?:{_FILL}\s+){{0,3}}?{name}",
        rf"\byou(?:['’]re|\s+are)\s+(?:talking|speaking|chatting)\s+(?:to|with)\s+{name}",
        rf"\bthis\s+is\s+{name}\s+(?:speaking|here)\b",
        rf"\bI,\s+{name}\s*,",
        rf"\bwe\s+(?:here\s+)?at\s+{name}\b(?!['’])",
    ]
    chinese = [
        rf"我(?:是|叫|叫做|名叫|就是|乃是)(?:一个|一款|一名|一位|个)?(?:由|来自)?\s*{name}{_ZH_AFTER}",
        rf"作为(?:一个|一款|一名)?由?\s*{name}\s*(?:公司)?(?:开发|训练|研发|创建|打造|推出)?的?{_ZH_MODEL}?\s*[，,]?\s*我",
        rf"作为(?:一个|一款|一名)?(?:由|来自)\s*{name}",
        rf"我(?:是)?(?:由|被)\s*{name}\s*(?:公司)?所?(?:开发|训练|研发|创建|打造|推出|设计)",
        rf"我的(?:名字|开发者|创造者|开发商|制造者|训练者)(?:是|叫)\s*{name}",
    ]
    return tuple(re.compile(p, re.IGNORECASE | re.MULTILINE) for p in (*english, *chinese))


def _identity_findings(speech: Speech, extra: tuple[str, ...]) -> list[Finding]:
    hits: dict[tuple[int, int], re.Match[str]] = {}
    for pattern in _identity_patterns(extra):
        for match in pattern.finditer(speech.text):
            if not any(a <= match.start() < b or match.start() <= a < match.end() for a, b in hits):
                hits[(match.start(), match.end())] = match
    findings = []
    for _, match in sorted(hits.items()):
        leak = _finding(speech, "identity_leak", "major", "the speaker says which AI model or company it is", match)
        # The span covers the whole sentence, so redacting it also removes the rest of the
        # self-description ("I am ChatGPT, made by OpenAI").
        findings.append(leak.model_copy(update={"span": _sentence(speech.text, *match.span())}))
    return findings


def _sentence(text: str, start: int, end: int, reach: int = 200) -> tuple[int, int]:
    """The sentence around text[start:end], at most `reach` characters further each way."""
    left = max(text.rfind(ch, max(0, start - reach), start) for ch in ".!?。！？\n")
    left = left + 1 if left >= 0 else max(0, start - reach) if start > reach else 0
    rights = [i for i in (text.find(ch, end, end + reach) for ch in ".!?。！？\n") if i >= 0]
    right = min(rights) + 1 if rights else min(len(text), end + reach)
    while left < start and text[left].isspace():
        left += 1
    return left, right


# --- injection --------------------------------------------------------------------------------

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


def _injection_findings(speech: Speech) -> list[Finding]:
    lowered = speech.text.lower()
    if not any(word in lowered for word in _INJECTION_TRIGGERS):
        return []
    hits = [(m, s, d) for pattern, s, d in _INJECTION_RE for m in pattern.finditer(speech.text)]
    if not hits:
        return []
    hits.sort(key=lambda hit: (hit[1] != "major", hit[0].start()))
    match, severity, detail = hits[0]
    places = len({m.start() for m, _, _ in hits})
    return [_finding(speech, "injection", severity, detail + (f" ({places} places)" if places > 1 else ""), match)]


# --- both sides -------------------------------------------------------------------------------

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


def _both_sides_findings(speech: Speech, spec: SpeechSpec) -> list[Finding]:
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
    if not found:
        return []
    match, detail = min(found, key=lambda item: item[0].start())
    after = speech.text[match.start("rest"):]
    severity: Severity = "major" if count_words(after) >= 8 else "minor"
    return [_finding(speech, "both_sides", severity, detail, match, group=0)]


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


# --- concession -------------------------------------------------------------------------------

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
def _concession_patterns(side: Side) -> tuple[tuple[re.Pattern[str], str], ...]:
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
    return tuple((re.compile(p, re.IGNORECASE | re.MULTILINE), d) for p, d in patterns)


def _negated(text: str, start: int) -> bool:
    """Is the phrase at `start` reported, hypothetical or negated within its sentence?"""
    before = text[max(0, start - 60):start]
    sentence = re.split(r"[.!?。！？\n]", before)[-1]
    return bool(_NEGATOR.search(sentence))


def _concession_findings(speech: Speech) -> list[Finding]:
    for pattern, detail in _concession_patterns(speech.side):
        for match in pattern.finditer(speech.text):
            start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip(" .!?")))
            if not _negated(speech.text, start):
                return [_finding(speech, "concession", "major", detail, match)]
    return []


# --- length and language ----------------------------------------------------------------------


def _length_findings(speech: Speech, spec: SpeechSpec) -> list[Finding]:
    words = count_words(speech.text)
    if words <= spec.max_words * (1 + LENGTH_GRACE):
        return []
    severity: Severity = "major" if words > spec.max_words * (1 + MAJOR_OVERRUN) else "minor"
    over = round(100 * (words - spec.max_words) / spec.max_words)
    return [Finding(kind="over_length", speech_index=speech.index, side=speech.side.value, severity=severity,
                    detail=f"{words} words against a limit of {spec.max_words} ({over}% over)", evidence="")]


def _language_findings(speech: Speech, language: str) -> list[Finding]:
    zh, latin, other, english, other_latin = _language_units(speech.text)
    total = zh + latin + other
    if language not in ("en", "zh") or total < 8:
        return []
    expected = zh if language == "zh" else latin
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
                   detail=detail, evidence=_excerpt(speech.text.strip()[:80]))


# --- public API -------------------------------------------------------------------------------


def check_speech(speech: Speech, spec: SpeechSpec, *, language: str, extra_identities: Sequence[str] = ()) -> list[Finding]:
    """Every rule finding for one speech, in a fixed order of kinds.

    `language` is the motion's language code ("en", "zh"); `extra_identities` are names the
    speaker could leak beyond the built-in list, normally every contestant's model string.
    """
    extra = identity_variants(extra_identities)
    return [
        *_length_findings(speech, spec),
        *_language_findings(speech, language),
        *_identity_findings(speech, extra),
        *_injection_findings(speech),
        *_both_sides_findings(speech, spec),
        *_concession_findings(speech),
    ]


def check_transcript(transcript: Transcript, extra_identities: Sequence[str] = ()) -> list[Finding]:
    """The findings for every speech so far, in speech order."""
    findings: list[Finding] = []
    specs = transcript.format.speeches
    for speech in transcript.speeches:
        spec = specs[speech.index] if 0 <= speech.index < len(specs) else SpeechSpec(side=speech.side, role=speech.role)
        findings += check_speech(speech, spec, language=transcript.motion.language, extra_identities=extra_identities)
    return findings


def excludes_from_ratings(findings: Iterable[Finding]) -> bool:
    """True when the debate should be left out of ratings by default (an identity leak)."""
    return any(f.kind == "identity_leak" for f in findings)


def redact_identities(text: str, findings: Iterable[Finding]) -> str:
    """`text` with every identity leak found in it replaced, so a judge never sees who spoke."""
    findings = list(findings)
    spans = sorted((f.span for f in findings if f.kind == "identity_leak" and f.span), reverse=True)
    for start, end in spans:
        if 0 <= start < end <= len(text):
            text = text[:start] + "[self-identification removed]" + text[end:]
    for finding in findings:
        if finding.kind == "identity_leak" and not finding.span and finding.evidence:
            text = text.replace(finding.evidence, "[self-identification removed]")
    return text


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1] + "…"


def _finding(speech: Speech, kind: FindingKind, severity: Severity, detail: str, match: re.Match[str], group: int = 0) -> Finding:
    start, end = match.span(group)
    raw = speech.text[start:end]
    # Trim the whitespace and sentence punctuation some patterns consume at their edges.
    lead = len(raw) - len(raw.lstrip(" \t\n.!?"))
    trail = len(raw) - len(raw.rstrip(" \t\n"))
    start, end = start + lead, end - trail
    return Finding(kind=kind, speech_index=speech.index, side=speech.side.value, severity=severity, detail=detail,
                   evidence=_excerpt(speech.text[start:end]), span=(start, end))
