"""How fast streamed text reaches the screen with `debates` debates speaking at once.

A producer thread plays the engine: every 20 ms each debate gets a word (a TextDelta), and
now and then one delta carries a marker `⟦n⟧` stamped with the time it was posted. After
every repaint the board reports which markers its cells now show; the delay from posting to
that repaint is the figure. Headless (`App.run_test`), so it measures the app, not a terminal.
The last line printed is one JSON object: {"median_ms": ..., "worst_ms": ...}.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from debate.core import events as ev

MARK = re.compile(r"⟦(\d+)⟧")


async def _measure(debates: int, seconds: float, tick: float) -> dict[str, Any]:
    from tui.app import DebateApp
    from tui.screens.board import BoardScreen

    posted: dict[int, float] = {}
    seen: dict[int, float] = {}
    database = str(Path(tempfile.mkdtemp()) / "bench.db")
    app = DebateApp(database, start_engine=False)
    # Tall enough that every debate has its line in the live panel (at most half the screen).
    async with app.run_test(size=(200, 2 * debates + 24)) as pilot:
        app.state.tournament = "bench"
        app.state.blind = False
        app.open_board()
        await pilot.pause(0.2)
        board = app.screen
        assert isinstance(board, BoardScreen)

        def rendered(_stamp: float) -> None:
            now = time.perf_counter()
            for text in board.rendered_tails.values():
                for match in MARK.finditer(text):
                    n = int(match.group(1))
                    if n in posted and n not in seen:
                        seen[n] = now

        app.render_observers.append(rendered)
        app.post_event(ev.TournamentStarted(tournament="bench", rounds=1, debates_total=debates, debates_done=0, resumed=False))
        app.post_event(ev.RoundStarted(round=1, stage="preliminary", debates=debates, motion="bench"))
        for d in range(1, debates + 1):
            app.post_event(ev.DebateStarted(debate_id=d, round=1, proposition=f"p{d}", opposition=f"o{d}", motion="bench", resumed_at=0))
            app.post_event(ev.SpeechStarted(debate_id=d, index=0, side="proposition", role="opening", speaker=f"p{d}"))
        await pilot.pause(0.3)
        stop = threading.Event()

        def produce() -> None:
            marker = 0
            step = 0
            while not stop.is_set():
                for d in range(1, debates + 1):
                    app.post_event(ev.TextDelta(debate_id=d, index=0, text=" word"))
                step += 1
                if step % 3 == 0:
                    marker += 1
                    d = 1 + marker % debates
                    posted[marker] = time.perf_counter()
                    app.post_event(ev.TextDelta(debate_id=d, index=0, text=f" ⟦{marker}⟧"))
                time.sleep(tick)

        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        await asyncio.sleep(seconds)
        stop.set()
        producer.join()
        await pilot.pause(0.5)
    delays = [(seen[n] - posted[n]) * 1000 for n in posted if n in seen]
    missed = len(posted) - len(delays)
    return {
        "debates": debates,
        "markers": len(posted),
        "missed": missed,
        "median_ms": round(statistics.median(delays), 1) if delays else None,
        "worst_ms": round(max(delays), 1) if delays else None,
    }


def run(debates: int = 50, console: Any = None, seconds: float = 4.0, tick: float = 0.02) -> dict[str, Any]:
    """Run the benchmark; prints a summary and, last, one JSON line; returns the figures."""
    result = asyncio.run(_measure(debates, seconds, tick))
    say = console.print if console is not None else print
    say(f"{debates} debates streaming, a word each every {tick * 1000:.0f} ms, {result['markers']} markers, {result['missed']} never seen")
    print(json.dumps({"median_ms": result["median_ms"], "worst_ms": result["worst_ms"]}))
    return result


if __name__ == "__main__":
    run()
