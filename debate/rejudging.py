"""Re-judging: a finished tournament's stored transcripts graded by another panel.

No debate is run again: the new panel's tournament holds copies of the original's complete
debates (`Store.copy_transcripts`) and the orchestrator only judges them. The original's
ballots, standings and ratings are untouched, so the two panels can be compared
(`debate compare`), and anyone holding the transcripts can audit a ranking.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from debate.config import TournamentConfig, tournament_rubric, validate_config
from debate.core.errors import UserError
from debate.core.events import EventBus, Listener
from debate.core.loading import LineMap
from debate.gateway import gateway_for
from debate.orchestrator import Orchestrator, RunSummary, prepare
from debate.store import Store
from motions import known_canaries


def rejudged_config(original: TournamentConfig, panel: dict[str, Any], name: str | None, source: str, lines: LineMap | None = None) -> TournamentConfig:
    """The original's config with the new panel's `judges` (and `panel`, `rubric` if given)."""
    data = original.public_dict() | {key: panel[key] for key in ("judges", "panel", "rubric") if key in panel}
    data |= {"name": name or f"{original.name}-rejudged", "rejudges": original.name}
    return validate_config(data, source=source, lines=lines)


async def rejudge(
    tournament: str | None,
    panel: dict[str, Any],
    database: str,
    base_dir: Path,
    *,
    name: str | None = None,
    source: str = "--judges",
    lines: LineMap | None = None,
    listener: Listener | None = None,
) -> RunSummary:
    """Grade `tournament`'s transcripts with `panel`; resumable. The default is the newest
    tournament that is not itself a re-judging, so running the same command again resumes."""
    store = Store(database, create=False)
    try:
        row = store.find_tournament(tournament or _newest_original(store))
        assert row.id is not None
        original = TournamentConfig.model_validate_json(row.config_json)
        config = rejudged_config(original, panel, name, source, lines)
        if config.name == original.name:
            raise UserError("a re-judging needs a name of its own (--name)")
        existing = store.tournament_or_none(config.name)
        if existing is not None and TournamentConfig.model_validate_json(existing.config_json).rejudges != original.name:
            raise UserError(f"tournament '{config.name}' already exists in {store.location} and is not a re-judging of '{original.name}'; choose another --name")
        fmt = config.resolved_format()
        tournament_id, resumed = prepare(config, store, store.motion_texts(row.id))
        if not resumed and store.copy_transcripts(row.id, tournament_id, speeches=len(fmt.speeches)) == 0:
            raise UserError(f"tournament '{original.name}' has no debate with all its speeches to re-judge")
        bus = EventBus()
        if listener is not None:
            bus.subscribe(listener)
        orchestrator = Orchestrator(
            config=config, store=store, gateway=gateway_for(config), bus=bus, rubric=tournament_rubric(config, base_dir), judge_only=True,
            canaries=known_canaries(),  # the shipped sets': the original's motion files need not be at hand
        )
        return await orchestrator.run()
    finally:
        store.close()


def _newest_original(store: Store) -> str | None:
    originals = [t for t in store.list_tournaments() if not t.config.get("rejudges")]
    return originals[-1].name if originals else None
