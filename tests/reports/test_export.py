"""The scorecard export: its numbers on a hand-made tournament, and every format on a real one.

Two databases: a small one written through the Store API whose numbers are worked out by hand
in the tests (a revised ballot, an abstention, a tie, a human scorer, an excluded debate, a
failed one), and a tournament run by the CLI on the fake provider, with a judge whose reasons
carry hostile markup, a debater that names its model (so debates are excluded), and human
ballots added afterwards.
"""

from __future__ import annotations

import csv
import io
from html import escape
import json
import math
import os
import re
import shutil
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from debate.config import TournamentConfig
from debate.draws.model import Draw, Pairing
from debate.core.formats import BUILTIN_FORMATS
from debate.store import BallotRecord, DebateUpdate, OrderBallotRecord, QualificationRecord, Store
from debate.core.transcript import MotionText
from debate.reports.export import (
    CSV_LEAD,
    CSV_TAIL,
    SCORECARD_JSON_SCHEMA,
    csv_columns,
    render,
    write,
)
from judges.rubric import load_rubric
from debate.reports.scorecard import Scorecard, build_scorecard
from tests.helpers import presented_json, run_cli, write_config

HOSTILE = "<script>alert(1)</script>"
RUBRIC = load_rubric("default")
IDS = RUBRIC.ids


def _scores(prop: int, opp: int, **override: tuple[int, int]) -> dict[str, dict[str, int]]:
    scores = {cid: {"proposition": prop, "opposition": opp} for cid in IDS}
    for cid, (p, o) in override.items():
        scores[cid] = {"proposition": p, "opposition": o}
    return scores


def _ballot(debate: int, judge: str, verdict: str | None, scores: dict[str, dict[str, int]] | None = None, *, stage: str = "independent", kind: str = "model", reason: str = "because") -> BallotRecord:
    side = None if verdict is None else "tie" if verdict == "tie" else verdict.split("_")[0]
    return BallotRecord(
        debate_id=debate, judge=judge, judge_model="human" if kind == "human" else f"fake/{judge}", kind=kind, stage=stage,
        verdict=verdict, winner=side, scores=scores or {}, reason=reason, abstained=verdict is None,
    )


