"""The Textual UI driven headless with Pilot: screens, live streaming, blind spectating, human scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"

from debate.core import events as ev
from tests.helpers import finished_tournament, query, run_cli, wait_for, write_config

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma", "delta")]


@pytest.fixture(scope="module")
def finished_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished_tournament(tmp_path_factory.mktemp("tui"), CONTESTANTS)



async def test_board_lists_round_and_keys_reach_every_screen(finished_db: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen
    from tui.widgets.live_table import LiveTable

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.query_one(LiveTable).row_count == 2)
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
        # Keys go to the screen that is up: wait for each one, not for a fixed time.
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BoardScreen")
        await pilot.press("s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StandingsScreen")
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 4)
        column = {c.key.value: i for i, c in enumerate(table.ordered_columns)}  # by key: columns come and go
        bar = str(table.get_cell_at((0, column["bar"])))
        assert "●" in bar and "━" in bar
        for row in range(4):  # W-L-T are whole debates (6 each in this round robin); points may be halves
            record = [int(part) for part in str(table.get_cell_at((row, column["W-L-T"]))).split("-")]
            assert sum(record) == 6
            assert float(str(table.get_cell_at((row, column["points"])))) == record[0] + record[2] / 2
        assert "win rate by motion category" in str(app.screen.query_one("#heatmap", Static).render())
        await pilot.press("d")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DrawScreen")
        draw_table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: draw_table.row_count == 2)
        assert "round-robin" in str(draw_table.get_cell_at((0, 3)))
        assert "alpha" in " ".join(str(draw_table.get_cell_at((r, c))) for r in range(2) for c in (1, 2))  # judged: named


async def test_standings_show_ratings_per_criterion(finished_db: Path) -> None:
    from textual.widgets import Static

    from judges.rubric import load_rubric
    from tui.app import DebateApp
    from tui.screens.standings import StandingsScreen

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.3)
        screen = StandingsScreen()
        await app.push_screen(screen)
        await wait_for(pilot, lambda: "rating by rubric criterion" in str(screen.query_one("#criteria", Static).render()))
        text = str(screen.query_one("#criteria", Static).render())
        assert "Argument" in text and "Rebuttal" in text
        rows = [line for line in text.splitlines() if line.split() and line.split()[0] in {c["name"] for c in CONTESTANTS}]
        assert len(rows) == len(CONTESTANTS) and all("±" in row for row in rows), "a rating per criterion with its interval"
        assert len(load_rubric("default").criteria) == len(text.splitlines()[1].split()) == len(rows[0].split()) - 1


@pytest.fixture(scope="module")
def swiss_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished five-contestant Swiss tournament: its draw notes name contestants."""
    folder = tmp_path_factory.mktemp("swiss")
    five = [*CONTESTANTS, {"name": "epsilon", "model": "fake/epsilon", "params": {"words": 12}}]
    config = write_config(folder / "cfg.yaml", name="sw", contestants=five, pairing="swiss", rounds=3)
    result = run_cli("run", str(config), "--quiet")
    assert result.returncode == 0, result.stderr
    return folder / "t.db"


def _unjudge_one(source: Path, target: Path, *, blind: bool) -> tuple[int, str, str]:
    """A copy of `source` whose first debate of the last round is running again (as if its
    verdict were still to come); returns that debate and its two contestants."""
    import json
    import shutil
    import sqlite3

    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        debate_id, prop, opp = conn.execute(
            "select d.id, p.name, o.name from debate d join contestant p on p.id = d.proposition_id "
            "join contestant o on o.id = d.opposition_id order by d.round_number desc, d.id limit 1"
        ).fetchone()
        conn.execute("update debate set status = 'running', winner = null where id = ?", (debate_id,))
        config = json.loads(conn.execute("select config_json from tournament").fetchone()[0])
        config["blind"] = blind
        conn.execute("update tournament set status = 'running', config_json = ?", (json.dumps(config),))
    return debate_id, prop, opp


