"""Tournament config: defaults, validation, and error reports that name file, line and field."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from pydantic import ValidationError

from debate.config import (
    LOCAL_INSTRUCT,
    Contestant,
    GatewaySettings,
    TournamentConfig,
    family_of,
    load_config,
    validate_config,
)
from debate.core.errors import ConfigError, UserError
from debate.core.formats import BUILTIN_FORMATS, Format
from debate.core.sides import Side

TWO = [{"name": "alpha", "model": "fake/alpha"}, {"name": "beta", "model": "fake/beta"}]


def _write(path: Path, text: str) -> Path:
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    problems = info.value.messages
    assert problems, "a ConfigError must carry at least one problem"
    assert str(info.value) == "\n".join(problems)
    return problems


def _line_of(problem: str) -> int:
    match = re.match(r"^.*?:(\d+): ", problem)
    assert match, f"no line number in {problem!r}"
    return int(match.group(1))


def _line_number_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line of `path` containing `needle`."""
    seen = 0
    for n, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return n
    raise AssertionError(f"{needle!r} (#{occurrence}) not in {path}")


# --- defaults ------------------------------------------------------------------------------


def test_minimal_config_gets_documented_defaults() -> None:
    cfg = validate_config({"contestants": TWO})
    assert [c.name for c in cfg.contestants] == ["alpha", "beta"]
    assert cfg.format == "quick"
    assert cfg.resolved_format() == BUILTIN_FORMATS["quick"]
    assert cfg.pairing == "round-robin"
    assert cfg.sides == "both"
    assert cfg.motions == ["core-en"]
    assert len(cfg.judges) == 1
    judge = cfg.judges[0]
    assert judge.model == LOCAL_INSTRUCT == "local/qwen2.5-0.5b-instruct"
    assert judge.model.startswith("local/")
    assert cfg.rounds is None
    assert cfg.word_factor == 1.0
    assert cfg.gateway == GatewaySettings()


def test_minimal_yaml_file_takes_its_name_from_the_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "my cup!.yaml",
        """
        contestants:
          - {name: alpha, model: fake/alpha}
          - {name: beta, model: fake/beta}
        """,
    )
    cfg = load_config(path)
    assert cfg.name == "my-cup"
    assert cfg.format == "quick" and cfg.motions == ["core-en"]


def test_explicit_name_wins_over_file_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "file.yml",
        """
        name: spring-open
        contestants:
          - {name: alpha, model: fake/alpha}
          - {name: beta, model: fake/beta}
        """,
    )
    assert load_config(path).name == "spring-open"


def test_one_contestant_is_not_a_tournament() -> None:
    with pytest.raises(ConfigError) as info:
        validate_config({"contestants": TWO[:1]})
    assert len(info.value.messages) == 1
    assert info.value.messages[0].startswith("<config>: contestants: ")


def test_config_error_is_a_user_error_with_exit_code_2() -> None:
    with pytest.raises(UserError) as info:
        validate_config({})
    assert info.value.exit_code == 2
    assert any("contestants: required setting is missing" in p for p in info.value.messages)


def test_public_dict_round_trips() -> None:
    cfg = validate_config(
        {
            "contestants": [{**TWO[0], "temperature": 0.3, "params": {"token_latency": 0.01}}, TWO[1]],
            "format": "oxford",
            "seed": 7,
        }
    )
    again = validate_config(cfg.public_dict())
    assert again == cfg
    assert again.contestants[0].sampling() == {"temperature": 0.3, "token_latency": 0.01}


def test_sampling_leaves_unset_parameters_out() -> None:
    spec = Contestant(name="a", model="fake/a", seed=3, params={"words": 5})
    assert spec.sampling() == {"seed": 3, "words": 5}


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("openai/gpt-4o", "gpt"),
        ("openai/o3-mini", "gpt"),
        ("anthropic/claude-3-5-sonnet", "claude"),
        ("local/qwen2.5-0.5b-instruct", "qwen"),
        ("local/gemma-3-270m", "gemma"),
        ("groq/llama-3.1-8b", "llama"),
        ("mistral/mixtral-8x7b", "mixtral"),
        ("fake/beta-2", "beta"),
    ],
)
def test_family_of(model: str, family: str) -> None:
    assert family_of(model) == family


def test_explicit_family_overrides_the_model_string() -> None:
    assert Contestant(name="a", model="openai/gpt-4o").lineage == "gpt"
    assert Contestant(name="a", model="openai/my-finetune", family="gpt").lineage == "gpt"


# --- YAML errors ---------------------------------------------------------------------------


def test_unknown_key_names_file_line_and_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.yaml",
        """
        name: t
        contestants:
          - name: alpha
            model: fake/alpha
          - name: beta
            model: fake/beta
            colour: red
        """,
    )
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:{_line_number_of(path, 'colour')}: contestants[1].colour: ")
    assert "unknown setting 'colour'" in problem


