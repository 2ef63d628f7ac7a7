"""Files that are not our database, given as --db: a clear message naming the file and what is
wrong, exit code 2, no traceback, and the file (and its folder) exactly as they were."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from debate.core.errors import StoreError
from debate.store import Store
from tests.helpers import finished_tournament, run_cli, write_config


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished_tournament(tmp_path_factory.mktemp("ours"), [{"name": n, "model": f"fake/{n}"} for n in ("alpha", "beta")])


def text_file(path: Path, _ours: Path) -> None:
    path.write_text("name,score\nalpha,3\n", encoding="utf-8")


def png_image(path: Path, _ours: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)


def truncated(path: Path, ours: Path) -> None:
    path.write_bytes(ours.read_bytes()[: ours.stat().st_size // 2])


def corrupt(path: Path, ours: Path) -> None:
    # The header stays valid; the schema page after it is garbage.
    data = bytearray(ours.read_bytes())
    data[100:2000] = bytes((i * 37 + 11) % 251 for i in range(1900))
    path.write_bytes(bytes(data))


def other_application(path: Path, _ours: Path, journal: str = "delete") -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(f"PRAGMA journal_mode={journal}")
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")  # a common name, but not our row
        conn.execute("INSERT INTO users (name) VALUES ('ada'), ('grace')")


def other_application_in_wal_mode(path: Path, ours: Path) -> None:
    other_application(path, ours, journal="wal")


KINDS: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "text": (text_file, "is not a debate database: it is a text file"),
    "png": (png_image, "is not a debate database: it is a PNG image"),
    "truncated": (truncated, "is cut short"),
    "corrupt": (corrupt, "malformed"),
    "other application": (other_application, "another application's database"),
    "other application, WAL": (other_application_in_wal_mode, "another application's database"),
}


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_file_that_is_not_ours_is_refused_and_left_as_it_was(kind: str, ours: Path, tmp_path: Path) -> None:
    make, reason = KINDS[kind]
    target = tmp_path / "given.db"
    make(target, ours)
    before = snapshot(tmp_path)
    for read_only in (False, True):  # a tournament run opens it read-write, `standings` read-only
        with pytest.raises(StoreError, match=reason) as refused:
            Store(str(target), read_only=read_only).close()
        assert str(target) in str(refused.value)
        assert snapshot(tmp_path) == before
    result = run_cli("standings", "--db", str(target))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"error: {target}" in result.stderr and reason in result.stderr
    assert snapshot(tmp_path) == before


def test_a_run_refuses_another_applications_database(ours: Path, tmp_path: Path) -> None:
    target = tmp_path / "app.db"
    other_application(target, ours)
    before = snapshot(tmp_path)
    config = write_config(tmp_path / "cfg.yaml", contestants=[{"name": n, "model": f"fake/{n}"} for n in ("alpha", "beta")])
    result = run_cli("run", str(config), "--quiet", "--db", str(target))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "another application's database (tables: meta, users)" in result.stderr
    assert {k: v for k, v in snapshot(tmp_path).items() if k != "cfg.yaml"} == before


def damaged_deep(path: Path, ours: Path) -> None:
    # The header and schema pages whole, a page near the end garbage: SQLite meets it only
    # when a query reaches it, after a run would have written its tournament.
    data = bytearray(ours.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    start = (len(data) // page - 2) * page
    data[start:start + page] = b"\xff" * page
    path.write_bytes(bytes(data))


def test_a_damaged_page_deep_in_the_file_is_refused_before_a_run_writes(ours: Path, tmp_path: Path) -> None:
    target = tmp_path / "deep.db"
    damaged_deep(target, ours)
    before = snapshot(tmp_path)
    with pytest.raises(StoreError, match="is damaged") as refused:
        Store(str(target)).close()
    assert str(target) in str(refused.value)
    config = write_config(tmp_path / "cfg.yaml", contestants=[{"name": n, "model": f"fake/{n}"} for n in ("alpha", "beta")])
    result = run_cli("run", str(config), "--quiet", "--db", str(target))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"error: {target} is damaged" in result.stderr
    assert {k: v for k, v in snapshot(tmp_path).items() if k != "cfg.yaml"} == before


def test_our_own_database_still_opens(ours: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(ours, copy)
    result = run_cli("standings", "--db", str(copy))
    assert result.returncode == 0, result.stderr
    assert "alpha" in result.stdout