async def _open_draw(pilot, app):  # type: ignore[no-untyped-def]
    from rich.text import Text
    from textual.widgets import DataTable, Static

    from tui.screens.draw import DrawScreen

    await wait_for(pilot, lambda: app.state.tournament_id is not None)
    screen = DrawScreen()
    await app.push_screen(screen)
    table = screen.query_one(DataTable)
    await wait_for(pilot, lambda: table.row_count == 2)

    def shown() -> tuple[list[list[str]], str]:
        rows = [[Text.from_markup(str(table.get_cell_at((r, c)))).plain for c in range(len(table.columns))] for r in range(table.row_count)]
        return rows, str(screen.query_one("#draw-notes", Static).render())

    return screen, shown


async def test_blind_draw_hides_pairings_until_judged(swiss_db: Path, tmp_path: Path) -> None:
    from tui.app import DebateApp

    debate_id, prop, opp = _unjudge_one(swiss_db, tmp_path / "blind.db", blind=True)
    app = DebateApp(str(tmp_path / "blind.db"), tournament="sw")
    async with app.run_test(size=(160, 48)) as pilot:
        _, shown = await _open_draw(pilot, app)
        rows, notes = shown()
        hidden = next(r for r in rows if r[0] == str(debate_id))
        assert hidden[1:3] == ["hidden until judged", "hidden until judged"]
        assert hidden[3] != "—"  # the reasons stay: flags and bracket
        other = next(r for r in rows if r[0] != str(debate_id))
        assert "hidden" not in other[1] and "hidden" not in other[2]  # its debate is judged
        assert prop not in notes and opp not in notes
        assert f"Proposition #{debate_id}" in notes and f"Opposition #{debate_id}" in notes
        assert "bracket on" in notes and "sides:" in notes
        # the verdict lands from this app's engine (so the store is no longer re-read): the
        # pairing is named at once
        app.runs_here = True
        app.post_event(ev.DebateDone(debate_id=debate_id, winner="proposition", proposition=prop, opposition=opp))
        await wait_for(pilot, lambda: "hidden" not in " ".join(" ".join(r) for r in shown()[0]))
        rows, notes = shown()
        assert [prop, opp] == next(r for r in rows if r[0] == str(debate_id))[1:3]
        assert prop in notes and opp in notes and "#" not in notes


async def test_open_draw_names_every_pairing(swiss_db: Path, tmp_path: Path) -> None:
    from tui.app import DebateApp

    debate_id, prop, opp = _unjudge_one(swiss_db, tmp_path / "open.db", blind=False)
    app = DebateApp(str(tmp_path / "open.db"), tournament="sw")
    async with app.run_test(size=(160, 48)) as pilot:
        _, shown = await _open_draw(pilot, app)
        rows, notes = shown()
        assert not app.state.blind
        assert [prop, opp] == next(r for r in rows if r[0] == str(debate_id))[1:3]
        assert "hidden" not in " ".join(" ".join(r) for r in rows)
        assert prop in notes and opp in notes and "#" not in notes


def test_masking_replaces_names_and_model_ids_of_hidden_debates_only() -> None:
    from tui.state import JUDGED, RUNNING, DebateState, LiveState

    state = LiveState(blind=True, config={"contestants": [{"name": n, "model": f"prov/{n}-v2"} for n in ("alpha", "beta", "gamma", "delta")]})
    running = DebateState(7, 2, "alpha", "beta", "m", RUNNING)
    judged = DebateState(8, 2, "gamma", "delta", "m", JUDGED)
    text = "prov/alpha-v2 failed; alpha-v2 retried; alpha v gamma; alphabet, beta.1 stay; beta."
    assert state.masked(text, [running, judged]) == (
        "Proposition failed; Proposition retried; Proposition v gamma; alphabet, beta.1 stay; Opposition."
    )
    assert state.masked("alpha v beta", [running, judged], tag=True) == "Proposition #7 v Opposition #7"
    state.blind = False
    assert state.masked(text, [running]) == text


