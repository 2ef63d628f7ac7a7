"""The `identity_leak` check: a speaker saying which model or vendor it is, and its redaction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from debate.core.transcript import Speech
from judges.rules.finding import Finding, finding_at
from judges.rules.patterns import fold

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


@lru_cache(maxsize=1024)
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


# Compiling the set costs tens of milliseconds, and a tournament asks for one per pairing of
# models (their names are the `extra`): a cache of every pairing of a large field, keyed by the
# names in a canonical order (a rematch with sides swapped asks for the same set).
@lru_cache(maxsize=1024)
def _identity_patterns(extra: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    name = _name_pattern(extra)
    english = [
        rf"\bI(?:\s+am|['’]m)\s+(?:{_FILL}\s+){{0,6}}?{name}{_SELF_END}",
        rf"\bI(?:\s+was|\s+am|['’]m|\s+have\s+been|['’]ve\s+been)?\s+(?:{_FILL}\s+){{0,6}}?{_BUILT}\s+(?:by|at)\s+{name}",
        # "As an AI developed by OpenAI, GPT-4o, I ...": a short appositive may follow the maker.
        rf"\bas\s+(?:{_FILL}\s+){{0,5}}?{_BUILT}\s+(?:by|at)\s+{name}(?:\s*,\s*[^,.;!?\n]{{1,30}}?)?\s*,?\s*(?:I|I['’]m|my|me)\b",
        rf"\b(?:as|being)\s+(?:{_FILL}\s+){{0,3}}?{name}(?:\s+(?:model|AI|assistant|chatbot|LLM|system))?\s*,\s*(?:I|I['’]m|my|me|we)\b",
        # A participle opening the sentence: "Trained by Anthropic to be honest, I ...".
        rf"(?:^|[.!?]\s+){_BUILT}\s+(?:by|at)\s+{name}\b[^,.;!?\n]{{0,40}},\s*(?:I|I['’]m|my|we)\b",
        rf"\b(?:this|my|our)\s+(?:speech|text|response|answer|argument|reply|case)\s+(?:was|is|has\s+been)\s+(?:{_FILL}\s+){{0,2}}?"
        rf"(?:generated|written|produced|composed|created)\s+(?:by|with|using)\s+{name}",
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


@lru_cache(maxsize=1024)
def _folded_names(extra: tuple[str, ...]) -> tuple[str, ...]:
    return tuple({fold(name) for name in (*BUILTIN_IDENTITIES, *extra)})


def identity_findings(speech: Speech, extra: tuple[str, ...]) -> list[Finding]:
    extra = tuple(sorted(set(extra)))
    # Every pattern contains a name: a speech that names no model or vendor (most speeches) is
    # cleared by substring tests, far cheaper than the seventeen patterns, and its pairing's
    # pattern set is never compiled.
    folded = fold(speech.text)
    if not any(name in folded for name in _folded_names(extra)):
        return []
    hits: dict[tuple[int, int], re.Match[str]] = {}
    for pattern in _identity_patterns(extra):
        for match in pattern.finditer(speech.text):
            if not any(a <= match.start() < b or match.start() <= a < match.end() for a, b in hits):
                hits[(match.start(), match.end())] = match
    findings = []
    for _, match in sorted(hits.items()):
        leak = finding_at(speech, "identity_leak", "major", "the speaker says which AI model or company it is", match)
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
