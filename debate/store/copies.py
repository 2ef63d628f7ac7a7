"""Copying a tournament's transcripts into another, so a new panel can grade them again.

A re-judged tournament is a tournament of its own (its ballots, standings and ratings are
computed by the same code as any other), holding copies of the original's rounds, debates
and speeches; the original is only read. Only debates whose speeches are complete are
copied: the copy must never send a debater back to speak.
"""

from __future__ import annotations

from sqlalchemy import func, insert
from sqlmodel import select

from debate.core.formats import Format
from debate.core.transcript import MotionText, Transcript
from debate.store.base import StoreBase
from debate.store.converters import motion_text
from debate.store.tables import DebateRow, RoundRow, SpeechRow


class TranscriptCopies(StoreBase):
    def motion_texts(self, tournament_id: int) -> list[MotionText]:
        with self._session() as session:
            return [motion_text(m) for m in self._motion_rows(session, tournament_id).values()]

    def transcripts(self, tournament_id: int, fmt: Format, *, limit: int = 50) -> list[Transcript]:
        """Up to `limit` of the tournament's debates whose speeches are complete."""
        with self._session() as session:
            complete = session.exec(
                select(SpeechRow.debate_id).join(DebateRow, DebateRow.id == SpeechRow.debate_id)  # type: ignore[arg-type]
                .where(DebateRow.tournament_id == tournament_id).group_by(SpeechRow.debate_id)
                .having(func.count() >= len(fmt.speeches)).order_by(SpeechRow.debate_id).limit(limit)
            ).all()
        return [Transcript(motion=p.motion, format=fmt, speeches=p.speeches) for p in self.debate_plans(list(complete))]  # type: ignore[attr-defined]

    def copy_transcripts(self, source_id: int, target_id: int, *, speeches: int) -> int:
        """Copy every debate of `source_id` with `speeches` stored speeches (and its round) into
        `target_id`, pending judgement; one transaction. Returns the number of debates copied."""
        with self._session() as session:
            complete = (
                select(SpeechRow.debate_id).join(DebateRow, DebateRow.id == SpeechRow.debate_id)  # type: ignore[arg-type]
                .where(DebateRow.tournament_id == source_id).group_by(SpeechRow.debate_id).having(func.count() >= speeches)
            )
            debates = session.exec(select(DebateRow).where(DebateRow.id.in_(complete)).order_by(DebateRow.id)).all()  # type: ignore[union-attr]
            names = self._contestant_names(session, source_id)
            ids = self._contestant_ids(session, target_id)
            source_motions = self._motion_rows(session, source_id)
            motions = {m.key: motion_id for motion_id, m in self._motion_rows(session, target_id).items()}
            rounds: dict[int, int] = {}
            for old in session.exec(select(RoundRow).where(RoundRow.tournament_id == source_id).order_by(RoundRow.number)).all():  # type: ignore[arg-type]
                motion = motions[source_motions[old.motion_id].key] if old.motion_id in source_motions else None
                new = RoundRow(tournament_id=target_id, number=old.number, kind=old.kind, motion_id=motion, draw_json=old.draw_json)
                session.add(new)
                session.flush()
                rounds[old.id or 0] = new.id or 0
            for debate in debates:
                copy = DebateRow(
                    tournament_id=target_id, round_id=rounds[debate.round_id], round_number=debate.round_number,
                    proposition_id=ids[names[debate.proposition_id]], opposition_id=ids[names[debate.opposition_id]],
                    motion_id=motions[source_motions[debate.motion_id].key],
                    flags_json=debate.flags_json, bracket=debate.bracket, prop_seed=debate.prop_seed, opp_seed=debate.opp_seed,
                )
                session.add(copy)
                session.flush()
                rows = session.exec(select(SpeechRow).where(SpeechRow.debate_id == debate.id).order_by(SpeechRow.idx)).all()  # type: ignore[arg-type]
                if rows:
                    session.exec(insert(SpeechRow), params=[  # type: ignore[call-overload]
                        {"debate_id": copy.id, "idx": s.idx, "side": s.side, "role": s.role, "text": s.text, "tokens": s.tokens, "finish_reason": s.finish_reason, "created_at": s.created_at}
                        for s in rows
                    ])
            session.commit()
            return len(debates)
