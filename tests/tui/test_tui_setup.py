"""The Setup screen driven with Pilot: a form validated as you type with the CLI's messages,
kept in step with its YAML, saved, opened from a file, and run from the app."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.helpers import query, run_cli, wait_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


FAKE_FIELD = {
    "name": "from-file",
    "contestants": [
        {"name": "alpha", "model": "fake/alpha", "persona": "Terse.", "params": {"words": 10}},
        {"name": "beta", "model": "fake/beta", "params": {"words": 10}},
    ],
    "judges": [{"name": "judge", "model": "fake/judge"}],
    "motions": ["demo"],
    "format": "quick",
}


async def open_setup(pilot, app) -> object:  # type: ignore[no-untyped-def]
    from tui.screens.setup import SetupScreen

    await pilot.pause(0.2)
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
    # Let the form finish mounting (its tabs settle a moment after the screen is shown), or
    # the first keys typed and tab switches race it.
    await wait_for(pilot, lambda: getattr(app.screen.focused, "id", None) == "f-name")
    await pilot.pause(0.3)
    return app.screen


def row(screen, index: int, field: str):  # type: ignore[no-untyped-def]
    from tui.widgets.model_list import ModelList

    return screen.query_one("#f-contestants", ModelList).rows()[index].inputs()[field]



async def type_into(pilot, screen, target, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text` into an Input (a selector or the widget) key by key, as a person would."""
    from textual.widgets import Input

    field = screen.query_one(target, Input) if isinstance(target, str) else target
    field.focus()
    field.value = ""
    await pilot.press(*list(text))
    await pilot.pause(0.1)


async def test_new_form_starts_valid_on_local_models_and_marks_the_field_a_problem_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.app import DebateApp

    monkeypatch.chdir(tmp_path)
    app = DebateApp(str(tmp_path / "t.db"))
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_setup(pilot, app)
        assert screen.problems == []
        models = {c["model"] for c in screen.data["contestants"]}
        assert models and all(m.startswith("local/") for m in models)  # runs with no key and no network
        from textual.widgets import Input

        assert screen.query_one("#f-concurrency", Input).value == "16"  # a setting left out shows what a run uses

        await type_into(pilot, screen, "#f-rounds", "0")
        assert len(screen.problems) == 1 and "rounds: Input should be greater than or equal to 1" in str(screen.problems[0])
        assert [w.id for w in screen.query(".bad")] == ["f-rounds"]

        await type_into(pilot, screen, "#f-rounds", "2")
        assert screen.problems == [] and not screen.query(".bad")
        assert yaml.safe_load(screen.text)["rounds"] == 2


