"""Number and word formatting shared by the text renderers (csv, markdown, html)."""

from __future__ import annotations

import html

from debate.reports.scorecard import DebateCard, JudgeQualificationInfo

DASH = "–"
# Why a scorecard tests no rater for outliers (`Agreement.baseline_agreement` is None).
NO_BASELINE = "a lone judge is the panel and agrees with it by construction, so there is no baseline agreement to test against"


def number(value: float) -> str:
    """A score as written: whole numbers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def number_or_dash(value: float | None) -> str:
    return DASH if value is None else number(value)


def pct(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.0f}%"


def fixed(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def signed(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else f"{value:+.{digits}f}"


def rating(value: float | None) -> str:
    return DASH if value is None else f"{value:.0f}"


def interval(lower: float | None, upper: float | None, digits: int = 0) -> str:
    if lower is None or upper is None:
        return DASH
    return f"{lower:.{digits}f}–{upper:.{digits}f}"


def record(wins: int, losses: int, ties: int) -> str:
    return f"{wins}–{losses}–{ties}"


def alpha_word(value: float | None) -> str:
    """Krippendorff's reading: >= 0.8 reliable, >= 0.667 tentative, else low."""
    if value is None:
        return "undefined"
    return "reliable" if value >= 0.8 else "tentative" if value >= 0.667 else "low"


def qualification_word(judge: JudgeQualificationInfo) -> str:
    if not judge.tested:
        return "not tested"
    return "flagged" if judge.flagged else "passed"


def side_word(winner: str | None) -> str:
    return {"proposition": "proposition", "opposition": "opposition", "tie": "tie"}.get(winner or "", "no result")


def winner_name(d: DebateCard) -> str:
    if d.winner == "proposition":
        return d.proposition
    if d.winner == "opposition":
        return d.opposition
    return "tie" if d.winner == "tie" else "no result"


def clip(text: str, size: int) -> str:
    """One line of at most `size` characters, an ellipsis marking a cut."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def shorten(text: str, size: int = 22) -> str:
    """A chart label cut to `size` characters (the full text goes in a tooltip)."""
    return text if len(text) <= size else text[: size - 1] + "…"


def e(value: object) -> str:
    """Escaped text for HTML and inline SVG (attributes included)."""
    return html.escape(str(value), quote=True)


def rank_range(ranks: tuple[int, int] | None) -> str:
    """"2" when the intervals fix the rank, "1–3" when they allow a range, "–" unrated."""
    if ranks is None:
        return "–"
    return str(ranks[0]) if ranks[0] == ranks[1] else f"{ranks[0]}–{ranks[1]}"
