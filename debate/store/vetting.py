"""Looking at a SQLite file before opening it: is it SQLite at all, and whole?

SQLite itself only says 'file is not a database' or 'database disk image is malformed', and
only once a query reaches the bad bytes. The first 100 bytes of a database file are its header
(https://www.sqlite.org/fileformat.html), enough to say what the file is and whether it was
cut short, before anything opens it.
"""

from __future__ import annotations

from pathlib import Path

from debate.core.errors import StoreError, StoreMissing

_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
_OTHER_FORMATS = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a zip archive",
    b"\x1f\x8b": "a gzip archive",
}


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases and in-memory SQLite."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def wal_file(path: Path) -> Path:
    """The write-ahead log beside a database: present while a writer is live or after a crash."""
    return path.with_name(path.name + "-wal")


def read_only_target(path: Path) -> str:
    """The URI a reader opens: `mode=ro`, enforced by SQLite itself below anything SQLAlchemy
    does; it shares the -shm file, so it sees what a writer in another process commits.

    A WAL database with no -wal file has no live writer and every row in the main file. A
    reader would still create the -wal and -shm files (and leave them behind), which it cannot
    do in a folder it may not write; `immutable=1` reads the main file alone, and a writer that
    starts later is seen from the next connection on, since each session opens its own.
    """
    target = f"{path.as_uri()}?mode=ro"
    if _is_wal_mode(path) and not wal_file(path).exists():
        target += "&immutable=1"
    return target


def _is_wal_mode(path: Path) -> bool:
    # Bytes 18 and 19 of the header, the file format's read and write versions, are 2 in WAL mode.
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return header[18:20] == b"\x02\x02"


def check_sqlite_file(path: Path, location: str, *, create: bool = False) -> None:
    """`StoreMissing` for a file that is not there (unless it is to be created), and
    `vet_sqlite_file` for one that is."""
    if not path.exists():
        if not create:
            raise StoreMissing(f"no database at {path} (run a tournament first, or pass --db)")
        return
    vet_sqlite_file(path, location)


def damage(exc: BaseException, location: str) -> StoreError | None:
    """The error to raise for SQLite's 'malformed' or 'not a database' met mid-command; None for
    any other error."""
    if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StoreError(f"{location} is damaged ({exc}); restore it from a copy or pass a new --db")
    return None


def vet_sqlite_file(path: Path, location: str) -> None:
    """Refuse a file that is not a SQLite database or is shorter than its header says.

    A missing or empty file is a new database (SQLite's own convention). The length check is
    skipped while a -wal file exists: then the log, not the main file, holds the newest pages.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(_HEADER_SIZE)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read {location}: {exc.strerror or exc}") from None
    if size == 0:
        return
    if not header.startswith(_MAGIC):
        raise StoreError(f"{location} is not a debate database: it is {_describe(header)}, not SQLite; pass a database file with --db")
    if len(header) < _HEADER_SIZE:
        raise StoreError(f"{location} is cut short: {size} bytes, less than a SQLite header; restore it from a copy or pass a new --db")
    expected = _promised_size(header)
    if expected is not None and size < expected and not wal_file(path).exists():
        raise StoreError(
            f"{location} is cut short: its header promises {expected} bytes but the file holds {size}; "
            "restore it from a copy or pass a new --db"
        )


def check_whole(path: Path, location: str) -> None:
    """Refuse a database with a damaged page anywhere, before a writer opens it.

    A damaged page deep in the file is met only when a query reaches it, and a run writes its
    tournament before it reads that far: the file changed before the error (a 20 KB hole in a
    demo's database grew it by 16 KB and left a 'running' tournament). SQLite's quick check
    reads every page once, a quarter of a second for a 20,000-debate file, and a writer pays
    it once per command; the reading commands, which change nothing, skip it.
    """
    import sqlite3
    from contextlib import closing

    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(read_only_target(path), uri=True)) as conn:
            found = conn.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.DatabaseError as exc:
        found = (str(exc),)
    if found is None or found[0] != "ok":
        problem = " ".join(str(found[0] if found else "no answer").replace("*** in database main ***", "").split())
        raise StoreError(f"{location} is damaged ({problem}); restore it from a copy or pass a new --db")


def _promised_size(header: bytes) -> int | None:
    """Page size times page count, when the header's count is valid (bytes 24-27 equal 92-95)."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] != header[92:96] or not pages:
        return None
    return page_size * pages


def _describe(header: bytes) -> str:
    for magic, kind in _OTHER_FORMATS.items():
        if header.startswith(magic):
            return kind
    return "a file of some other kind" if b"\x00" in header else "a text file"
