"""Keys never reach the database, an export or the terminal, whatever the variable holding one
is called and whatever the key looks like: a provider that echoes the key in its error is the
worst case, and the fake provider's `echo_key` fault is that provider."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from rich.console import Console

from debate.config import Contestant
from debate.core.secrets import REDACTED, redact
from tests.helpers import run_cli, write_config

# Shapes no pattern could guess: no sk- prefix, punctuation, and names without KEY or TOKEN.
KEYS = {
    "MY_PROVIDER_CRED": "abc123XYZ",
    "UPSTREAM_ACCESS": "Zq9.long/Value+with=symbols",
    "JUDGE_PASS_PHRASE": "correct horse battery staple",
}


def test_a_configured_key_of_any_shape_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_ODD_NAME", "q1w2e3r4")
    assert "q1w2e3r4" in redact("echo q1w2e3r4")  # not known as a key yet
    Contestant(name="a", model="fake/a", api_key_env="SOME_ODD_NAME")
    assert redact("echo q1w2e3r4 twice: q1w2e3r4") == f"echo {REDACTED} twice: {REDACTED}"


def test_the_mask_survives_rich_markup() -> None:
    shown = io.StringIO()
    Console(file=shown, width=200).print(redact("failed: sk-abcdefghijklmnop rejected"))
    assert REDACTED in shown.getvalue()


def test_no_key_reaches_the_store_the_exports_or_the_terminal(tmp_path: Path) -> None:
    echo = {"faults": [{"kind": "echo_key", "times": 99}]}
    echo_once = {"faults": [{"kind": "echo_key", "times": 1}]}  # retried: the retry notice quotes it
    config = write_config(
        tmp_path / "cfg.yaml",
        contestants=[
            {"name": "alpha", "model": "fake/alpha", "api_key_env": "MY_PROVIDER_CRED", "params": echo},
            {"name": "beta", "model": "fake/beta", "api_key_env": "UPSTREAM_ACCESS", "params": echo_once},
            {"name": "gamma", "model": "fake/gamma"},
        ],
        judges=[{"name": "judge", "model": "fake/judge", "api_key_env": "JUDGE_PASS_PHRASE", "params": echo_once}],
        gateway={"max_attempts": 2, "backoff_s": 0},
    )
    outputs = [run_cli("run", str(config), env=KEYS)]
    assert "Traceback" not in outputs[0].stderr, outputs[0].stderr
    db = tmp_path / "t.db"
    with closing(sqlite3.connect(db)) as conn:
        failed = [row[0] for row in conn.execute("SELECT id FROM debate WHERE error IS NOT NULL")]
        calls = conn.execute("SELECT count(*) FROM model_call WHERE error IS NOT NULL").fetchone()[0]
    assert failed and calls, "the run should have stored failures that quoted the keys"
    outputs.append(run_cli("show", str(failed[0]), "--db", str(db)))
    outputs.append(run_cli("show", str(failed[0]), "--db", str(db), "--format", "json"))
    for fmt in ("json", "md", "html", "csv"):
        outputs.append(run_cli("export", "--format", fmt, "--out", str(tmp_path / f"card.{fmt}"), "--db", str(db)))
    assert all(REDACTED in (o.stdout + o.stderr) for o in outputs[1:3]), "show names no masked error"
    written = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    assert {"t.db", "card.json", "card.md", "card.html"} <= set(written)
    for key in KEYS.values():
        for name, content in written.items():
            assert key.encode() not in content, f"{key!r} in {name}"
        for output in outputs:
            assert key not in output.stdout + output.stderr, f"{key!r} printed by {output.args[3:5]}"