def test_masking_does_not_guess_a_side_for_a_shared_model() -> None:
    from tui.state import RUNNING, DebateState, LiveState

    config = {"contestants": [{"name": "calm", "model": "local/qwen"}, {"name": "fiery", "model": "local/qwen"}],
              "judges": [{"name": "judge", "model": "local/qwen"}]}
    state = LiveState(blind=True, config=config)
    debate = DebateState(1, 1, "calm", "fiery", "m", RUNNING)
    assert state.masked("local/qwen timed out; fiery retried", [debate]) == "(a hidden model) timed out; Opposition retried"


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


async def test_board_and_spectator_keep_retry_errors_blind(tmp_path: Path) -> None:
    from textual.widgets import Static

    from tui.app import DebateApp
    from tui.screens.board import BoardScreen
    from tui.screens.spectator import SpectatorScreen
    from tui.widgets.live_table import LiveTable

    app = DebateApp(str(tmp_path / "none.db"), start_engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.state.blind = True
        app.state.config = {"contestants": [{"name": "alpha", "model": "fake/alpha"}, {"name": "beta", "model": "fake/beta"}]}
        board = BoardScreen()
        await app.push_screen(board)
        app.post_event(ev.RoundStarted(round=1, stage="preliminary", debates=1, motion="m"))
        app.post_event(ev.DebateStarted(debate_id=3, round=1, proposition="alpha", opposition="beta", motion="m", resumed_at=0))
        app.post_event(ev.CallRetried(debate_id=3, model="fake/alpha", attempt=1, delay_s=0.1, error="fake/alpha: 500 from alpha"))
        table = board.query_one(LiveTable)
        await wait_for(pilot, lambda: table.row_count == 1 and table.get_row("3")[8] == "1")
        error = table.get_row("3")[9]
        assert "Proposition attempt 1" in error and "alpha" not in error
        assert "alpha" not in str(board.query_one("#board-detail", Static).render())
        spectator = SpectatorScreen(3)
        app.push_screen(spectator)
        await pilot.pause(0.2)
        head = str(spectator.query_one("#spec-head", Static).render())
        assert "retries 1" in head and "alpha" not in head


async def test_spectator_keeps_the_odds_from_before_the_verdict(tmp_path: Path) -> None:
    from textual.widgets import Static

    from tui.app import DebateApp
    from tui.screens.spectator import SpectatorScreen

    app = DebateApp(str(tmp_path / "none.db"), start_engine=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.ratings = {"alpha": 1100.0, "beta": 1000.0}
        app.post_event(ev.RoundStarted(round=1, stage="preliminary", debates=1, motion="m"))
        app.post_event(ev.DebateStarted(debate_id=4, round=1, proposition="alpha", opposition="beta", motion="m", resumed_at=0))
        await pilot.pause(0.2)
        screen = SpectatorScreen(4)
        app.push_screen(screen)
        await pilot.pause(0.2)

        def head() -> str:
            return str(screen.query_one("#spec-head", Static).render())

        assert "before the verdict): proposition 64% · opposition 36%" in head()
        app.ratings = {"alpha": 1000.0, "beta": 1200.0}  # the ratings refit with this debate in them
        app.post_event(ev.DebateDone(debate_id=4, winner="opposition", proposition="alpha", opposition="beta"))
        await pilot.pause(0.3)
        assert "winner: opposition" in head() and "proposition 64% · opposition 36%" in head()


async def test_read_only_spectator_polls_the_store_and_cannot_score(finished_db: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen

    app = DebateApp(str(finished_db), read_only=True, poll_interval=0.2)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.state.debates_done == 12)
        first = app.state
        # Replaced by a later poll (every 0.2 s; a loaded machine may take longer than a fixed pause).
        await wait_for(pilot, lambda: app.state is not first, timeout=10.0)
        await pilot.press("h")
        await pilot.pause(0.2)
        assert isinstance(app.screen, BoardScreen)


async def _score_as(pilot: Any, scorer: str) -> Any:
    """From the board, open the scoring screen (h) and sign in as `scorer`; returns the screen
    once its blind debate is loaded."""
    from tui.screens.scoring import ScoringScreen

    app = pilot.app
    await wait_for(pilot, lambda: type(app.screen).__name__ == "BoardScreen")
    await pilot.press("h")
    await wait_for(pilot, lambda: isinstance(app.screen, ScoringScreen))
    screen = app.screen
    await pilot.press(*scorer, "enter")
    await wait_for(pilot, lambda: screen.blind is not None)
    return screen


async def test_score_a_debate_blind_through_the_ui(finished_db: Path) -> None:
    from textual.widgets import Input, RadioSet, Static

    from judges.rubric import load_rubric
    from tui.app import DebateApp
    from tui.screens.scoring import ReviewScreen

    rubric = load_rubric("default")
    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 60)) as pilot:
        screen = await _score_as(pilot, "ann")
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
    from tui.screens.setup import problems_of, render_yaml, starter_config

    template = render_yaml(starter_config("x.db"))
    assert problems_of(template, "x.yaml") == []
    bad = template.replace("pairing: round-robin", "pairing: swiss")
    assert problems_of(bad, "x.yaml") == ["x.yaml: a swiss tournament needs `rounds`"] or any("rounds" in str(p) for p in problems_of(bad, "x.yaml"))
    assert any(str(p).startswith("x.yaml:") and "unknown setting 'colour'" in str(p) for p in problems_of(template + "colour: red\n", "x.yaml"))


