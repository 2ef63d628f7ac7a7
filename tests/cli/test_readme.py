"""The README's set-up commands are the front door: CI must run exactly the documented one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_shows_exactly_two_setup_commands() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    demo, tests = commands
    assert demo.endswith("debate demo") and "requirements.lock" in demo
    assert "pytest" in tests and "requirements-dev.lock" in tests


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _setup_commands()[1] in ci_lines


def test_lock_files_pin_every_requirement_with_hashes() -> None:
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text(encoding="utf-8")
        entries = re.findall(r"^([A-Za-z0-9_.\-]+)(==[^ \\]+)?", text, flags=re.M)
        assert entries, name
        assert all(pin for _, pin in entries), f"unpinned entry in {name}"
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
        assert all("--hash=sha256:" in block for block in blocks if not block.startswith("#")), name
        litellm = re.search(r"^litellm==(\S+)", text, flags=re.M)
        assert litellm and litellm.group(1) not in ("1.82.7", "1.82.8", "1.107.0")
