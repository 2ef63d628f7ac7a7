"""Reading a store: open it, its tournaments, their rounds and draws, debates, one debate, the
workers sharing a tournament, and the live view a spectator polls.

A face holds the `Store` this module opens and passes it back in; it never calls the store
itself. A tournament is named by its name, or None for the newest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from debate.core.errors import UserError

if TYPE_CHECKING:
    from debate.draws.model import Draw
    from debate.store import DebateDetail, DebatePlan, DebateSummary, Store, StoredRound, TournamentInfo, WorkerStats

DEFAULT_DATABASE = "debate.db"


def open_store(target: str | None = None, *, create: bool = False, read_only: bool = False) -> Store:
    """The store at `target` (a SQLite file or SQLAlchemy URL; default debate.db). A read-only
    store (a spectator's) raises `ReadOnlyStoreError` on any write."""
    if read_only and not create:
        from debate.store.reader import open_reader

        reader = open_reader(target or DEFAULT_DATABASE)
        if reader is not None:
            # It answers every Store method (its own reads on sqlite3, the rest through a Store
            # it opens on first use), without importing SQLAlchemy for a command that only reads.
            return cast("Store", reader)
    from debate.store import Store

    return Store(target or DEFAULT_DATABASE, create=create, read_only=read_only)


@dataclass(frozen=True)
class StoreUpgrade:
    """What `upgrade_store` found and did: the schema the database is at now, the one it had
    (None: it was current already) and, on SQLite, the copy of the file as it was."""

    location: str
    schema: int
    from_version: int | None
    backup: str | None


def upgrade_store(target: str | None = None) -> StoreUpgrade:
    """Open the database at `target` read-write, which brings an earlier schema to this one in
    place (after copying a SQLite file beside it); say what was done."""
    from debate.store import Store
    from debate.store.tables import SCHEMA_VERSION

    store = Store(target or DEFAULT_DATABASE, create=False)
    try:
        done = store.upgraded
        return StoreUpgrade(
            location=store.location, schema=SCHEMA_VERSION, from_version=done.from_version if done else None,
            backup=str(done.backup) if done and done.backup else None,
        )
    finally:
        store.close()


@contextmanager
def opened(target: str | None = None, *, create: bool = False, read_only: bool = False) -> Iterator[Store]:
    store = open_store(target, create=create, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def tournaments(store: Store) -> list[TournamentInfo]:
    return store.list_tournaments()


def find_tournament(store: Store, name: str | None = None) -> TournamentInfo:
    """The named tournament, or the newest; `StoreError` (a UserError) when there is none."""
    row = store.find_tournament(name)
    return next(t for t in store.list_tournaments() if t.id == row.id)


def next_free_name(target: str, base: str) -> str:
    """`base-2`, `base-3`, ...: the first that names no tournament in the store at `target`."""
    with opened(target, create=True) as store:
        n = 2
        while store.tournament_or_none(f"{base}-{n}") is not None:
            n += 1
        return f"{base}-{n}"


def rounds(store: Store, tournament: str | None = None) -> list[StoredRound]:
    """Every stored round in order, with its draw as it was made."""
    return store.stored_rounds(store.find_tournament(tournament).id or 0)


def debates(store: Store, tournament: str | None = None) -> list[DebateSummary]:
    return store.debates(store.find_tournament(tournament).id or 0)


def worker_stats(store: Store, tournament: str | None = None) -> list[WorkerStats]:
    """Each worker that has held a debate of the tournament (by name): debates running now,
    settled, failed, its recent debates per minute and its last error; [] for a tournament
    run by a single process."""
    return store.worker_stats(store.find_tournament(tournament).id or 0)


def debate(store: Store, debate_id: int) -> DebateDetail:
    """One debate: transcript, ballots, rule findings, result."""
    return store.debate_detail(debate_id)


@dataclass(frozen=True)
class RoundDraw:
    """A round's draw; the fields are the keys of `debate draw --format json` (the draw's own
    keys follow them there)."""

    tournament: str
    round: int
    stage: str  # preliminary, or a break stage
    status: str
    motion: str | None  # the round's motion key, or None when each debate has its own
    draw: Draw


def round_draw(store: Store, tournament: str | None, number: int) -> RoundDraw:
    row = store.find_tournament(tournament)
    stored = {r.number: r for r in store.stored_rounds(row.id or 0)}
    if number not in stored:
        known = f"rounds 1-{max(stored)}" if stored else "no rounds yet"
        raise UserError(f"tournament '{row.name}' has no round {number} ({known})")
    found = stored[number]
    return RoundDraw(tournament=row.name, round=found.number, stage=found.kind, status=found.status, motion=found.motion, draw=found.draw)


@dataclass(frozen=True)
class LiveView:
    """What a live board shows, as the store holds it: the rounds so far, every debate, and for
    the current round (the latest with debates) the stored speeches, ballots and findings and
    the partial text of speeches still being spoken; and the workers, when workers share it."""

    tournament: TournamentInfo
    rounds: list[StoredRound]
    debates: list[DebateSummary]
    current_round: int | None
    plans: list[DebatePlan]  # the current round's debates
    partial_speeches: dict[tuple[int, int], str]  # (debate id, speech index) -> text so far
    speech_slots: list[tuple[str, str]]  # (side, role) per speech of the format; [] if unknown
    workers: list[WorkerStats] = field(default_factory=list)  # [] unless a debate has had a worker


def live_view(store: Store, tournament: str | None = None) -> LiveView:
    info = find_tournament(store, tournament)
    summaries = store.debates(info.id)
    stored = store.stored_rounds(info.id)
    current = max((d.round for d in summaries), default=stored[-1].number if stored else None)
    ids = [d.id for d in summaries if d.round == current]
    return LiveView(
        tournament=info, rounds=stored, debates=summaries, current_round=current,
        plans=store.debate_plans(ids) if ids else [], partial_speeches=store.partial_speeches(ids) if ids else {},
        speech_slots=_speech_slots(info),
        # Asked only of a shared tournament: a single run's board polls without the extra query.
        workers=store.worker_stats(info.id) if any(d.worker for d in summaries) else [],
    )


def round_plans(store: Store, tournament: str | None, number: int) -> list[DebatePlan]:
    """Every debate of round `number` with its stored speeches, ballots and findings (a board
    showing an earlier round, where the live view carries only the current one)."""
    info = find_tournament(store, tournament)
    ids = [d.id for d in store.debates(info.id) if d.round == number]
    return store.debate_plans(ids) if ids else []


def _speech_slots(info: TournamentInfo) -> list[tuple[str, str]]:
    from debate.config import TournamentConfig

    try:
        fmt = TournamentConfig.model_validate(info.config).resolved_format()
    except (ValueError, KeyError, TypeError):  # an old or odd stored config: the caller alternates sides
        return []
    return [(str(s.side), s.role) for s in fmt.speeches]


def __getattr__(name: str) -> object:
    if name == "Store":  # the store's type, for annotations in the faces; loaded on demand
        from debate.store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def motion_categories(store: Store, tournament: str | None = None) -> dict[int, str]:
    """Debate id -> its motion's category ("uncategorised" when it has none), judged debates only."""
    judged = [d.id for d in store.debates(store.find_tournament(tournament).id or 0) if d.status == "judged"]
    return {p.debate_id: p.motion.category or "uncategorised" for p in store.debate_plans(judged)}
