"""Plain-cell charts: rating interval bars and heatmap cells."""

from __future__ import annotations

import math


def interval_bar(rating: float | None, lower: float | None, upper: float | None, low: float, high: float, width: int = 28) -> str:
    """`····━━━━●━━━····` on a shared scale from `low` to `high`; empty when unrated."""
    if rating is None or not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return "·" * width

    def at(value: float) -> int:
        return max(0, min(width - 1, round((value - low) / (high - low) * (width - 1))))

    cells = ["·"] * width
    if lower is not None and upper is not None and math.isfinite(lower) and math.isfinite(upper):
        for i in range(at(lower), at(upper) + 1):
            cells[i] = "━"
    cells[at(rating)] = "●"
    return "".join(cells)


def heat_cell(rate: float | None) -> str:
    """A win rate as a coloured cell (rich markup); '  ·  ' when there were no debates."""
    if rate is None:
        return "[dim]  ·  [/]"
    colour = "red" if rate < 0.34 else "yellow" if rate < 0.67 else "green"
    return f"[{colour}]{rate:5.0%}[/]"
