"""A contestant that never lost has no finite rating: every face shows it "above all" with its
one finite bound, never a placement number or an infinity (JSON has no Infinity)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import finished_tournament, run_cli, wait_for

@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


FIELD = [{"name": name, "model": f"fake/{name}", "params": {"latency": 0, "words": 30}} for name in ("alpha", "beta", "gamma")]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished_tournament(tmp_path_factory.mktemp("unbeaten"), FIELD, name="unbeaten", rounds=2)


def _no_infinity(constant: str) -> None:
    raise AssertionError(f"standings JSON holds {constant}")


def test_the_json_names_the_placement_and_holds_no_infinity(database: Path) -> None:
    done = run_cli("standings", "--db", str(database), "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout, parse_constant=_no_infinity)["rows"]
    apart = [r for r in rows if r["no_estimate"] is not None]
    assert apart, f"the fake tournament was meant to leave someone unbeaten or winless: {rows}"
    for r in apart:
        assert r["rating"] is None
        open_end, bound = ("rating_upper", "rating_lower") if r["no_estimate"] == "above" else ("rating_lower", "rating_upper")
        assert r[open_end] is None and isinstance(r[bound], float)
    rated = [r for r in rows if r["no_estimate"] is None and r["rating"] is not None]
    assert all(r["rating_lower"] < r["rating"] < r["rating_upper"] for r in rated)


def test_the_table_says_above_or_below_all(database: Path) -> None:
    done = run_cli("standings", "--db", str(database))
    rows = json.loads(run_cli("standings", "--db", str(database), "--format", "json").stdout)["rows"]
    for r in (r for r in rows if r["no_estimate"]):
        line = next(line for line in done.stdout.splitlines() if f" {r['name']} " in line)
        assert f"{r['no_estimate']} all (" in line


@pytest.mark.anyio
async def test_the_tui_standings_show_the_placement(database: Path) -> None:
    from textual.widgets import DataTable

    from tui.app import DebateApp
    from tui.screens.standings import StandingsScreen

    rows = json.loads(run_cli("standings", "--db", str(database), "--format", "json").stdout)["rows"]
    apart = next(r for r in rows if r["no_estimate"])
    app = DebateApp(str(database), read_only=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BoardScreen")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, StandingsScreen) and app.screen.query_one(DataTable).row_count == 3)
        table = app.screen.query_one(DataTable)
        cells = [str(c) for c in table.get_row(apart["name"])]
        assert f"{apart['no_estimate']} all" in cells
        assert any(c.startswith(("≥", "≤")) for c in cells)
