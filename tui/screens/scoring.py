"""Human scoring: the blind ballot on the tournament's rubric, reviewed before it is final."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from debate.core.errors import UserError
from tui.markup import escape
from tui.screens.base import NAV, TournamentScreen
from tui.widgets.header import Header

if TYPE_CHECKING:
    from debate.api import BlindDebate, Progress, ScoringSession
    from debate.api.scoring import Ballot, Rubric

VERDICT_LABELS = {
    "proposition_clearly": "Proposition clearly", "proposition_slightly": "Proposition slightly", "tie": "Tie",
    "opposition_slightly": "Opposition slightly", "opposition_clearly": "Opposition clearly",
}


class ReviewScreen(ModalScreen[bool]):
    """The ballot as it will be stored: enter confirms, escape goes back to edit."""

    CSS_PATH = "review.tcss"
    BINDINGS = [Binding("enter", "confirm", "Confirm", priority=True), Binding("escape", "cancel", "Back to edit")]

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="review-box"):
            yield Static("[b]Review your ballot[/] — enter stores it for good, escape goes back\n\n" + self.summary, id="review-text")
            with Horizontal(id="review-buttons"):
                yield Button("Confirm (enter)", id="confirm", variant="success")
                yield Button("Back (esc)", id="cancel")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)


class ScoringScreen(TournamentScreen):
    CSS_PATH = "scoring.tcss"
    BINDINGS = [Binding("ctrl+r", "review", "Review ballot"), *NAV]

    def __init__(self, scorer: str | None = None) -> None:
        super().__init__()
        self.scorer = scorer
        self.session: ScoringSession | None = None
        self.blind: BlindDebate | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Your scorer name (enter to start):", id="score-head")
        yield Input(placeholder="scorer name", id="scorer")
        yield VerticalScroll(id="score-body")
        yield Footer()

    def on_mount(self) -> None:
        if self.scorer:
            self.query_one("#scorer", Input).value = self.scorer
            self.start(self.scorer)
        else:
            self.query_one("#scorer", Input).focus()

    @on(Input.Submitted, "#scorer")
    def scorer_given(self, event: Input.Submitted) -> None:
        self.start(event.value)

    @work(thread=True, exclusive=True, group="scoring")
    def start(self, name: str) -> None:
        from debate.api import ScoringSession

        app = self.tapp
        try:
            session = ScoringSession(app.store, app.tournament, name, app.base_dir)
            blind = session.next_debate()
            done = session.progress()
        # A bad scorer name, no such tournament, a rubric that no longer loads (UserError), or a
        # stored config this version no longer accepts (ValidationError).
        except (UserError, ValidationError) as exc:
            self.app.call_from_thread(self.query_one("#score-head", Static).update, f"[red]{escape(str(exc))}[/]")
            return
        self.app.call_from_thread(self._show, session, blind, done)

    @property
    def rubric(self) -> Rubric | None:
        return self.session.rubric if self.session else None

    async def _show(self, session: ScoringSession, blind: BlindDebate | None, done: Progress) -> None:
        self.session, self.scorer, self.blind = session, session.scorer, blind
        scorer, rubric = session.scorer, session.rubric
        head = self.query_one("#score-head", Static)
        body = self.query_one("#score-body", VerticalScroll)
        await body.remove_children()
        if blind is None:
            head.update(f"[b]{escape(scorer)}[/]: scored {done.scored} of {done.available} · nothing left to score")
            return
        head.update(f"[b]{escape(scorer)}[/]: scored {done.scored} of {done.available} · scoring a debate blind (ctrl+r reviews)")
        widgets: list[Any] = [Static(f"[b]Motion[/]: {escape(blind.motion)}" + (f"\n[i]{escape(blind.info_slide)}[/]" if blind.info_slide else ""), classes="motion")]
        for s in blind.speeches:
            widgets.append(Static(f"[b]{s.index + 1}. {s.side.value.capitalize()} — {s.role}[/]\n{escape(s.text)}", classes="speech"))
        if blind.findings:
            widgets.append(Static("[b]Rule-check findings[/]\n" + "\n".join(f"• {escape(f)}" for f in blind.findings)))
        for c in rubric.criteria:
            levels = "\n".join(f"  {lv.score}: {escape(lv.descriptor)}" for lv in c.levels)
            widgets.append(Static(f"[b]{escape(c.name)}[/] ({c.scale_min}–{c.scale_max}, weight {c.weight:g}): {escape(c.description)}\n{levels}", classes="criterion"))
            widgets.append(Horizontal(
                Label("Proposition"), Input(id=f"p-{c.id}", type="integer", max_length=3, classes="score"),
                Label("Opposition"), Input(id=f"o-{c.id}", type="integer", max_length=3, classes="score"),
                classes="score-row",
            ))
        widgets.append(Label("[b]Verdict[/]: who debated better, and by how much"))
        widgets.append(RadioSet(*[RadioButton(label, name=value) for value, label in VERDICT_LABELS.items()], id="verdict"))
        widgets.append(Checkbox("Both sides were poor", id="both-poor"))
        widgets.append(Input(placeholder="reason: one or two sentences", id="reason", max_length=600))
        widgets.append(Button("Review ballot (ctrl+r)", id="review", variant="primary"))
        widgets.append(Static(id="score-problems"))
        await body.mount_all(widgets)
        body.scroll_home(animate=False)
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        if self.rubric is not None:
            self.query_one(f"#p-{self.rubric.criteria[0].id}", Input).focus()

    @on(Input.Submitted, ".score")
    def next_field(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#review")
    def review_pressed(self) -> None:
        self.action_review()

    def answers(self, rubric: Rubric) -> tuple[Ballot | None, str | None]:
        """The ballot the form holds, or None and what is missing."""
        from debate.api import ballot_from_answers

        scores: dict[str, tuple[int, int]] = {}
        problems = []
        for c in rubric.criteria:
            values = []
            for prefix in ("p", "o"):
                raw = self.query_one(f"#{prefix}-{c.id}", Input).value.strip()
                if not raw.lstrip("-").isdigit() or not c.scale_min <= int(raw) <= c.scale_max:
                    problems.append(f"{c.name}: {'proposition' if prefix == 'p' else 'opposition'} needs a score {c.scale_min}–{c.scale_max}")
                    values.append(0)
                else:
                    values.append(int(raw))
            scores[c.id] = (values[0], values[1])
        pressed = self.query_one("#verdict", RadioSet).pressed_button
        if pressed is None:
            problems.append("choose a verdict")
            pressed_name = ""
        else:
            pressed_name = pressed.name or ""
        reason = self.query_one("#reason", Input).value
        if not reason.strip():
            problems.append("give a reason")
        if problems:
            return None, "; ".join(problems)
        try:
            ballot = ballot_from_answers(scores, pressed_name, self.query_one("#both-poor", Checkbox).value, reason)
        except ValueError as exc:
            return None, str(exc)
        return ballot, None

    def action_review(self) -> None:
        rubric = self.rubric
        if self.blind is None or rubric is None:
            return
        ballot, problem = self.answers(rubric)
        problems = self.query_one("#score-problems", Static)
        if ballot is None:
            problems.update(f"[red]{escape(problem or '')}[/]")
            return
        problems.update("")
        lines = [f"debate shown blind · verdict [b]{VERDICT_LABELS[ballot.verdict.value]}[/]" + (" · both sides poor" if ballot.both_poor else "")]
        for c in rubric.criteria:
            s = ballot.scores[c.id]
            lines.append(f"  {c.name:<28} proposition {s.proposition}   opposition {s.opposition}")
        lines.append(f"reason: {escape(ballot.reason)}")

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self.submit(ballot)

        self.app.push_screen(ReviewScreen("\n".join(lines)), decided)

    @work(thread=True, exclusive=True, group="scoring")
    def submit(self, ballot: Ballot) -> None:
        app = self.app
        if self.session is None or self.blind is None:
            return  # review is only offered once a debate is shown
        try:
            self.session.submit(self.blind.debate_id, ballot)
        except UserError as exc:  # graded already, not open for scoring, a read-only store
            app.call_from_thread(self.query_one("#score-problems", Static).update, f"[red]{escape(str(exc))}[/]")
            return
        app.call_from_thread(self.notify, "ballot stored", timeout=3)
        name = self.scorer or ""
        app.call_from_thread(self.start, name)
