"""A voided debate (a speaker named its model) counts nowhere in the standings, and every
listing says it is voided: a scripted leaker that "won" every debate must not rank first."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from debate import api
from tests.helpers import finished_tournament, presented_json, query, run_cli

LEAK = "I am ChatGPT, made by OpenAI. Taxes on sugar fall hardest on the poor, and that is the case."


@pytest.fixture(scope="module")
def leaker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three contestants, the proposition always wins, and the leaker is proposition in two of
    its three debates: counting its voided debates, it would rank first alone."""
    folder = tmp_path_factory.mktemp("leaker")
    leaker_script = folder / "leaker.yaml"
    leaker_script.write_text(yaml.safe_dump({"default": LEAK}), encoding="utf-8")
    judge_script = folder / "judge.yaml"
    # Whichever side is shown as Debater A, the proposition is the better one.
    judge_script.write_text(yaml.safe_dump({"judge": {
        "proposition": [presented_json(verdict=1, a=4, b=2)],
        "opposition": [presented_json(verdict=5, a=2, b=4)],
    }}), encoding="utf-8")
    contestants = [
        {"name": "alpha", "model": "fake/alpha", "params": {"words": 12}},
        {"name": "beta", "model": "fake/beta", "params": {"words": 12}},
        {"name": "leaker", "model": "fake/leaker", "params": {"script": str(leaker_script)}},
    ]
    return finished_tournament(
        folder, contestants, name="leaky", sides="once", rounds=4,
        judges=[{"name": "judge", "model": "fake/judge", "params": {"script": str(judge_script)}}],
        panel={"qualification": {"before_first_round": False}},
    )


def test_the_run_voided_every_debate_of_the_leaker_and_only_those(leaker_db: Path) -> None:
    rows = query(leaker_db, "select c1.name, c2.name, d.winner, d.excluded from debate d join contestant c1 on c1.id = d.proposition_id join contestant c2 on c2.id = d.opposition_id")
    assert len(rows) == 4
    for prop, opp, winner, excluded in rows:
        assert winner == "proposition"
        assert bool(excluded) == ("leaker" in (prop, opp))
    assert sum(prop == "leaker" for prop, _, _, _ in rows) == 2


def test_a_leaker_whose_every_debate_is_voided_does_not_rank_first(leaker_db: Path) -> None:
    with api.opened(str(leaker_db)) as store:
        report = api.standings(store)
    rows = {r.name: r for r in report.rows}
    leaker = rows["leaker"]
    assert (leaker.debates, leaker.wins, leaker.losses, leaker.points, leaker.ballots, leaker.voided) == (0, 0, 0, 0.0, 0.0, 3)
    assert leaker.rank > 1 and report.rows[0].name != "leaker"
    # The one debate between the others still counts, for both of them.
    assert sorted((r.wins, r.losses, r.voided) for n, r in rows.items() if n != "leaker") == [(0, 1, 1), (1, 0, 2)]
    assert any("3 voided debates" in note and "leaker 3" in note for note in report.notes)


def test_the_table_and_the_debate_listings_say_voided(leaker_db: Path) -> None:
    table = run_cli("standings", "--db", str(leaker_db))
    assert table.returncode == 0, table.stderr
    assert "3 voided debates" in table.stdout and "leaker 3" in table.stdout
    with api.opened(str(leaker_db)) as store:
        voided = [d for d in api.debates(store) if d.voided]
    assert len(voided) == 3 and all("leaker" in (d.proposition, d.opposition) for d in voided)
    assert run_cli("debates", "--db", str(leaker_db)).stdout.count("voided") == 3
    shown = run_cli("show", str(voided[0].id), "--db", str(leaker_db))
    assert shown.returncode == 0, shown.stderr
    assert "voided: a speaker identified itself" in shown.stdout
