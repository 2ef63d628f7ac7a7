"""`debate bench validity`: does the embedded default rank a weak model below two stronger ones?

A local tournament between the two instruct contestants of the demo and `gemma-base` (a
270M base model), at least 30 debates, judged by the local judge in both orders. It prints
the judge's qualification on control debates, the presented-side bias before both-orders
judging (the ballots that showed the proposition as Debater A, as every ballot did before)
and after it (the combined ballots), and the rating intervals. The target: gemma-base below
both instruct contestants with non-overlapping 95% intervals. It takes 30-60 minutes on two
cores; it is a benchmark, not a test. The last line is one JSON object.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path
from collections.abc import Callable
from typing import Any

import anyio
from rich.console import Console

WEAK = "gemma-base"


def run(*, debates: int, database: str | None, console: Console, listener: Callable[[Any], None] | None = None) -> None:
    """`listener` receives the tournament's events (the CLI's progress bar)."""
    from debate.config import tournament_motions, validate_config
    from debate.draws.pairing import Draw, Pairing
    from debate.gateway import gateway_for
    from debate.orchestrator import Orchestrator
    from debate.store import Store

    config = validate_config(_config(), source="debate bench validity")
    names = [c.name for c in config.contestants]
    pairs = [(a, b) for a in names for b in names if a != b]
    cycles = -(-debates // len(pairs))
    draws = [Draw(round=n + 1, pairings=tuple(Pairing(proposition=a, opposition=b) for a, b in pairs)) for n in range(cycles)]
    with tempfile.TemporaryDirectory() as tmp:
        target = database or str(Path(tmp) / "validity.db")
        store = Store(target)
        orchestrator = Orchestrator(config=config, store=store, gateway=gateway_for(config), motions=tournament_motions(config, Path.cwd()))
        if listener is not None:
            orchestrator.bus.subscribe(listener)
        summary = anyio.run(orchestrator.run, draws)
        figures = _figures(store, summary.tournament_id)
        store.close()
    figures |= {"debates": summary.debates, "judged": summary.judged, "database": database}
    _print(console, figures)
    print(json.dumps(figures))


def _config() -> dict[str, Any]:
    from importlib.resources import files

    import yaml

    demo = yaml.safe_load(files("debate").joinpath("demo.yaml").read_text(encoding="utf-8"))
    demo |= {"name": "validity", "motions": ["core-en"], "motion_assignment": "per-debate", "stream": False}
    demo["panel"] = {"allow_self_judging": True, "orders": "both", "qualification": {"controls": 6}}
    demo.pop("database", None)
    return demo


def _figures(store: Any, tournament_id: int) -> dict[str, Any]:
    from debate.verdicts import tournament_ratings

    qualification = [q.result for q in store.qualifications(tournament_id)]
    orders = [o for o in store.order_ballots(tournament_id) if o.margin is not None]
    shown_first = [o.margin for o in orders if o.label_a == "proposition"]
    combined = [m for _, b in store.final_ballots(tournament_id) if (m := b.margin) is not None]
    toward_a = [o.margin if o.label_a == "proposition" else -o.margin for o in orders]
    table = tournament_ratings(store, tournament_id)
    ratings = [] if table is None else [{"name": r.name, "rating": round(r.rating, 1), "lower": _round(r.lower), "upper": _round(r.upper)} for r in table.rows]
    return {
        "qualification": qualification,
        "side_bias_before": _side(shown_first),
        "side_bias_after": _side(combined),
        "mean_margin_toward_debater_a": round(statistics.fmean(toward_a), 3) if toward_a else None,
        "position_consistency": _share([b.consistent for _, b in store.final_ballots(tournament_id) if b.consistent is not None]),
        "ratings": ratings,
        "target_met": _target(ratings),
    }


def _side(margins: list[float]) -> dict[str, Any]:
    """The proposition's share of decisive verdicts and its mean signed margin."""
    decisive = [m for m in margins if m]
    return {
        "ballots": len(margins),
        "proposition_share": round(sum(m > 0 for m in decisive) / len(decisive), 3) if decisive else None,
        "mean_margin": round(statistics.fmean(margins), 3) if margins else None,
    }


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _target(ratings: list[dict[str, Any]]) -> bool:
    weak = next((r for r in ratings if r["name"] == WEAK), None)
    strong = [r for r in ratings if r["name"] != WEAK]
    if weak is None or len(strong) < 2 or weak["upper"] is None or any(r["lower"] is None for r in strong):
        return False
    return all(weak["upper"] < r["lower"] for r in strong)


def _print(console: Console, figures: dict[str, Any]) -> None:
    for q in figures["qualification"]:
        console.print(f"judge {q['judge']}: accuracy {q['accuracy']}, position consistency {q['position_consistency']}, flagged {q['flagged']}")
    before, after = figures["side_bias_before"], figures["side_bias_after"]
    console.print(f"proposition share of decisive verdicts: {before['proposition_share']} shown first as Debater A (before), {after['proposition_share']} combined over both orders (after)")
    console.print(f"mean margin toward Debater A: {figures['mean_margin_toward_debater_a']}; position consistency {figures['position_consistency']}")
    for r in figures["ratings"]:
        console.print(f"  {r['name']:<16} {r['rating']:>7} ({r['lower']} - {r['upper']})")
    console.print(f"target (gemma-base below both, intervals apart): {'met' if figures['target_met'] else 'not met'}")
