"""Someone who may read a finished tournament's database but not write it, nor its folder, can
still read it with every read-only command, and the folder stays exactly as it was.

File permissions do not bind root, and these tests often run as root: there each command runs
under `setpriv` without the capabilities that let root ignore them (DAC override, DAC read
search, file owner), so the kernel enforces the modes as for anyone else."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.helpers import DEBATE, finished_tournament

UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"] if os.geteuid() == 0 else []
pytestmark = pytest.mark.skipif(bool(UNPRIVILEGED) and shutil.which("setpriv") is None, reason="running as root without setpriv")


SPECTATOR = """
import sys
from debate import api
with api.opened(sys.argv[1], read_only=True) as store:
    view = api.live_view(store)
    print(view.tournament.name, len(view.debates))
"""


def as_reader(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*UNPRIVILEGED, *args], capture_output=True, text=True, timeout=120)


def debate(*args: str) -> subprocess.CompletedProcess[str]:
    return as_reader(*DEBATE, *args)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished_tournament(tmp_path_factory.mktemp("ro"), [{"name": n, "model": f"fake/{n}"} for n in ("alpha", "beta")])


@pytest.fixture
def locked(finished: Path) -> Iterator[Path]:
    """The finished database, read-only in a read-only folder, for the length of one test."""
    folder = finished.parent
    files = list(folder.iterdir())
    for path in files:
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(0o555)
    try:
        assert as_reader("touch", str(folder / "probe")).returncode != 0, "the reader can still write the folder"
        yield finished
    finally:
        folder.chmod(0o755)
        for path in folder.iterdir():
            path.chmod(0o644)


def test_every_read_only_command_works_on_a_read_only_database_in_a_read_only_folder(locked: Path, tmp_path: Path) -> None:
    assert not Path(f"{locked}-wal").exists()  # checkpointed when the run closed: the hard case
    before = snapshot(locked.parent)
    db = ["--db", str(locked)]
    runs = {
        "standings": debate("standings", *db),
        "debates": debate("debates", *db),
        "show": debate("show", "1", *db),
        "tournaments": debate("tournaments", *db),
        "draw": debate("draw", "1", *db),
        "export": debate("export", "--format", "json", "--out", str(tmp_path / "card.json"), *db),
        # What a spectator's app polls, through the store it opens.
        "spectate": as_reader(sys.executable, "-c", SPECTATOR, str(locked)),
    }
    for name, result in runs.items():
        assert result.returncode == 0, (name, result.stderr)
    assert "alpha" in runs["standings"].stdout and "Debate 1" in runs["show"].stdout
    assert runs["spectate"].stdout.split() == ["fixed", "2"]
    assert json.loads((tmp_path / "card.json").read_text())["debates"]
    assert snapshot(locked.parent) == before  # nothing written, not even a -shm


def test_a_reader_sees_a_live_writer_through_its_shared_memory(locked: Path) -> None:
    # The writer (the tournament's owner) may write; the reader may not. The writer's -wal and
    # -shm exist while it works, and the reader must see what it commits.
    locked.parent.chmod(0o755)
    locked.chmod(0o644)
    with closing(sqlite3.connect(locked, isolation_level=None)) as writer:
        (status,) = writer.execute("SELECT status FROM tournament").fetchone()
        writer.execute("UPDATE tournament SET status = 'paused'")
        for path in locked.parent.iterdir():
            path.chmod(0o444 if path.name.endswith(("-wal", "-shm")) else path.stat().st_mode)
        locked.parent.chmod(0o555)
        try:
            assert Path(f"{locked}-wal").exists()
            shown = debate("tournaments", "--db", str(locked), "--format", "json")
            assert shown.returncode == 0, shown.stderr
            assert [t["status"] for t in json.loads(shown.stdout)] == ["paused"]
        finally:
            locked.parent.chmod(0o755)
            for path in locked.parent.iterdir():
                path.chmod(0o644)
            writer.execute("UPDATE tournament SET status = ?", (status,))
