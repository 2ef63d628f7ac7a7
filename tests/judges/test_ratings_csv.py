"""Battle logs that carry sides, judges and debates; our own battles written in the same form."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

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


def _read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """What the reader makes of a file, and what it makes of it through the csv module alone."""
    import judges.ratings.battles_csv as module

    def outcome() -> object:
        try:
            b = read_battles_csv(path)
        except ConfigError as error:
            return ("error", str(error))
        labels = {name: list(values) for name, values in b.labels.items()}
        sides = None if b.a_is_proposition is None else b.a_is_proposition.tolist()
        cluster = None if b.cluster is None else b.cluster.tolist()
        return (b.names, b.a.tolist(), b.b.tolist(), b.outcome.tolist(), sides, cluster, labels)

    fast = outcome()
    with monkeypatch.context() as patched:
        patched.setattr(module, "_plain_fields", lambda where, text: None)
        slow = outcome()
    return fast, slow


# Values by column, mostly valid: spaces a value is stripped of, every winner, a few mistakes.
_CELLS = {
    "winner": ["model_a", "model_b", "tie", "tie (bothbad)", "both_bad", " tie", "model_b\t", "model_a", "model_b", "model_a", "model_b", "nobody"],
    "proposition": ["a", "b", "model_a", "model_b", "z"],
}
_NAMES = ["a", "b", "c", "d", "e", "f", "g", " a", "b\t", "c ", "x\u00a0", "d1", "7", "h", "i", "j", ""]


@given(
    header=st.sampled_from(["model_a,model_b,winner", "model_a,model_b,winner,proposition,debate_id", "winner,judge,model_b,model_a", "model_a,winner"]),
    data=st.data(),
    newline=st.sampled_from(["\n", "\r\n", "\r", "mixed"]),
    last=st.sampled_from(["", "\n", "\n\n"]),
    blank=st.booleans(),
)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_quick_split_reads_every_file_as_the_csv_module_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str, data: st.DataObject, newline: str, last: str, blank: bool
) -> None:
    # Mostly rows as long as the header (files that can be read), some shorter or longer.
    columns = header.split(",") + ["extra", "extra"]
    row = st.one_of(st.just(len(columns) - 2), st.integers(1, len(columns))).flatmap(
        lambda n: st.tuples(*(st.sampled_from(_CELLS.get(column, _NAMES)) for column in columns[:n]))
    )
    rows = data.draw(st.lists(row, max_size=5))
    lines = [header, *(",".join(row) for row in rows)]
    if blank and len(lines) > 2:
        lines.insert(2, "")
    path = tmp_path / "log.csv"
    if newline == "mixed":  # a file pieced together from others
        ends = data.draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines), max_size=len(lines)))
        text = "".join(line + end for line, end in zip(lines, ends))
    else:
        text = newline.join(lines) + last
    path.write_bytes(text.encode("utf-8"))
    fast, slow = _read_both(path, monkeypatch)
    event("an error" if isinstance(fast, tuple) and fast[0] == "error" else "battles")
    assert fast == slow


def test_a_well_formed_log_takes_the_quick_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import judges.ratings.battles_csv as module

    path = _write(tmp_path, LOG.replace("\n", "\r\n"))
    seen: list[object] = []
    real = module._plain_fields
    monkeypatch.setattr(module, "_plain_fields", lambda where, text: seen.append(out := real(where, text)) or out)
    assert len(read_battles_csv(path)) == 8
    assert seen and seen[0] is not None  # not handed to the csv module


def test_a_long_row_and_a_short_one_do_not_make_up_for_each_other(tmp_path: Path) -> None:
    # Seven fields in two rows of three columns would split evenly; the rows are still wrong.
    path = _write(tmp_path, "model_a,model_b,winner\na,b,model_a,c\nd,model_b\n")
    with pytest.raises(ConfigError, match=r"log.csv:3: 2 fields, the header has 3"):
        read_battles_csv(path)
