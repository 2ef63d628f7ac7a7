"""Read queries in plain SQL: tournaments, their debates, and one debate in full.

Each query is written once, here, and runs on whatever connection the store holds: SQLAlchemy's
(`Store`, any database) or the standard library's sqlite3 (`Reader`, a SQLite file opened
read-only), so a command that only reads never imports SQLAlchemy, which is half of its start-up
(`debate bench startup`). Parameters are named (`:name`), which both take as they are. Values
come back as the driver gives them: SQLite's text datetimes and 0/1 flags are turned into what
PostgreSQL returns where a dataclass holds them; pydantic records convert them themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from debate.core.errors import StoreError
from debate.store.converters import motion_text, stored_ballot, stored_finding, stored_order_ballot
from debate.store.models import DebateDetail, DebatePlan, DebateSummary, StoredBallot, StoredFinding, StoredOrderBallot, TournamentInfo

if TYPE_CHECKING:
    from debate.core.transcript import MotionText, Speech


class Rows(Protocol):
    """Run one SELECT with named parameters; its rows, each read by column name as attributes."""

    def __call__(self, sql: str, /, **params: Any) -> list[Any]: ...


@dataclass(frozen=True)
class TournamentRecord:
    """A stored tournament, as the engine and the reports look it up."""

    id: int
    name: str
    config_json: str
    format_json: str
    seed: int
    status: str
    created_at: datetime
    finished_at: datetime | None


B = TypeVar("B", StoredBallot, StoredOrderBallot)
T = TypeVar("T")


class ReadQueries:
    """The store's read half that needs no SQLAlchemy; a subclass supplies `_reading`."""

    if TYPE_CHECKING:

        @property
        def location(self) -> str: ...

    def _reading(self) -> AbstractContextManager[Rows]:
        """One read transaction: every query of a method sees the same committed state."""
        raise NotImplementedError

    def find_tournament(self, name: str | None = None) -> TournamentRecord:
        """The named tournament, or the most recent one when no name is given."""
        with self._reading() as rows:
            found = rows(f"{_TOURNAMENT} WHERE name = :name", name=name) if name else rows(f"{_TOURNAMENT} ORDER BY id DESC LIMIT 1")
        if not found:
            raise StoreError(f"no tournament named '{name}' in {self.location}" if name else f"no tournament in {self.location}")
        return _tournament(found[0])

    def tournament_or_none(self, name: str) -> TournamentRecord | None:
        with self._reading() as rows:
            found = rows(f"{_TOURNAMENT} WHERE name = :name", name=name)
        return _tournament(found[0]) if found else None

    def list_tournaments(self) -> list[TournamentInfo]:
        with self._reading() as rows:
            tournaments = rows(f"{_TOURNAMENT} ORDER BY id")
            counts = {(r.tournament_id, r.status): r.n for r in rows("SELECT tournament_id, status, COUNT(*) AS n FROM debate GROUP BY tournament_id, status")}
        return [
            TournamentInfo(
                id=r.id, name=r.name, status=r.status, created_at=r.created_at,
                debates=sum(n for (tid, _), n in counts.items() if tid == r.id),
                judged=counts.get((r.id, "judged"), 0), failed=counts.get((r.id, "failed"), 0),
                config=json.loads(r.config_json),
            )
            for r in tournaments
        ]

    def debates(self, tournament_id: int) -> list[DebateSummary]:
        with self._reading() as rows:
            names = _contestant_names(rows, tournament_id)
            motions = {m.id: m.key for m in rows("SELECT id, key FROM motion WHERE tournament_id = :t", t=tournament_id)}
            debates = rows(
                "SELECT id, round_number, proposition_id, opposition_id, motion_id, status, winner, excluded, worker, error "
                "FROM debate WHERE tournament_id = :t ORDER BY id", t=tournament_id,
            )
        return [
            DebateSummary(
                id=d.id, round=d.round_number, proposition=names[d.proposition_id], opposition=names[d.opposition_id],
                motion=motions[d.motion_id], status=d.status, winner=d.winner, voided=d.excluded, worker=d.worker, error=d.error,
            )
            for d in debates
        ]

    def debate_plan(self, debate_id: int) -> DebatePlan:
        plans = self.debate_plans([debate_id])
        if not plans:
            raise StoreError(f"no debate with id {debate_id} in {self.location}")
        return plans[0]

    def debate_plans(self, debate_ids: Sequence[int]) -> list[DebatePlan]:
        """Plans for many debates in seven queries, whatever their number, in the order asked."""
        ids = list(debate_ids)
        with self._reading() as rows:
            return _plans(rows, ids)

    def debate_detail(self, debate_id: int) -> DebateDetail:
        """One debate in full: its plan, status and panel result, every ballot and finding."""
        from debate.core.formats import Format

        with self._reading() as rows:
            found = rows(
                "SELECT d.round_number, d.status, d.winner, d.error, d.margin, d.disagreement, d.prop_score, d.opp_score, "
                "d.excluded, d.excluded_reason, t.name AS tournament, t.format_json FROM debate d JOIN tournament t ON t.id = d.tournament_id "
                "WHERE d.id = :d", d=debate_id,
            )
            if not found:
                raise StoreError(f"no debate with id {debate_id} in {self.location}")
            (plan,) = _plans(rows, [debate_id])
            ballots = rows(f"{_BALLOT} WHERE debate_id = :d ORDER BY id", d=debate_id)
            findings = rows(f"{_FINDING} WHERE debate_id = :d ORDER BY id", d=debate_id)
        d = found[0]
        return DebateDetail(
            id=debate_id, tournament=d.tournament, round=d.round_number, status=d.status, winner=d.winner, error=d.error,
            proposition=plan.proposition, opposition=plan.opposition, motion=plan.motion,
            format=Format.model_validate_json(d.format_json).name,
            speeches=list(plan.speeches), ballots=[stored_ballot(b) for b in ballots], order_ballots=list(plan.order_ballots),
            findings=[stored_finding(f) for f in findings],
            margin=d.margin, disagreement=d.disagreement, prop_score=d.prop_score, opp_score=d.opp_score,
            excluded=d.excluded, excluded_reason=d.excluded_reason,
        )

    def partial_speeches(self, debate_ids: Sequence[int]) -> dict[tuple[int, int], str]:
        """The text so far of speeches being spoken in these debates."""
        marks, params = placeholders("d", debate_ids)
        with self._reading() as rows:
            return {(r.debate_id, r.idx): r.text for r in rows(f"SELECT debate_id, idx, text FROM partial_speech WHERE debate_id IN ({marks})", **params)}


