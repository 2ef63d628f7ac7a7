"""The standings screen shows the caveats in a banner at the top, visible at 80x24 with the
table still on screen, and no banner when nothing is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from debate.store import DebateUpdate, Store
from tests.helpers import finished_tournament, wait_for

pytestmark = pytest.mark.anyio

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma")]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def lopsided_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = finished_tournament(tmp_path_factory.mktemp("tui-caveats"), CONTESTANTS)
    store = Store(str(db))
    try:
        tid = store.find_tournament().id or 0
        store.write([DebateUpdate(debate_id=d.id, status="judged", winner="proposition") for d in store.debates(tid) if d.status == "judged"])
    finally:
        store.close()
    return db


def _standings(db: Path):  # type: ignore[no-untyped-def]
    from tui.app import DebateApp
    from tui.screens.standings import StandingsScreen

    app = DebateApp(str(db), tournament="fixed")
    screen = StandingsScreen()
    return app, screen


async def test_the_banner_shows_the_caveats_above_the_table_at_80x24(lopsided_db: Path) -> None:
    from textual.widgets import DataTable, Static

    app, screen = _standings(lopsided_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await app.push_screen(screen)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        await pilot.pause(0.2)
        banner = screen.query_one("#caveats-box")
        text = str(screen.query_one("#standings-caveats", Static).render())
        assert banner.display and "Not a meaningful ranking:" in text and "The proposition won all" in text
        assert "caveats" in banner.classes
        # On screen, at the top, and the table's first rows still visible below it.
        assert banner.region.height >= 3 and banner.region.y <= 2
        assert table.region.y >= banner.region.bottom and table.region.y + 3 <= 24


async def test_no_banner_when_nothing_is_wrong(lopsided_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import DataTable

    import debate.reports.standings as standings_module

    monkeypatch.setattr(standings_module, "tournament_caveats", lambda *args: [])
    app, screen = _standings(lopsided_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await app.push_screen(screen)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        assert not screen.query_one("#caveats-box").display


async def test_rank_ranges_show_and_the_pairs_and_rounds_are_a_key_away_at_80x24(lopsided_db: Path) -> None:
    import re

    from textual.widgets import DataTable, Static

    app, screen = _standings(lopsided_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await app.push_screen(screen)
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        ranks = [str(table.get_cell(name, "ranks")) for name in ("alpha", "beta", "gamma")]
        assert all(re.fullmatch(r"[1-3](–[1-3])?", r) for r in ranks), ranks
        pairs = str(screen.query_one("#pairs", Static).render())
        assert "observed win % / predicted %" in pairs and all(name in pairs for name in ("alpha", "beta", "gamma"))
        box = screen.query_one("#heatmap-box")
        for key, section in (("o", "#rounds"), ("p", "#pairs")):
            await pilot.press(key)
            await pilot.pause(0.2)
            # The section's first line is now inside the lower pane, which has the keys to scroll on.
            top = screen.query_one(section).region.y
            assert box.region.y <= top < box.region.bottom and box.has_focus
        assert "rating after each round" in str(screen.query_one("#rounds", Static).render())
