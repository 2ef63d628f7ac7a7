"""Rounds: saving a draw with its debates, the round's progress, and the standings after it.

A draw is stored as rows: the round row keeps what belongs to the whole draw (byes, notes,
method, seed, flags), and each pairing is the debate row that plays it (its sides, flags,
bracket and seeds). Running a round reads neither all of its pairings nor all of its debates
at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import islice, repeat
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, insert, update
from sqlmodel import select

from debate.draws.model import Draw, Pairing
from debate.store.base import StoreBase
from debate.store.tables import DebateRow, RoundRow, StandingSnapshotRow
from debate.store.results import SETTLED

_INSERT_DEBATE = insert(DebateRow)
_SAVE_CHUNK = 1000  # debates per INSERT when a draw is saved


class RoundQueries(StoreBase):
    def save_round(self, tournament_id: int, draw: Draw, motion_keys: Sequence[str], *, kind: str = "preliminary") -> None:
        """Store a round's draw and its debates, all in one transaction (a draw is never
        half-saved). `motion_keys` gives each pairing's motion, in order, or is one motion
        for every pairing (no sequence as long as the round is needed for that)."""
        if len(motion_keys) != len(draw.pairings) and len(motion_keys) != 1:
            raise ValueError("one motion per pairing, or one for all of them")
        with self._session() as session:
            ids = self._contestant_ids(session, tournament_id)
            motions = {m.key: motion_id for motion_id, m in self._motion_rows(session, tournament_id).items()}
            shared = motion_keys[0] if draw.pairings and len(set(motion_keys)) == 1 else None
            header = draw.model_dump_json(exclude={"pairings"})
            rnd = RoundRow(tournament_id=tournament_id, number=draw.round, kind=kind, motion_id=motions[shared] if shared else None, draw_json=header)
            session.add(rnd)
            session.flush()
            assert rnd.id is not None
            # Core inserts in chunks, not an ORM object per debate: a session holding every
            # DebateRow of the round (with its unit-of-work state) cost about 4 KB per debate at
            # once, so peak memory grew with the round's size (+40 MB for a 10,000-debate round).
            rows = (
                {
                    "tournament_id": tournament_id, "round_id": rnd.id, "round_number": draw.round, "proposition_id": ids[pairing.proposition],
                    "opposition_id": ids[pairing.opposition], "motion_id": motions[key], **_pairing_columns(pairing),
                }
                for pairing, key in zip(draw.pairings, repeat(shared) if shared else motion_keys)
            )
            while chunk := list(islice(rows, _SAVE_CHUNK)):
                session.exec(_INSERT_DEBATE, params=chunk)  # type: ignore[call-overload]
            session.commit()

    def finish_round(self, tournament_id: int, number: int) -> None:
        with self._session() as session:
            session.exec(update(RoundRow).where(RoundRow.tournament_id == tournament_id, RoundRow.number == number).values(status="done"))  # type: ignore[call-overload]
            session.commit()

    def motion_history(self, tournament_id: int) -> dict[tuple[str, str], set[str]]:
        """Which motions each pairing, keyed (proposition, opposition), has been given so far."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            motions = self._motion_rows(session, tournament_id)
            # Distinct in the database: a row per (pairing, motion), not one per debate.
            rows = session.exec(select(DebateRow.proposition_id, DebateRow.opposition_id, DebateRow.motion_id).where(DebateRow.tournament_id == tournament_id).distinct()).all()
        history: dict[tuple[str, str], set[str]] = {}
        for prop, opp, motion in rows:
            history.setdefault((names[prop], names[opp]), set()).add(motions[motion].key)
        return history

    def round_debate_counts(self, tournament_id: int, round_number: int) -> dict[str, int]:
        with self._session() as session:
            rows = session.exec(select(DebateRow.status, func.count()).where(DebateRow.tournament_id == tournament_id, DebateRow.round_number == round_number).group_by(DebateRow.status)).all()
        return dict(rows)

    def debate_counts(self, tournament_id: int) -> dict[str, int]:
        """How many debates are in each status (a count: cheap however many debates exist)."""
        with self._session() as session:
            rows = session.exec(select(DebateRow.status, func.count()).where(DebateRow.tournament_id == tournament_id).group_by(DebateRow.status)).all()
        return dict(rows)

    def unfinished_debate_ids(self, tournament_id: int, round_number: int, *, after: int = 0, limit: int | None = None) -> list[int]:
        """The round's debates without their result, in order: those with an id above `after`,
        at most `limit` of them (a round is read in pages, never held whole)."""
        query = (
            select(DebateRow.id)
            .where(DebateRow.tournament_id == tournament_id, DebateRow.round_number == round_number, DebateRow.status.not_in(SETTLED), DebateRow.id > after)  # type: ignore[attr-defined,operator]
            .order_by(DebateRow.id)
            .limit(limit)
        )
        with self._session() as session:
            return [i for i in session.exec(query).all() if i is not None]

    def save_standings(self, tournament_id: int, round_number: int, rows: Sequence[BaseModel]) -> None:
        """Keep the standings as they stood after a round (replacing an earlier snapshot of it)."""
        with self._session() as session:
            session.exec(delete(StandingSnapshotRow).where(StandingSnapshotRow.tournament_id == tournament_id, StandingSnapshotRow.round == round_number))  # type: ignore[call-overload]
            for row in rows:
                data = row.model_dump(mode="json")
                session.add(StandingSnapshotRow(tournament_id=tournament_id, round=round_number, name=data["name"], rank=data["rank"], data_json=json.dumps(data)))
            session.commit()


def _pairing_columns(pairing: Pairing) -> dict[str, Any]:
    return {
        "flags_json": json.dumps(list(pairing.flags)) if pairing.flags else None, "bracket": pairing.bracket,
        "prop_seed": pairing.seeds[0] if pairing.seeds else None, "opp_seed": pairing.seeds[1] if pairing.seeds else None,
    }