# --- a tournament made by hand --------------------------------------------------------------------


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """ann, bob and cat; four debates:

    1. ann (prop) v bob, m1 (policy): proposition wins. j1 4-2 (rebuttal 4-1), j2 5-3; human alice 2-4.
    2. bob (prop) v ann, m2 (ethics): tie. j1 3-3; j2 independent 1-5 then revised 3-3 (rebuttal 2-3); j3 abstains.
    3. ann (prop) v cat, m1: opposition wins, excluded (identity leak). j1 1-5.
    4. cat (prop) v bob, m2: failed, every judge abstained.

    In both presentation orders, j1 reads the debates (debate 1: the proposition clearly, whoever
    is Debater A; debate 2: a tie) and j2 always gives Debater A a clear win. j1 passed its
    qualification on control debates, j2 was flagged, j3 was never tested.
    """
    db = tmp_path_factory.mktemp("crafted") / "c.db"
    store = Store(str(db))
    names = ["ann", "bob", "cat"]
    config = TournamentConfig.model_validate({
        "name": "crafted", "contestants": [{"name": n, "model": f"fake/{n}"} for n in names],
        "judges": [{"name": j, "model": f"fake/{j}"} for j in ("j1", "j2", "j3")], "motions": ["core-en"], "database": str(db),
    })
    motions = [MotionText(key="m1", text="This House would tax sugar", category="policy", language="en"),
               MotionText(key="m2", text="This House would lie to spare feelings", category="ethics", language="en")]
    tid = store.create_tournament("crafted", config.public_dict(), BUILTIN_FORMATS["quick"], 0, [(n, f"fake/{n}", n) for n in names], motions)
    store.save_round(tid, Draw(round=1, pairings=(Pairing(proposition="ann", opposition="bob"), Pairing(proposition="bob", opposition="ann"))), ["m1", "m2"])
    store.save_round(tid, Draw(round=2, pairings=(Pairing(proposition="ann", opposition="cat"), Pairing(proposition="cat", opposition="bob"))), ["m1", "m2"])
    store.write([
        _ballot(1, "j1", "proposition_clearly", _scores(4, 2, rebuttal=(4, 1))),
        _ballot(1, "j2", "proposition_slightly", _scores(5, 3)),
        _ballot(1, "alice", "opposition_slightly", _scores(2, 4), kind="human", reason=f"Opp was better {HOSTILE}"),
        DebateUpdate(debate_id=1, status="judged", winner="proposition", margin=3, disagreement=0.06, prop_score=4.5, opp_score=2.5, finished=True),
        _ballot(2, "j1", "tie", _scores(3, 3)),
        _ballot(2, "j2", "opposition_clearly", _scores(1, 5)),
        _ballot(2, "j2", "tie", _scores(3, 3, rebuttal=(2, 3)), stage="revised"),
        _ballot(2, "j3", None, reason="abstained after 2 invalid replies"),
        DebateUpdate(debate_id=2, status="judged", winner="tie", margin=0, disagreement=0, prop_score=3, opp_score=3, finished=True),
        _ballot(3, "j1", "opposition_clearly", _scores(1, 5)),
        DebateUpdate(debate_id=3, status="judged", winner="opposition", margin=-2, disagreement=0, prop_score=1, opp_score=5, finished=True,
                     excluded=True, excluded_reason="a speaker identified itself (identity leak)"),
        _ballot(4, "j1", None, reason="abstained"),
        DebateUpdate(debate_id=4, status="failed", error="every judge abstained (no valid ballot)", finished=True),
        *(_order(debate, "j1", label_a, margin) for debate, margin in ((1, 2), (2, 0)) for label_a in ("proposition", "opposition")),
        *(_order(debate, "j2", label_a, 2 if label_a == "proposition" else -2) for debate in (1, 2) for label_a in ("proposition", "opposition")),
        _order(2, "j3", "proposition", None),
        _qualification(tid, "j1", accuracy=0.9, position_consistency=0.85),
        _qualification(tid, "j2", accuracy=0.5, position_consistency=0.1, problems=["control accuracy 0.50, under 0.80", "position consistency 0.10, under 0.70"]),
    ])
    store.finish_round(tid, 1)
    store.finish_round(tid, 2)
    return store


def _order(debate: int, judge: str, label_a: str, margin: int | None) -> OrderBallotRecord:
    """One presentation of a debate to a judge; `margin` in proposition terms (None: abstained)."""
    verdict = None if margin is None else {2: "proposition_clearly", 0: "tie", -2: "opposition_clearly"}[margin]
    winner = None if verdict is None else verdict.split("_")[0]
    return OrderBallotRecord(debate_id=debate, judge=judge, judge_model=f"fake/{judge}", stage="independent", label_a=label_a, reason="r",
                             verdict=verdict, winner=winner, margin=margin, abstained=margin is None)


def _qualification(tournament_id: int, judge: str, *, accuracy: float, position_consistency: float, problems: list[str] | None = None) -> QualificationRecord:
    result = {
        "judge": judge, "controls": 12, "ballots": 48, "abstentions": 0, "accuracy": accuracy, "position_consistency": position_consistency,
        "preference_fairness": 0.5, "repetition_stability": 0.75, "score_spread": 1.25, "distinct_scores": 4.0, "echo_share": 0.0,
        "flagged": bool(problems), "problems": problems or [],
    }
    return QualificationRecord(tournament_id=tournament_id, judge=judge, judge_model=f"fake/{judge}", flagged=bool(problems), result=result, verdicts=[])


@pytest.fixture(scope="module")
def crafted_card(crafted: Store) -> Scorecard:
    return build_scorecard(crafted, "crafted")


def test_win_rate_cells_are_the_hand_counts(crafted_card: Scorecard) -> None:
    w = crafted_card.win_rates
    at = {name: k for k, name in enumerate(w.contestants)}
    ann_bob = w.cells[at["ann"]][at["bob"]]
    assert ann_bob is not None and (ann_bob.debates, ann_bob.wins, ann_bob.losses, ann_bob.ties) == (2, 1, 0, 1)
    assert ann_bob.rate == pytest.approx(0.75)  # a win and a tie
    bob_ann = w.cells[at["bob"]][at["ann"]]
    assert bob_ann is not None and bob_ann.rate == pytest.approx(0.25)
    ann_cat = w.cells[at["ann"]][at["cat"]]
    assert ann_cat is not None and ann_cat.debates == 0 and ann_cat.rate is None  # the only meeting was excluded
    assert w.cells[at["ann"]][at["ann"]] is None


