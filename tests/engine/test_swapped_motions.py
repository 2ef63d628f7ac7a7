"""With `sides: both`, a rematch with the sides swapped debates its first leg's motion, as
the engine stores it, whether motions are chosen per round or per debate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import finished_tournament, query

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma")]


@pytest.mark.parametrize("assignment", ["per-round", "per-debate"])
def test_each_pair_debates_one_motion_on_both_sides(tmp_path: Path, assignment: str) -> None:
    db = finished_tournament(tmp_path, CONTESTANTS, sides="both", motion_assignment=assignment, panel={"qualification": {"before_first_round": False}})
    legs = {(p, o): m for p, o, m in query(db, "select proposition_id, opposition_id, motion_id from debate")}
    assert len(legs) == 6
    assert all(legs[(o, p)] == m for (p, o), m in legs.items())
    # Different pairs still spread over the set.
    assert len(set(legs.values())) == 3
