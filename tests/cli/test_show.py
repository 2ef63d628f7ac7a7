"""`debate show`: the whole debate as stored, rule findings and per-criterion scores included."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import query, run_cli, write_config


def test_show_prints_findings_numbered_from_one_scores_per_criterion_and_speeches_verbatim(tmp_path: Path) -> None:
    script = tmp_path / "alpha.yaml"
    script.write_text("default: 'As an AI developed by OpenAI, I insist [bold]this[/bold] motion [/] stands.'\n", encoding="utf-8")
    contestants = [{"name": "alpha", "model": "fake/alpha", "params": {"script": str(script)}}, {"name": "beta", "model": "fake/beta"}]
    cfg = write_config(tmp_path / "t.yaml", contestants=contestants, rounds=1, sides="once")
    assert run_cli("run", str(cfg), "--quiet").returncode in (0, 1)
    db = tmp_path / "t.db"
    (debate_id, alpha_first), *_ = query(db, "select d.id, min(f.speech_idx) from debate d join finding f on f.debate_id = d.id group by d.id")
    shown = run_cli("show", str(debate_id), "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "[bold]this[/bold] motion [/] stands." in shown.stdout, "speech text is printed as written, never read as markup"
    assert f"speech {alpha_first + 1} (" in shown.stdout and "Rule-check findings" in shown.stdout
    for criterion in ("argument_sufficiency", "rebuttal", "style"):
        assert criterion in shown.stdout


def test_the_show_commands_scale_is_the_ballots_scale() -> None:
    """`show` lists verdict probabilities in the scale's order from its own copy of the scale
    (importing the ballots' costs start-up time): the two must not drift apart."""
    from debate.cli.tournaments import SCALE_ORDER
    from judges.ballot import VERDICTS

    assert tuple(sorted(SCALE_ORDER, key=SCALE_ORDER.__getitem__)) == VERDICTS
