"""A round's draw is stored as rows (the round's header, a debate row per pairing) and read
back exactly as it was made; a round is run from pages of its debates, never read whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from debate.core.formats import builtin_format
from debate.core.transcript import MotionText
from debate.draws.model import Draw, Pairing
from debate.store import DebateUpdate, Store


def _store(tmp_path: Path) -> tuple[Store, int]:
    store = Store(str(tmp_path / "r.db"))
    tid = store.create_tournament("t", {"name": "t"}, builtin_format("quick"), 0, [(n, f"fake/{n}", "fake") for n in "abcde"],
                                  [MotionText(key="m1", text="This House would test."), MotionText(key="m2", text="This House would not.")])
    return store, tid


def test_a_draw_reads_back_as_it_was_made(tmp_path: Path) -> None:
    store, tid = _store(tmp_path)
    try:
        swiss = Draw(
            round=1, method="swiss", seed=3, byes=("e",), notes=("bracket 1: a pull-up",), flags=("bye", "pull-up"),
            pairings=(Pairing(proposition="a", opposition="b", flags=("pull-up",), bracket=1.0), Pairing(proposition="c", opposition="d", bracket=0.5)),
        )
        knockout = Draw(round=2, method="knockout", pairings=(Pairing(proposition="a", opposition="c", seeds=(1, 4)), Pairing(proposition="b", opposition="d", seeds=(2, 3))))
        store.save_round(tid, swiss, ["m1", "m2"])
        store.save_round(tid, knockout, ["m1", "m1"], kind="elimination")
        rounds = store.stored_rounds(tid)
        assert [r.draw for r in rounds] == [swiss, knockout]
        assert [(r.motion, r.kind) for r in rounds] == [(None, "preliminary"), ("m1", "elimination")]
        headers = store.round_headers(tid)
        assert [(h.number, h.kind, h.status, h.motion, h.byes, h.notes) for h in headers] == [
            (1, "preliminary", "drawn", None, ("e",), ("bracket 1: a pull-up",)), (2, "elimination", "drawn", "m1", (), ())]
        assert store.motion_history(tid) == {("a", "b"): {"m1"}, ("c", "d"): {"m2"}, ("a", "c"): {"m1"}, ("b", "d"): {"m1"}}
    finally:
        store.close()


def test_one_motion_key_serves_every_pairing(tmp_path: Path) -> None:
    # The engine passes a round-wide motion once, not once per debate.
    store, tid = _store(tmp_path)
    try:
        pairings = (Pairing(proposition="a", opposition="b"), Pairing(proposition="c", opposition="d"), Pairing(proposition="b", opposition="a"))
        store.save_round(tid, Draw(round=1, pairings=pairings), ["m2"])
        assert [h.motion for h in store.round_headers(tid)] == ["m2"]
        assert store.motion_history(tid) == {("a", "b"): {"m2"}, ("c", "d"): {"m2"}, ("b", "a"): {"m2"}}
        with pytest.raises(ValueError, match="one motion per pairing"):
            store.save_round(tid, Draw(round=2, pairings=pairings), ["m1", "m2"])
        assert [h.number for h in store.round_headers(tid)] == [1]
    finally:
        store.close()


def test_a_round_is_paged_by_id_skipping_settled_debates(tmp_path: Path) -> None:
    store, tid = _store(tmp_path)
    try:
        store.save_round(tid, Draw(round=1, pairings=tuple(Pairing(proposition="a", opposition="b") for _ in range(7))), ["m1"] * 7)
        store.write([DebateUpdate(debate_id=2, status="judged", winner="tie", finished=True), DebateUpdate(debate_id=5, status="forfeit", winner="proposition", finished=True),
                     DebateUpdate(debate_id=6, status="failed", error="x", finished=True)])
        pages, after = [], 0
        while page := store.unfinished_debate_ids(tid, 1, after=after, limit=2):
            pages.append(page)
            after = page[-1]
        assert pages == [[1, 3], [4, 6], [7]]
        assert store.unfinished_debate_ids(tid, 1) == [1, 3, 4, 6, 7]
    finally:
        store.close()
