"""Whole tournaments on the fake provider, through the same gateway path as real models."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
import yaml

from debate.config import load_config
from debate.core.events import DebateDone, Event, SpeechDone, TextDelta
from debate.engine import run_tournament
from tests.helpers import DEBATE, presented_json, query, read_calls, run_cli, write_config


def _fake(name: str, log: Path, **params: object) -> dict[str, object]:
    return {"name": name, "model": f"fake/{name}", "params": {"call_log": str(log), **params}}


def test_round_robin_tournament_stores_every_speech_ballot_and_call(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    cfg_path = write_config(
        tmp_path / "t.yaml",
        contestants=[_fake("alpha", log), _fake("beta", log), _fake("gamma", log), _fake("delta", log)],
        judges=[_fake("j1", log), _fake("j2", log), _fake("j3", log)],
    )
    cfg = load_config(cfg_path)
    seen: list[Event] = []
    summary = anyio.run(run_tournament, cfg, cfg.database, tmp_path, seen.append)

    db = Path(cfg.database)
    debates = 4 * 3  # every ordered pair of 4 contestants
    assert (summary.debates, summary.judged, summary.failed) == (debates, debates, 0)
    assert query(db, "select count(*) from speech")[0][0] == debates * 4
    assert query(db, "select count(*) from ballot where abstained = 0")[0][0] == debates * 3
    # Each unordered pair met twice, once on each side.
    pairs = query(db, "select proposition_id, opposition_id from debate")
    assert len(set(pairs)) == debates
    assert all((o, p) in set(pairs) for p, o in pairs)
    # Exactly one gateway call per speech and per presentation to each judge: nothing is asked twice.
    calls = read_calls(log)
    speech_keys = [(c["debate"], c["speech_index"]) for c in calls if c["purpose"] == "speech"]
    assert len(speech_keys) == len(set(speech_keys)) == debates * 4
    judge_keys = [(c["debate"], c["judge"], c["label_a"]) for c in calls if c["purpose"] == "judge" and "control" not in c]
    assert len(judge_keys) == len(set(judge_keys)) == debates * 3 * 2
    assert query(db, "select count(*) from order_ballot where abstained = 0")[0][0] == debates * 3 * 2
    assert query(db, "select count(*) from model_call where ok = 1")[0][0] == len(calls)
    # Events: one DebateDone per debate, streamed deltas rebuild each stored speech.
    assert sum(isinstance(e, DebateDone) for e in seen) == debates
    assert sum(isinstance(e, SpeechDone) for e in seen) == debates * 4
    first = query(db, "select debate_id, idx, text from speech order by id limit 1")[0]
    streamed = "".join(e.text for e in seen if isinstance(e, TextDelta) and (e.debate_id, e.index) == first[:2])
    assert streamed.strip() == first[2]
    # Standings: every debate has one winner, the wins add up.
    wins = query(db, "select count(*) from debate where winner in ('proposition', 'opposition')")[0][0]
    ties = query(db, "select count(*) from debate where winner = 'tie'")[0][0]
    assert wins + ties == debates


def test_speakers_never_see_their_opponents_name(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    cfg_path = write_config(tmp_path / "t.yaml", contestants=[_fake("alpha", log), _fake("beta", log)], sides="once")
    cfg = load_config(cfg_path)
    seen: list[Event] = []
    anyio.run(run_tournament, cfg, cfg.database, tmp_path, seen.append)
    detail = run_cli("show", "1", "--db", cfg.database, "--format", "json")
    assert detail.returncode == 0, detail.stderr
    # Speeches are stored; what the models were sent is rebuilt here from the same prompt code.
    from debate.prompts import speech_messages
    from debate.store import Store

    store = Store(cfg.database)
    plan = store.debate_plan(1)
    from debate.core.transcript import Transcript

    transcript = Transcript(motion=plan.motion, format=cfg.resolved_format(), speeches=plan.speeches[:2])
    text = str(speech_messages(transcript, cfg.resolved_format().speeches[2]))
    assert "alpha" not in text and "beta" not in text and "fake/" not in text
    store.close()


def test_resume_after_kill_pays_for_no_stored_speech(tmp_path: Path) -> None:
    log = tmp_path / "calls.jsonl"
    cfg_path = write_config(
        tmp_path / "t.yaml",
        contestants=[_fake(n, log, latency=0.15) for n in ("alpha", "beta", "gamma", "delta")],
        judges=[_fake("judge", log, latency=0.05)],
        concurrency={"debates": 3},
    )
    db = tmp_path / "t.db"
    proc = subprocess.Popen([*DEBATE, "run", str(cfg_path), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if db.exists():
            try:
                stored = query(db, "select count(*) from speech")[0][0]
            except Exception:  # noqa: BLE001 - the schema may not exist yet
                continue
            if stored >= 14:
                break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 14 <= stored < 48, "the run should be killed part-way"

    before = {(d, i) for d, i in query(db, "select debate_id, idx from speech")}
    calls_before = len(read_calls(log))
    finished = run_cli("run", str(cfg_path), "--quiet", timeout=120)
    assert finished.returncode == 0, finished.stderr

    after_calls = read_calls(log)[calls_before:]
    repeated = [c for c in after_calls if c["purpose"] == "speech" and (c["debate"], c["speech_index"]) in before]
    assert repeated == [], "a stored speech was generated again"
    assert query(db, "select count(*) from speech")[0][0] == 12 * 4
    assert query(db, "select count(*), count(distinct debate_id || '-' || idx) from speech")[0] == (48, 48)
    assert query(db, "select count(*) from debate where status = 'judged'")[0][0] == 12
    assert query(db, "pragma integrity_check")[0][0] == "ok"
    assert "resuming" in finished.stdout


def test_interrupt_exits_130_and_keeps_what_was_stored(tmp_path: Path) -> None:
    # Slow enough that the interrupt lands mid-run even on a loaded machine.
    cfg_path = write_config(tmp_path / "t.yaml", contestants=[{"name": n, "model": f"fake/{n}", "params": {"latency": 1.0}} for n in ("a", "b")])
    db = tmp_path / "t.db"
    proc = subprocess.Popen([*DEBATE, "run", str(cfg_path), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            if db.exists() and query(db, "select count(*) from speech")[0][0] >= 1:
                break
        except Exception:  # noqa: BLE001
            continue
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "resume" in stderr and "Traceback" not in stderr
    assert query(db, "select count(*) from speech")[0][0] >= 1


def test_failed_debates_are_retried_on_the_next_run(tmp_path: Path) -> None:
    env_name = "DEBATE_TEST_FAKE_KEY"
    cfg_path = write_config(
        tmp_path / "t.yaml",
        contestants=[{"name": n, "model": f"fake/{n}", "api_key_env": env_name} for n in ("a", "b")],
    )
    env = {k: v for k, v in os.environ.items() if k != env_name}
    first = subprocess.run([*DEBATE, "run", str(cfg_path), "--quiet"], capture_output=True, text=True, env=env, timeout=60)
    assert first.returncode == 1
    assert env_name in first.stderr and "Traceback" not in first.stderr
    db = tmp_path / "t.db"
    assert query(db, "select count(*) from debate where status = 'failed'")[0][0] == 2
    second = run_cli("run", str(cfg_path), "--quiet", env={env_name: "not-a-real-key"})
    assert second.returncode == 0, second.stderr
    assert query(db, "select count(*) from debate where status = 'judged'")[0][0] == 2
    # The key's value never reaches the database.
    assert not query(db, "select id from tournament where config_json like '%not-a-real-key%'")


def test_judge_reasks_once_then_abstains(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.yaml"
    garbage.write_text("judge: ['I think Proposition won!', 'still not JSON']\n")
    second_try = tmp_path / "second.yaml"
    second_try.write_text(yaml.safe_dump({"judge": ["nope", presented_json(verdict=3, a=3, b=4)]}))
    cfg_path = write_config(
        tmp_path / "t.yaml",
        contestants=[{"name": "a", "model": "fake/a"}, {"name": "b", "model": "fake/b"}],
        judges=[
            {"name": "broken", "model": "fake/broken", "params": {"script": str(garbage)}},
            {"name": "slow-learner", "model": "fake/learner", "params": {"script": str(second_try)}},
        ],
        sides="once",
        panel={"qualification": {"before_first_round": False}},
    )
    result = run_cli("run", str(cfg_path), "--quiet")
    assert result.returncode == 0, result.stderr
    db = tmp_path / "t.db"
    ballots = dict(query(db, "select judge, coalesce(verdict, 'abstained') from ballot"))
    assert ballots == {"broken": "abstained", "slow-learner": "tie"}
    orders = query(db, "select judge, label_a, abstained, scores_json from order_ballot order by judge, label_a")
    assert [(j, side, abstained) for j, side, abstained, _ in orders] == [
        ("broken", "opposition", 1), ("broken", "proposition", 1), ("slow-learner", "opposition", 0), ("slow-learner", "proposition", 0),
    ]
    # Debater A scored 3 and B 4 in both presentations: each side had a 3 and a 4.
    assert json.loads(orders[2][3])["rebuttal"] == {"proposition": 4, "opposition": 3}
    assert json.loads(orders[3][3])["rebuttal"] == {"proposition": 3, "opposition": 4}
    scores = json.loads(query(db, "select scores_json from ballot where judge = 'slow-learner'")[0][0])
    assert scores["rebuttal"] == {"proposition": 3.5, "opposition": 3.5}
    assert query(db, "select winner from debate")[0][0] == "tie"
    invalid = query(db, "select count(*) from model_call where purpose = 'judge' and ok = 0")[0][0]
    assert invalid == 2 * (2 + 1)  # per presentation: two bad replies from one judge, one from the other


def test_changed_config_is_refused_on_resume(tmp_path: Path) -> None:
    cfg_path = write_config(tmp_path / "t.yaml", contestants=[{"name": "a", "model": "fake/a"}, {"name": "b", "model": "fake/b"}], sides="once")
    assert run_cli("run", str(cfg_path), "--quiet").returncode == 0
    write_config(cfg_path, contestants=[{"name": "a", "model": "fake/a"}, {"name": "c", "model": "fake/c"}], sides="once")
    again = run_cli("run", str(cfg_path), "--quiet")
    assert again.returncode == 2
    assert "different config" in again.stderr and "contestants" in again.stderr


def test_read_commands_emit_one_json_document(tmp_path: Path) -> None:
    cfg_path = write_config(tmp_path / "t.yaml", contestants=[{"name": "a", "model": "fake/a"}, {"name": "b", "model": "fake/b"}])
    assert run_cli("run", str(cfg_path), "--quiet").returncode == 0
    db = str(tmp_path / "t.db")
    standings = json.loads(run_cli("standings", "--db", db, "--format", "json").stdout)
    assert {r["name"] for r in standings["rows"]} == {"a", "b"}
    assert sum(r["points"] for r in standings["rows"]) == 2  # a tie is half a point to each side
    assert all(r["wins"] + r["losses"] + r["ties"] == r["debates"] for r in standings["rows"])
    debates = json.loads(run_cli("debates", "--db", db, "--format", "json").stdout)
    assert len(debates) == 2
    shown = json.loads(run_cli("show", str(debates[0]["id"]), "--db", db, "--format", "json").stdout)
    assert len(shown["speeches"]) == 4 and shown["ballots"]
    missing = run_cli("show", "999", "--db", db)
    assert missing.returncode == 2 and "no debate" in missing.stderr
    nodb = run_cli("standings", "--db", str(tmp_path / "nope.db"))
    assert nodb.returncode == 2 and "no database" in nodb.stderr and not (tmp_path / "nope.db").exists()


def test_help_does_not_import_litellm() -> None:
    code = "import sys; from debate.cli import app; import debate.store, debate.config; print('litellm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_one_debate_on_the_real_local_models(tmp_path: Path) -> None:
    cfg_path = write_config(
        tmp_path / "t.yaml",
        contestants=[
            {"name": "qwen", "model": "local/qwen2.5-0.5b-instruct", "temperature": 0.3},
            {"name": "gemma", "model": "local/gemma-3-270m", "temperature": 0.7},
        ],
        judges=[{"name": "judge", "model": "local/qwen2.5-0.5b-instruct", "temperature": 0.0}],
        motions=["demo"],
        sides="once",
        rounds=1,
        word_factor=0.4,
        panel={"qualification": {"controls": 2}},
    )
    result = run_cli("run", str(cfg_path), "--quiet", timeout=1200)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "t.db"
    texts = [t for (t,) in query(db, "select text from speech order by idx")]
    assert len(texts) == 4 and all(len(t.split()) >= 3 for t in texts)
    # A tie is an honest outcome for a judge whose two orders disagree.
    assert query(db, "select winner from debate")[0][0] in ("proposition", "opposition", "tie")
    assert query(db, "select count(*) from ballot where abstained = 0")[0][0] == 1
    # The real model's verdict probabilities are read in both presentations.
    probabilities = [json.loads(p) for (p,) in query(db, "select probabilities_json from order_ballot where abstained = 0")]
    assert len(probabilities) == 2 and all(p and abs(sum(p.values()) - 1) < 1e-6 for p in probabilities)
    (qualification,) = query(db, "select result_json from judge_qualification")
    assert json.loads(qualification[0])["controls"] == 2
    tokens = query(db, "select sum(completion_tokens) from model_call where purpose = 'speech'")[0][0]
    assert tokens > 20


def test_partial_speeches_are_flushed_for_spectators(tmp_path: Path) -> None:
    cfg_path = write_config(
        tmp_path / "t.yaml",
        contestants=[{"name": n, "model": f"fake/{n}", "params": {"token_latency": 0.05, "words": 60}} for n in ("a", "b")],
        sides="once",
    )
    db = tmp_path / "t.db"
    proc = subprocess.Popen([*DEBATE, "run", str(cfg_path), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            seen += [t for (t,) in query(db, "select text from partial_speech")]
        except Exception:  # noqa: BLE001 - the table may not exist yet
            continue
    proc.wait(timeout=60)
    assert proc.returncode == 0
    lengths = sorted({len(t) for t in seen})
    assert len(lengths) >= 3, "the partial text grew while the speech was spoken"
    finished = [t for (t,) in query(db, "select text from speech")]
    assert any(f.startswith(seen[-1].strip()[:20]) for f in finished)
    assert query(db, "select count(*) from partial_speech")[0][0] == 0, "finished speeches leave no partial row"