def test_criterion_means_use_final_valid_model_ballots_of_rated_debates(crafted_card: Scorecard) -> None:
    ann = next(c for c in crafted_card.contestants if c.name == "ann")
    # ann's side on rebuttal: debate 1 (prop) j1 4, j2 5; debate 2 (opp) j1 3, j2 revised 3.
    # Not j2's independent 5, not j3 (abstained), not debate 3 (excluded), not alice (human).
    values = [4, 5, 3, 3]
    stat = ann.criterion_means["rebuttal"]
    assert stat.n == 4 and stat.mean == pytest.approx(statistics.mean(values))
    half = 1.959963984540054 * statistics.stdev(values) / math.sqrt(len(values))
    assert stat.lower == pytest.approx(3.75 - half) and stat.upper == pytest.approx(3.75 + half)
    # Humans apart: one score, so a mean without an interval.
    assert ann.criterion_means_human is not None
    human = ann.criterion_means_human["rebuttal"]
    assert (human.mean, human.n, human.lower, human.upper) == (2.0, 1, None, None)
    cat = next(c for c in crafted_card.contestants if c.name == "cat")
    assert cat.criterion_means["style"].n == 0 and cat.criterion_means["style"].mean is None


def test_records_categories_ratings_and_exclusions(crafted_card: Scorecard) -> None:
    card = crafted_card
    ann = next(c for c in card.contestants if c.name == "ann")
    assert (ann.record.wins, ann.record.losses, ann.record.ties) == (1, 0, 1)  # the excluded (voided) loss counts nowhere
    assert ann.categories["policy"].debates == 1 and ann.categories["policy"].win_rate == 1.0
    assert ann.categories["ethics"].win_rate == 0.5
    assert (ann.strongest_category, ann.weakest_category) == ("policy", "ethics")
    cat = next(c for c in card.contestants if c.name == "cat")
    assert cat.rating is None and cat.categories == {} and cat.strongest_category is None
    assert {r.name for r in card.leaderboard if r.rating is not None} == {"ann", "bob"}
    assert [(x.id, x.reason) for x in card.excluded_debates] == [(3, "a speaker identified itself (identity leak)")]
    assert {b.motion for b in card.side_balance} == {"m1", "m2"} and sum(b.debates for b in card.side_balance) == 2
    counts = card.tournament.counts
    assert (counts.debates, counts.judged, counts.failed, counts.excluded, counts.rated) == (4, 3, 1, 1, 2)
    assert (counts.model_ballots, counts.human_ballots, counts.human_scorers) == (8, 1, 1)
    heat = card.category_heatmap
    assert heat.categories == ["ethics", "policy"]
    assert heat.rates[heat.contestants.index("bob")] == [0.5, 0.0]


def test_agreement_with_a_human_scorer(crafted_card: Scorecard) -> None:
    a = crafted_card.agreement
    assert set(a.criterion_alpha) == set(IDS)
    assert a.kappas is not None and set(a.kappas) == {"j1", "j2"}  # j3 never gave a valid ballot
    raters = {r.name: r for r in a.raters}
    assert raters["j3"].ballots == 0 and raters["j3"].abstentions == 1
    assert raters["alice"].kind == "human" and (raters["alice"].agree, raters["alice"].compared) == (0, 1)
    # j1 agrees with the panel on debates 1, 2 and 3 (the excluded one still has a panel winner).
    assert (raters["j1"].agree, raters["j1"].compared) == (3, 3)
    assert a.flagged_scorers == [r.name for r in a.raters if r.flagged]


