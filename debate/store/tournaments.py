"""Tournaments: creating one with its contestants and motions, finding and listing them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, update
from sqlmodel import select

from debate.core.errors import StoreError
from debate.core.formats import Format
from debate.core.transcript import MotionText
from debate.store.base import StoreBase
from debate.store.models import TournamentInfo
from debate.store.tables import ContestantRow, DebateRow, MotionRow, TournamentRow, _now


class TournamentQueries(StoreBase):
    def find_tournament(self, name: str | None = None) -> TournamentRow:
        """The named tournament, or the most recent one when no name is given."""
        with self._session() as session:
            query = select(TournamentRow)
            query = query.where(TournamentRow.name == name) if name else query.order_by(TournamentRow.id.desc())  # type: ignore[union-attr]
            row = session.exec(query).first()
        if row is None:
            raise StoreError(f"no tournament named '{name}' in {self.location}" if name else f"no tournament in {self.location}")
        return row

    def tournament_or_none(self, name: str) -> TournamentRow | None:
        with self._session() as session:
            return session.exec(select(TournamentRow).where(TournamentRow.name == name)).first()

    def create_tournament(self, name: str, config: dict[str, Any], fmt: Format, seed: int, contestants: Sequence[tuple[str, str, str]], motions: Sequence[MotionText]) -> int:
        with self._session() as session:
            row = TournamentRow(name=name, config_json=json.dumps(config, sort_keys=True), format_json=fmt.model_dump_json(), seed=seed)
            session.add(row)
            session.flush()
            assert row.id is not None
            for cname, model, family in contestants:
                session.add(ContestantRow(tournament_id=row.id, name=cname, model=model, family=family))
            for m in motions:
                session.add(MotionRow(tournament_id=row.id, key=m.key, text=m.text, category=m.category, language=m.language, info_slide=m.info_slide))
            session.commit()
            return row.id

    def list_tournaments(self) -> list[TournamentInfo]:
        with self._session() as session:
            rows = session.exec(select(TournamentRow).order_by(TournamentRow.id)).all()
            counts = {
                (tid, status): n
                for tid, status, n in session.exec(
                    select(DebateRow.tournament_id, DebateRow.status, func.count()).group_by(DebateRow.tournament_id, DebateRow.status)
                ).all()
            }
        return [
            TournamentInfo(
                id=r.id or 0,
                name=r.name,
                status=r.status,
                created_at=r.created_at,
                debates=sum(n for (tid, _), n in counts.items() if tid == r.id),
                judged=counts.get((r.id or 0, "judged"), 0),
                failed=counts.get((r.id or 0, "failed"), 0),
                config=json.loads(r.config_json),
            )
            for r in rows
        ]

    def set_tournament_status(self, tournament_id: int, status: str) -> None:
        with self._session() as session:
            finished = _now() if status == "finished" else None
            session.exec(update(TournamentRow).where(TournamentRow.id == tournament_id).values(status=status, finished_at=finished))  # type: ignore[call-overload]
            session.commit()

    def mark_stopped(self, tournament_id: int) -> None:
        """A run stopped by the user (Ctrl-C, SIGTERM): the tournament and its debates in flight
        say so instead of "running" for good. Running it again resumes them."""
        with self._session() as session:
            session.exec(update(TournamentRow).where(TournamentRow.id == tournament_id).values(status="stopped"))  # type: ignore[call-overload]
            session.exec(update(DebateRow).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "running").values(status="stopped"))  # type: ignore[call-overload]
            session.commit()
