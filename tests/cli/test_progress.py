"""`debate run`'s live progress: debates done of all, judged, failed, tokens/s, cost and an ETA."""

from __future__ import annotations

import io

from rich.console import Console

from debate.cli.progress import Progress, Steps
from debate.core import events as ev


def test_the_bar_counts_judged_and_failed_debates_tokens_cost_and_gives_an_eta() -> None:
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system=None)
    progress = Progress(console, live=False)
    progress.listener(ev.TournamentStarted(tournament="t", rounds=2, debates_total=4, debates_done=0, resumed=False))
    for debate_id, cost in ((1, 0.25), (2, 0.5)):
        progress.listener(ev.DebateStarted(debate_id=debate_id, round=1, proposition="a", opposition="b", motion="m", resumed_at=0))
        progress.listener(ev.SpeechDone(debate_id=debate_id, index=0, tokens=120, latency_s=1.0, cost_usd=cost))
    progress.listener(ev.DebateDone(debate_id=1, proposition="a", opposition="b", winner="proposition"))
    progress.listener(ev.DebateFailed(debate_id=2, error="judge down"))
    console.print(progress._bar)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "2/4" in shown and "judged 1 · failed 1" in shown
    assert "tok/s" in shown and "$0.7500" in shown and "ETA" in shown


def test_steps_show_done_of_total_with_an_eta_on_a_terminal_and_nothing_when_piped() -> None:
    terminal = Console(file=io.StringIO(), width=200, force_terminal=True, color_system=None)
    with Steps(terminal, "control ballots") as steps:
        steps.update(3, 12, "qwen-judge: control ballots")
        terminal.print(steps._bar)
    shown = terminal.file.getvalue()  # type: ignore[attr-defined]
    assert "qwen-judge: control ballots" in shown and "3/12" in shown and "ETA" in shown

    piped = Console(file=io.StringIO(), width=200, force_terminal=False)
    with Steps(piped, "kills", total=3) as steps:
        steps.advance()
    assert piped.file.getvalue() == ""  # type: ignore[attr-defined]