def test_winner_agreement_matrix_on_the_hand_counts(crafted_card: Scorecard) -> None:
    m = crafted_card.agreement.winner_agreement
    assert m.judges == ["j1", "j2"]  # model judges with a valid final ballot: j3 only abstained, alice is human
    j1_j2 = m.cells[0][1]
    # Shared: debate 1 (both proposition) and debate 2 (j1 tie, j2's revised tie); debate 3 is j1's alone.
    assert j1_j2 is not None and (j1_j2.share, j1_j2.debates) == (1.0, 2)
    assert m.cells[1][0] == j1_j2 and m.cells[0][0] is None and m.cells[1][1] is None


def test_presented_side_bias_on_the_hand_counts(crafted_card: Scorecard) -> None:
    bias = {b.judge: b for b in crafted_card.agreement.presented_side_bias}
    assert set(bias) == {"j1", "j2"}  # j3's one presentation abstained
    j2 = bias["j2"]  # always Debater A, clearly
    assert (j2.toward_a, j2.favours_a, j2.inconsistent, j2.decisive, j2.pairs, j2.ballots) == (2.0, 1.0, 1.0, 4, 2, 4)
    j1 = bias["j1"]  # the proposition in debate 1 whoever was A, a tie in debate 2
    assert (j1.toward_a, j1.favours_a, j1.inconsistent, j1.decisive, j1.pairs) == (0.0, 0.5, 0.0, 2, 2)


def test_qualification_table_and_caveats(crafted_card: Scorecard) -> None:
    table = {q.judge: q for q in crafted_card.qualifications}
    assert list(table) == ["j1", "j2", "j3"]  # the configured panel, in order
    assert table["j1"].tested and not table["j1"].flagged and table["j1"].accuracy == 0.9 and table["j1"].controls == 12
    assert table["j2"].flagged and table["j2"].position_consistency == 0.1 and len(table["j2"].problems) == 2
    j3 = table["j3"]
    assert not j3.tested and j3.accuracy is None and j3.tested_at is None and j3.judge_model == "fake/j3"
    kinds = [c.kind for c in crafted_card.caveats]
    assert kinds[0] == "flagged_judge" and "untested_judge" in kinds
    assert "j2" in crafted_card.caveats[0].sentence and "0.10" in crafted_card.caveats[0].sentence


def test_every_format_opens_with_the_caveats_and_shows_the_judge_tables(crafted_card: Scorecard) -> None:
    first = crafted_card.caveats[0].sentence
    text = render(crafted_card, "md")
    lines = text.splitlines()
    assert lines[0] == "# Scorecard: crafted" and lines[2].startswith("> **Not a meaningful ranking:** Judge j2 failed")
    assert text.index("## Judge qualification") > text.index("### Presented-side bias") > text.index("### Winner agreement") > text.index("## Judge agreement")
    assert "| j3 | fake/j3 | – | – | – | – | – | – | not tested |  |" in text
    assert "| **j1** | · | 100% (2) |" in text
    assert "| j2 | fake/j2 | +2.00 | 100% of 4 | 100% of 2 | 4 |" in text
    page = render(crafted_card, "html")
    body = page[page.index("<body>"):]
    assert body.index('class="caveats"') < body.index("<header") and escape(first) in body
    assert 'id="qualification"' in page and "<h3>Winner agreement</h3>" in page and "<h3>Presented-side bias</h3>" in page
    data = json.loads(render(crafted_card, "json"))
    assert list(data)[:3] == ["schema_version", "generated_at", "caveats"] and data["caveats"][0]["sentence"] == first
    assert {"winner_agreement", "presented_side_bias"} <= set(data["agreement"]) and len(data["qualifications"]) == 3
    rows = list(csv.DictReader(io.StringIO(render(crafted_card, "csv"))))
    assert {(r["judge"], r["judge_qualification"]) for r in rows} == {("j1", "passed"), ("j2", "flagged"), ("j3", "not tested"), ("alice", "")}


def test_a_scorecard_without_caveats_or_judges_renders_no_warning(crafted_card: Scorecard) -> None:
    card = crafted_card.model_copy(update={"caveats": [], "qualifications": []})
    assert "Not a meaningful ranking" not in render(card, "md") and 'class="caveats"' not in render(card, "html")
    assert "No model judges." in render(card, "md")