def test_literal_api_key_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.yaml",
        """
        contestants:
          - name: alpha
            model: openai/gpt-4o
            api_key: sk-abcdefghijklmnopqrst
          - name: beta
            model: fake/beta
        """,
    )
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:{_line_number_of(path, 'api_key')}: contestants[0].api_key: ")
    assert "keys do not belong in a config file" in problem
    assert "api_key_env" in problem
    assert "sk-abcdefghijklmnopqrst" not in problem


def test_secret_looking_params_key_rejected_but_token_latency_accepted() -> None:
    bad = [{**TWO[0], "params": {"secret_token": "x"}}, TWO[1]]
    with pytest.raises(ConfigError) as info:
        validate_config({"contestants": bad})
    [problem] = info.value.messages
    assert "contestants[0].params" in problem
    assert "secret_token" in problem and "api_key_env" in problem

    good = [{**TWO[0], "params": {"token_latency": 0.05, "max_tokens_hint": 3}}, TWO[1]]
    cfg = validate_config({"contestants": good})
    assert cfg.contestants[0].params == {"token_latency": 0.05, "max_tokens_hint": 3}


@pytest.mark.parametrize("key", ["api_key", "OPENAI_API_KEY", "password", "auth_token", "token", "Authorization"])
def test_credential_param_names_are_rejected(key: str) -> None:
    with pytest.raises(ConfigError):
        validate_config({"contestants": [{**TWO[0], "params": {key: "v"}}, TWO[1]]})


def test_credential_nested_in_params_is_rejected() -> None:
    params = {"extra_headers": {"Authorization": "Bearer sk-abcdefghijklmnopqrstuv"}}
    with pytest.raises(ConfigError):
        validate_config({"contestants": [{**TWO[0], "params": params}, TWO[1]]})


def test_duplicate_contestant_names_rejected() -> None:
    dupes = [TWO[0], {"name": "alpha", "model": "fake/other"}]
    with pytest.raises(ConfigError) as info:
        validate_config({"contestants": dupes})
    [problem] = info.value.messages
    assert "alpha" in problem and "unique" in problem


def test_duplicate_judge_names_rejected() -> None:
    judges = [{"name": "j", "model": "fake/j1"}, {"name": "j", "model": "fake/j2"}]
    with pytest.raises(ConfigError) as info:
        validate_config({"contestants": TWO, "judges": judges})
    assert any("judges" in p and "'j'" in p for p in info.value.messages)


def test_same_name_for_a_contestant_and_a_judge_is_allowed() -> None:
    cfg = validate_config({"contestants": TWO, "judges": [{"name": "alpha", "model": "fake/j"}]})
    assert cfg.judges[0].name == "alpha"


def test_unknown_format_lists_shipped_ones(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.yaml",
        """
        contestants:
          - {name: alpha, model: fake/alpha}
          - {name: beta, model: fake/beta}
        format: lincoln-douglas
        """,
    )
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:4: format: ")
    assert "lincoln-douglas" in problem
    for shipped in ("quick", "oxford", "cross-examination"):
        assert shipped in problem


def test_bad_yaml_syntax_reports_the_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.yaml",
        """
        contestants:
          - name: alpha
            model: fake/alpha
          - name: beta
             model: fake/beta
        """,
    )
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:5: ")
    assert "invalid YAML" in problem


def test_missing_key_in_yaml_points_at_its_list_item(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.yaml",
        """
        contestants:
          - name: alpha
            model: fake/alpha
          - name: beta
          - name: gamma
            model: fake/gamma
        """,
    )
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:4: contestants[1].model: required setting is missing")


def test_all_problems_in_a_file_are_reported_together(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.yaml",
        """
        contestants:
          - name: alpha
            model: fake/alpha
            temperature: 9
          - name: beta
            model: fake/beta
            colour: red
        word_factor: 0
        bogus: 1
        """,
    )
    problems = _problems(path)
    assert len(problems) == 4
    by_field = {p.split(": ")[1]: _line_of(p) for p in problems}
    assert by_field == {
        "contestants[0].temperature": 4,
        "contestants[1].colour": 7,
        "word_factor": 8,
        "bogus": 9,
    }
    assert all(p.startswith(f"{path}:") for p in problems)


# --- TOML ----------------------------------------------------------------------------------


def test_toml_config_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.toml",
        """
        name = "toml-cup"
        format = "oxford"

        [[contestants]]
        name = "alpha"
        model = "fake/alpha"

        [[contestants]]
        name = "beta"
        model = "fake/beta"

        [gateway]
        max_attempts = 2
        """,
    )
    cfg = load_config(path)
    assert cfg.name == "toml-cup"
    assert cfg.format == "oxford"
    assert [c.model for c in cfg.contestants] == ["fake/alpha", "fake/beta"]
    assert cfg.gateway.max_attempts == 2


