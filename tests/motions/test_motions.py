"""The motion library: shipped sets are valid and the loader points at the broken line."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pydantic import ValidationError

from debate.core.errors import ConfigError, UserError
from motions import (
    CATEGORIES,
    LANGUAGES,
    Motion,
    MotionSet,
    load_set,
    load_sets,
    normalise_text,
    shipped_sets,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def write_set(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"set: {name}\ntitle: Test set\nmotions:\n{body}", encoding="utf-8")
    return path


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def problems_of(path: Path | str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_set(path)
    return caught.value.messages


def motion_yaml(motion_id: str, text: str, category: str = "policy", language: str = "en") -> str:
    return (
        f"  - id: {motion_id}\n"
        f"    text: {text}\n"
        f"    category: {category}\n"
        f"    language: {language}\n"
    )


# --- shipped sets -------------------------------------------------------------------------


def test_the_three_core_sets_are_shipped() -> None:
    assert {"core-en", "core-zh", "demo"} <= set(shipped_sets())


@pytest.mark.parametrize("name", shipped_sets())
def test_every_shipped_set_loads_and_is_well_formed(name: str) -> None:
    motion_set = load_set(name)
    assert isinstance(motion_set, MotionSet)
    assert motion_set.name == name
    assert motion_set.title
    assert motion_set.canary and motion_set.canary.startswith("DEBATE-MOTIONS CANARY GUID ")
    assert Path(motion_set.path).name == f"{name}.yaml"
    for motion in motion_set.motions:
        if motion.language == "en":
            assert motion.text.startswith(("This House would ", "This House believes that ")), motion.id
            assert not CJK.search(motion.text), motion.id
        else:
            assert motion.text.startswith(("本院认为", "本院会")), motion.id
            assert CJK.search(motion.text), motion.id


def test_all_shipped_sets_load_together_without_clashes() -> None:
    motions = load_sets(shipped_sets())
    assert len({m.id for m in motions}) == len(motions)


def test_core_sets_are_big_enough_and_cover_every_category() -> None:
    english = load_set("core-en").motions
    chinese = load_set("core-zh").motions
    assert {m.language for m in english} == {"en"}
    assert {m.language for m in chinese} == {"zh"}
    assert len(english) >= 44
    assert len(chinese) >= 20
    assert len(english) + len(chinese) >= 60
    for motions in (english, chinese):
        assert set(Counter(m.category for m in motions)) == set(CATEGORIES)


def test_motions_models_struggle_with_are_included() -> None:
    texts = [m.text.casefold() for m in load_set("core-en").motions]
    assert any("artificial intelligence" in t and "threat" in t for t in texts)
    assert any("ai" in t.split() and "rights" in t for t in texts)
    chinese = [m.text for m in load_set("core-zh").motions]
    assert any("人工智能" in t and "威胁" in t for t in chinese)
    assert any("人工智能" in t and "权利" in t for t in chinese)


def test_demo_set_has_two_short_easy_english_motions() -> None:
    demo = load_set("demo").motions
    assert [m.id for m in demo] == ["demo-01", "demo-02"]
    assert all(m.language == "en" and len(m.text) <= 80 for m in demo)


def test_constants() -> None:
    assert "technology" in CATEGORIES and "relationships" in CATEGORIES
    assert LANGUAGES == ("en", "zh")


# --- loading by path ----------------------------------------------------------------------


def test_load_by_path_as_str_and_as_path(tmp_path: Path) -> None:
    path = write_set(tmp_path, "mine", motion_yaml("m-1", "This House would plant more trees"))
    for argument in (str(path), path):
        motion_set = load_set(argument)
        assert motion_set.name == "mine"
        assert motion_set.path == str(path)
        assert motion_set.canary is None
        assert motion_set.motions == [
            Motion(id="m-1", text="This House would plant more trees", category="policy", language="en")
        ]


def test_yml_suffix_without_a_slash_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "local.yml").write_text(
        "set: local\ntitle: t\nmotions:\n" + motion_yaml("l-1", "This House would sleep more"),
        encoding="utf-8",
    )
    assert load_set("local.yml").motions[0].id == "l-1"


def test_optional_fields_are_kept(tmp_path: Path) -> None:
    body = motion_yaml("m-1", "This House would plant more trees") + (
        "    info_slide: Trees are plants.\n    source: written for a test\n"
    )
    motion = load_set(write_set(tmp_path, "opt", body)).motions[0]
    assert motion.info_slide == "Trees are plants."
    assert motion.source == "written for a test"


def test_load_sets_concatenates_in_order(tmp_path: Path) -> None:
    first = write_set(tmp_path, "first", motion_yaml("a-1", "This House would build more trams"))
    second = write_set(tmp_path, "second", motion_yaml("b-1", "This House would build more bridges"))
    assert [m.id for m in load_sets([str(first), second])] == ["a-1", "b-1"]


# --- errors -------------------------------------------------------------------------------


def test_missing_file_names_the_path_and_lists_shipped_sets(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    (problem,) = problems_of(path)
    assert str(path) in problem
    assert "not found" in problem
    assert all(name in problem for name in shipped_sets())


def test_unknown_set_name_lists_shipped_sets() -> None:
    (problem,) = problems_of("no-such-set")
    assert "no-such-set" in problem
    assert "core-en" in problem and "core-zh" in problem


def test_config_error_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        load_set(tmp_path / "absent.yaml")


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("set: broken\ntitle: t\nmotions:\n  - id: [unclosed\n    text: x\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert re.match(rf"{re.escape(str(path))}:\d+: invalid YAML", problem)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:1: expected a mapping")


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    body = motion_yaml("m-1", "This House would plant more trees") + "    colour: blue\n"
    path = write_set(tmp_path, "unknown", body)
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:{line_of(path, 'colour:')}: motions[0].colour: unknown key")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = write_set(tmp_path, "top", motion_yaml("m-1", "This House would plant more trees"))
    path.write_text(path.read_text(encoding="utf-8") + "author: me\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:{line_of(path, 'author:')}: author: unknown key")


def test_bad_category_names_line_field_and_allowed_values(tmp_path: Path) -> None:
    body = motion_yaml("m-1", "This House would plant more trees") + motion_yaml(
        "m-2", "This House would watch more football", category="sport"
    )
    path = write_set(tmp_path, "cat", body)
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:{line_of(path, 'category: sport')}: motions[1].category: 'sport'")
    assert "policy" in problem and "science" in problem


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    body = (
        motion_yaml("m-1", "This House would plant more trees", category="sport")
        + motion_yaml("m-2", "This House would read more", language="fr")
        + "  - id: m-3\n    text: This House would walk more\n    category: policy\n"
    )
    path = write_set(tmp_path, "many", body)
    problems = problems_of(path)
    assert len(problems) == 3
    assert problems[0].startswith(f"{path}:{line_of(path, 'sport')}: motions[0].category")
    assert problems[1].startswith(f"{path}:{line_of(path, 'language: fr')}: motions[1].language")
    assert problems[2].startswith(f"{path}:{line_of(path, 'id: m-3')}: motions[2].language: required")


def test_unquoted_number_as_text_suggests_quotes(tmp_path: Path) -> None:
    path = write_set(tmp_path, "num", motion_yaml("m-1", "42"))
    (problem,) = problems_of(path)
    assert "motions[0].text" in problem and "quotes" in problem


def test_bad_id_is_rejected(tmp_path: Path) -> None:
    path = write_set(tmp_path, "ids", motion_yaml("Bad_Id", "This House would plant more trees"))
    (problem,) = problems_of(path)
    assert f"{path}:{line_of(path, 'Bad_Id')}: motions[0].id: 'Bad_Id'" in problem


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    body = motion_yaml("m-1", "This House would plant more trees") + motion_yaml(
        "m-1", "This House would cut fewer trees"
    )
    path = write_set(tmp_path, "dupid", body)
    (problem,) = problems_of(path)
    first, second = line_of(path, "id: m-1", 1), line_of(path, "id: m-1", 2)
    assert problem.startswith(f"{path}:{second}: motions[1].id: duplicate id 'm-1'")
    assert f"line {first}" in problem


def test_duplicate_text_names_both_ids(tmp_path: Path) -> None:
    body = motion_yaml("m-1", "This House would ban zoos.") + motion_yaml(
        "m-2", '"this house   WOULD ban zoos"'
    )
    path = write_set(tmp_path, "duptext", body)
    (problem,) = problems_of(path)
    assert "'m-1'" in problem and "'m-2'" in problem
    assert problem.startswith(f"{path}:{line_of(path, 'WOULD')}:")


def test_duplicate_chinese_text_ignores_chinese_punctuation(tmp_path: Path) -> None:
    body = motion_yaml("z-1", "本院认为，人性本善。", language="zh") + motion_yaml(
        "z-2", "「本院认为人性本善」", language="zh"
    )
    (problem,) = problems_of(write_set(tmp_path, "zhdup", body))
    assert "'z-1'" in problem and "'z-2'" in problem


def test_duplicates_across_sets_are_rejected(tmp_path: Path) -> None:
    first = write_set(tmp_path, "one", motion_yaml("a-1", "This House would build more trams"))
    same_id = write_set(tmp_path, "two", motion_yaml("a-1", "This House would build more roads"))
    same_text = write_set(tmp_path, "three", motion_yaml("c-1", "This house would build more TRAMS!"))
    with pytest.raises(ConfigError) as caught:
        load_sets([first, same_id, same_text])
    id_problem, text_problem = caught.value.messages
    assert str(same_id) in id_problem and str(first) in id_problem and "'a-1'" in id_problem
    assert "'a-1'" in text_problem and "'c-1'" in text_problem and str(same_text) in text_problem


def test_load_sets_reports_problems_of_every_set(tmp_path: Path) -> None:
    bad = write_set(tmp_path, "bad", motion_yaml("a-1", "This House would build more trams", "sport"))
    with pytest.raises(ConfigError) as caught:
        load_sets([bad, tmp_path / "absent.yaml"])
    assert len(caught.value.messages) == 2


def test_empty_motion_list_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("set: empty\ntitle: Empty\nmotions: []\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3: motions: the set has no motions")


def test_set_name_must_match_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "real.yaml"
    path.write_text(
        "set: other\ntitle: t\nmotions:\n" + motion_yaml("m-1", "This House would plant more trees"),
        encoding="utf-8",
    )
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:1: set: 'other'")


def test_repeated_yaml_key_is_an_error(tmp_path: Path) -> None:
    body = motion_yaml("m-1", "This House would plant more trees") + "    text: overwritten\n"
    path = write_set(tmp_path, "repeat", body)
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:{line_of(path, 'overwritten')}: key 'text' repeats")


# --- the models and normalisation ---------------------------------------------------------


def test_motion_is_frozen_and_forbids_unknown_fields() -> None:
    motion = Motion(id="m-1", text="This House would nap", category="policy", language="en")
    with pytest.raises(ValidationError):
        motion.text = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Motion(id="m-1", text="x", category="policy", language="en", colour="blue")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Motion(id="m-1", text="x", category="sport", language="en")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("This House would ban zoos.", "this house would  ban zoos"),
        ("  This\tHouse\nwould ban zoos ", "This House would ban zoos"),
        ("本院认为，人性本善。", "本院认为人性本善"),
        ("本院认为“AI”应有权利！", "本院认为AI应有权利"),
        ("ＡＩ rights?", "ai rights"),
    ],
)
def test_normalise_text_ignores_case_spacing_and_punctuation(left: str, right: str) -> None:
    assert normalise_text(left) == normalise_text(right)


def test_normalise_text_keeps_words_apart() -> None:
    assert normalise_text("This House would ban zoos") != normalise_text("This House would ban cars")
    assert normalise_text("...!?。") == ""