def test_ballot_cards_mark_the_final_word(crafted_card: Scorecard) -> None:
    debate = next(d for d in crafted_card.debates if d.id == 2)
    j2 = [b for b in debate.ballots if b.judge == "j2"]
    assert [(b.stage, b.final) for b in j2] == [("independent", False), ("revised", True)]
    assert debate.ballots[-1].abstained and not debate.ballots[-1].final
    failed = next(d for d in crafted_card.debates if d.id == 4)
    assert failed.status == "failed" and failed.winner is None and failed.error


def test_a_tournament_without_judged_debates_exports(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "e.db"))
    config = TournamentConfig.model_validate({"name": "empty", "contestants": [{"name": "x", "model": "fake/x"}, {"name": "y", "model": "fake/y"}], "judges": [{"name": "j", "model": "fake/j"}]})
    tid = store.create_tournament("empty", config.public_dict(), BUILTIN_FORMATS["quick"], 0, [("x", "fake/x", "x"), ("y", "fake/y", "y")],
                                  [MotionText(key="m", text="This House would", category="policy", language="en")])
    store.save_round(tid, Draw(round=1, pairings=(Pairing(proposition="x", opposition="y"),)), ["m"])
    card = build_scorecard(store, None)
    assert card.tournament.name == "empty" and card.tournament.counts.judged == 0
    assert all(r.rating is None for r in card.leaderboard) and card.side_advantage is None and card.separability is None
    assert card.agreement.verdict_alpha is None and card.agreement.kappas is None and card.side_balance == []
    for fmt in ("json", "csv", "md", "html"):
        assert render(card, fmt)  # type: ignore[arg-type]
    assert "No rated debates yet" in render(card, "html")
    assert len(list(csv.reader(io.StringIO(render(card, "csv"))))) == 1  # the header only


# --- every format, byte for byte ------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def _differences(built: object, golden: object, path: str = "") -> list[str]:
    """Where two JSON documents differ; floats agree within 1e-7 relative (the fit's last bits
    are not the point, and rounding to a fixed number of digits can split a value at a boundary)."""
    if isinstance(built, dict) and isinstance(golden, dict):
        keys = sorted(set(built) | set(golden))
        return [d for k in keys for d in (_differences(built[k], golden[k], f"{path}/{k}") if k in built and k in golden else [f"{path}/{k}: only in one"])]
    if isinstance(built, list) and isinstance(golden, list):
        if len(built) != len(golden):
            return [f"{path}: {len(built)} items, golden {len(golden)}"]
        return [d for i, (a, b) in enumerate(zip(built, golden)) for d in _differences(a, b, f"{path}[{i}]")]
    if isinstance(built, float) and isinstance(golden, (int, float)) and not isinstance(golden, bool):
        return [] if built == pytest.approx(golden, rel=1e-7, abs=1e-9) else [f"{path}: {built!r}, golden {golden!r}"]
    return [] if built == golden else [f"{path}: {built!r}, golden {golden!r}"]


def test_the_crafted_scorecard_is_the_golden_one(crafted: Store) -> None:
    card = build_scorecard(crafted, "crafted", now=GOLDEN_NOW)
    golden = json.loads((GOLDEN / "crafted.json").read_text(encoding="utf-8"))
    built = json.loads(card.model_dump_json())
    built["tournament"]["created_at"] = golden["tournament"]["created_at"]  # the store's clock
    for ours, theirs in zip(built["qualifications"], golden["qualifications"], strict=True):
        ours["tested_at"] = theirs["tested_at"]
    assert _differences(built, golden) == []


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "html"])
def test_every_format_renders_the_golden_text(fmt: str) -> None:
    """The renderers are pure: the golden scorecard renders to the golden files exactly
    (regenerate them on purpose only, when the output is meant to change)."""
    card = Scorecard.model_validate_json((GOLDEN / "crafted.json").read_text(encoding="utf-8"))
    expected = (GOLDEN / f"crafted.{fmt}").read_bytes().decode("utf-8")
    assert render(card, fmt) == expected  # type: ignore[arg-type]


