"""Judges' qualification on control debates: test them, and read what was measured."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from debate.config import TournamentConfig
    from debate.orchestrator import RunSummary
    from debate.reports.compare import Comparison
    from debate.store import Store, StoredQualification
    from judges.qualification import JudgeQualification

__all__ = ["compare", "describe_qualification", "panel_from", "qualifications", "rejudge", "test_judges"]


async def test_judges(
    config: TournamentConfig,
    database: str,
    base_dir: Path,
    *,
    judges: Sequence[str] = (),
    on_progress: Callable[[str, int, int], None] | None = None,
) -> list[JudgeQualification]:
    """Grade control debates with the config's judges (or those named) and store the measures.
    Results belong to the stored tournament of the config's name, when there is one."""
    from debate.config import tournament_rubric
    from debate.qualifying import test_judges as run

    return await run(config, database, tournament_rubric(config, base_dir), names=judges, on_progress=on_progress)


def qualifications(store: Store, tournament: str | None = None) -> list[StoredQualification]:
    """Each judge's latest stored qualification for the tournament (the newest by default)."""
    row = store.find_tournament(tournament)
    return store.qualifications(row.id)


def qualifications_without_tournament(store: Store) -> list[StoredQualification]:
    """Each judge's latest qualification made with no stored tournament to attach it to
    (`debate judges test CONFIG` before the config's first run)."""
    return store.qualifications(None)


def describe_qualification(result: JudgeQualification) -> str:
    from debate.qualifying import describe

    return describe(result)


def panel_from(specs: Sequence[str]) -> tuple[dict[str, Any], str, Any]:
    """A re-judging panel from the command line: one config file holding `judges:` (and
    optionally `panel:` and `rubric:`), or model strings, each one judge named after its model.
    Returns the panel's data, where it came from and its line map (for error messages)."""
    from debate.core.errors import UserError
    from debate.core.loading import load_file

    if len(specs) == 1 and Path(specs[0]).suffix.lower() in (".yaml", ".yml", ".toml"):
        loaded = load_file(Path(specs[0]), missing="no such file (give a panel file with a judges: list, or model strings)")
        if not isinstance(loaded.data, dict) or "judges" not in loaded.data:
            raise UserError(f"{specs[0]}: expected a mapping with a judges: list")
        return loaded.data, loaded.source, loaded.lines
    if not specs:
        raise UserError("--judges needs a panel file or at least one model (e.g. local/qwen2.5-0.5b-instruct)")
    names = [spec.split("/")[-1].replace(":", "-") or spec for spec in specs]
    if len(set(names)) != len(names):
        raise UserError("two --judges models share a name; use a panel file to name them")
    return {"judges": [{"name": n, "model": m} for n, m in zip(names, specs, strict=True)]}, "--judges", None


async def rejudge(
    specs: Sequence[str],
    database: str,
    *,
    tournament: str | None = None,
    name: str | None = None,
    listener: Callable[[Any], None] | None = None,
) -> RunSummary:
    """Grade a stored tournament's transcripts with another panel, as a new linked tournament;
    no debater is called and nothing of the original changes."""
    from debate.rejudging import rejudge as run

    panel, source, lines = panel_from(specs)
    base_dir = Path(source).parent if source != "--judges" else Path.cwd()
    return await run(tournament, panel, database, base_dir, name=name, source=source, lines=lines, listener=listener)


def compare(store: Store, first: str, second: str) -> Comparison:
    """Two tournaments' (or two panels') rankings side by side."""
    from debate.reports.compare import compare_tournaments

    return compare_tournaments(store, first, second)
