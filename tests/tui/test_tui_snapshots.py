"""SVG snapshots of the main screens over a fixed fake tournament (no clock, no spinner)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import query, run_cli, write_config

CONTESTANTS = [{"name": n, "model": f"fake/{n}", "params": {"words": 12}} for n in ("alpha", "beta", "gamma", "delta")]


@pytest.fixture(scope="module")
def fixed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("snap")
    config = write_config(folder / "cfg.yaml", name="fixed", contestants=CONTESTANTS)
    assert run_cli("run", str(config), "--quiet").returncode == 0
    return folder / "t.db"


@pytest.fixture(scope="module")
def timed_db(fixed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixed tournament with its measured call latencies replaced by fixed ones.

    Everything else the standings show is a pure function of the seed; latency is the one
    thing measured, so it is set per model (by name, not by row id: rows are stored in the
    order calls finish).
    """
    import shutil
    import sqlite3

    db = tmp_path_factory.mktemp("timed") / "t.db"
    shutil.copy(fixed_db, db)
    models = [m for (m,) in query(db, "select distinct model from model_call order by model")]
    with sqlite3.connect(db) as conn:
        for n, model in enumerate(models):
            conn.execute("update model_call set latency_s = ? where model = ?", (0.2 + 0.15 * n, model))
    return db


def _app(db: Path):  # type: ignore[no-untyped-def]
    from tui.app import DebateApp

    return DebateApp(str(db), tournament="fixed")


async def _settle(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    # Wait for the screen each key leads to, not a fixed time: on a busy machine the board
    # can take longer than any pause to mount, and a key pressed before it is lost.
    await _screen(pilot, "BoardScreen")
    targets = {"d": "DrawScreen", "s": "StandingsScreen", "enter": "SpectatorScreen", "h": "ScoringScreen", "question_mark": "HelpScreen"}
    for key in keys:
        await pilot.press(key)
        await _screen(pilot, targets[key])
    await _loaded(pilot)
    await pilot.pause(0.8)
    for widget in pilot.app.screen.query("*"):
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False


async def _loaded(pilot, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Until the screen's own loading workers are done: a busy machine can take longer than
    any fixed pause to read the standings, and the picture would show "loading"."""
    for _ in range(int(timeout / 0.1)):
        if not any(w.is_running and w.node is pilot.app.screen for w in pilot.app.workers):
            return
        await pilot.pause(0.1)
    raise AssertionError(f"{type(pilot.app.screen).__name__} still loading after {timeout:g} s")


async def _screen(pilot, name: str, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.1)):
        if type(pilot.app.screen).__name__ == name:
            await pilot.pause(0.3)
            return
        await pilot.pause(0.1)
    raise AssertionError(f"{name} did not open within {timeout:g} s (on {type(pilot.app.screen).__name__})")


def test_board_snapshot(snap_compare, fixed_db: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(fixed_db), terminal_size=(150, 30), run_before=lambda pilot: _settle(pilot))


def test_spectator_snapshot(snap_compare, fixed_db: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(fixed_db), terminal_size=(150, 40), run_before=lambda pilot: _settle(pilot, "enter"))


def test_draw_snapshot(snap_compare, fixed_db: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(fixed_db), terminal_size=(120, 24), run_before=lambda pilot: _settle(pilot, "d"))


def test_standings_snapshot(snap_compare, timed_db: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(timed_db), terminal_size=(150, 36), run_before=lambda pilot: _settle(pilot, "s"))


# Every screen must be usable on the smallest common terminal and use the room of a large one.
SIZES = [(80, 24), (160, 45)]
SCREEN_KEYS = {
    "board": (), "spectator": ("enter",), "draw": ("d",), "standings": ("s",), "score": ("h",), "help": ("question_mark",),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREEN_KEYS))
def test_every_screen_at_small_and_large_sizes(snap_compare, timed_db: Path, screen: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(timed_db), terminal_size=size, run_before=lambda pilot: _settle(pilot, *SCREEN_KEYS[screen]))