# --- a tournament run by the CLI ------------------------------------------------------------------


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Scorecard]:
    root = tmp_path_factory.mktemp("played")
    judge_script = root / "judge.yaml"
    judge_script.write_text(yaml.safe_dump({"judge": {
        # The proposition clearly better in both presentations: A when it is shown first, B when second.
        "proposition": [presented_json(1, 4, 2, reason=f"Prop won. {HOSTILE} =1+1")],
        "opposition": [presented_json(5, 2, 4, reason=f"Prop won. {HOSTILE} =1+1")],
    }}), encoding="utf-8")
    leak_script = root / "leak.yaml"
    leak_script.write_text(yaml.safe_dump({0: f"I am ChatGPT, developed by OpenAI. {HOSTILE} We support the motion."}), encoding="utf-8")
    cfg = write_config(
        root / "cfg.yaml", name="played",
        contestants=[{"name": "alpha", "model": "fake/alpha"}, {"name": "beta", "model": "fake/beta"}, {"name": "gamma", "model": "fake/gamma"},
                     {"name": "delta", "model": "fake/delta", "params": {"script": str(leak_script)}}],
        judges=[{"name": "j1", "model": "fake/j1", "params": {"script": str(judge_script)}}, {"name": "j2", "model": "fake/j2"}, {"name": "j3", "model": "fake/j3"}],
        motions=["core-en", "core-zh"], rounds=4,
    )
    result = run_cli("run", str(cfg), "--quiet")
    assert result.returncode == 0, result.stderr
    store = Store(str(root / "t.db"), create=False)
    try:
        judged = [d.id for d in store.debates(store.find_tournament("played").id or 0) if d.status == "judged"]
        records = []
        for k, debate_id in enumerate(judged):
            verdict = ("proposition_clearly", "opposition_slightly", "tie")[k % 3]
            records.append(_ballot(debate_id, "alice", verdict, _scores(4 - k % 3, 2 + k % 3), kind="human", reason=f"alice on {debate_id}: {HOSTILE}"))
            if k % 2 == 0:
                records.append(_ballot(debate_id, "bob-human", verdict, _scores(4, 3), kind="human", reason="agree"))
        store.write(records)
        card = build_scorecard(store, None)
    finally:
        store.close()
    return root, card


def test_played_tournament_has_exclusions_humans_and_hostile_text(played: tuple[Path, Scorecard]) -> None:
    _, card = played
    assert card.tournament.name == "played" and card.tournament.counts.judged == 8
    assert card.excluded_debates and all(d.proposition == "delta" for d in card.excluded_debates)
    assert all("identity leak" in d.reason for d in card.excluded_debates)
    excluded = {d.id for d in card.excluded_debates}
    assert sum(r.battles for r in card.leaderboard) == 2 * (8 - len(excluded))  # excluded debates are not battles
    assert card.agreement.kappas is not None and set(card.agreement.kappas) == {"j1", "j2", "j3"}
    assert any(HOSTILE in b.reason for d in card.debates for b in d.ballots)


def test_every_export_carries_each_debates_transcript_escaped(played: tuple[Path, Scorecard]) -> None:
    _, card = played
    leaked = next(d for d in card.debates if d.excluded)
    assert [sp.number for sp in leaked.speeches] == list(range(1, len(leaked.speeches) + 1)) and leaked.speeches
    first = leaked.speeches[0]
    assert first.speaker == "delta" and HOSTILE in first.text
    html, markdown = render(card, "html"), render(card, "md")
    section = html[html.index(f"id='debate-{leaked.id}'"):]
    assert "<h4>Transcript</h4>" in section and "1. Proposition" in section
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert f"href='#debate-{leaked.id}'" in html, "the excluded debates' table links to the transcript"
    assert "Transcript:" in markdown and "> I am ChatGPT, developed by OpenAI. \\<script\\>" in markdown
    assert json.loads(render(card, "json"))["debates"][0]["speeches"], "the JSON carries the speeches"


def test_json_round_trips_and_validates_against_the_schema(played: tuple[Path, Scorecard]) -> None:
    import jsonschema

    _, card = played
    text = render(card, "json")
    data = json.loads(text)
    assert data["schema_version"] == 1
    jsonschema.validate(data, SCORECARD_JSON_SCHEMA)
    assert Scorecard.model_validate_json(text) == card
    broken = dict(data, leaderboard="not a list")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCORECARD_JSON_SCHEMA)
    assert "NaN" not in text and "Infinity" not in text


