"""Rubrics as data: the shipped default, validation, and errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from debate.core.errors import ConfigError
from debate.core.loading import load_text
from judges.rubric import (
    Criterion,
    Level,
    Rubric,
    load_rubric,
    rubric_from_data,
    shipped_rubrics,
)

LEVELS = [{"score": s, "descriptor": f"level {s}"} for s in range(1, 6)]


def _criterion(cid: str = "clarity", **overrides: object) -> dict[str, object]:
    return {"id": cid, "name": cid.title(), "description": "How clear.", "weight": 1, "scale_min": 1, "scale_max": 5,
            "levels": list(LEVELS)} | overrides


def test_default_rubric_covers_the_issue_dimensions() -> None:
    rubric = load_rubric("default")
    assert "default" in shipped_rubrics()
    assert rubric.ids == ("argument_sufficiency", "rebuttal", "style", "language", "rule_compliance", "ethics")
    for criterion in rubric.criteria:
        assert (criterion.scale_min, criterion.scale_max) == (1, 5)
        assert [level.score for level in criterion.levels] == [1, 2, 3, 4, 5]
        assert all(level.descriptor for level in criterion.levels)
        assert criterion.weight > 0
    assert "self-identification" in rubric.criterion("rule_compliance").description


def test_load_by_path_equals_load_by_name(tmp_path: Path) -> None:
    copy = tmp_path / "mine.yaml"
    copy.write_text((Path(__file__).parents[2] / "judges" / "rubrics" / "default.yaml").read_text(encoding="utf-8"))
    assert load_rubric(str(copy)) == load_rubric("default") == load_rubric(copy)


def test_weighted_total_is_a_weighted_mean() -> None:
    rubric = Rubric(name="r", criteria=[Criterion(**_criterion("a", weight=3)), Criterion(**_criterion("b", weight=1))])
    assert rubric.weighted_total({"a": 5, "b": 1}) == pytest.approx((3 * 5 + 1 * 1) / 4)
    assert rubric.weighted_total({"a": 2, "b": 2}) == 2
    with pytest.raises(ValueError, match="missing b"):
        rubric.weighted_total({"a": 5})
    with pytest.raises(ValueError, match="unknown zzz"):
        rubric.weighted_total({"a": 5, "b": 1, "zzz": 3})


def test_levels_are_sorted_and_looked_up() -> None:
    shuffled = _criterion(levels=list(reversed(LEVELS)))
    criterion = Criterion(**shuffled)
    assert [level.score for level in criterion.levels] == [1, 2, 3, 4, 5]
    assert criterion.descriptor(4) == "level 4"
    with pytest.raises(KeyError):
        criterion.descriptor(9)


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (LEVELS[:4], "no descriptor for 5"),
        ([*LEVELS, {"score": 3, "descriptor": "again"}], "more than one descriptor for 3"),
        ([*LEVELS, {"score": 7, "descriptor": "seven"}], "7 outside the scale"),
    ],
)
def test_levels_must_cover_the_scale_exactly_once(levels: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        rubric_from_data({"name": "r", "criteria": [_criterion(levels=levels)]}, "inline")
    assert caught.value.messages == [f"inline: criteria[0].levels: levels must describe every score from 1 to 5 exactly once: {message}"]


def test_other_scales_work() -> None:
    levels = [{"score": s, "descriptor": str(s)} for s in range(4)]
    rubric = rubric_from_data({"name": "r", "criteria": [_criterion(scale_min=0, scale_max=3, levels=levels)]}, "x")
    assert rubric.criteria[0].midpoint == 1.5


def test_field_rules() -> None:
    bad = {
        "name": "r",
        "criteria": [
            _criterion("Bad Id"),
            _criterion("ok", weight=0),
            _criterion("ok2", scale_min=5, scale_max=5),
        ],
        "colour": "red",
    }
    with pytest.raises(ConfigError) as caught:
        rubric_from_data(bad, "cfg")
    text = "\n".join(caught.value.messages)
    assert "cfg: criteria[0].id: 'Bad Id' is not a valid id" in text
    assert "cfg: criteria[1].weight: Input should be greater than 0" in text
    assert "cfg: criteria[2].scale_max: scale_max (5) must be above scale_min (5)" in text
    assert "cfg: colour: unknown key 'colour'" in text


def test_empty_criteria_and_not_a_mapping() -> None:
    with pytest.raises(ConfigError, match="criteria"):
        rubric_from_data({"name": "r", "criteria": []}, "x")
    with pytest.raises(ConfigError, match="must be a mapping"):
        rubric_from_data(["not", "a", "mapping"], "x")  # type: ignore[arg-type]


BROKEN = """\
name: broken
description: for tests
criteria:
  - id: clarity
    name: Clarity
    description: How clear.
    weight: 1
    levels:
      - {score: 1, descriptor: "bad"}
      - {score: 2, descriptor: "poor"}
      - {score: 3, descriptor: "fair"}
      - {score: 4, descriptor: "good"}
      - {score: 5, descriptor: "great"}
  - id: clarity
    name: Clarity again
    description: Repeated id.
    weight: -2
    levels:
      - {score: 1, descriptor: "bad"}
      - {score: 2, descriptor: ""}
      - {score: 3, descriptor: "fair"}
      - {score: 4, descriptor: "good"}
      - {score: 5, descriptor: "great"}
