"""The proposition's edge, said the same way by every face: with its interval, and plainly
when that interval cannot tell it from no edge at all."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from judges.ratings import SideAdvantage


def side_advantage_text(side: SideAdvantage) -> str:
    """e.g. "+62 rating points (95% CI -84 to +208, not told apart from none; win probability
    0.59 between equals)". Rounded to whole points first, so a -0.3 point edge reads +0."""
    parts = []
    if side.lower is not None and side.upper is not None:
        spread = f"95% CI {round(side.lower):+d} to {round(side.upper):+d}"
        parts.append(spread + (", not told apart from none" if side.lower <= 0 <= side.upper else ""))
    parts.append(f"win probability {side.win_probability:.2f} between equals")
    return f"{round(side.rating):+d} rating points ({'; '.join(parts)})"
