"""The bad-input corpus: every file the product reads, broken in the ways people break them.

Each case runs the command a user would, in this process (the console entry point, so its
error handling is the one under test): exit code 2, a message that names the file (and the
line, where the mistake has one), no traceback, and the tournament database next to it
byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import finished_tournament

GOOD = """\
name: t
contestants:
  - {name: alpha, model: fake/alpha}
  - {name: beta, model: fake/beta}
judges:
  - {name: judge, model: fake/judge}
motions: [core-en]
database: DB
"""

GOOD_SET = """\
set: mine
title: Mine
canary: "MINE CANARY 0f8fad5b-d9cb-469f-a165-70867728950e"
motions:
  - id: m-01
    text: This House would tax sugar
    category: policy
    language: en
"""

GOOD_RUBRIC = """\
name: mine
description: one criterion
criteria:
  - id: argument
    name: Argument
    description: Is it argued?
    weight: 1
    scale_min: 1
    scale_max: 5
    levels:
      - {score: 1, descriptor: "No."}
      - {score: 5, descriptor: "Yes."}
"""


@dataclass(frozen=True)
class Case:
    id: str
    file: str  # the file written, named in the message
    text: str | bytes
    args: tuple[str, ...]  # FILE and DB are replaced by the paths
    line: bool = True  # the message gives a line number


def _config(change: str, *, after: str = "", drop: str | None = None) -> str:
    lines = [line for line in GOOD.splitlines() if drop is None or not line.startswith(drop)]
    text = "\n".join(lines) + "\n"
    return text.replace(after, after + change) if after else text + change


def config(id: str, text: str | bytes, *, line: bool = True, file: str = "t.yaml") -> Case:
    return Case(id, file, text, ("run", "FILE", "--quiet"), line)


def motion_set(id: str, text: str | bytes, *, line: bool = True, file: str = "mine.yaml") -> Case:
    return Case(id, file, text, ("motions", "validate", "FILE"), line)


def rubric(id: str, text: str | bytes, *, line: bool = True) -> Case:
    return Case(id, "r.yaml", text, ("run", "CONFIG_WITH_RUBRIC", "--quiet"), line)


def database(id: str, text: str | bytes, args: tuple[str, ...] = ("standings", "--db", "FILE")) -> Case:
    return Case(id, "x.db", text, args, line=False)


def battles(id: str, text: str | bytes, *, line: bool = True) -> Case:
    return Case(id, "b.csv", text, ("ratings", "--battles", "FILE"), line)


CONTESTANT = "  - {name: alpha, model: fake/alpha}\n"
CASES = [
    # --- tournament configs -------------------------------------------------------------
    config("unknown-key", _config("bogus: 1\n")),
    config("no-contestants", _config("", drop="  - {name: alpha").replace("  - {name: beta, model: fake/beta}\n", "").replace("contestants:\n", "")),
    config("one-contestant", _config("", drop="  - {name: beta")),
    config("contestant-without-model", GOOD.replace("{name: beta, model: fake/beta}", "{name: beta}")),
    config("model-too-short", GOOD.replace("fake/beta", "ab")),
    config("duplicate-contestant", GOOD.replace("{name: beta,", "{name: alpha,")),
    config("bad-name", GOOD.replace("name: beta", "name: 'be ta!'")),
    config("temperature-too-high", GOOD.replace("model: fake/beta}", "model: fake/beta, temperature: 5}")),
    config("top-p-zero", GOOD.replace("model: fake/beta}", "model: fake/beta, top_p: 0}")),
    config("max-tokens-zero", GOOD.replace("model: fake/beta}", "model: fake/beta, max_tokens: 0}")),
    config("negative-seed", _config("seed: -1\n")),
    config("seed-beyond-64-bits", _config("seed: 18446744073709551616\n")),
    config("literal-api-key", GOOD.replace("model: fake/beta}", "model: fake/beta, api_key: sk-abcdefghijklmnop}")),
    config("lowercase-key-variable", GOOD.replace("model: fake/beta}", "model: fake/beta, api_key_env: my_key}")),
    config("password-in-params", GOOD.replace("model: fake/beta}", "model: fake/beta, params: {password: x}}")),
    config("unknown-format", _config("format: parliamentary-ish\n")),
    config("unknown-pairing", _config("pairing: lottery\n")),
    config("zero-rounds", _config("rounds: 0\n")),
    config("rounds-in-words", _config("rounds: three\n")),
    config("unknown-sides", _config("sides: sometimes\n")),
    config("break-of-one", _config("break: {size: 1}\n")),
    config("break-too-large", _config("break: {size: 1000}\n")),
    config("unknown-tie-break", _config("tie_breaks: [points, charisma]\n")),
    config("no-tie-breaks", _config("tie_breaks: []\n")),
    config("negative-word-factor", _config("word_factor: -1\n")),
    config("unknown-orders", _config("panel: {orders: sometimes}\n")),
    config("unknown-bye-rule", _config("bye_counts_as: half\n")),
    config("unknown-motion-assignment", _config("motion_assignment: random\n")),
    config("blind-maybe", _config("blind: maybe\n")),
    config("zero-concurrency", _config("concurrency: {debates: 0}\n")),
    config("zero-attempts", _config("gateway: {max_attempts: 0}\n")),
    config("judge-without-model", GOOD.replace("{name: judge, model: fake/judge}", "{name: judge}")),
    config("unknown-motion-set", GOOD.replace("[core-en]", "[no-such-set]")),
    config("missing-motion-file", GOOD.replace("[core-en]", "[missing.yaml]"), line=False),
    config("missing-rubric-file", _config("rubric: missing-rubric.yaml\n"), line=False),
    config("inline-rubric-mistake", _config("rubric: {name: x, criteria: 5}\n")),
    config("inline-format-one-side", _config("format: {name: solo, speeches: [{side: proposition, role: opening, words: 100}]}\n")),
    config("inline-format-unknown-side", _config("format: {name: odd, speeches: [{side: middle, role: opening, words: 100}, {side: opposition, role: opening, words: 100}]}\n")),
    config("inline-format-negative-words", _config("format: {name: neg, speeches: [{side: proposition, role: opening, words: -5}, {side: opposition, role: opening, words: 100}]}\n")),
    config("repeated-key", _config("name: again\n")),
    config("unclosed-bracket", GOOD.replace("[core-en]", "[core-en")),
    config("tab-indentation", GOOD.replace("  - {name: alpha", "\t- {name: alpha")),
    config("a-list-not-a-mapping", "- name: t\n- contestants: []\n"),
    config("empty-file", "", line=True),
    config("not-utf8", b"name: t\ncontestants: \xff\xfe\n"),
    config("impossible-date", _config("name: 2024-02-30\n", drop="name:")),
    config("huge-integer", _config("rounds: " + "9" * 5000 + "\n")),
    config("toml-syntax", 'name = "t"\ncontestants = [\n', file="t.toml"),
    config("toml-unknown-key", 'name = "t"\nbogus = 1\n[[contestants]]\nname = "a"\nmodel = "fake/a"\n[[contestants]]\nname = "b"\nmodel = "fake/b"\n', file="t.toml"),
    config("wrong-suffix", GOOD, file="t.txt", line=False),
    config("unknown-provider", GOOD.replace("fake/beta", "nosuch/beta"), line=False),
    config("a-folder-not-a-file", "", file="folder.yaml", line=False),
    # --- motion sets ----------------------------------------------------------------------
    motion_set("no-motions", GOOD_SET.split("motions:")[0] + "motions: []\n"),
    motion_set("name-differs-from-file", GOOD_SET.replace("set: mine", "set: yours")),
    motion_set("duplicate-id", GOOD_SET + "  - {id: m-01, text: This House would ban cars, category: policy, language: en}\n"),
    motion_set("duplicate-text", GOOD_SET + "  - {id: m-02, text: This House would tax sugar, category: policy, language: en}\n"),
    motion_set("unknown-category", GOOD_SET.replace("category: policy", "category: gardening")),
    motion_set("unknown-language", GOOD_SET.replace("language: en", "language: klingon")),
    motion_set("no-title", GOOD_SET.replace("title: Mine\n", "")),
    motion_set("motions-not-a-list", GOOD_SET.split("motions:")[0] + "motions: many\n"),
    motion_set("yaml-error", GOOD_SET.replace("text: This House", "text: [This House")),
    motion_set("extra-key", GOOD_SET.replace("title: Mine", "title: Mine\nauthor: me")),
    motion_set("motion-without-text", GOOD_SET.replace("    text: This House would tax sugar\n", "")),
    motion_set("repeated-key", GOOD_SET.replace("title: Mine", "title: Mine\ntitle: Again")),
    motion_set("not-a-mapping", "- one\n- two\n"),
    motion_set("not-utf8", b"set: mine\ntitle: \xff\n"),
    # --- rubrics (a config names the file) ------------------------------------------------------
    rubric("no-criteria", "name: mine\ndescription: none\n"),
    rubric("empty-criteria", "name: mine\ndescription: none\ncriteria: []\n"),
    rubric("inverted-scale", GOOD_RUBRIC.replace("scale_max: 5", "scale_max: 0")),
    rubric("duplicate-criterion", GOOD_RUBRIC + GOOD_RUBRIC.split("criteria:\n")[1]),
    rubric("yaml-error", GOOD_RUBRIC.replace("name: Argument", "name: [Argument")),
    rubric("negative-weight", GOOD_RUBRIC.replace("weight: 1", "weight: -1")),
    rubric("level-off-scale", GOOD_RUBRIC.replace("{score: 5,", "{score: 9,")),
    # --- databases ------------------------------------------------------------------------
    database("text-file", "hello, this is not a database\n"),
    database("png-image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),
    database("truncated-sqlite", b"SQLite format 3\x00" + b"\x00" * 40),
    database("another-application", b"OTHER_APP"),
    database("unknown-url", "", args=("standings", "--db", "foo://bar")),
    database("missing-file", "", args=("standings", "--db", "MISSING")),
    # --- battle logs ----------------------------------------------------------------------------
    battles("missing-column", "model_a,model_b\na,b\n"),
    battles("unknown-winner", "model_a,model_b,winner\na,b,maybe\n"),
    battles("empty-file", "", line=False),
    battles("self-play", "model_a,model_b,winner\na,a,model_a\n"),
    battles("bad-proposition", "model_a,model_b,winner,proposition\na,b,model_a,c\n"),
    battles("not-utf8", b"model_a,model_b,winner\n\xff,b,model_a\n", line=False),
]


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished tournament every case works beside; each case gets its own copy."""
    return finished_tournament(tmp_path_factory.mktemp("corpus"), [{"name": "alpha", "model": "fake/alpha"}, {"name": "beta", "model": "fake/beta"}], rounds=1)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _write_case(case: Case, folder: Path, db: Path) -> list[str]:
    target = folder / case.file
    if case.file == "folder.yaml":
        target.mkdir()
    elif case.id == "another-application":
        with sqlite3.connect(target) as conn:
            conn.execute("create table notes (id integer primary key, body text)")
            conn.execute("insert into notes (body) values ('mine')")
        conn.close()
    else:
        data = case.text if isinstance(case.text, bytes) else case.text.replace("DB", str(db)).encode("utf-8")
        target.write_bytes(data)
    args = []
    for arg in case.args:
        if arg == "FILE":
            args.append(str(target))
        elif arg == "MISSING":
            args.append(str(folder / "missing.db"))
        elif arg == "CONFIG_WITH_RUBRIC":
            config = folder / "with-rubric.yaml"
            config.write_text(GOOD.replace("DB", str(db)) + f"rubric: {target}\n", encoding="utf-8")
            args.append(str(config))
        else:
            args.append(arg)
    return args


def test_the_corpus_is_large_and_covers_every_kind_of_file() -> None:
    assert len(CASES) >= 80 and len({c.id + c.args[0] for c in CASES}) == len(CASES)
    assert {c.args[0] for c in CASES} == {"run", "motions", "standings", "ratings"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.args[0]}-{c.id}")
def test_bad_input_is_a_clear_error_and_changes_nothing(case: Case, stored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from debate.cli import main

    db = tmp_path / "t.db"
    shutil.copy(stored, db)
    monkeypatch.chdir(tmp_path)
    args = _write_case(case, tmp_path, db)
    before = _digest(tmp_path)
    monkeypatch.setattr(sys, "argv", ["debate", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    assert exit_info.value.code == 2, captured.err + captured.out
    message = captured.err
    assert "Traceback" not in message + captured.out
    named = "foo://bar" if case.id == "unknown-url" else "missing.db" if case.id == "missing-file" else case.file
    assert named in message, message
    if case.line:
        assert re.search(re.escape(case.file) + r":\d+", message), f"no line number: {message}"
    assert _digest(tmp_path) == before, "a file was changed"