def test_serve_command_starts_the_read_only_spectator() -> None:
    from tui.serve import serve_command

    import shlex

    command = shlex.split(serve_command("t"))
    assert command[-1] == "import os; from tui.app import spectate; spectate(os.environ['DEBATE_SERVE_DATABASE'], 't')"


# --- LiveTable: the board's table, which repaints only the rows that change ------------------


def _table_app(rows: int, size: tuple[int, int] = (60, 12)):  # type: ignore[no-untyped-def]
    """An app holding one LiveTable of `rows` rows; it records the lines the table paints and
    the messages it posts."""
    from textual.app import App, ComposeResult

    from tui.widgets.live_table import LiveTable

    class Recording(LiveTable):
        def __init__(self) -> None:
            super().__init__([("id", "#", None), ("name", "name", None), ("status", "status", 12)], id="t")
            self.painted: list[int] = []

        def render_line(self, y: int):  # type: ignore[no-untyped-def]
            self.painted.append(y)
            return super().render_line(y)

    class TableApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[tuple[str, str]] = []

        def compose(self) -> ComposeResult:
            yield Recording()

        def on_mount(self) -> None:
            self.query_one(LiveTable).set_rows((str(n), (str(n), f"row{n}", "[b cyan]running[/]")) for n in range(rows))

        def on_live_table_row_highlighted(self, message: LiveTable.RowHighlighted) -> None:
            self.messages.append(("highlighted", message.key))

        def on_live_table_row_selected(self, message: LiveTable.RowSelected) -> None:
            self.messages.append(("selected", message.key))

    return TableApp(), size


def _line(table, y: int) -> str:  # type: ignore[no-untyped-def]
    return table.render_line(y).text


async def test_live_table_update_row_repaints_that_row_alone() -> None:
    app, size = _table_app(8)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.1)
        table = app.query_one("#t")
        table.painted.clear()
        renders = table.renders
        table.update_row("5", ("5", "row5", "[b red]failed[/]"))
        await pilot.pause(0.1)
        assert table.painted == [6]  # the header is line 0
        assert table.renders == renders + 1
        assert "failed" in _line(table, 6) and "[" not in _line(table, 6)
        table.painted.clear()
        table.update_row("5", ("5", "row5", "[b red]failed[/]"))  # no change: no paint
        await pilot.pause(0.1)
        assert table.painted == []
        assert table.get_row("5") == ("5", "row5", "[b red]failed[/]")


