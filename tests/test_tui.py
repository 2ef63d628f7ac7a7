"""The Textual UI driven headless with Pilot: screens, live streaming, blind spectating, human scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"

from debate import events as ev
from tests.helpers import query, run_cli, write_config

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma", "delta")]


@pytest.fixture(scope="module")
def finished_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tui")
    config = write_config(folder / "cfg.yaml", name="fixed", contestants=CONTESTANTS)
    result = run_cli("run", str(config), "--quiet")
    assert result.returncode == 0, result.stderr
    return folder / "t.db"


async def wait_for(pilot, condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    waited = 0.0
    while not condition():
        await pilot.pause(0.1)
        waited += 0.1
        assert waited < timeout, "condition never became true"


async def test_board_lists_round_and_keys_reach_every_screen(finished_db: Path) -> None:
    from textual.widgets import DataTable

    from tui.app import DebateApp
    from tui.screens.board import BoardScreen

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.query_one(DataTable).row_count == 2)
        assert app.state.finished and app.state.debates_done == 12
        visited = []
        for key in ("enter", "escape", "s", "escape", "d", "escape", "h", "escape", "e", "escape", "question_mark", "escape"):
            await pilot.press(key)
            await pilot.pause(0.2)
            visited.append(type(app.screen).__name__)
        assert visited == ["SpectatorScreen", "BoardScreen", "StandingsScreen", "BoardScreen", "DrawScreen", "BoardScreen",
                           "ScoringScreen", "BoardScreen", "ExportScreen", "BoardScreen", "HelpScreen", "BoardScreen"]
        await pilot.press("[")
        await pilot.pause(0.1)
        assert app.screen.round_number == app.state.round - 1  # type: ignore[attr-defined]


async def test_standings_and_draw_show_the_store(finished_db: Path) -> None:
    from textual.widgets import DataTable, Static

    from tui.app import DebateApp

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.5)
        await pilot.press("s")
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 4)
        bar = str(table.get_cell_at((0, 5)))
        assert "●" in bar and "━" in bar
        assert "win rate by motion category" in str(app.screen.query_one("#heatmap", Static).render())
        await pilot.press("d")
        draw_table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: draw_table.row_count == 2)
        assert "round-robin" in str(draw_table.get_cell_at((0, 2)))


async def test_live_tournament_streams_into_the_board(tmp_path: Path) -> None:
    from tui.app import DebateApp
    from tui.state import JUDGED

    config = write_config(tmp_path / "cfg.yaml", name="live", contestants=CONTESTANTS[:3])
    seen_text: list[str] = []
    app = DebateApp(str(tmp_path / "t.db"), config_path=config)
    async with app.run_test(size=(160, 48)) as pilot:
        def progressed() -> bool:
            for d in app.state.debates.values():
                for s in d.speeches.values():
                    if s.text:
                        seen_text.append(s.text)
            return app.state.finished
        await wait_for(pilot, progressed, timeout=40)
        assert seen_text, "no streamed text reached the state"
        assert app.state.debates_done == 6 and all(d.status == JUDGED for d in app.state.debates.values())
        assert app.engine_error is None
    assert query(tmp_path / "t.db", "select count(*) from debate where status='judged'") == [(6,)]


async def test_spectator_hides_names_until_judged_when_blind(tmp_path: Path) -> None:
    from textual.widgets import Static

    from tui.app import DebateApp
    from tui.screens.spectator import SpectatorScreen

    app = DebateApp(str(tmp_path / "none.db"), start_engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.state.blind = True
        app.post_event(ev.RoundStarted(round=1, stage="preliminary", debates=1, motion="m"))
        app.post_event(ev.DebateStarted(debate_id=7, round=1, proposition="alpha", opposition="beta", motion="m", resumed_at=0))
        app.post_event(ev.SpeechStarted(debate_id=7, index=0, side="proposition", role="opening", speaker="alpha"))
        app.post_event(ev.TextDelta(debate_id=7, index=0, text="We stand for liberty"))
        await pilot.pause(0.2)
        app.push_screen(SpectatorScreen(7))
        await pilot.pause(0.3)

        def shown() -> str:
            return " ".join(str(w.render()) for w in app.screen.query(Static))

        assert "We stand for liberty" in shown()
        assert "alpha" not in shown() and "beta" not in shown()
        app.post_event(ev.TextDelta(debate_id=7, index=0, text=" and more"))
        app.post_event(ev.VerdictRecorded(debate_id=7, judge="judge", winner="proposition", reason="clearer case"))
        app.post_event(ev.DebateDone(debate_id=7, winner="proposition", proposition="alpha", opposition="beta"))
        await pilot.pause(0.3)
        assert "liberty and more" in shown() and "clearer case" in shown()
        assert "alpha" in shown() and "beta" in shown()


async def test_read_only_spectator_polls_the_store_and_cannot_score(finished_db: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen

    app = DebateApp(str(finished_db), read_only=True, poll_interval=0.2)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.state.debates_done == 12)
        first = app.state
        await pilot.pause(0.5)
        assert app.state is not first  # replaced by a later poll
        await pilot.press("h")
        await pilot.pause(0.2)
        assert isinstance(app.screen, BoardScreen)


async def test_score_a_debate_blind_through_the_ui(finished_db: Path) -> None:
    from textual.widgets import Input, RadioSet, Static

    from judges.rubric import load_rubric
    from tui.app import DebateApp
    from tui.screens.scoring import ReviewScreen, ScoringScreen

    rubric = load_rubric("default")
    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause(0.5)
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        await pilot.press(*"ann", "enter")
        await wait_for(pilot, lambda: screen.blind is not None)
        text = " ".join(str(w.render()) for w in screen.query(Static))
        for name in ("alpha", "beta", "gamma", "delta"):
            assert f"fake/{name}" not in text
        for _ in rubric.criteria:
            await pilot.press("4", "enter", "3", "enter")
        verdict = screen.query_one("#verdict", RadioSet)
        assert verdict.has_focus
        await pilot.press("down", "enter")  # the first arrow lands on proposition_clearly; down: slightly
        pressed = verdict.pressed_button
        assert pressed is not None and pressed.name in ("proposition_clearly", "proposition_slightly")
        screen.query_one("#reason", Input).focus()
        await pilot.press(*"Sharper rebuttal", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: query(finished_db, "select count(*) from ballot where kind='human'") == [(1,)])
        row = query(finished_db, "select judge, verdict, reason from ballot where kind='human'")[0]
        assert row[0] == "ann" and row[1] == pressed.name and row[2] == "Sharper rebuttal"
        await wait_for(pilot, lambda: "scored 1 of" in str(screen.query_one("#score-head", Static).render()))


async def test_review_refuses_an_incomplete_ballot(finished_db: Path) -> None:
    from textual.widgets import Static

    from tui.app import DebateApp
    from tui.screens.scoring import ScoringScreen

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause(0.3)
        screen = ScoringScreen("bob")
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.blind is not None)
        await pilot.pause(0.3)
        assert app.screen is screen, "the store's first load must not push the board over a screen the user opened"
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ScoringScreen)
        assert "choose a verdict" in str(app.screen.query_one("#score-problems", Static).render())


def test_setup_validates_with_the_cli_messages() -> None:
    from tui.screens.setup import TEMPLATE, problems_of

    assert problems_of(TEMPLATE, "x.yaml") == []
    bad = TEMPLATE.replace("pairing: round-robin", "pairing: swiss")
    assert problems_of(bad, "x.yaml") == ["x.yaml: a swiss tournament needs `rounds`"] or any("rounds" in p for p in problems_of(bad, "x.yaml"))
    assert any(p.startswith("x.yaml:") and "unknown setting 'colour'" in p for p in problems_of(TEMPLATE + "colour: red\n", "x.yaml"))


def test_serve_command_starts_the_read_only_spectator() -> None:
    from tui.serve import serve_command

    import shlex

    command = shlex.split(serve_command("/tmp/x.db", "t"))
    assert command[-1] == "from tui.app import spectate; spectate('/tmp/x.db', 't')"