def test_toml_error_in_second_array_table_points_inside_that_block(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.toml",
        """
        name = "demo"

        [[contestants]]
        name = "alpha"
        model = "fake/alpha"
        temperature = 1.0

        [[contestants]]
        name = "beta"
        model = "fake/beta"
        temperature = 5.0
        colour = "red"

        [gateway]
        timeout_s = -1
        """,
    )
    problems = _problems(path)
    assert len(problems) == 3
    second_block = range(_line_number_of(path, "[[contestants]]", 2), _line_number_of(path, "[gateway]"))
    lines = {p.split(": ")[1]: _line_of(p) for p in problems}
    assert lines["contestants[1].temperature"] == _line_number_of(path, "temperature = 5.0")
    assert lines["contestants[1].colour"] == _line_number_of(path, "colour")
    assert lines["contestants[1].temperature"] in second_block
    assert lines["gateway.timeout_s"] == _line_number_of(path, "timeout_s")


def test_toml_missing_key_in_second_block_points_inside_that_block(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.toml",
        """
        [[contestants]]
        name = "alpha"
        model = "fake/alpha"

        [[contestants]]
        name = "beta"

        [[judges]]
        name = "judge"
        model = "fake/judge"
        """,
    )
    [problem] = _problems(path)
    assert "contestants[1].model: required setting is missing" in problem
    second_block = range(_line_number_of(path, "[[contestants]]", 2), _line_number_of(path, "[[judges]]"))
    assert _line_of(problem) in second_block


def test_bad_toml_syntax_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.toml", 'name = "x"\n[[contestants]\n')
    [problem] = _problems(path)
    assert problem.startswith(str(path))
    assert "invalid TOML" in problem
    assert "line 2" in problem


# --- files that are not configs ------------------------------------------------------------


def test_non_mapping_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.yaml", "- alpha\n- beta\n")
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:1: ")
    assert "mapping" in problem


def test_empty_file_is_not_a_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.yaml", "# nothing yet\n")
    [problem] = _problems(path)
    assert "mapping" in problem


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    assert _problems(path) == [f"{path}: no such file"]


def test_wrong_suffix(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.json", '{"contestants": []}')
    [problem] = _problems(path)
    assert problem.startswith(str(path))
    assert ".yaml" in problem and ".toml" in problem


# --- formats in configs --------------------------------------------------------------------


INLINE_FORMAT = {
    "name": "mini",
    "speeches": [
        {"side": "proposition", "role": "case", "max_words": 80},
        {"side": "opposition", "role": "reply", "max_words": 60, "max_tokens": 100},
    ],
}


def test_inline_custom_format_is_accepted_and_resolved() -> None:
    cfg = validate_config({"contestants": TWO, "format": INLINE_FORMAT})
    fmt = cfg.resolved_format()
    assert isinstance(fmt, Format)
    assert fmt.name == "mini"
    assert [(s.side, s.role, s.max_words) for s in fmt.speeches] == [
        (Side.PROPOSITION, "case", 80),
        (Side.OPPOSITION, "reply", 60),
    ]
    assert fmt.speeches[1].token_budget == 100


def test_inline_custom_format_from_yaml_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.yaml",
        """
        contestants:
          - {name: alpha, model: fake/alpha}
          - {name: beta, model: fake/beta}
        format:
          name: mini
          speeches:
            - {side: proposition, role: case}
            - {side: opposition, role: reply}
        """,
    )
    fmt = load_config(path).resolved_format()
    assert [s.role for s in fmt.speeches] == ["case", "reply"]


def test_inline_format_with_one_side_is_rejected() -> None:
    one_sided = {"name": "solo", "speeches": [{"side": "proposition", "role": "a"}, {"side": "proposition", "role": "b"}]}
    with pytest.raises(ConfigError) as info:
        validate_config({"contestants": TWO, "format": one_sided})
    assert any("each side" in p for p in info.value.messages)


def test_inline_format_mistake_reports_only_the_real_problem() -> None:
    bad = {"name": "mini", "speeches": [{"side": "proposition", "role": "a"}, {"side": "opposition", "role": "b", "max_words": 5}]}
    with pytest.raises(ConfigError) as info:
        validate_config({"contestants": TWO, "format": bad})
    assert any("format.speeches[1].max_words" in p for p in info.value.messages)
    assert not any("valid string" in p for p in info.value.messages), info.value.messages


