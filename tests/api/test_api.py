"""The engine API the faces call: a small fake tournament run, read, rated and scored
through `debate.api` alone."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from debate import api
from debate.core.errors import UserError
from tests.helpers import write_config


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("api")
    path = write_config(folder / "cfg.yaml", name="fixed")
    config = api.load_config(path)
    summary = anyio.run(api.run_tournament, config, config.database, folder)
    assert summary.failed == 0 and summary.judged == summary.debates > 0
    return config.database


def test_importing_the_api_loads_no_heavy_module() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import debate.api"], capture_output=True, text=True, check=True)
    heavy = [line for line in done.stderr.splitlines() if any(name in line for name in ("litellm", "scipy", "textual", "sqlalchemy"))]
    assert heavy == []


def test_every_public_name_resolves() -> None:
    for name in api.__all__:
        assert getattr(api, name) is not None, name
    with pytest.raises(AttributeError):
        api.no_such_name  # noqa: B018


def test_tournaments_debates_and_one_debate(db: str) -> None:
    with api.opened(db, read_only=True) as store:
        (info,) = api.tournaments(store)
        assert api.find_tournament(store).name == info.name == "fixed"
        listed = api.debates(store, "fixed")
        assert len(listed) == info.debates and all(d.status == "judged" for d in listed)
        detail = api.debate(store, listed[0].id)
    assert detail.speeches and detail.ballots and detail.winner == listed[0].winner


def test_a_rounds_draw_and_a_missing_round(db: str) -> None:
    with api.opened(db, read_only=True) as store:
        first = api.round_draw(store, None, 1)
        assert first.tournament == "fixed" and first.round == 1 and first.draw.pairings
        assert len(api.rounds(store)) >= 1
        with pytest.raises(UserError, match="has no round 99"):
            api.round_draw(store, None, 99)


def test_the_live_view_holds_the_current_rounds_speeches(db: str) -> None:
    with api.opened(db, read_only=True) as store:
        view = api.live_view(store)
    assert view.tournament.status == "finished"
    assert view.current_round == max(d.round for d in view.debates)
    assert {p.debate_id for p in view.plans} == {d.id for d in view.debates if d.round == view.current_round}
    assert all(p.speeches for p in view.plans) and view.partial_speeches == {}
    assert view.speech_slots[0] == ("proposition", view.speech_slots[0][1])


def test_standings_rows_are_typed_and_dump_to_the_same_keys(db: str) -> None:
    from debate.draws.standings import StandingRow

    with api.opened(db) as store:
        report = api.standings(store)
    assert all(isinstance(r, StandingRow) for r in report.rows)
    document = report.model_dump(mode="json")
    assert set(document) == {"tournament", "status", "pairing", "tie_breaks", "rows", "side_advantage", "usage", "per_contestant_usage", "caveats", "notes", "bracket", "rank_ranges", "rank_method"}
    assert set(document["rows"][0]) >= {"rank", "name", "wins", "losses", "ties", "points", "voided", "rating", "rating_lower", "rating_upper"}
    assert [r["name"] for r in document["rows"]] == [r.name for r in report.rows]
    assert document["usage"]["calls"] > 0


def test_ratings_overall_per_criterion_and_per_category(db: str) -> None:
    with api.opened(db) as store:
        overall = api.ratings(store)
        by_criterion = api.ratings(store, by="criterion", ci=None)
        by_category = api.ratings(store, by="category")
        now = api.current_ratings(store)
        names = api.criterion_names(store, None, Path.cwd())
    (board,) = overall.boards
    assert board.group == "all" and {r.name for r in board.table.rows} == {"alpha", "beta", "gamma"}
    assert {b.group for b in by_criterion.boards} == set(names) and all(b.table.ci is None for b in by_criterion.boards)
    assert by_category.boards and all(b.group for b in by_category.boards)
    assert now == {r.name: r.rating for r in board.table.rows}
    assert api.win_probability(1100.0, 1000.0) > 0.5
    with pytest.raises(UserError, match="--ci must be"):
        api.ratings(store, ci="wild")  # type: ignore[arg-type]


def test_ratings_of_a_battle_log(tmp_path: Path) -> None:
    log = tmp_path / "battles.csv"
    with log.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["model_a", "model_b", "winner", "category"])
        writer.writerows([["strong", "weak", "model_a", "policy"]] * 20 + [["strong", "weak", "model_b", "ethics"]] * 5)
    (board,) = api.battle_log_ratings(log).boards
    assert [r.name for r in board.table.rows] == ["strong", "weak"]
    assert {b.group for b in api.battle_log_ratings(log, by="category").boards} == {"ethics", "policy"}
    with pytest.raises(UserError, match="needs a tournament"):
        api.battle_log_ratings(log, by="criterion")


def test_scorecard_and_its_exports(db: str, tmp_path: Path) -> None:
    with api.opened(db) as store:
        card = api.scorecard(store)
    assert card.tournament.name == "fixed"
    assert json.loads(api.render_scorecard(card, "json"))["schema_version"] == 1
    assert api.write_scorecard(card, "md", tmp_path / "card.md").read_text().strip()


def test_a_scoring_session_grades_blind_once_per_debate(db: str) -> None:
    with api.opened(db) as store:
        with pytest.raises(UserError, match="judge model"):
            api.ScoringSession(store, None, "judge", Path.cwd())
        session = api.ScoringSession(store, None, "  alice ", Path.cwd())
        assert session.scorer == "alice"
        before = session.progress()
        blind = session.next_debate()
        assert blind is not None
        assert not any(name in blind.model_dump_json() for name in ("alpha", "beta", "gamma", "fake/"))
        ballot = api.ballot_from_answers({cid: (4, 2) for cid in session.rubric.ids}, api.VERDICTS[0], False, "Clearer case.")
        session.submit(blind.debate_id, ballot)
        assert session.progress().scored == before.scored + 1
        with pytest.raises(UserError, match="already scored"):
            session.submit(blind.debate_id, ballot)
        assert session.next_debate() != blind


def test_configs_motions_and_models() -> None:
    config = api.validate_config({"name": "x", "contestants": [{"name": "a", "model": "fake/a"}, {"name": "b", "model": "fake/b"}],
                                  "judges": [{"name": "j", "model": "fake/j"}], "motions": ["core-en"]})
    motions = api.tournament_motions(config, Path.cwd())
    assert motions and "core-en" in api.shipped_sets()
    assert len(api.load_set("core-en").motions) == len(motions)
    assert api.tournament_rubric(config, Path.cwd()).criteria
    digest = api.commitment(api.load_set("core-en"))
    assert api.verify(api.load_set("core-en"), digest)
    from debate.catalog import available

    assert api.available_models().model_dump() == available()
    assert all(name.startswith("local/") for name in api.local_model_names())


def test_a_free_demo_name(db: str) -> None:
    assert api.next_free_name(db, "fixed") == "fixed-2"