"""


def test_file_errors_name_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rubric(str(path))
    problems = caught.value.messages
    assert f"{path}:14: criteria[1].id: duplicate id 'clarity' (first used by criteria[0])" in problems
    assert f"{path}:17: criteria[1].weight: Input should be greater than 0" in problems
    assert any(p.startswith(f"{path}:20: criteria[1].levels[1].descriptor: ") for p in problems), problems
    assert len(problems) == 3, problems


def test_missing_key_points_at_the_enclosing_item(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("name: r\ncriteria:\n  - id: a\n    name: A\n    levels: []\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rubric(path)
    assert f"{path}:3: criteria[0].description: required key is missing" in caught.value.messages


def test_yaml_syntax_and_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: r\ncriteria: [\n  - id: a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{path}:\d+: invalid YAML"):
        load_rubric(path)
    path.write_text(yaml.safe_dump({"name": "r", "criteria": [_criterion()]}, sort_keys=False) + "name: again\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rubric(path)
    assert any("key 'name' repeats the one on line 1" in p for p in caught.value.messages)


def test_unknown_name_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no shipped rubric named 'nope'; shipped rubrics: .*default"):
        load_rubric("nope")
    with pytest.raises(ConfigError, match="no such rubric file"):
        load_rubric(str(tmp_path / "absent.yaml"))
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"list.yaml:1: a rubric file must hold a mapping"):
        load_rubric(str(tmp_path / "list.yaml"))


def test_inline_rubric_in_a_config_reports_config_lines() -> None:
    text = """\
name: t
rubric:
  name: inline
  criteria:
    - id: clarity
      name: Clarity
      description: How clear.
      weight: 0
      levels: [{score: 1, descriptor: a}, {score: 2, descriptor: b}, {score: 3, descriptor: c}, {score: 4, descriptor: d}, {score: 5, descriptor: e}]
"""
    data = yaml.safe_load(text)
    with pytest.raises(ConfigError) as caught:
        rubric_from_data(data["rubric"], "t.yaml", load_text(text, "t.yaml").lines, prefix=("rubric",))
    assert caught.value.messages == ["t.yaml:8: rubric.criteria[0].weight: Input should be greater than 0"]
    data["rubric"]["criteria"][0]["weight"] = 2
    rubric = rubric_from_data(data["rubric"], "t.yaml", load_text(text, "t.yaml").lines, prefix=("rubric",))
    assert rubric.criteria[0].weight == 2
    assert rubric.criteria[0].levels[0] == Level(score=1, descriptor="a")
