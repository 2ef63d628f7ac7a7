"""The repository: the small API the engine, the CLI and the TUI use to read and write."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, bindparam, delete, event, func, insert, inspect, make_url, update
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, create_engine, select

from debate.errors import StoreError, TournamentBusy
from debate.draws.model import Draw
from debate.formats import Format, Side
from debate.runclaim import Runner, may_take_over
from debate.standings import DebateResult
from debate.store.models import (
    BallotRecord,
    CallRecord,
    DebateDetail,
    DebatePlan,
    DebateSummary,
    FindingRecord,
    Record,
    SpeechRecord,
    StandingRow,
    StoredBallot,
    StoredFinding,
    StoredRound,
    TournamentInfo,
)
from debate.store.tables import (
    SCHEMA_VERSION,
    BallotRow,
    ContestantRow,
    DebateRow,
    FindingRow,
    MetaRow,
    ModelCallRow,
    MotionRow,
    PartialSpeechRow,
    RoundRow,
    RunnerRow,
    SpeechRow,
    StandingSnapshotRow,
    TournamentRow,
    _now,
)
from debate.transcript import MotionText, Speech

_INSERT_SPEECH = insert(SpeechRow)
_INSERT_CALL = insert(ModelCallRow)
_INSERT_BALLOT = insert(BallotRow)
_INSERT_FINDING = insert(FindingRow)
_INSERT_DEBATE = insert(DebateRow)
_SAVE_CHUNK = 1000  # debates per INSERT when a draw is saved
_DELETE_PARTIAL = delete(PartialSpeechRow).where(PartialSpeechRow.debate_id == bindparam("p_debate"), PartialSpeechRow.idx == bindparam("p_idx"))  # type: ignore[arg-type]
_UPDATE_DEBATE = (
    update(DebateRow)
    .where(DebateRow.id == bindparam("b_id"))  # type: ignore[arg-type]
    .values(
        status=bindparam("b_status"),
        winner=bindparam("b_winner"),
        error=bindparam("b_error"),
        margin=bindparam("b_margin"),
        disagreement=bindparam("b_disagreement"),
        prop_score=bindparam("b_prop_score"),
        opp_score=bindparam("b_opp_score"),
        excluded=bindparam("b_excluded"),
        excluded_reason=bindparam("b_excluded_reason"),
        # A timestamp is set once: later updates pass NULL and keep the stored value.
        started_at=func.coalesce(bindparam("b_started", type_=DebateRow.__table__.c.started_at.type), DebateRow.started_at),  # type: ignore[attr-defined]
        finished_at=func.coalesce(bindparam("b_finished", type_=DebateRow.__table__.c.finished_at.type), DebateRow.finished_at),  # type: ignore[attr-defined]
    )
)


def database_url(target: str) -> str:
    """A path becomes a SQLite URL; anything with '://' is taken as a SQLAlchemy URL."""
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


class ReadOnlyStoreError(StoreError):
    """Something tried to write through a store opened read-only (a spectator's)."""


class Store:
    def __init__(self, target: str, *, create: bool = True, read_only: bool = False) -> None:
        """Open `target` (a path or SQLAlchemy URL); `create` makes a missing database.

        `read_only` opens it so that no write can succeed whatever the caller does: SQLite through
        `mode=ro` (another process may keep writing; WAL lets this one read alongside), PostgreSQL
        with read-only transactions. A write then raises `ReadOnlyStoreError`.
        """
        self.url = database_url(target)
        self.is_sqlite = self.url.startswith("sqlite")
        self.read_only = read_only
        create = create and not read_only
        if self.is_sqlite and not create:
            path = Path(self.url.removeprefix("sqlite:///"))
            if not path.exists():
                raise StoreError(f"no database at {path} (run a tournament first, or pass --db)")
        self.engine = _read_only_engine(self.url, self.location) if read_only else _engine(self.url)
        try:
            self._check_schema(create)
        except OperationalError as exc:
            raise StoreError(f"cannot open database {self.location}: {exc.orig}") from None

    def _check_schema(self, create: bool) -> None:
        """Create a new database, or refuse one written by another version of the schema."""
        existing = set(inspect(self.engine).get_table_names())
        if existing and "tournament" in existing:
            version = None
            if "meta" in existing:
                with self._session() as session:
                    row = session.get(MetaRow, "schema_version")
                    version = int(row.value) if row else None
            if version != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.location} was written by another version of debate (schema {version or 1}, "
                    f"this version reads schema {SCHEMA_VERSION}); use a new --db, or an earlier release to read it"
                )
        if not create and not existing:
            raise StoreError(f"{self.location} holds no tournaments (run a tournament first, or pass --db)")
        if self.read_only:
            return  # a reader takes the schema as it is; creating tables is a write
        SQLModel.metadata.create_all(self.engine)
        with self._session() as session:
            if session.get(MetaRow, "schema_version") is None:
                session.add(MetaRow(key="schema_version", value=str(SCHEMA_VERSION)))
                session.commit()

    def close(self) -> None:
        self.engine.dispose()

    @property
    def location(self) -> str:
        return self.url.removeprefix("sqlite:///") if self.is_sqlite else make_url(self.url).render_as_string(hide_password=True)

    # --- tournaments --------------------------------------------------------------------

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

    # --- who runs a tournament ---------------------------------------------------------------

    def claim_run(self, tournament: str, me: Runner) -> None:
        """Become the one runner of `tournament`, or raise TournamentBusy naming who is."""
        now = time.time()
        with self._session() as session:
            session.add(RunnerRow(tournament=tournament, pid=me.pid, host=me.host, started_at=now, heartbeat_at=now))
            try:
                session.commit()
                return
            except IntegrityError:
                session.rollback()
            row = session.get(RunnerRow, tournament)
            if row is None:  # released between our insert and this read: try once more
                session.add(RunnerRow(tournament=tournament, pid=me.pid, host=me.host, started_at=now, heartbeat_at=now))
                try:
                    session.commit()
                except IntegrityError:
                    raise TournamentBusy(f"tournament '{tournament}' was claimed by another run at the same moment") from None
                return
            if not may_take_over(Runner(row.pid, row.host), row.heartbeat_at, me, now):
                raise TournamentBusy(
                    f"tournament '{tournament}' is being run by process {row.pid} on {row.host} "
                    f"(it checked in {now - row.heartbeat_at:.0f} s ago); stop that run first, "
                    f"or watch it with `debate spectate {self.location}`"
                )
            # Compare-and-set on the row as read, so two processes cannot both take a dead claim.
            taken = session.exec(  # type: ignore[call-overload]
                update(RunnerRow)
                .where(RunnerRow.tournament == tournament, RunnerRow.pid == row.pid, RunnerRow.host == row.host,
                       RunnerRow.heartbeat_at == row.heartbeat_at)
                .values(pid=me.pid, host=me.host, started_at=now, heartbeat_at=now)
            )
            session.commit()
            if taken.rowcount != 1:
                raise TournamentBusy(f"tournament '{tournament}' was claimed by another run at the same moment")

    def keep_run(self, tournament: str, me: Runner) -> bool:
        """Refresh the claim's heartbeat; False if another run has taken it over."""
        with self._session() as session:
            result = session.exec(  # type: ignore[call-overload]
                update(RunnerRow)
                .where(RunnerRow.tournament == tournament, RunnerRow.pid == me.pid, RunnerRow.host == me.host)
                .values(heartbeat_at=time.time())
            )
            session.commit()
            return bool(result.rowcount == 1)

    def release_run(self, tournament: str, me: Runner) -> None:
        with self._session() as session:
            session.exec(delete(RunnerRow).where(RunnerRow.tournament == tournament, RunnerRow.pid == me.pid, RunnerRow.host == me.host))  # type: ignore[call-overload]
            session.commit()

    def runner_of(self, tournament: str) -> tuple[Runner, float] | None:
        """Who holds the claim on `tournament` and how many seconds ago it checked in."""
        with self._session() as session:
            row = session.get(RunnerRow, tournament)
        if row is None:
            return None
        return Runner(row.pid, row.host), time.time() - row.heartbeat_at

    # --- draws ----------------------------------------------------------------------------

    def save_round(self, tournament_id: int, draw: Draw, motion_keys: Sequence[str], *, kind: str = "preliminary") -> None:
        """Store a round's draw and its debates, all in one transaction (a draw is never
        half-saved). `motion_keys` gives each pairing's motion, in order."""
        if len(motion_keys) != len(draw.pairings):
            raise ValueError("one motion per pairing")
        with self._session() as session:
            ids = self._contestant_ids(session, tournament_id)
            motions = {m.key: m.id for m in session.exec(select(MotionRow).where(MotionRow.tournament_id == tournament_id)).all()}
            shared = motion_keys[0] if motion_keys and len(set(motion_keys)) == 1 else None
            rnd = RoundRow(tournament_id=tournament_id, number=draw.round, kind=kind, motion_id=motions[shared] if shared else None, draw_json=draw.model_dump_json())
            session.add(rnd)
            session.flush()
            assert rnd.id is not None
            # Core inserts in chunks, not an ORM object per debate: a session holding every
            # DebateRow of the round (with its unit-of-work state) cost about 4 KB per debate at
            # once, so peak memory grew with the round's size (+40 MB for a 10,000-debate round).
            rows = (
                {"tournament_id": tournament_id, "round_id": rnd.id, "round_number": draw.round, "proposition_id": ids[pairing.proposition], "opposition_id": ids[pairing.opposition], "motion_id": motions[key]}
                for pairing, key in zip(draw.pairings, motion_keys, strict=True)
            )
            while chunk := list(islice(rows, _SAVE_CHUNK)):
                session.exec(_INSERT_DEBATE, params=chunk)  # type: ignore[call-overload]
            session.commit()

    def finish_round(self, tournament_id: int, number: int) -> None:
        with self._session() as session:
            session.exec(update(RoundRow).where(RoundRow.tournament_id == tournament_id, RoundRow.number == number).values(status="done"))  # type: ignore[call-overload]
            session.commit()

    def stored_rounds(self, tournament_id: int) -> list[StoredRound]:
        """Every stored round in order, with its draw as it was made."""
        with self._session() as session:
            rows = session.exec(select(RoundRow).where(RoundRow.tournament_id == tournament_id).order_by(RoundRow.number)).all()
            motions = {m.id: m.key for m in session.exec(select(MotionRow).where(MotionRow.tournament_id == tournament_id)).all()}
        return [
            StoredRound(number=r.number, kind=r.kind, status=r.status, motion=motions.get(r.motion_id) if r.motion_id else None, draw=Draw.model_validate_json(r.draw_json))
            for r in rows
        ]

    def motion_history(self, tournament_id: int) -> dict[frozenset[str], set[str]]:
        """Which motions each pairing (either side) has been given so far."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            motions = {m.id: m.key for m in session.exec(select(MotionRow).where(MotionRow.tournament_id == tournament_id)).all()}
            rows = session.exec(select(DebateRow.proposition_id, DebateRow.opposition_id, DebateRow.motion_id).where(DebateRow.tournament_id == tournament_id)).all()
        history: dict[frozenset[str], set[str]] = {}
        for prop, opp, motion in rows:
            history.setdefault(frozenset((names[prop], names[opp])), set()).add(motions[motion])
        return history

    def debate_results(self, tournament_id: int, *, include_excluded: bool = True) -> dict[int, list[DebateResult]]:
        """Judged debates as standings input, by round: winner, ballots per side, rubric totals."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            # Columns, not DebateRow objects: this reads every judged debate of the tournament
            # (after each round), and ORM rows with their identity-map state cost several times
            # what the results do, so the end-of-round peak grew with the tournament's size.
            query = (
                select(DebateRow.id, DebateRow.round_number, DebateRow.proposition_id, DebateRow.opposition_id, DebateRow.winner, DebateRow.prop_score, DebateRow.opp_score)
                .where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged").order_by(DebateRow.id)
            )
            if not include_excluded:
                query = query.where(DebateRow.excluded == False)  # noqa: E712 - SQL comparison
            debates = session.exec(query).all()
            ballots = self._final_ballots(session, [d.id for d in debates if d.id is not None])
        results: dict[int, list[DebateResult]] = {}
        for d in debates:
            votes = [w for w in ballots.get(d.id or 0, []) if w is not None]
            results.setdefault(d.round_number, []).append(DebateResult(
                proposition=names[d.proposition_id], opposition=names[d.opposition_id], winner=d.winner,  # type: ignore[arg-type]
                ballots_prop=votes.count("proposition") + votes.count("tie") / 2, ballots_opp=votes.count("opposition") + votes.count("tie") / 2,
                score_prop=d.prop_score or 0.0, score_opp=d.opp_score or 0.0,
            ))
        return results

    @staticmethod
    def _final_ballots(session: Session, debate_ids: list[int]) -> dict[int, list[str | None]]:
        """Each judge's last word per debate: the revised ballot where there is one."""
        latest: dict[tuple[int, str], tuple[str, str | None]] = {}
        for start in range(0, len(debate_ids), 500):
            chunk = debate_ids[start : start + 500]
            for debate_id, judge, stage, winner in session.exec(select(BallotRow.debate_id, BallotRow.judge, BallotRow.stage, BallotRow.winner).where(BallotRow.debate_id.in_(chunk))).all():  # type: ignore[attr-defined]
                key = (debate_id, judge)
                if key not in latest or stage == "revised":
                    latest[key] = (stage, winner)
        out: dict[int, list[str | None]] = {}
        for (debate_id, _), (_, winner) in latest.items():
            out.setdefault(debate_id, []).append(winner)
        return out

    def write_partials(self, partials: dict[tuple[int, int], str]) -> None:
        """Replace the stored text so far of speeches being spoken."""
        now = _now()
        rows = [{"debate_id": d, "idx": i, "text": text, "updated_at": now} for (d, i), text in partials.items()]
        with self.engine.begin() as conn:
            conn.execute(_DELETE_PARTIAL, [{"p_debate": r["debate_id"], "p_idx": r["idx"]} for r in rows])
            conn.execute(insert(PartialSpeechRow), rows)

    def partial_speeches(self, debate_ids: Sequence[int]) -> dict[tuple[int, int], str]:
        """The text so far of speeches being spoken in these debates."""
        with self._session() as session:
            rows = session.exec(select(PartialSpeechRow).where(PartialSpeechRow.debate_id.in_(list(debate_ids)))).all()  # type: ignore[attr-defined]
        return {(r.debate_id, r.idx): r.text for r in rows}

    def battle_rows(self, tournament_id: int) -> list[dict[str, Any]]:
        """One row per judged debate: sides, winner, motion category and language, exclusion,
        and each side's total words (the length covariate of style control)."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            motions = {m.id: m for m in session.exec(select(MotionRow).where(MotionRow.tournament_id == tournament_id)).all()}
            debates = session.exec(select(DebateRow).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged").order_by(DebateRow.id)).all()
            words: dict[tuple[int, str], int] = {}
            for debate_id, side, text in session.exec(
                select(SpeechRow.debate_id, SpeechRow.side, SpeechRow.text).join(DebateRow, DebateRow.id == SpeechRow.debate_id).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged")
            ).all():
                words[(debate_id, side)] = words.get((debate_id, side), 0) + len(text.split())
        return [
            {
                "debate_id": d.id, "proposition": names[d.proposition_id], "opposition": names[d.opposition_id], "winner": d.winner,
                "motion": motions[d.motion_id].key, "category": motions[d.motion_id].category, "language": motions[d.motion_id].language,
                "excluded": d.excluded, "prop_words": words.get((d.id or 0, "proposition"), 0), "opp_words": words.get((d.id or 0, "opposition"), 0),
            }
            for d in debates
        ]

    def final_ballots(self, tournament_id: int, kind: str = "model") -> list[tuple[int, StoredBallot]]:
        """(debate id, ballot) for each rater's last word on each judged debate."""
        with self._session() as session:
            rows = session.exec(
                select(BallotRow).join(DebateRow, DebateRow.id == BallotRow.debate_id)
                .where(DebateRow.tournament_id == tournament_id, BallotRow.kind == kind).order_by(BallotRow.id)
            ).all()
        latest: dict[tuple[int, str], BallotRow] = {}
        for row in rows:
            key = (row.debate_id, row.judge)
            if key not in latest or row.stage == "revised":
                latest[key] = row
        return [(debate_id, _stored_ballot(row)) for (debate_id, _), row in latest.items()]

    def debates_for_scoring(self, tournament_id: int, scorer: str, *, include_scored: bool = False) -> list[int]:
        """Debates whose speeches are complete (judged by the panel), least human-graded first;
        without `include_scored`, only those `scorer` has not graded yet."""
        with self._session() as session:
            debates = session.exec(select(DebateRow.id).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged").order_by(DebateRow.id)).all()
            human = session.exec(
                select(BallotRow.debate_id, BallotRow.judge).join(DebateRow, DebateRow.id == BallotRow.debate_id)
                .where(DebateRow.tournament_id == tournament_id, BallotRow.kind == "human")
            ).all()
        counts: dict[int, int] = {}
        mine = set()
        for debate_id, judge in human:
            counts[debate_id] = counts.get(debate_id, 0) + 1
            if judge == scorer:
                mine.add(debate_id)
        ids = [d for d in debates if d is not None and (include_scored or d not in mine)]
        return sorted(ids, key=lambda d: (counts.get(d, 0), d))

    def has_human_ballot(self, debate_id: int, scorer: str) -> bool:
        with self._session() as session:
            return session.exec(select(BallotRow.id).where(BallotRow.debate_id == debate_id, BallotRow.judge == scorer, BallotRow.kind == "human")).first() is not None

    def model_ballots(self, tournament_id: int) -> list[tuple[str, StoredBallot]]:
        """Every model ballot of the tournament, for judge calibration on resume."""
        with self._session() as session:
            rows = session.exec(
                select(BallotRow).join(DebateRow, DebateRow.id == BallotRow.debate_id).where(DebateRow.tournament_id == tournament_id, BallotRow.kind == "model").order_by(BallotRow.id)
            ).all()
        return [(row.judge, _stored_ballot(row)) for row in rows]

    def save_standings(self, tournament_id: int, round_number: int, rows: Sequence[BaseModel]) -> None:
        """Keep the standings as they stood after a round (replacing an earlier snapshot of it)."""
        with self._session() as session:
            session.exec(delete(StandingSnapshotRow).where(StandingSnapshotRow.tournament_id == tournament_id, StandingSnapshotRow.round == round_number))  # type: ignore[call-overload]
            for row in rows:
                data = row.model_dump(mode="json")
                session.add(StandingSnapshotRow(tournament_id=tournament_id, round=round_number, name=data["name"], rank=data["rank"], data_json=json.dumps(data)))
            session.commit()

    def standings_after(self, tournament_id: int, round_number: int | None = None) -> tuple[int | None, list[dict[str, Any]]]:
        """The stored standings after `round_number` (default: the latest snapshot)."""
        with self._session() as session:
            if round_number is None:
                round_number = session.exec(select(func.max(StandingSnapshotRow.round)).where(StandingSnapshotRow.tournament_id == tournament_id)).one()
            if round_number is None:
                return None, []
            rows = session.exec(select(StandingSnapshotRow).where(StandingSnapshotRow.tournament_id == tournament_id, StandingSnapshotRow.round == round_number).order_by(StandingSnapshotRow.rank, StandingSnapshotRow.name)).all()
        return round_number, [json.loads(r.data_json) for r in rows]

    def unfinished_debate_ids(self, tournament_id: int, round_number: int) -> list[int]:
        with self._session() as session:
            return list(
                session.exec(
                    select(DebateRow.id)
                    .where(DebateRow.tournament_id == tournament_id, DebateRow.round_number == round_number, DebateRow.status != "judged")
                    .order_by(DebateRow.id)
                ).all()
            )

    def debate_plan(self, debate_id: int) -> DebatePlan:
        plans = self.debate_plans([debate_id])
        if not plans:
            raise StoreError(f"no debate with id {debate_id} in {self.location}")
        return plans[0]

    def debate_plans(self, debate_ids: Sequence[int]) -> list[DebatePlan]:
        """Plans for many debates in four queries, whatever their number."""
        ids = list(debate_ids)
        with self._session() as session:
            debates = session.exec(select(DebateRow).where(DebateRow.id.in_(ids))).all()  # type: ignore[union-attr]
            if not debates:
                return []
            names = self._contestant_names(session, debates[0].tournament_id)
            motions = {m.id: _motion_text(m) for m in session.exec(select(MotionRow).where(MotionRow.id.in_({d.motion_id for d in debates}))).all()}  # type: ignore[union-attr]
            speeches: dict[int, list[Speech]] = {}
            for row in session.exec(select(SpeechRow).where(SpeechRow.debate_id.in_(ids)).order_by(SpeechRow.debate_id, SpeechRow.idx)).all():  # type: ignore[attr-defined]
                speeches.setdefault(row.debate_id, []).append(Speech(index=row.idx, side=Side(row.side), role=row.role, text=row.text))
            ballots: dict[int, list[StoredBallot]] = {}
            for row in session.exec(select(BallotRow).where(BallotRow.debate_id.in_(ids), BallotRow.kind == "model").order_by(BallotRow.id)).all():  # type: ignore[attr-defined]
                ballots.setdefault(row.debate_id, []).append(_stored_ballot(row))
            findings: dict[int, list[StoredFinding]] = {}
            for f in session.exec(select(FindingRow).where(FindingRow.debate_id.in_(ids)).order_by(FindingRow.id)).all():  # type: ignore[attr-defined]
                findings.setdefault(f.debate_id, []).append(_stored_finding(f))
        order = {debate_id: n for n, debate_id in enumerate(ids)}
        return [
            DebatePlan(
                debate_id=d.id or 0,
                round_number=d.round_number,
                proposition=names[d.proposition_id],
                opposition=names[d.opposition_id],
                motion=motions[d.motion_id],
                speeches=tuple(speeches.get(d.id or 0, ())),
                ballots=tuple(ballots.get(d.id or 0, ())),
                findings=tuple(findings.get(d.id or 0, ())),
            )
            for d in sorted(debates, key=lambda d: order[d.id or 0])
        ]

    # --- the write path -------------------------------------------------------------------

    def write(self, records: Sequence[Record]) -> None:
        """Commit a batch of records in one transaction: all of them, or (on error) none."""
        speeches, calls, ballots, findings, updates = [], [], [], [], []
        now = _now()
        for record in records:
            if isinstance(record, SpeechRecord):
                speech = record.speech
                speeches.append({"debate_id": record.debate_id, "idx": speech.index, "side": speech.side.value, "role": speech.role, "text": speech.text, "tokens": record.tokens, "finish_reason": record.finish_reason, "created_at": now})
            elif isinstance(record, CallRecord):
                calls.append(record.model_dump() | {"created_at": now})
            elif isinstance(record, BallotRecord):
                row = record.model_dump(exclude={"scores"})
                ballots.append(row | {"scores_json": json.dumps(record.scores, sort_keys=True), "created_at": now})
            elif isinstance(record, FindingRecord):
                findings.append(record.model_dump())
            else:
                updates.append({
                    "b_id": record.debate_id, "b_status": record.status, "b_winner": record.winner, "b_error": record.error,
                    "b_started": now if record.started else None, "b_finished": now if record.finished else None,
                    "b_margin": record.margin, "b_disagreement": record.disagreement,
                    "b_prop_score": record.prop_score, "b_opp_score": record.opp_score,
                    "b_excluded": record.excluded, "b_excluded_reason": record.excluded_reason,
                })
        # Prepared once per process: SQLAlchemy then reuses the compiled statements, and each
        # kind of record goes to the database as one executemany.
        with self.engine.begin() as conn:
            if speeches:
                conn.execute(_INSERT_SPEECH, speeches)
                conn.execute(_DELETE_PARTIAL, [{"p_debate": s["debate_id"], "p_idx": s["idx"]} for s in speeches])
            if calls:
                conn.execute(_INSERT_CALL, calls)
            if ballots:
                conn.execute(_INSERT_BALLOT, ballots)
            if findings:
                # Findings are recomputed from the transcript on resume: replace, never duplicate.
                conn.execute(delete(FindingRow).where(FindingRow.debate_id.in_({f["debate_id"] for f in findings})))  # type: ignore[attr-defined]
                conn.execute(_INSERT_FINDING, findings)
            if updates:
                conn.execute(_UPDATE_DEBATE, updates)

    # --- reading results ----------------------------------------------------------------

    def standings(self, tournament_id: int) -> list[StandingRow]:
        with self._session() as session:
            contestants = session.exec(select(ContestantRow).where(ContestantRow.tournament_id == tournament_id)).all()
            debates = session.exec(select(DebateRow).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged")).all()
            ballots = session.exec(
                select(BallotRow.debate_id, BallotRow.winner).join(DebateRow, DebateRow.id == BallotRow.debate_id).where(DebateRow.tournament_id == tournament_id, DebateRow.status == "judged")
            ).all()
        table = {c.id: StandingRow(name=c.name, model=c.model, debates=0, wins=0, losses=0, ties=0, ballots_won=0, ballots=0, prop_wins=0, opp_wins=0) for c in contestants}
        sides = {d.id: (d.proposition_id, d.opposition_id) for d in debates}
        for d in debates:
            prop, opp = table[d.proposition_id], table[d.opposition_id]
            prop.debates += 1
            opp.debates += 1
            if d.winner == "proposition":
                prop.wins, opp.losses, prop.prop_wins = prop.wins + 1, opp.losses + 1, prop.prop_wins + 1
            elif d.winner == "opposition":
                opp.wins, prop.losses, opp.opp_wins = opp.wins + 1, prop.losses + 1, opp.opp_wins + 1
            else:
                prop.ties, opp.ties = prop.ties + 1, opp.ties + 1
        for debate_id, winner in ballots:
            if winner is None:
                continue
            prop_id, opp_id = sides[debate_id]
            table[prop_id].ballots += 1
            table[opp_id].ballots += 1
            table[prop_id if winner == "proposition" else opp_id].ballots_won += 1
        return sorted(table.values(), key=lambda r: (-r.wins, -r.ballots_won, r.losses, r.name))

    def round_debate_counts(self, tournament_id: int, round_number: int) -> dict[str, int]:
        with self._session() as session:
            rows = session.exec(select(DebateRow.status, func.count()).where(DebateRow.tournament_id == tournament_id, DebateRow.round_number == round_number).group_by(DebateRow.status)).all()
        return dict(rows)

    def debate_counts(self, tournament_id: int) -> dict[str, int]:
        """How many debates are in each status (a count: cheap however many debates exist)."""
        with self._session() as session:
            rows = session.exec(select(DebateRow.status, func.count()).where(DebateRow.tournament_id == tournament_id).group_by(DebateRow.status)).all()
        return dict(rows)

    def debates(self, tournament_id: int) -> list[DebateSummary]:
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            motions = {m.id: m.key for m in session.exec(select(MotionRow).where(MotionRow.tournament_id == tournament_id)).all()}
            rows = session.exec(select(DebateRow).where(DebateRow.tournament_id == tournament_id).order_by(DebateRow.id)).all()
        return [DebateSummary(id=d.id or 0, round=d.round_number, proposition=names[d.proposition_id], opposition=names[d.opposition_id], motion=motions[d.motion_id], status=d.status, winner=d.winner) for d in rows]

    def debate_detail(self, debate_id: int) -> DebateDetail:
        with self._session() as session:
            debate = session.get(DebateRow, debate_id)
            if debate is None:
                raise StoreError(f"no debate with id {debate_id} in {self.location}")
            tournament = session.get(TournamentRow, debate.tournament_id)
            assert tournament is not None
            plan = self.debate_plan(debate_id)
            ballots = session.exec(select(BallotRow).where(BallotRow.debate_id == debate_id).order_by(BallotRow.id)).all()
            findings = session.exec(select(FindingRow).where(FindingRow.debate_id == debate_id).order_by(FindingRow.id)).all()
        return DebateDetail(
            id=debate_id,
            tournament=tournament.name,
            round=debate.round_number,
            status=debate.status,
            winner=debate.winner,
            error=debate.error,
            proposition=plan.proposition,
            opposition=plan.opposition,
            motion=plan.motion,
            format=Format.model_validate_json(tournament.format_json).name,
            speeches=list(plan.speeches),
            ballots=[_stored_ballot(b) for b in ballots],
            findings=[_stored_finding(f) for f in findings],
            margin=debate.margin, disagreement=debate.disagreement, prop_score=debate.prop_score, opp_score=debate.opp_score,
            excluded=debate.excluded, excluded_reason=debate.excluded_reason,
        )

    def usage_by_contestant(self, tournament_id: int) -> dict[str, dict[str, Any]]:
        """Tokens, cost and mean latency of each contestant's speeches."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            rows = session.exec(
                select(
                    DebateRow.proposition_id, DebateRow.opposition_id, SpeechRow.side,
                    ModelCallRow.prompt_tokens, ModelCallRow.completion_tokens, ModelCallRow.cost_usd, ModelCallRow.latency_s,
                )
                .join(DebateRow, DebateRow.id == ModelCallRow.debate_id)
                .join(SpeechRow, (SpeechRow.debate_id == ModelCallRow.debate_id) & (SpeechRow.idx == ModelCallRow.speech_idx))
                .where(ModelCallRow.tournament_id == tournament_id, ModelCallRow.purpose == "speech", ModelCallRow.ok == True)  # noqa: E712
            ).all()
        out = {name: {"speeches": 0, "prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0, "latency_s": 0.0} for name in names.values()}
        for prop_id, opp_id, side, prompt, completion, cost, latency in rows:
            entry = out[names[prop_id if side == "proposition" else opp_id]]
            entry["speeches"] += 1
            entry["prompt_tokens"] += prompt
            entry["completion_tokens"] += completion
            entry["cost_usd"] += cost or 0.0
            entry["latency_s"] += latency
        for entry in out.values():
            entry["mean_latency_s"] = entry.pop("latency_s") / entry["speeches"] if entry["speeches"] else None
        return out

    def call_counts(self, tournament_id: int) -> dict[str, Any]:
        with self._session() as session:
            row = session.exec(
                select(func.count(), func.coalesce(func.sum(ModelCallRow.prompt_tokens), 0), func.coalesce(func.sum(ModelCallRow.completion_tokens), 0), func.coalesce(func.sum(ModelCallRow.cost_usd), 0.0)).where(ModelCallRow.tournament_id == tournament_id)
            ).one()
        return {"calls": row[0], "prompt_tokens": row[1], "completion_tokens": row[2], "cost_usd": float(row[3])}

    # --- helpers ----------------------------------------------------------------------------

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @staticmethod
    def _contestant_ids(session: Session, tournament_id: int) -> dict[str, int]:
        rows = session.exec(select(ContestantRow).where(ContestantRow.tournament_id == tournament_id)).all()
        return {r.name: r.id for r in rows if r.id is not None}

    @staticmethod
    def _contestant_names(session: Session, tournament_id: int) -> dict[int, str]:
        rows = session.exec(select(ContestantRow).where(ContestantRow.tournament_id == tournament_id)).all()
        return {r.id: r.name for r in rows if r.id is not None}


def _stored_ballot(row: BallotRow) -> StoredBallot:
    return StoredBallot(
        judge=row.judge, judge_model=row.judge_model, kind=row.kind, stage=row.stage, verdict=row.verdict, winner=row.winner,
        both_poor=row.both_poor, scores=json.loads(row.scores_json), reason=row.reason, abstained=row.abstained,
    )


def _stored_finding(row: FindingRow) -> StoredFinding:
    return StoredFinding(speech_idx=row.speech_idx, side=row.side, kind=row.kind, severity=row.severity, detail=row.detail, evidence=row.evidence)


def _motion_text(row: MotionRow) -> MotionText:
    return MotionText(key=row.key, text=row.text, category=row.category, language=row.language, info_slide=row.info_slide)


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers (standings, spectators) work while a tournament writes.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _read_only_engine(url: str, location: str) -> Engine:
    """An engine whose connections refuse every write, with the refusal as a clear error."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_read_only_engine(url)
    elif backend == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "connect", _postgres_read_only)
    else:
        # Better to refuse than to hand a spectator a connection that can write.
        raise StoreError(f"cannot open {location} read-only: only SQLite and PostgreSQL databases can be")

    @event.listens_for(engine, "handle_error")
    def _refused(context: ExceptionContext) -> None:
        if _is_read_only_refusal(context.original_exception):
            raise ReadOnlyStoreError(f"{location} is open read-only: this view cannot change the tournament") from None

    return engine


def _sqlite_read_only_engine(url: str) -> Engine:
    path = make_url(url).database or ""
    # mode=ro is enforced by SQLite itself, below anything SQLAlchemy does. The -shm file is
    # still shared, so reads see what a writer in another process commits (WAL).
    target = f"{Path(path).resolve().as_uri()}?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(target, uri=True, check_same_thread=False, timeout=30)

    engine = create_engine(url, creator=connect)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # No journal_mode change here: that is a write. query_only is a second lock, kept
        # should a connection ever be opened some other way than through `connect`.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return engine


def _postgres_read_only(dbapi_connection: Any, _record: Any) -> None:
    # A session default, so every transaction this connection opens is READ ONLY; committed
    # so the pool's rollback on return does not undo it.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_connection.commit()


def _is_read_only_refusal(exc: BaseException) -> bool:
    """SQLite's 'attempt to write a readonly database' or PostgreSQL's SQLSTATE 25006."""
    if isinstance(exc, sqlite3.OperationalError):
        return "readonly" in str(exc) or "query_only" in str(exc)
    return getattr(exc, "sqlstate", None) == "25006" or getattr(exc, "pgcode", None) == "25006"
