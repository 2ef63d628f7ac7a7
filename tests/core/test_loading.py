"""The one loader for YAML and TOML files, and problems that keep file, line and field apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from debate.core.errors import ConfigError, Problem, UserError, format_path
from debate.core.loading import load_file, load_text


def _problem(call, *args, **kwargs) -> Problem:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as caught:
        call(*args, **kwargs)
    [problem] = caught.value.problems
    assert str(caught.value) == str(problem)
    return problem


# --- problems -----------------------------------------------------------------------------


def test_a_problem_prints_as_the_cli_always_has() -> None:
    assert str(Problem("f.yaml", 4, ("contestants", 1, "model"), "required")) == "f.yaml:4: contestants[1].model: required"
    assert str(Problem("f.yaml", None, ("name",), "bad")) == "f.yaml: name: bad"
    assert str(Problem("f.yaml", 2, None, "invalid YAML: x")) == "f.yaml:2: invalid YAML: x"
    assert str(Problem("f.yaml", 1, (), "a swiss tournament needs `rounds`")) == "f.yaml:1: (top level): a swiss tournament needs `rounds`"
    assert str(Problem("", None, None, "just a message")) == "just a message"
    assert format_path(("a", 0, "b", 2)) == "a[0].b[2]"


def test_config_error_wraps_plain_strings_and_joins_lines() -> None:
    error = ConfigError([Problem("f.yaml", 3, ("x",), "bad"), "no shipped set named 'q'"])
    assert isinstance(error, UserError) and error.exit_code == 2
    assert error.problems[1] == Problem("", None, None, "no shipped set named 'q'")
    assert error.messages == ["f.yaml:3: x: bad", "no shipped set named 'q'"]
    assert str(error) == "f.yaml:3: x: bad\nno shipped set named 'q'"


# --- YAML ---------------------------------------------------------------------------------


def test_yaml_data_and_the_line_of_every_field() -> None:
    loaded = load_text("name: t\ncontestants:\n  - name: a\n    model: m\n  - name: b\n", "t.yaml")
    assert loaded.data == {"name": "t", "contestants": [{"name": "a", "model": "m"}, {"name": "b"}]}
    assert loaded.lines.line_of(("contestants", 0, "model")) == 4
    assert loaded.lines.line_of(("contestants", 1, "model")) == 5  # missing: its enclosing item
    assert loaded.lines.line_of(()) == 1
    assert loaded.problem_at(("name",), "bad") == Problem("t.yaml", 1, ("name",), "bad")


def test_a_repeated_key_is_found_and_lines_follow_the_one_kept() -> None:
    loaded = load_text("name: a\nseed: 1\nname: b\n", "t.yaml")
    assert loaded.data["name"] == "b"
    assert loaded.lines.line_of(("name",)) == 3
    assert loaded.duplicate_keys() == [Problem("t.yaml", 3, None, "key 'name' repeats the one on line 1")]


def test_empty_yaml_is_none_with_no_lines() -> None:
    loaded = load_text("# nothing\n", "t.yaml")
    assert loaded.data is None and loaded.lines.line_of(("a",)) is None and loaded.duplicate_keys() == []


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("a: 1\nb: [1, 2\n", 3, "invalid YAML"),
        ("name: x\nseed: 2024-02-30\n", 2, "invalid YAML: day is out of range"),  # PyYAML's bare ValueError
        ("name: x\n\nseed: " + "9" * 5000 + "\n", 3, "invalid YAML: Exceeds the limit"),
        ("a: 1\n---\nb: 2\n", 2, "invalid YAML"),
    ],
)
def test_every_yaml_failure_names_the_file_and_line(text: str, line: int, says: str) -> None:
    problem = _problem(load_text, text, "t.yaml")
    assert (problem.file, problem.line, problem.field) == ("t.yaml", line, None)
    assert str(problem).startswith(f"t.yaml:{line}: {says}")


def test_nesting_too_deep_is_a_config_error() -> None:
    problem = _problem(load_text, "a: " + "[" * 5000 + "]" * 5000 + "\n", "t.yaml")
    assert problem.message.startswith("invalid YAML")


# --- TOML ---------------------------------------------------------------------------------


def test_toml_data_and_lines() -> None:
    text = 'name = "t"\n\n[[contestants]]\nname = "a"\n\n[[contestants]]\nname = "b"\nmodel = "m"\n'
    loaded = load_text(text, "t.toml", "toml")
    assert loaded.data["contestants"][1] == {"name": "b", "model": "m"}
    assert loaded.lines.line_of(("contestants", 1, "model")) == 8
    assert loaded.lines.line_of(("contestants", 1)) == 6
    assert loaded.node is None and loaded.duplicate_keys() == []


def test_toml_syntax_error_names_the_line() -> None:
    problem = _problem(load_text, 'name = "x"\n[[contestants]\n', "t.toml", "toml")
    assert problem.line == 2 and problem.message.startswith("invalid TOML") and "line 2" in problem.message


# --- files --------------------------------------------------------------------------------


def test_load_file_picks_the_syntax_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('x = 1\n', encoding="utf-8")
    (tmp_path / "a.yml").write_text("x: 1\n", encoding="utf-8")
    assert load_file(tmp_path / "a.toml").data == {"x": 1}
    assert load_file(tmp_path / "a.yml").data == {"x": 1}
    assert load_file(tmp_path / "a.yml").source == str(tmp_path / "a.yml")


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    absent = tmp_path / "absent.yaml"
    assert str(_problem(load_file, absent)) == f"{absent}: no such file"
    assert str(_problem(load_file, absent, missing="no such set; try core-en")) == f"{absent}: no such set; try core-en"
    assert _problem(load_file, tmp_path).message.startswith("not a regular file")  # a folder
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"a: 1\nb: \xff\n")
    problem = _problem(load_file, binary)
    assert problem.line == 2 and problem.message.startswith("cannot read")