async def test_live_table_resizes_a_column_to_content_only_when_its_width_changes() -> None:
    app, size = _table_app(4)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.1)
        table = app.query_one("#t")
        assert table.widths == (1, 4, 12)
        table.painted.clear()
        table.update_row("2", ("2", "a much longer name", "waiting"))
        await pilot.pause(0.1)
        assert table.widths == (1, 18, 12)
        assert set(table.painted) >= {0, 1, 2, 3, 4}  # every line moved
        table.painted.clear()
        table.update_row("1", ("1", "row1 longer", "waiting"))  # narrower than the widest: no move
        await pilot.pause(0.1)
        assert table.widths == (1, 18, 12) and table.painted == [2]
        table.update_row("1", ("1", "row1", "waiting"))
        assert "a much longer name" in _line(table, 3)
        table.update_row("2", ("2", "row2", "waiting"))
        await pilot.pause(0.1)
        assert table.widths == (1, 4, 12)
        table.update_row("2", ("2", "a \\[Citation] and a status too long to fit", "x" * 30))
        assert "[Citation]" in _line(table, 3) and _line(table, 3).rstrip().endswith("x…")


async def test_live_table_cursor_keys_and_header_that_stays_on_top() -> None:
    app, size = _table_app(30)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.1)
        table = app.query_one("#t")
        table.focus()
        page = table.scrollable_content_region.height - 1
        await pilot.press("down", "down")
        assert table.cursor_row == 2 and table.cursor_key == "2"
        await pilot.press("end")
        await pilot.pause(0.1)
        assert table.cursor_row == 29 and table.scroll_offset.y == 30 - page
        assert _line(table, 0).split() == ["#", "name", "status"]  # scrolled, the header stays
        assert _line(table, 1).split()[0] == str(30 - page)
        assert _line(table, page).split()[0] == "29"
        await pilot.press("pageup")
        assert table.cursor_row == 29 - page
        await pilot.press("home")
        await pilot.pause(0.1)
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        await pilot.press("pagedown", "up")
        assert table.cursor_row == page - 1
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.messages[:3] == [("highlighted", "0"), ("highlighted", "1"), ("highlighted", "2")]
        assert app.messages[-1] == ("selected", str(page - 1))


async def test_live_table_click_moves_the_cursor_then_selects() -> None:
    app, size = _table_app(5)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.1)
        table = app.query_one("#t")
        await pilot.click("#t", offset=(3, 0))  # the header: nothing
        assert table.cursor_row == 0
        await pilot.click("#t", offset=(3, 4))
        assert table.cursor_row == 3
        assert ("selected", "3") not in app.messages
        await pilot.click("#t", offset=(3, 4))
        await pilot.pause(0.1)
        assert app.messages[-1] == ("selected", "3")


async def test_live_table_crops_when_narrow() -> None:
    app, size = _table_app(3, size=(12, 6))
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.1)
        table = app.query_one("#t")
        width = table.scrollable_content_region.width
        assert table.virtual_size.width > width
        assert all(table.render_line(y).cell_length == width for y in range(4))
        table.scroll_to(x=table.virtual_size.width - width, animate=False)
        await pilot.pause(0.1)
        assert _line(table, 0).strip() == "tatus" and _line(table, 1).strip() == "unning"  # the last 12 cells


def test_a_retried_speech_streams_again_from_its_start_in_the_live_view() -> None:
    from tui.state import LiveState

    state = LiveState()
    state.apply(ev.DebateStarted(debate_id=3, round=1, proposition="alpha", opposition="beta", motion="m", resumed_at=0))
    state.apply(ev.SpeechStarted(debate_id=3, index=1, side="proposition", role="opening", speaker="alpha"))
    state.apply(ev.TextDelta(debate_id=3, index=1, text="half a speech the server cut"))
    state.apply(ev.CallRetried(debate_id=3, model="fake/alpha", attempt=1, delay_s=0.1, error="cut", index=1))
    state.apply(ev.TextDelta(debate_id=3, index=1, text="The whole speech."))
    speech = state.debates[3].speeches[1]
    assert (speech.text, speech.tokens, state.debates[3].retries) == ("The whole speech.", 1, 1)


async def test_navigation_letters_typed_in_the_scoring_form_stay_in_the_form(finished_db: Path) -> None:
    from textual.widgets import RadioSet

    from tui.app import DebateApp

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 60)) as pilot:
        screen = await _score_as(pilot, "ann")
        screen.query_one("#verdict", RadioSet).focus()
        for key in ("b", "s", "d", "e", "q"):
            await pilot.press(key)
            await pilot.pause(0.05)
            assert app.screen is screen and app.is_running, f"{key!r} left the half-filled ballot"