async def test_problems_are_the_ones_debate_run_prints_for_the_same_file(tmp_path: Path) -> None:
    from tui.app import DebateApp
    from tui.widgets.model_list import ModelList

    app = DebateApp(str(tmp_path / "t.db"))
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_setup(pilot, app)
        await type_into(pilot, screen, "#setup-path", str(tmp_path / "mine.yaml"))
        rows = screen.query_one("#f-contestants", ModelList).rows()
        await type_into(pilot, screen, row(screen, 1, "name"), "qwen-measured")  # a duplicate
        await type_into(pilot, screen, "#f-motion-files", "missing.yaml")
        assert len(rows) == 3
        assert any("two contestants are named 'qwen-measured'" in str(p) for p in screen.problems)

        # The same text through the CLI: the same lines, file and line numbers included.
        path = tmp_path / "mine.yaml"
        path.write_text(screen.text, encoding="utf-8")
        result = run_cli("run", str(path))
        assert result.returncode == 2
        for problem in screen.problems:
            assert str(problem) in result.stderr

        await type_into(pilot, screen, row(screen, 1, "name"), "qwen-other")
        assert any("missing.yaml: motion set file not found" in str(p) for p in screen.problems)
        assert screen.query_one("#f-motions").has_class("bad")
        path.write_text("sentinel\n", encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert path.read_text(encoding="utf-8") == "sentinel\n"  # a config with problems is not saved
        await type_into(pilot, screen, "#f-motion-files", "")
        assert screen.problems == []


async def test_rows_added_and_removed_with_the_mouse_keep_settings_the_form_does_not_show(tmp_path: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.setup import SetupScreen
    from tui.widgets.model_list import ModelList

    config = tmp_path / "field.yaml"
    config.write_text("# my field\n" + yaml.safe_dump(FAKE_FIELD, sort_keys=False), encoding="utf-8")
    app = DebateApp(str(tmp_path / "t.db"))
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.2)
        await app.push_screen(SetupScreen(config, database=str(tmp_path / "t.db")))
        await pilot.pause(0.3)
        screen = app.screen
        assert screen.text.startswith("# my field")  # nothing changed yet: the file as written
        contestants = screen.query_one("#f-contestants", ModelList)

        await pilot.click("#f-contestants .row-add")
        await pilot.pause(0.3)
        assert [e["name"] for e in yaml.safe_load(screen.text)["contestants"]] == ["alpha", "beta", "contestant3"]

        await type_into(pilot, screen, row(screen, 0, "name"), "alpha2")
        first = yaml.safe_load(screen.text)["contestants"][0]
        assert first == {"name": "alpha2", "model": "fake/alpha", "persona": "Terse.", "params": {"words": 10}}

        await pilot.click(contestants.rows()[1].query_one(".row-remove"))
        await pilot.pause(0.3)
        assert [e["name"] for e in yaml.safe_load(screen.text)["contestants"]] == ["alpha2", "contestant3"]
        assert len(contestants.rows()) == 2
        assert screen.problems == []


async def test_yaml_tab_edits_show_in_the_form_and_the_arena_gets_a_budget(tmp_path: Path) -> None:
    from textual.widgets import Input, Select, TabbedContent, TextArea

    from tui.app import DebateApp

    app = DebateApp(str(tmp_path / "t.db"))
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_setup(pilot, app)
        screen.query_one(TabbedContent).active = "tab-yaml"
        await pilot.pause(0.2)
        text = screen.query_one(TextArea)
        text.text = text.text.replace("name: my-tournament", "name: renamed\nrounds: 3").replace("pairing: round-robin", "pairing: swiss")
        # The YAML is parsed on a debounce: wait for it (a fixed pause is too short on a loaded machine).
        await wait_for(pilot, lambda: yaml.safe_load(screen.text).get("name") == "renamed")
        assert screen.problems == []
        screen.query_one(TabbedContent).active = "tab-form"
        await wait_for(pilot, lambda: screen.query_one("#f-name", Input).value == "renamed")
        assert screen.query_one("#f-rounds", Input).value == "3"
        assert screen.query_one("#f-pairing", Select).value == "swiss"

        screen.query_one("#f-pairing", Select).value = "arena"
        await wait_for(pilot, lambda: yaml.safe_load(screen.text).get("pairing") == "arena")
        data = yaml.safe_load(screen.text)
        assert data["pairing"] == "arena" and data["arena"]["max_debates"] > 0
        assert screen.problems == []
        screen.query_one("#f-pairing", Select).value = "round-robin"
        await wait_for(pilot, lambda: yaml.safe_load(screen.text).get("pairing") == "round-robin")
        assert "arena" not in yaml.safe_load(screen.text)

        text.text = "name: [unclosed\n"
        await wait_for(pilot, lambda: bool(screen.problems))
        assert screen.problems and "invalid YAML" in str(screen.problems[0])


async def test_open_a_config_file_then_save_and_run_it_from_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    from tui.app import DebateApp
    from tui.screens.board import BoardScreen
    from tui.screens.open_config import OpenConfigScreen
    from tui.screens.setup import SetupScreen
    from tui.widgets.live_table import LiveTable

    monkeypatch.chdir(tmp_path)
    config = tmp_path / "field.toml"
    config.write_text('name = "from-file"\nmotions = ["demo"]\n'
                      '[[contestants]]\nname = "alpha"\nmodel = "fake/alpha"\nparams = {words = 8}\n'
                      '[[contestants]]\nname = "beta"\nmodel = "fake/beta"\nparams = {words = 8}\n'
                      '[[judges]]\nname = "judge"\nmodel = "fake/judge"\n', encoding="utf-8")
    app = DebateApp(str(tmp_path / "home.db"))
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OpenConfigScreen))
        await pilot.press(*"nothere.yaml", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, OpenConfigScreen)
        assert "no such file" in str(app.screen.query_one("#open-problem").render())
        app.screen.query_one("#open-path", Input).value = str(config)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
        screen = app.screen
        assert screen.query_one("#f-name", Input).value == "from-file"
        assert screen.query_one("#setup-path", Input).value == str(tmp_path / "field.yaml")  # TOML in, YAML out
        assert screen.problems == []

        await type_into(pilot, screen, "#f-database", str(tmp_path / "run.db"))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen))
        await wait_for(pilot, lambda: app.state.finished, timeout=60)
        assert app.screen.query_one(LiveTable).row_count == 1
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["HomeScreen", "BoardScreen"]

    saved = yaml.safe_load((tmp_path / "field.yaml").read_text(encoding="utf-8"))
    assert saved["database"] == str(tmp_path / "run.db")
    rows = query(tmp_path / "run.db", "SELECT t.name, count(d.id) FROM tournament t JOIN debate d ON d.tournament_id = t.id "
                                      "WHERE d.status = 'judged' GROUP BY t.name")
    assert rows == [("from-file", 2)]


