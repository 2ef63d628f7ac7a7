"""Help: every key of the screen underneath, and what the screens are for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.markup import escape

ABOUT = """[b]Screens[/]
  Home       tournaments in the store; n sets up a new one, o opens
             a config file
  Setup      a tournament as a form (or as YAML), checked as you type
             like `debate run`; F2 switches form and YAML, ctrl+s
             saves it, ctrl+r saves it and runs it here
  Board      every debate of the round: status, speech, tok/s, cost,
             retries, errors; ctrl+r resumes a stopped tournament
             here, with the config stored with it. Run by workers:
             a worker column (host:pid) and a panel of each worker's
             debates now, settled, failed, last error, debates per
             minute. Run by another process: followed through the
             store, twice a second
  Spectator  one debate side by side, streamed, with findings,
             ballots and win odds
  Standings  ratings with 95% interval bars and rank ranges, usage,
             category heatmap; p: pairs (observed, predicted,
             debates), o: rating after each round
  Draw       the round's pairings and why (flags, notes, byes)
  Score      blind human ballot on the rubric (review, then confirm)
  Export     scorecard as json, csv, md or html
The mouse works everywhere: click rows, buttons and fields."""


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        # This screen is already on the stack while it composes: the one underneath is next down.
        below = next((s for s in reversed(self.app.screen_stack) if s is not self), None)
        lines = ["[b]Keys here[/]"]
        seen = set()
        for source in (below, self.app):
            for binding in getattr(source, "BINDINGS", []):
                if isinstance(binding, tuple):
                    binding = Binding(*binding)
                if binding.key in seen or not binding.description:
                    continue
                seen.add(binding.key)
                lines.append(escape(f"  {binding.key:<10} {binding.description}"))  # keys such as "[" are not markup
        with VerticalScroll(id="help-box"):
            yield Static("\n".join(lines) + "\n\n" + ABOUT + "\n\n[dim]escape closes[/]")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
