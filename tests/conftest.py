"""Suite-wide set-up for running the tests in several processes (pytest-xdist).

- The PostgreSQL tests create, drop and migrate tables freely; two workers sharing one
  database would see each other's tables. Each worker (gw0, gw1, ...) therefore runs them in
  a fresh `debate_test_gwN` database on the same server, and the processes those tests start
  inherit its URL.
- A local model computes on one thread: llama.cpp's threads wait for each other by spinning,
  so two of them beside busy workers spin against those workers (with two threads and four
  workers, the real-model test ran past its 20-minute limit).
- The slow real-model test is collected first, so its worker starts it at once instead of
  leaving it to the end of the run, where it would decide the run's length.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("DEBATE_TEST_POSTGRES_URL")
    if worker and url:
        os.environ["DEBATE_TEST_POSTGRES_URL"] = _fresh_database(url, f"debate_test_{worker}")
    if worker:
        os.environ.setdefault("DEBATE_LOCAL_THREADS", "1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def _fresh_database(url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(url)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)
