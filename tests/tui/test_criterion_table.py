"""The standings' ratings per rubric criterion carry their intervals, and only a contestant
first at 95% confidence is picked out: the top point of overlapping intervals names no one."""

from __future__ import annotations

from tui.screens.standings import CriterionRating, criterion_table

NAMES = ["alpha", "beta", "gamma"]


def _rows(table: str) -> dict[str, str]:
    return {line.split()[0]: line for line in table.splitlines() if line.split() and line.split()[0] in NAMES}


def test_overlapping_intervals_bold_no_one_and_say_so() -> None:
    # demo's shape: one contestant a little ahead on six ballots, intervals wide.
    ratings = {"Argument": {
        "alpha": CriterionRating(1061.4, 941.7, 1181.2, first=False),
        "beta": CriterionRating(1000.0, 883.1, 1116.9, first=False),
        "gamma": CriterionRating(938.6, 818.8, 1058.3, first=False),
    }}
    table = criterion_table(NAMES, ratings)
    assert "[b green]" not in table
    assert "1061±120" in _rows(table)["alpha"] and "939±120" in _rows(table)["gamma"]
    assert "no contestant is first on any criterion" in table


def test_a_contestant_first_at_95_percent_is_bold_on_that_criterion_only() -> None:
    ratings = {
        "Argument": {
            "alpha": CriterionRating(1400.0, 1300.0, 1500.0, first=True),
            "beta": CriterionRating(1000.0, 900.0, 1100.0, first=False),
            "gamma": CriterionRating(600.0, 500.0, 700.0, first=False),
        },
        "Style": {
            "alpha": CriterionRating(1050.0, 900.0, 1200.0, first=False),
            "beta": CriterionRating(1000.0, 850.0, 1150.0, first=False),
            "gamma": CriterionRating(950.0, 800.0, 1100.0, first=False),
        },
    }
    table = criterion_table(NAMES, ratings)
    rows = _rows(table)
    assert rows["alpha"].count("[b green]") == 1 and "[b green]" not in rows["beta"] + rows["gamma"]
    assert rows["alpha"].index("1400±100") < rows["alpha"].index("[/]") < rows["alpha"].index("1050±150")
    assert "no contestant is first" not in table


def test_one_that_won_every_ballot_is_shown_above_all_and_not_picked_out() -> None:
    ratings = {"Ethics": {
        "alpha": "above",
        "beta": CriterionRating(1000.0, 800.0, 1200.0, first=True),
        "gamma": CriterionRating(900.0, 700.0, 1100.0, first=False),
    }}
    table = criterion_table(NAMES, ratings)
    assert "above all" in _rows(table)["alpha"]
    assert "[b green]" not in table
