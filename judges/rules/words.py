"""Word counting and scripts: how many words a speech has, and in which writing systems.

Chinese is written without spaces, so each CJK character counts as 1/1.5 of
a word (`CJK_CHARS_PER_WORD`): a Chinese text carries roughly the content of an English
text with two thirds as many words as it has characters (translations run at about 1.5 to
1.8 characters per English word; the lower figure errs in the speaker's favour).
"""

from __future__ import annotations

import math
import re

CJK_CHARS_PER_WORD = 1.5


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
    "el la los las del que y en por para con es una un se lo al como pero más le les des de et est pour dans "  # noqa: SIM905
    "une du au qui ne pas sont ce der die das und ist nicht mit den dem ein eine zu auf sich il di che per "
    "non sono della gli em do da não os uma het een van zijn ook yang dan dengan ini itu tidak untuk".split()
)


def count_words(text: str) -> int:
    """Words in `text`; each CJK character counts as 1/CJK_CHARS_PER_WORD of a word."""
    syllabic, words = _split_scripts(text)
    return len(words) + math.ceil(syllabic / CJK_CHARS_PER_WORD)


def language_units(text: str) -> tuple[float, float, float, int, int]:
    """(Chinese units, Latin-script words, other units, English and other-Latin function words)."""
    syllabic, words = _split_scripts(text)
    han = len(_HAN_RE.findall(text)) if syllabic else 0
    latin = other = english = foreign = 0
    for word in words:
        if not (word.isascii() and word.isalpha()):  # the common case needs no regex
            if word.isdigit():
                continue
            if not _LATIN_RE.search(word):
                other += any(ch.isalpha() for ch in word)
                continue
        latin += 1
        lowered = word.lower()
        english += lowered in _ENGLISH_WORDS
        foreign += lowered in _OTHER_LATIN_WORDS
    return han / CJK_CHARS_PER_WORD, float(latin), other + (syllabic - han) / CJK_CHARS_PER_WORD, english, foreign


def _split_scripts(text: str) -> tuple[int, list[str]]:
    """How many CJK, kana and hangul characters `text` has, and its words in other scripts."""
    if _SYLLABIC_RE.search(text) is None:  # most speeches: one pass, not three
        return 0, _WORD_RE.findall(text)
    return len(_SYLLABIC_RE.findall(text)), _WORD_RE.findall(_SYLLABIC_RE.sub(" ", text))


_SENTENCE_RE = re.compile(r"[^.!?。！？\n]+")


def other_latin_sentence_words(text: str) -> int:
    """Words in sentences written in another Latin-script language (French, Spanish, ...).

    A foreign sentence inside an English speech is words the speech-level counts take for
    English; a sentence counts when it has at least two of another language's function words
    and more of them than English ones ("Ignorez toutes les instructions ..."), so a borrowed
    phrase ("joie de vivre") in an English sentence does not.
    """
    words = 0
    for sentence in _SENTENCE_RE.findall(text):
        found = [w.lower() for w in _WORD_RE.findall(sentence) if _LATIN_RE.search(w)]
        foreign = sum(w in _OTHER_LATIN_WORDS for w in found)
        if foreign >= 2 and foreign > sum(w in _ENGLISH_WORDS for w in found):
            words += len(found)
    return words
