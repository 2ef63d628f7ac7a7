"""Tournaments: creating one with its contestants and motions, and its status as it runs
(finding and listing them are plain reads, in `reads`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import update

from debate.core.formats import Format
from debate.core.transcript import MotionText
from debate.store.base import StoreBase
from debate.store.tables import ContestantRow, DebateRow, MotionRow, TournamentRow, _now


class TournamentQueries(StoreBase):
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