async def test_quitting_while_a_tournament_runs_asks_first_and_stops_it_cleanly(tmp_path: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.confirm_quit import ConfirmQuitScreen

    slow = [{"name": n, "model": f"fake/{n}", "params": {"latency": 0.2, "token_latency": 0.02}} for n in ("alpha", "beta", "gamma")]
    config = write_config(tmp_path / "cfg.yaml", name="live", contestants=slow)
    db = tmp_path / "t.db"
    app = DebateApp(str(db), config_path=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: any(s.text for d in app.state.debates.values() for s in d.speeches.values()), timeout=60)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmQuitScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmQuitScreen))
        assert app.is_running and app.engine_running, "n keeps the tournament running"
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmQuitScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, timeout=30)
    assert query(db, "select status from tournament") == [("stopped",)]
    assert query(db, "select count(*) from debate where status = 'running'") == [(0,)]


async def test_an_earlier_round_shows_its_motion_speeches_and_transcripts(finished_db: Path) -> None:
    from textual.widgets import Static

    from tui.app import DebateApp
    from tui.screens.board import BoardScreen
    from tui.screens.spectator import SpectatorScreen
    from tui.widgets.live_table import LiveTable

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.query_one(LiveTable).row_count == 2)
        board = app.screen
        assert isinstance(board, BoardScreen)
        await pilot.press("[")
        table = board.query_one(LiveTable)
        await wait_for(pilot, lambda: board.round_number == app.state.round - 1 and table.keys and all(table.get_row(k)[6] != "—" for k in table.keys))
        motion = app.state.round_motions[board.round_number]
        assert motion and f"motion {motion}" in str(board.query_one("#board-progress-text", Static).render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SpectatorScreen))
        timeline = app.screen.query_one("#spec-timeline", Static)
        await wait_for(pilot, lambda: "no speech yet" not in str(timeline.render()))
        assert app.screen.query(".speech"), "the transcript of an earlier round's debate is shown"


def test_a_poll_of_the_store_keeps_what_was_loaded_of_other_rounds(finished_db: Path) -> None:
    from debate.api import live_view, open_store, round_plans
    from tui.state import fill_from_plans, keep_loaded, load_snapshot

    store = open_store(str(finished_db))
    try:
        first = load_snapshot(live_view(store, "fixed"))
        earlier = (first.round or 0) - 1
        fill_from_plans(first, round_plans(store, "fixed", earlier))
        again = load_snapshot(live_view(store, "fixed"), first)
        keep_loaded(again, first)
    finally:
        store.close()
    old = [d for d in again.debates.values() if d.round == earlier]
    assert old and all(d.speeches and d.ballots for d in old)


async def test_a_poll_that_read_the_store_before_a_round_loaded_keeps_that_round(finished_db: Path) -> None:
    from debate.api import live_view, round_plans
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen
    from tui.state import load_snapshot

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen))
        earlier = (app.state.round or 0) - 1
        # The order of a race: a poll reads the store, the earlier round lands, the poll lands.
        stale = load_snapshot(live_view(app.store, "fixed"), app.state)
        app.screen._round_loaded(round_plans(app.store, "fixed", earlier))
        assert any(d.speeches for d in app.state.debates.values() if d.round == earlier)
        app._replace_state(stale, first=False, structural=False)
        old = [d for d in app.state.debates.values() if d.round == earlier]
        assert old and all(d.speeches and d.ballots for d in old), "the poll dropped the round just loaded"


async def test_a_poll_that_lands_as_the_app_closes_is_dropped(finished_db: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen

    app = DebateApp(str(finished_db), tournament="fixed")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen))
        state = app.state
    assert not app.screen_stack
    app._replace_state(state, first=False, structural=True)  # raised ScreenStackError: the poll worker failed
    app._announce(set(state.debates), True)
