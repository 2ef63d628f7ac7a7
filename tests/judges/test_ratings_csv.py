"""Battle logs that carry sides, judges and debates; our own battles written in the same form."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from debate.core.errors import ConfigError
from judges.ratings import Battles, bradley_terry, read_battles_csv, write_battles_csv
from tests.helpers import run_cli

LOG = (
    "model_a,model_b,winner,proposition,debate_id,judge\n"
    "a,b,model_a,a,d1,j1\n"
    "a,b,model_a,model_a,d1,j2\n"
    "b,a,model_a,b,d2,j1\n"
    "b,a,tie,model_a,d2,j2\n"
    "a,c,model_b,c,d3,j1\n"
    "c,a,model_b,a,d3,j2\n"
    "b,c,model_a,b,d4,j1\n"
    "c,b,model_a,model_b,d4,j2\n"
)


def _write(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sides_debates_and_judges_are_read(tmp_path: Path) -> None:
    battles = read_battles_csv(_write(tmp_path, LOG))
    assert battles.a_is_proposition is not None and battles.cluster is not None
    # proposition by name or as model_a / model_b
    assert battles.a_is_proposition.tolist() == [True, True, True, True, False, False, True, False]
    assert battles.cluster.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert battles.labels["judge"] == ["j1", "j2"] * 4
    table = bradley_terry(battles, side=True)
    assert table.side_advantage is not None
    assert table.interval_method == "95% CI, sandwich clustered by debate (4 debates), at least half the model-based width"


def test_our_battles_round_trip_through_the_log(tmp_path: Path) -> None:
    names = ["p", "q", "r"]
    one = Battles.from_arrays(
        names, [0, 1, 2, 0], [1, 2, 0, 2], [1.0, 0.5, 0.0, 1.0],
        a_is_proposition=[True, False, True, True], cluster=[7, 7, 8, 9], labels={"judge": ["x", "y", "x", "y"], "criterion": ["style"] * 4},
    )  # fmt: skip
    two = one.subset(np.array([3, 1]))
    path = tmp_path / "out.csv"
    assert write_battles_csv(path, [one, two]) == 6
    with path.open(newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["model_a", "model_b", "winner", "proposition", "debate_id", "judge", "criterion"]
    back = read_battles_csv(path)
    assert back.names == names
    assert back.outcome.tolist() == one.outcome.tolist() + two.outcome.tolist()
    assert back.a_is_proposition.tolist() == one.a_is_proposition.tolist() + two.a_is_proposition.tolist()  # type: ignore[union-attr]
    assert back.cluster.tolist() == [7, 7, 8, 9, 9, 7]  # type: ignore[union-attr]
    assert back.labels == {"judge": ["x", "y", "x", "y", "y", "y"], "criterion": ["style"] * 6}


def test_bad_optional_columns_name_the_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "model_a,model_b,winner,proposition,debate_id,judge\na,b,model_a,c,1,j\na,b,tie,a,,j\na,b,tie,b,2,\n")
    with pytest.raises(ConfigError) as caught:
        read_battles_csv(path)
    assert caught.value.messages == [
        f"{path}:2: proposition: 'c' is neither model_a ('a') nor model_b ('b')",
        f"{path}:3: debate_id: empty",
        f"{path}:4: judge: empty",
    ]
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, ("proposition",)), (3, ("debate_id",)), (4, ("judge",))]


def test_cli_rates_per_judge_exports_and_takes_a_prior(tmp_path: Path) -> None:
    log = _write(tmp_path, LOG)
    exported = tmp_path / "again.csv"
    done = run_cli("ratings", "--battles", str(log), "--by", "judge", "--prior", "150", "--export-battles", str(exported), "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {r["judge"] for r in rows} == {"j1", "j2"}
    assert all(r["interval_method"] == "95% CI, sandwich clustered by debate (4 debates), at least half the model-based width" for r in rows)
    again = read_battles_csv(exported)
    assert len(again) == 8 and sorted(again.labels["judge"]) == ["j1"] * 4 + ["j2"] * 4
    broken = run_cli("ratings", "--battles", str(_write(tmp_path, "model_a,model_b,winner,proposition\nx,y,tie,z\n", "bad.csv")))
    assert broken.returncode == 2 and "bad.csv:2: proposition:" in broken.stderr and "Traceback" not in broken.stderr
    wrong = run_cli("ratings", "--battles", str(log), "--prior", "wide")
    assert wrong.returncode == 2 and "--prior" in wrong.stderr


def test_the_prior_option_reads_auto_none_or_rating_points() -> None:
    from debate import api
    from judges.ratings import FALLBACK_PRIOR, SCALE

    assert api.ratings_prior("auto") is None and api.ratings_prior("none") == 0.0
    assert api.ratings_prior(str(SCALE)) == pytest.approx(FALLBACK_PRIOR)
    assert api.ratings_prior("100") == pytest.approx((SCALE / 100) ** 2)
    for bad in ("0", "-5", "inf", "wide"):
        with pytest.raises(Exception, match="--prior"):
            api.ratings_prior(bad)


def test_a_tournament_s_ballots_are_clustered_by_their_debate(tmp_path: Path) -> None:
    from debate import api
    from tests.helpers import finished_tournament

    db = finished_tournament(tmp_path, [{"name": n, "model": f"fake/{n}"} for n in ("a", "b", "c")], judges=[{"name": j, "model": "fake/judge"} for j in ("j1", "j2")])
    with api.opened(str(db)) as store:
        per_judge = api.ratings(store, by="judge")
        per_criterion = api.ratings(store, by="criterion")
        overall = api.ratings(store)
    assert {board.group for board in per_judge.boards} == {"j1", "j2"}
    debates = len(np.unique(overall.boards[0].battles.cluster))  # type: ignore[union-attr]
    for board in per_criterion.boards:
        battles = board.battles
        assert battles is not None and battles.cluster is not None and len(battles) == 2 * debates
        assert board.table.interval_method == f"95% CI, sandwich clustered by debate ({debates} debates), at least half the model-based width"