def test_csv_has_the_documented_columns_and_a_row_per_ballot(played: tuple[Path, Scorecard], crafted_card: Scorecard) -> None:
    _, card = played
    rows = list(csv.reader(io.StringIO(render(card, "csv"))))
    expected = [*CSV_LEAD, *(f"{cid}_{side}" for cid in IDS for side in ("proposition", "opposition")), *CSV_TAIL]
    assert rows[0] == expected == csv_columns(card)
    assert expected[:3] == ["tournament", "debate_id", "round"] and expected[-3:] == ["findings", "reason", "judge_qualification"]
    assert len(rows) - 1 == sum(len(d.ballots) for d in card.debates) == card.tournament.counts.model_ballots + card.tournament.counts.human_ballots
    assert all(len(row) == len(expected) for row in rows)
    hostile = [row for row in rows[1:] if HOSTILE in row[expected.index("reason")]]
    assert hostile and any(row[expected.index("kind")] == "human" for row in hostile)
    # crafted: debate 2's revised ballot has its own row, scores in rubric order.
    crafted_rows = list(csv.DictReader(io.StringIO(render(crafted_card, "csv"))))
    assert len(crafted_rows) == 9
    revised = next(r for r in crafted_rows if r["debate_id"] == "2" and r["stage"] == "revised")
    assert (revised["rebuttal_proposition"], revised["rebuttal_opposition"], revised["debate_winner"], revised["verdict"]) == ("2", "3", "tie", "tie")
    abstained = next(r for r in crafted_rows if r["debate_id"] == "2" and r["judge"] == "j3")
    assert abstained["abstained"] == "true" and abstained["style_proposition"] == "" and abstained["ballot_winner"] == ""


def test_csv_defuses_spreadsheet_formulas(crafted_card: Scorecard) -> None:
    debate = crafted_card.debates[0]
    ballot = debate.ballots[0].model_copy(update={"reason": "=HYPERLINK(\"x\")"})
    card = crafted_card.model_copy(update={"debates": [debate.model_copy(update={"ballots": [ballot]})]})
    row = next(csv.DictReader(io.StringIO(render(card, "csv"))))
    assert row["reason"] == "'=HYPERLINK(\"x\")"


def test_markdown_has_the_leaderboard_every_debate_and_no_raw_markup(played: tuple[Path, Scorecard]) -> None:
    _, card = played
    text = render(card, "md")
    assert "## Leaderboard" in text and "## Judge agreement" in text and "## Excluded debates" in text
    for row in card.leaderboard:
        assert re.search(rf"^\| {row.rank} \| {row.name} \|", text, re.MULTILINE), row.name
    for d in card.debates:
        assert f"### Debate {d.id} " in text
    assert HOSTILE not in text and not re.search(r"(?<!\\)<", text)  # every "<" is backslash-escaped: text, never HTML
    assert r"\<script\>alert(1)\</script\>" in text
    assert "identity leak" in text


def test_html_is_self_contained_and_escapes_hostile_text(played: tuple[Path, Scorecard]) -> None:
    _, card = played
    page = render(card, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "<script" not in page.lower() and "@import" not in page and "url(http" not in page
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for svg in ("ratings-chart", "winrate-heatmap", "criterion-heatmap", "category-heatmap"):
        assert f'<svg id="{svg}"' in page
    assert page.count("<details class='debate'") == len(card.debates)
    for d in card.excluded_debates:
        assert f"href='#debate-{d.id}'" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install -y chromium) to open the HTML in")