def placeholders(name: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """`:name_0, :name_1, ...` for an IN list, and their parameters; `NULL` (matching nothing) for
    no values, since `IN ()` is not SQL."""
    params = {f"{name}_{n}": value for n, value in enumerate(values)}
    return (", ".join(f":{key}" for key in params) or "NULL"), params


def timestamp(value: Any) -> datetime | None:
    """A datetime column's value: SQLite hands back the text SQLAlchemy stored, PostgreSQL a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


_TOURNAMENT = "SELECT id, name, config_json, format_json, seed, status, created_at, finished_at FROM tournament"
_BALLOT = (
    "SELECT debate_id, judge, judge_model, kind, stage, verdict, winner, both_poor, scores_json, reason, abstained, margin, "
    "consistent, expected_margin FROM ballot"
)
_ORDER_BALLOT = (
    "SELECT debate_id, judge, judge_model, stage, label_a, verdict, winner, margin, expected_margin, probabilities_json, "
    "both_poor, scores_json, reason, abstained FROM order_ballot"
)
_FINDING = "SELECT debate_id, speech_idx, side, kind, severity, detail, evidence FROM finding"


def _tournament(row: Any) -> TournamentRecord:
    return TournamentRecord(
        id=row.id, name=row.name, config_json=row.config_json, format_json=row.format_json, seed=row.seed, status=row.status,
        created_at=timestamp(row.created_at) or datetime.min, finished_at=timestamp(row.finished_at),
    )


def _contestant_names(rows: Rows, tournament_id: int) -> dict[int, str]:
    return {r.id: r.name for r in rows("SELECT id, name FROM contestant WHERE tournament_id = :t", t=tournament_id)}


def _plans(rows: Rows, ids: list[int]) -> list[DebatePlan]:
    marks, params = placeholders("d", ids)
    debates = rows(f"SELECT id, tournament_id, round_number, proposition_id, opposition_id, motion_id, status FROM debate WHERE id IN ({marks})", **params)
    if not debates:
        return []
    names = _contestant_names(rows, debates[0].tournament_id)
    motion_marks, motion_params = placeholders("m", {d.motion_id for d in debates})
    motions: dict[int, MotionText] = {
        m.id: motion_text(m) for m in rows(f"SELECT id, key, text, category, language, info_slide FROM motion WHERE id IN ({motion_marks})", **motion_params)
    }
    speeches = _grouped(rows(f"SELECT debate_id, idx, side, role, text FROM speech WHERE debate_id IN ({marks}) ORDER BY debate_id, idx", **params), _speech)
    ballots = _grouped(rows(f"{_BALLOT} WHERE debate_id IN ({marks}) AND kind = 'model' ORDER BY id", **params), stored_ballot)
    orders = _grouped(rows(f"{_ORDER_BALLOT} WHERE debate_id IN ({marks}) ORDER BY id", **params), stored_order_ballot)
    findings = _grouped(rows(f"{_FINDING} WHERE debate_id IN ({marks}) ORDER BY id", **params), stored_finding)
    order = {debate_id: n for n, debate_id in enumerate(ids)}
    return [
        DebatePlan(
            debate_id=d.id, round_number=d.round_number, proposition=names[d.proposition_id], opposition=names[d.opposition_id],
            motion=motions[d.motion_id], speeches=tuple(speeches.get(d.id, ())),
            ballots=_carried(ballots.get(d.id, ()), d.status), order_ballots=_carried(orders.get(d.id, ()), d.status),
            findings=tuple(findings.get(d.id, ())),
        )
        for d in sorted(debates, key=lambda d: order[d.id])
    ]


def _speech(row: Any) -> Speech:
    from debate.core.formats import Side
    from debate.core.transcript import Speech

    return Speech(index=row.idx, side=Side(row.side), role=row.role, text=row.text)


def _grouped(found: list[Any], convert: Callable[[Any], T]) -> dict[int, list[T]]:
    """Rows by their debate, each converted, in the order the query gave them."""
    out: dict[int, list[Any]] = {}
    for row in found:
        out.setdefault(row.debate_id, []).append(convert(row))
    return out


def _carried(ballots: Sequence[B], status: str) -> tuple[B, ...]:
    """The stored ballots a (re)start reuses. Retrying a failed debate means judging it again:
    its abstentions are asked anew (the new answers replace them), its valid ballots stand."""
    if status != "failed":
        return tuple(ballots)
    return tuple(b for b in ballots if not b.abstained)
