"""One debate, proposition and opposition side by side, streamed as it is spoken."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from debate.core.errors import UserError
from tui.markup import escape
from tui.messages import StateChanged
from tui.screens.base import TournamentScreen
from tui.state import FAILED, JUDGED, BallotState, DebateState, SpeechState
from tui.widgets.header import Header


def win_probabilities(ratings: dict[str, float], proposition: str, opposition: str) -> tuple[float, float] | None:
    """Each side's chance from the ratings so far, or None while either side is unrated."""
    if proposition not in ratings or opposition not in ratings:
        return None
    from debate.api import win_probability

    p = win_probability(ratings[proposition], ratings[opposition])
    return p, 1.0 - p


class SpectatorScreen(TournamentScreen):
    CSS_PATH = "spectator.tcss"

    def __init__(self, debate_id: int) -> None:
        super().__init__()
        self.debate_id = debate_id
        self._shown: dict[int, str] = {}
        # The odds as they stood before the verdict: after it, the ratings already count this
        # debate, so fresh odds would no longer be a forecast of it.
        self._odds_before: tuple[float, float] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="spec-head")
        with Horizontal(id="spec-sides"):
            yield VerticalScroll(Static(id="spec-prop-name", classes="side-name"), id="spec-prop", classes="side")
            yield VerticalScroll(Static(id="spec-opp-name", classes="side-name"), id="spec-opp", classes="side")
        yield Static(id="spec-timeline")
        # Findings and ballots scroll in a bounded strip: on a small terminal the speeches keep the room.
        with VerticalScroll(id="spec-notes"):
            yield Static(id="spec-findings")
            yield Static(id="spec-ballots")
        yield Footer()

    @property
    def debate(self) -> DebateState | None:
        return self.tapp.state.debates.get(self.debate_id)

    def on_mount(self) -> None:
        self.redraw()
        self.load_details()
        self.set_interval(1.0, self.load_details)

    def on_screen_resume(self) -> None:
        self.redraw()

    @work(thread=True, exclusive=True, group="spectator-details")
    def load_details(self) -> None:
        """Findings and stored ballots come from the store (they are not engine events)."""
        d = self.debate
        if d is None or (d.speeches and d.findings and d.status == JUDGED and d.ballots and all(b.verdict for b in d.ballots)):
            return
        from debate.api import debate

        try:
            detail = debate(self.tapp.store, self.debate_id)
        except UserError:  # StoreError: a debate of the live view not in the store (yet), or no store
            return
        findings = [f"speech {f.speech_idx + 1} ({f.side}): {f.kind}: {f.detail}" for f in detail.findings]
        ballots = [(b.judge, b.winner, b.reason, b.verdict, b.kind) for b in detail.ballots]
        speeches = [SpeechState(s.index, s.side.value, s.role, text=s.text, tokens=len(s.text.split()), done=True) for s in detail.speeches]
        self.app.call_from_thread(self._details_loaded, findings, ballots, speeches)

    def _details_loaded(self, findings: list[str], ballots: list[tuple[str, str | None, str, str | None, str]], speeches: list[SpeechState]) -> None:
        d = self.debate
        if d is None:
            return
        for speech in speeches:  # finished speeches the live state has not seen (an earlier round)
            known = d.speeches.get(speech.index)
            if known is None or (not known.done and d.status in (JUDGED, FAILED)):
                d.speeches[speech.index] = speech
        d.findings = findings
        if len(ballots) >= len(d.ballots):
            d.ballots = [BallotState(j, w, r, v, k) for j, w, r, v, k in ballots]
        self.redraw()

    @on(StateChanged)
    def state_changed(self, message: StateChanged) -> None:
        if self.debate_id in message.debates or message.structural:
            self.redraw()

    def odds_line(self, d: DebateState) -> str:
        odds = win_probabilities(self.tapp.ratings, d.proposition, d.opposition)
        if d.status != JUDGED:
            self._odds_before = odds or self._odds_before
            when = "before the verdict"
        elif self._odds_before is not None:
            odds, when = self._odds_before, "before the verdict"
        else:
            when = "from the ratings, this verdict included"
        if odds is None:
            return "win probability: no ratings yet"
        return f"win probability ({when}): proposition {odds[0]:.0%} · opposition {odds[1]:.0%}"

    def redraw(self) -> None:
        d = self.debate
        head = self.query_one("#spec-head", Static)
        if d is None:
            head.update(f"debate {self.debate_id} is not in this tournament's current view")
            return
        blind = self.tapp.state.blind
        prop, opp = d.name("proposition", blind), d.name("opposition", blind)
        verdict = f"[b green]winner: {d.winner}[/]" if d.status == JUDGED else f"[b]{d.status}[/]"
        lines = [f"[b]debate {d.id}[/] · round {d.round} · motion [i]{escape(d.motion)}[/] · {verdict}", self.odds_line(d)]
        if d.error or d.last_retry:
            colour, what = ("red", "error") if d.error else ("yellow", f"retries {d.retries}, last")
            lines.append(f"[{colour}]{what}: {escape(self.tapp.state.masked(d.error or d.last_retry or '', [d]))}[/]")
        head.update("\n".join(lines))
        self.query_one("#spec-prop-name", Static).update(f"[b]PROPOSITION[/] · {escape(prop)}")
        self.query_one("#spec-opp-name", Static).update(f"[b]OPPOSITION[/] · {escape(opp)}")
        for speech in sorted(d.speeches.values(), key=lambda s: s.index):
            column = self.query_one("#spec-prop" if speech.side == "proposition" else "#spec-opp", VerticalScroll)
            body = f"[b]{speech.index + 1}. {speech.role}[/]{'' if speech.done else ' [cyan]▌ speaking[/]'}\n{escape(speech.text)}"
            if self._shown.get(speech.index) == body:
                continue
            self._shown[speech.index] = body
            widget_id = f"speech-{speech.index}"
            found = column.query(f"#{widget_id}")
            if found:
                found.first(Static).update(body)
            else:
                column.mount(Static(body, id=widget_id, classes="speech"))
            column.scroll_end(animate=False)
        marks = []
        for speech in sorted(d.speeches.values(), key=lambda s: s.index):
            mark = "■" if speech.done else "▶"
            marks.append(f"{mark} {speech.index + 1} {speech.side[:4]} {speech.role}")
        self.query_one("#spec-timeline", Static).update("timeline: " + ("  →  ".join(marks) if marks else "no speech yet"))
        findings = "\n".join(f"• {escape(f)}" for f in d.findings) or "none"
        self.query_one("#spec-findings", Static).update(f"[b]rule-check findings[/]\n{findings}")
        ballots = [f"• {escape(b.judge)}{' (human)' if b.kind == 'human' else ''}: {b.verdict or b.winner or 'abstained'} — {escape(b.reason)}" for b in d.ballots]
        self.query_one("#spec-ballots", Static).update("[b]ballots[/]\n" + ("\n".join(ballots) or "waiting for the judges"))
