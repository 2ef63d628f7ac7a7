"""Read queries in plain SQL: tournaments, their debates, one debate in full, and what the
standings and ratings read (results summed per pairing, final ballots, usage, qualifications).

Each query is written once, here, and runs on whatever connection the store holds: SQLAlchemy's
(`Store`, any database) or the standard library's sqlite3 (`Reader`, a SQLite file opened
read-only), so a command that only reads never imports SQLAlchemy, which is half of its start-up
(`debate bench startup`). Parameters are named (`:name`), which both take as they are. Values
come back as the driver gives them: SQLite's text datetimes and 0/1 flags are turned into what
PostgreSQL returns where a dataclass holds them; pydantic records convert them themselves.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from debate.core.errors import StoreError
from debate.core.formats import Format, Side
from debate.core.transcript import MotionText, Speech
from debate.draws.model import Draw, Pairing
from debate.store.converters import motion_text, stored_ballot, stored_finding, stored_order_ballot, stored_qualification
from debate.store.models import (
    DebateDetail,
    DebatePlan,
    DebateSummary,
    RoundHeader,
    StoredBallot,
    StoredOrderBallot,
    StoredQualification,
    StoredRound,
    TournamentInfo,
)

if TYPE_CHECKING:
    from debate.draws.standings import ResultTally


class Rows(Protocol):
    """Run one SELECT with named parameters; its rows, each read by column name as attributes.
    `each` hands them over one at a time as plain tuples in the SELECT's column order, for a
    query whose result grows with the tournament."""

    def __call__(self, sql: str, /, **params: Any) -> list[Any]: ...

    def each(self, sql: str, /, **params: Any) -> Iterator[Any]: ...


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


class ReadQueries(ABC):
    """The store's read half that needs no SQLAlchemy: a subclass says where it reads
    (`location`, for messages) and how (`_reading`)."""

    @property
    @abstractmethod
    def location(self) -> str:
        """The database as messages name it."""

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Rows]:
        """One read transaction: every query of a method sees the same committed state."""

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

    def round_headers(self, tournament_id: int) -> list[RoundHeader]:
        """Every stored round in order, without its pairings."""
        with self._reading() as rows:
            motions = {m.id: m.key for m in rows("SELECT id, key FROM motion WHERE tournament_id = :t", t=tournament_id)}
            found = rows("SELECT number, kind, status, motion_id, draw_json FROM round WHERE tournament_id = :t ORDER BY number", t=tournament_id)
        out = []
        for r in found:
            header = json.loads(r.draw_json)
            out.append(RoundHeader(
                number=r.number, kind=r.kind, status=r.status, motion=motions.get(r.motion_id),
                byes=tuple(header.get("byes", ())), notes=tuple(header.get("notes", ())),
            ))
        return out

    def stored_rounds(self, tournament_id: int) -> list[StoredRound]:
        """Every stored round in order, with its draw as it was made (every pairing: for views
        of the draw and for draws that depend on earlier ones, not for running rounds)."""
        with self._reading() as rows:
            motions = {m.id: m.key for m in rows("SELECT id, key FROM motion WHERE tournament_id = :t", t=tournament_id)}
            names = _contestant_names(rows, tournament_id)
            found = rows("SELECT id, number, kind, status, motion_id, draw_json FROM round WHERE tournament_id = :t ORDER BY number", t=tournament_id)
            pairings: dict[int, list[Pairing]] = {}
            for d in rows("SELECT round_id, proposition_id, opposition_id, flags_json, bracket, prop_seed, opp_seed FROM debate WHERE tournament_id = :t ORDER BY id", t=tournament_id):
                pairings.setdefault(d.round_id, []).append(Pairing(
                    proposition=names[d.proposition_id], opposition=names[d.opposition_id], flags=tuple(json.loads(d.flags_json)) if d.flags_json else (),
                    bracket=d.bracket, seeds=(d.prop_seed, d.opp_seed) if d.prop_seed is not None and d.opp_seed is not None else None,
                ))
        return [
            StoredRound(
                number=r.number, kind=r.kind, status=r.status, motion=motions.get(r.motion_id),
                draw=Draw.model_validate({**json.loads(r.draw_json), "pairings": pairings.get(r.id, ())}),
            )
            for r in found
        ]

    def result_tallies(self, tournament_id: int, rounds: Collection[int]) -> list[ResultTally]:
        """The judged and forfeited debates of `rounds`, summed per pairing and outcome: the
        standings' input in a few rows per pairing, however many debates. Equal to tallying
        `debate_results` of those rounds one debate at a time."""
        from debate.draws.standings import ResultTally

        marks, params = placeholders("r", rounds)
        # Summed here as the rows go by. Summed in SQL, every debate's votes and outcome went
        # through temporary B-trees first: SQLite's working memory grew with the tournament
        # (14 MB at 100,000 debates; now nothing per debate).
        sums: dict[tuple[Any, ...], list[float]] = {}
        with self._reading() as rows:
            names = _contestant_names(rows, tournament_id)
            for prop, opp, status, winner, excluded, prop_score, opp_score, ballots_prop, ballots_opp in rows.each(
                _debate_outcomes(marks), t=tournament_id, **params
            ):
                total = sums.setdefault((prop, opp, status, winner, bool(excluded)), [0, 0.0, 0.0, 0.0, 0.0])
                total[0] += 1
                total[1] += prop_score
                total[2] += opp_score
                total[3] += ballots_prop
                total[4] += ballots_opp
        return [
            ResultTally(
                proposition=names[prop], opposition=names[opp], winner=winner,
                voided=excluded and status == "judged", forfeited=forfeited_side(winner) if status == "forfeit" else None,
                debates=int(debates), ballots_prop=ballots_prop, ballots_opp=ballots_opp,
                score_prop=score_prop, score_opp=score_opp, margin=score_prop - score_opp,
            )
            for (prop, opp, status, winner, excluded), (debates, score_prop, score_opp, ballots_prop, ballots_opp) in sorted(
                sums.items(), key=lambda item: (*item[0][:3], item[0][3] or "", item[0][4])
            )
        ]

    def final_ballots(self, tournament_id: int, kind: str = "model") -> list[tuple[int, StoredBallot]]:
        """(debate id, ballot) for each rater's final ballot on each debate, in the order the
        raters first ballotted."""
        with self._reading() as rows:
            found = rows(
                f"SELECT b.* FROM ({_BALLOT}) b JOIN ({FINAL_BALLOTS}) f ON f.id = b.id WHERE b.kind = :kind ORDER BY f.first_id",
                kind=kind, final_tournament=tournament_id,
            )
        return [(r.debate_id, stored_ballot(r)) for r in found]

    def qualifications(self, tournament_id: int | None) -> list[StoredQualification]:
        """Each judge's latest qualification for the tournament (None: those made without one)."""
        columns = "SELECT tournament_id, judge, judge_model, flagged, result_json, created_at FROM judge_qualification"
        with self._reading() as rows:
            if tournament_id is None:
                found = rows(f"{columns} WHERE tournament_id IS NULL ORDER BY id")
            else:
                found = rows(f"{columns} WHERE tournament_id = :t ORDER BY id", t=tournament_id)
        latest = {r.judge: r for r in found}
        return [stored_qualification(r) for r in latest.values()]

    def findings_of_kind(self, tournament_id: int, kind: str) -> list[tuple[int, str]]:
        """(debate id, side) of each rule-check finding of `kind` in the tournament."""
        with self._reading() as rows:
            found = rows(
                "SELECT f.debate_id, f.side FROM finding f JOIN debate d ON d.id = f.debate_id "
                "WHERE d.tournament_id = :t AND f.kind = :kind ORDER BY f.debate_id, f.id", t=tournament_id, kind=kind,
            )
        return [(r.debate_id, r.side) for r in found]

    def battle_rows(self, tournament_id: int) -> list[dict[str, Any]]:
        """One row per judged debate: sides, winner, motion category and language, exclusion,
        and each side's total words (the length covariate of style control)."""
        with self._reading() as rows:
            names = _contestant_names(rows, tournament_id)
            motions = {m.id: m for m in rows("SELECT id, key, category, language FROM motion WHERE tournament_id = :t", t=tournament_id)}
            judged = "FROM debate d WHERE d.tournament_id = :t AND d.status = 'judged'"
            debates = rows(f"SELECT d.id, d.proposition_id, d.opposition_id, d.winner, d.motion_id, d.excluded {judged} ORDER BY d.id", t=tournament_id)
            words: dict[tuple[int, str], int] = {}
            for s in rows("SELECT s.debate_id, s.side, s.text FROM speech s JOIN debate d ON d.id = s.debate_id WHERE d.tournament_id = :t AND d.status = 'judged'", t=tournament_id):
                words[(s.debate_id, s.side)] = words.get((s.debate_id, s.side), 0) + len(s.text.split())
        return [
            {
                "debate_id": d.id, "proposition": names[d.proposition_id], "opposition": names[d.opposition_id], "winner": d.winner,
                "motion": motions[d.motion_id].key, "category": motions[d.motion_id].category, "language": motions[d.motion_id].language,
                "excluded": bool(d.excluded), "prop_words": words.get((d.id, "proposition"), 0), "opp_words": words.get((d.id, "opposition"), 0),
            }
            for d in debates
        ]

    def usage_by_contestant(self, tournament_id: int) -> dict[str, dict[str, Any]]:
        """Tokens, cost and mean latency of each contestant's speeches."""
        with self._reading() as rows:
            names = _contestant_names(rows, tournament_id)
            found = rows(
                "SELECT d.proposition_id, d.opposition_id, s.side, c.prompt_tokens, c.completion_tokens, c.cost_usd, c.latency_s "
                "FROM model_call c JOIN debate d ON d.id = c.debate_id JOIN speech s ON s.debate_id = c.debate_id AND s.idx = c.speech_idx "
                "WHERE c.tournament_id = :t AND c.purpose = 'speech' AND c.ok = :ok", t=tournament_id, ok=True,
            )
        out = {name: {"speeches": 0, "prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0, "latency_s": 0.0} for name in names.values()}
        for r in found:
            entry = out[names[r.proposition_id if r.side == "proposition" else r.opposition_id]]
            entry["speeches"] += 1
            entry["prompt_tokens"] += r.prompt_tokens
            entry["completion_tokens"] += r.completion_tokens
            entry["cost_usd"] += r.cost_usd or 0.0
            entry["latency_s"] += r.latency_s
        for entry in out.values():
            entry["mean_latency_s"] = entry.pop("latency_s") / entry["speeches"] if entry["speeches"] else None
        return out

    def call_counts(self, tournament_id: int) -> dict[str, Any]:
        with self._reading() as rows:
            (r,) = rows(
                "SELECT COUNT(*) AS calls, COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens, COALESCE(SUM(completion_tokens), 0) AS completion_tokens, "
                "COALESCE(SUM(cost_usd), 0.0) AS cost_usd FROM model_call WHERE tournament_id = :t", t=tournament_id,
            )
        return {"calls": r.calls, "prompt_tokens": r.prompt_tokens, "completion_tokens": r.completion_tokens, "cost_usd": float(r.cost_usd)}


def placeholders(name: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """`:name_0, :name_1, ...` for an IN list, and their parameters; `NULL` (matching nothing) for
    no values, since `IN ()` is not SQL."""
    params = {f"{name}_{n}": value for n, value in enumerate(values)}
    return (", ".join(f":{key}" for key in params) or "NULL"), params


def timestamp(value: str | datetime) -> datetime:
    """A datetime column's value: SQLite hands back the text SQLAlchemy stored, PostgreSQL a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


_FINAL_ID = "COALESCE(MAX(CASE WHEN b.stage = 'revised' THEN b.id END), MAX(b.id))"
FINAL_BALLOTS = (
    f"SELECT {_FINAL_ID} AS id, MIN(b.id) AS first_id "
    "FROM ballot b JOIN debate d ON d.id = b.debate_id WHERE d.tournament_id = :final_tournament GROUP BY b.debate_id, b.judge"
)
"""The one rule for a rater's final ballot, as a subquery over one tournament (`:final_tournament`):
one row per rater (a judge by name, or a human scorer) per debate, `id` its final ballot and
`first_id` its first on the debate (readers list final ballots in that order). The final ballot is
the revised one where there is one (after deliberation), else the independent one; of two rows of
the same stage, the later (`_FINAL_ID`, over one rater's ballots on one debate). Every reader of
final ballots (standings, ratings, scorecards) goes through it, here, through `_FINAL_ID` scoped
to one debate (the standings' tally), or through `ballots.final_ballots_of`, so they cannot
disagree."""


def _votes(side: str) -> str:
    """One side's votes on debate `d`, a half for a tie, from the ballots `v` joined to it."""
    return f"CAST(COALESCE(SUM(CASE WHEN v.winner = '{side}' THEN 1.0 WHEN v.winner = 'tie' THEN 0.5 END), 0) AS DOUBLE PRECISION)"


def _debate_outcomes(rounds: str) -> str:
    """Each judged or forfeited debate of tournament `:t` in `rounds` with its votes, one row
    per debate in the order of its id: with the debates read through their tournament's index
    in that order and the final ballots (the same rule, scoped to one debate) found through
    the ballot's index, the database needs no temporary B-tree, however many debates."""
    return (
        "SELECT d.proposition_id, d.opposition_id, d.status, d.winner, d.excluded, "
        "COALESCE(d.prop_score, 0.0) AS prop_score, COALESCE(d.opp_score, 0.0) AS opp_score, "
        f"{_votes('proposition')} AS ballots_prop, {_votes('opposition')} AS ballots_opp FROM debate d "
        f"LEFT JOIN ballot v ON v.debate_id = d.id AND v.id IN (SELECT {_FINAL_ID} FROM ballot b WHERE b.debate_id = d.id GROUP BY b.judge) "
        f"WHERE d.tournament_id = :t AND d.status IN ('judged', 'forfeit') AND d.round_number IN ({rounds}) GROUP BY d.id"
    )


def forfeited_side(winner: str | None) -> str:
    """Who forfeited a forfeit debate: the side that did not win it ("both" when neither did)."""
    return {"proposition": "opposition", "opposition": "proposition"}.get(winner or "", "both")


_TOURNAMENT = "SELECT id, name, config_json, format_json, seed, status, created_at, finished_at FROM tournament"
_BALLOT = (
    "SELECT id, debate_id, judge, judge_model, kind, stage, verdict, winner, both_poor, scores_json, reason, abstained, margin, "
    "consistent, expected_margin FROM ballot"
)
_ORDER_BALLOT = (
    "SELECT id, debate_id, judge, judge_model, stage, label_a, verdict, winner, margin, expected_margin, probabilities_json, "
    "both_poor, scores_json, reason, abstained FROM order_ballot"
)
_FINDING = "SELECT debate_id, speech_idx, side, kind, severity, detail, evidence FROM finding"


def _tournament(row: Any) -> TournamentRecord:
    return TournamentRecord(
        id=row.id, name=row.name, config_json=row.config_json, format_json=row.format_json, seed=row.seed, status=row.status,
        created_at=timestamp(row.created_at), finished_at=None if row.finished_at is None else timestamp(row.finished_at),
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