def test_html_opens_in_headless_chromium(played: tuple[Path, Scorecard], tmp_path: Path) -> None:
    _, card = played
    page = write(card, "html", tmp_path / "scorecard.html")
    base = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run([*base, "--dump-dom", page.resolve().as_uri()], check=False, capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for svg in ("ratings-chart", "winrate-heatmap", "criterion-heatmap", "category-heatmap"):
        assert f'<svg id="{svg}"' in dom.stdout
    assert "<script" not in dom.stdout and "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout
    assert dom.stdout.count("<details") == len(card.debates)
    shot = tmp_path / "scorecard.png"
    result = subprocess.run([*base, "--hide-scrollbars", "--window-size=1280,2400", f"--screenshot={shot}", page.resolve().as_uri()], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a page with charts, not a blank one
    if keep := os.environ.get("SCORECARD_SCREENSHOT_DIR"):  # to look at it: SCORECARD_SCREENSHOT_DIR=/tmp/shots pytest ...
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
        shutil.copy(page, Path(keep) / page.name)


def test_strongest_and_weakest_categories_break_ties_by_name() -> None:
    from debate.reports.scorecard import CategoryRecord
    from debate.reports.scorecard.tallies import extremes

    def rec(rate: float) -> CategoryRecord:
        return CategoryRecord(debates=2, wins=0, losses=0, ties=0, win_rate=rate)

    assert extremes({"b": rec(0.5), "a": rec(0.5)}) == ("a", "b")  # level: never the same category twice
    assert extremes({"c": rec(0.5), "b": rec(1.0), "a": rec(0.5)}) == ("b", "a")
    assert extremes({"only": rec(0.25)}) == ("only", "only")
    assert extremes({}) == (None, None)


def test_a_rubric_that_cannot_be_found_is_taken_from_the_ballots(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "r.db"))
    config = TournamentConfig.model_validate({"name": "own-rubric", "rubric": "rubrics/ours.yaml", "contestants": [{"name": "x", "model": "fake/x"}, {"name": "y", "model": "fake/y"}]})
    tid = store.create_tournament("own-rubric", config.public_dict(), BUILTIN_FORMATS["quick"], 0, [("x", "fake/x", "x"), ("y", "fake/y", "y")],
                                  [MotionText(key="m", text="This House would", category="policy", language="en")])
    store.save_round(tid, Draw(round=1, pairings=(Pairing(proposition="x", opposition="y"),)), ["m"])
    store.write([
        BallotRecord(debate_id=1, judge="j", judge_model="fake/j", verdict="tie", winner="tie", scores={"clarity": {"proposition": 2, "opposition": 7}}, reason="r"),
        DebateUpdate(debate_id=1, status="judged", winner="tie", finished=True),
    ])
    card = build_scorecard(store, "own-rubric", base_dir=tmp_path)
    rubric = card.tournament.rubric
    assert rubric.source == "inferred" and [(c.id, c.scale_min, c.scale_max) for c in rubric.criteria] == [("clarity", 2, 7)]
    assert card.notes and "rubrics/ours.yaml" in card.notes[0]
    assert csv_columns(card)[len(CSV_LEAD):-len(CSV_TAIL)] == ["clarity_proposition", "clarity_opposition"]
    (tmp_path / "rubrics").mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "judges" / "rubrics" / "default.yaml", tmp_path / "rubrics" / "ours.yaml")
    found = build_scorecard(store, "own-rubric", base_dir=tmp_path).tournament.rubric
    assert found.source == "file" and [c.id for c in found.criteria] == list(IDS)


def test_rank_ranges_are_the_ratings_and_the_report_says_how(crafted: Store, crafted_card: Scorecard) -> None:
    from debate.verdicts import tournament_ratings

    table = tournament_ratings(crafted, crafted.find_tournament("crafted").id or 0)
    assert table is not None
    ranged = {r.name: r.rank_range for r in crafted_card.leaderboard}
    assert ranged == {**{r.name: (r.rank_lower, r.rank_upper) for r in table.rows}, "cat": None}
    # One win and one tie between two: neither is surely first.
    assert ranged["ann"] == ranged["bob"] == (1, 2)
    assert crafted_card.rank_method == table.rank_method and crafted_card.rank_method is not None and "draws" in crafted_card.rank_method


def test_predictions_are_the_ratings() -> None:
    from debate.reports.scorecard.tallies import win_rates

    matrix = win_rates(["a", "b"], [], {"a": 1200.0, "b": 1000.0})
    ab, ba = matrix.cells[0][1], matrix.cells[1][0]
    assert ab is not None and ba is not None
    assert ab.predicted == pytest.approx(1 / (1 + 10 ** (-200 / 400))) and ab.predicted + ba.predicted == pytest.approx(1.0)
    assert ab.debates == 0 and ab.rate is None
