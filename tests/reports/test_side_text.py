"""The proposition's edge as the faces print it."""

from __future__ import annotations

from judges.ratings import SideAdvantage

from debate.reports.side import side_advantage_text


def _side(rating: float, lower: float | None, upper: float | None) -> SideAdvantage:
    return SideAdvantage(name="proposition", coefficient=rating / 173.7, rating=rating, lower=lower, upper=upper, win_probability=0.59)


def test_an_edge_whose_interval_holds_zero_says_so() -> None:
    assert side_advantage_text(_side(62.07, -83.6, 207.8)) == "+62 rating points (95% CI -84 to +208, not told apart from none; win probability 0.59 between equals)"


def test_a_clear_edge_and_one_without_an_interval() -> None:
    assert side_advantage_text(_side(120.4, 30.2, 210.9)) == "+120 rating points (95% CI +30 to +211; win probability 0.59 between equals)"
    assert side_advantage_text(_side(-0.3, None, None)) == "+0 rating points (win probability 0.59 between equals)"