@pytest.mark.parametrize("factor", [0.5, 2.0])
def test_word_factor_scales_limits(factor: float) -> None:
    cfg = validate_config({"contestants": TWO, "format": "oxford", "word_factor": factor})
    base = BUILTIN_FORMATS["oxford"]
    scaled = cfg.resolved_format()
    assert len(scaled.speeches) == len(base.speeches)
    for before, after in zip(base.speeches, scaled.speeches, strict=True):
        assert after.max_words == int(before.max_words * factor)
        assert (after.side, after.role) == (before.side, before.role)
        assert (after.token_budget > before.token_budget) == (factor > 1)
    # The shipped format itself is untouched.
    assert BUILTIN_FORMATS["oxford"].speeches[0].max_words == 300


def test_word_factor_drops_explicit_token_caps_and_keeps_a_floor() -> None:
    cfg = validate_config({"contestants": TWO, "format": INLINE_FORMAT, "word_factor": 0.01})
    fmt = cfg.resolved_format()
    assert all(s.max_words == 10 for s in fmt.speeches)
    assert fmt.speeches[1].max_tokens is None
    assert fmt.speeches[1].token_budget < 100


def test_word_factor_must_be_positive() -> None:
    with pytest.raises(ConfigError) as info:
        validate_config({"contestants": TWO, "word_factor": 0})
    assert [p.split(": ")[1] for p in info.value.messages] == ["word_factor"]


def test_config_is_frozen() -> None:
    cfg = validate_config({"contestants": TWO})
    with pytest.raises(ValidationError):
        cfg.seed = 5  # type: ignore[misc]
    assert isinstance(cfg, TournamentConfig)


# --- the CLI face --------------------------------------------------------------------------


def test_cli_run_with_bad_config_exits_2_without_traceback(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.yaml",
        """
        contestants:
          - name: alpha
            model: fake/alpha
            api_key: sk-abcdefghijklmnopqrst
          - name: beta
            model: fake/beta
        bogus: 1
        """,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "debate.cli", "run", str(path)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{path}:4: contestants[0].api_key" in proc.stderr
    assert f"{path}:7: bogus" in proc.stderr
    assert "sk-abcdefghijklmnopqrst" not in proc.stderr + proc.stdout
    assert not (tmp_path / "debate.db").exists()


def test_cli_run_with_missing_config_exits_2(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "debate.cli", "run", str(tmp_path / "nope.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "no such file" in proc.stderr


def test_yaml_values_pyyaml_cannot_build_are_config_errors(tmp_path: Path) -> None:
    from debate.config import load_config
    from debate.core.errors import ConfigError

    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nseed: 2024-02-30\n", encoding="utf-8")  # PyYAML raises a bare ValueError here
    with pytest.raises(ConfigError, match=r"bad.yaml:2: invalid YAML: day is out of range"):
        load_config(path)


def test_a_repeated_key_is_refused_with_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.yaml", "name: first\ncontestants: [{name: a, model: fake/a}, {name: b, model: fake/b}]\nname: second\n")
    problems = _problems(path)
    assert problems == [f"{path}:3: key 'name' repeats the one on line 1"]


@pytest.mark.parametrize("where", ["seed: {}", "contestants: [{{name: a, model: fake/a, seed: {}}}, {{name: b, model: fake/b}}]"])
def test_a_seed_beyond_64_bits_is_a_config_error(tmp_path: Path, where: str) -> None:
    seed = where.format(2**64)
    body = seed if where.startswith("contestants") else f"{seed}\ncontestants: [{{name: a, model: fake/a}}, {{name: b, model: fake/b}}]"
    problems = _problems(_write(tmp_path / "t.yaml", body + "\n"))
    assert len(problems) == 1 and "seed" in problems[0] and "9223372036854775807" in problems[0]


def test_a_device_is_not_read_as_a_motion_set(tmp_path: Path) -> None:
    from debate.core.loading import load_file

    with pytest.raises(ConfigError) as info:
        load_file(Path("/dev/zero"))
    assert "not a regular file" in str(info.value)


def test_a_file_too_large_to_be_a_config_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    from debate.core.loading import MAX_FILE_BYTES, load_file

    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 10)  # sparse: no disk used
    with pytest.raises(ConfigError) as info:
        load_file(big)
    assert f"{big}: larger than" in str(info.value)


def test_an_unknown_provider_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.yaml", f"contestants: [{{name: a, model: nosuch/x}}, {{name: b, model: fake/b}}]\ndatabase: {tmp_path / 't.db'}\n")
    proc = subprocess.run([sys.executable, "-m", "debate.cli", "run", str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "contestants[0].model: no provider routes 'nosuch/x'" in proc.stderr
    assert not (tmp_path / "t.db").exists()


def test_an_inline_rubric_mistake_names_the_config_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.yaml", "contestants: [{name: a, model: fake/a}, {name: b, model: fake/b}]\nrubric:\n  name: mine\n  criteria: 5\n")
    problems = _problems(path)
    assert problems == [f"{path}:4: rubric.criteria: Input should be a valid tuple"]
