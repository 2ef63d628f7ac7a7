"""Order ballots, one per presentation of a debate to a judge: written, read back whole, and
found where resuming and the reports look for them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from debate.config import TournamentConfig
from debate.core.formats import BUILTIN_FORMATS
from debate.core.transcript import MotionText
from debate.draws.model import Draw, Pairing
from debate.store import BallotRecord, DebateUpdate, OrderBallotRecord, Store

PROBABILITIES = {"proposition_clearly": 0.25, "proposition_slightly": 0.5, "tie": 0.25}


def _order(debate_id: int, label_a: str, verdict: str | None, margin: int | None, **fields: object) -> OrderBallotRecord:
    return OrderBallotRecord(
        debate_id=debate_id, judge="j", judge_model="fake/j", stage="independent", label_a=label_a, reason=f"as {label_a}",
        verdict=verdict, winner=None if verdict is None else verdict.split("_")[0], margin=margin,
        scores={} if verdict is None else {"rebuttal": {"proposition": 4, "opposition": 2}}, abstained=verdict is None, **fields,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(str(tmp_path / "o.db"))
    config = TournamentConfig.model_validate({"name": "t", "contestants": [{"name": n, "model": f"fake/{n}"} for n in ("a", "b")]})
    tid = store.create_tournament("t", config.public_dict(), BUILTIN_FORMATS["quick"], 0, [("a", "fake/a", "a"), ("b", "fake/b", "b")],
                                  [MotionText(key="m", text="This House would", category="policy", language="en")])
    store.save_round(tid, Draw(round=1, pairings=(Pairing(proposition="a", opposition="b"), Pairing(proposition="b", opposition="a"))), ["m", "m"])
    store.write([
        _order(1, "proposition", "proposition_slightly", 1, expected_margin=0.75, probabilities=PROBABILITIES),
        _order(1, "opposition", "proposition_clearly", 2),
        _order(2, "proposition", None, None),
        BallotRecord(debate_id=1, judge="j", judge_model="fake/j", stage="independent", verdict="proposition_slightly", winner="proposition",
                     scores={"rebuttal": {"proposition": 4.0, "opposition": 2.0}}, reason="r", margin=1.5, consistent=True),
        DebateUpdate(debate_id=1, status="judged", winner="proposition", finished=True),
    ])
    yield store
    store.close()


def test_order_ballots_read_back_whole(store: Store) -> None:
    tid = store.find_tournament("t").id or 0
    judged = store.order_ballots(tid)
    assert [(o.debate_id, o.label_a) for o in judged] == [(1, "proposition"), (1, "opposition")]  # only judged debates
    first, second = judged
    assert (first.verdict, first.margin, first.expected_margin, first.probabilities) == ("proposition_slightly", 1, 0.75, PROBABILITIES)
    assert (second.expected_margin, second.probabilities) == (None, None)  # no logprobs
    assert first.scores == {"rebuttal": {"proposition": 4, "opposition": 2}} and first.reason == "as proposition"
    everything = store.order_ballots(tid, judged_only=False)
    assert [(o.debate_id, o.abstained, o.verdict) for o in everything][-1] == (2, True, None)


def test_a_plan_carries_the_presentations_already_stored(store: Store) -> None:
    plan = store.debate_plan(2)
    stored = plan.order_ballot("j", "independent", "proposition")
    assert stored is not None and stored.abstained
    assert plan.order_ballot("j", "independent", "opposition") is None
    assert plan.order_ballot("j", "revised", "proposition") is None
    detail = store.debate_detail(1)
    assert {o.label_a for o in detail.order_ballots} == {"proposition", "opposition"}
    [ballot] = detail.ballots
    assert (ballot.margin, ballot.consistent, ballot.expected_margin) == (1.5, True, None)


def test_one_presentation_is_stored_once(store: Store) -> None:
    with pytest.raises(IntegrityError):
        store.write([_order(1, "proposition", "tie", 0)])