async def test_saving_over_another_file_asks_first_and_a_spectator_cannot_set_up(tmp_path: Path, finished_store: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.setup import SetupScreen

    other = tmp_path / "other.yaml"
    other.write_text("keep: me\n", encoding="utf-8")
    app = DebateApp(str(tmp_path / "t.db"))
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_setup(pilot, app)
        await type_into(pilot, screen, "#setup-path", str(other))
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert other.read_text(encoding="utf-8") == "keep: me\n"
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert yaml.safe_load(other.read_text(encoding="utf-8"))["name"] == "my-tournament"

    spectator = DebateApp(str(finished_store), read_only=True)
    async with spectator.run_test(size=(140, 50)) as pilot:
        # The board comes over home once the store is read (a worker): wait for it, then leave it.
        for _ in range(100):
            if type(spectator.screen).__name__ == "BoardScreen":
                break
            await pilot.pause(0.1)
        assert type(spectator.screen).__name__ == "BoardScreen"
        # Let the board finish mounting first: Textual's Header, popped while its title watchers
        # are still being set up, raises NoMatches (HeaderTitle) from inside the app.
        await pilot.pause(0.5)
        spectator.pop_screen()
        await pilot.pause(0.1)
        for key in ("n", "o"):
            await pilot.press(key)
            await pilot.pause(0.2)
            assert not isinstance(spectator.screen, SetupScreen)
            assert type(spectator.screen).__name__ == "HomeScreen"


@pytest.fixture(scope="module")
def finished_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.helpers import write_config

    folder = tmp_path_factory.mktemp("setup")
    config = write_config(folder / "cfg.yaml", name="done", contestants=FAKE_FIELD["contestants"])
    assert run_cli("run", str(config), "--quiet").returncode == 0
    return folder / "t.db"


def test_setup_snapshot(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from tui.app import DebateApp

    monkeypatch.chdir(tmp_path)

    async def new_with_a_problem(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = await open_setup(pilot, pilot.app)
        await type_into(pilot, screen, "#f-rounds", "0")
        screen.query_one("#f-rounds").blur()
        await pilot.pause(0.3)

    assert snap_compare(DebateApp("debate.db"), terminal_size=(130, 42), run_before=new_with_a_problem)


async def test_open_latest_shows_the_newest_tournament_over_home(finished_store: Path, tmp_path: Path) -> None:
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen
    from tui.widgets.live_table import LiveTable

    app = DebateApp(str(finished_store), open_latest=True)
    async with app.run_test(size=(140, 50)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen.query_one(LiveTable).row_count > 0)
        assert app.tournament == "done"
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "HomeScreen"

    empty = DebateApp(str(tmp_path / "nothing.db"), open_latest=True)
    async with empty.run_test(size=(140, 50)) as pilot:
        title = empty.screen.query_one("#home-title")
        await wait_for(pilot, lambda: "No tournaments yet" in str(title.render()))
        assert type(empty.screen).__name__ == "HomeScreen"  # nothing to open: home says what to do
        shown = str(title.render())
        assert "Press n to set up a new tournament" in shown and "nothing.db will be created" in shown
        assert "no database" not in shown, "a fresh folder is a first step, not an error"


async def test_odd_input_is_reported_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input, TabbedContent, TextArea

    from tui.app import DebateApp

    monkeypatch.chdir(tmp_path)
    app = DebateApp(str(tmp_path / "t.db"))
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_setup(pilot, app)
        screen.query_one("#f-rounds", Input).value = "9" * 5000  # pasted: past int()'s digit limit
        await pilot.pause(0.3)
        assert any("rounds: Input should be less than or equal to 10000" in str(p) for p in screen.problems)
        await type_into(pilot, screen, "#f-rounds", "")

        screen.query_one(TabbedContent).active = "tab-yaml"
        await pilot.pause(0.2)
        text = screen.query_one(TextArea)
        for bad, says in (("seed: 2024-02-30\n", "invalid YAML"), ("motions: 5\n", "motions")):
            text.text = render_with(screen, bad)
            await pilot.pause(0.3)
            assert any(says in str(p) for p in screen.problems), screen.problems
            screen.query_one(TabbedContent).active = "tab-form"  # the form shows what it can
            await pilot.pause(0.4)
            screen.query_one(TabbedContent).active = "tab-yaml"
            await pilot.pause(0.2)
        assert "motions: 5" in screen.text  # kept as written for the YAML tab to fix

        text.text = render_with(screen, "")
        await pilot.pause(0.3)
        screen.query_one("#setup-path", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert list(tmp_path.iterdir()) == []  # nothing written without a .yaml name


def render_with(screen, extra: str) -> str:  # type: ignore[no-untyped-def]
    from tui.screens.setup import render_yaml, starter_config

    data = starter_config("t.db")
    return render_yaml(data) + extra


async def test_f2_switches_between_form_and_yaml_and_the_yaml_is_block_style(tmp_path: Path) -> None:
    from textual.widgets import Input, TabbedContent, TextArea

    from tui.app import DebateApp

    app = DebateApp(str(tmp_path / "open.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot, app)
        tabs = screen.query_one(TabbedContent)
        screen.query_one("#f-name", Input).focus()
        await pilot.press("f2")
        await wait_for(pilot, lambda: tabs.active == "tab-yaml" and screen.query_one(TextArea).has_focus)
        await pilot.press("f2")
        await wait_for(pilot, lambda: tabs.active == "tab-form")
        assert yaml.safe_load(screen.text)["database"] == str(tmp_path / "open.db"), "a new config uses the database that is open"
        flow = [line for line in screen.text.splitlines() if line.rstrip().endswith(("]", "}")) and ("[" in line or "{" in line)]
        assert flow == [], f"lists and mappings in flow style: {flow}"
