"""Standings: a banner of caveats when the ranking cannot be trusted, ratings with interval
bars and rank ranges, usage beside them, then (scrolling, p and o jump there) ratings per rubric
criterion, a category heatmap, each pair's observed against predicted record, and the rating
after each round."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from debate.core.errors import UserError
from tui.markup import escape
from tui.messages import StateChanged
from tui.screens.base import TournamentScreen
from tui.widgets.bars import heat_cell, interval_bar
from tui.widgets.fitted_table import fill
from tui.widgets.header import Header

if TYPE_CHECKING:
    from debate.api import BracketReport, StandingsReport, Store
    from debate.api.reading import DebateSummary
    from debate.api.reports import RatingHistory, WinRateMatrix

COLUMNS = ("#", "ranks", "contestant", "W-L-T", "points", "rating", "95% interval", "", "tokens", "cost", "latency")
HEADS = [(column, column or "bar") for column in COLUMNS]
SPARKS = "▁▂▃▄▅▆▇█"
# Rounds shown as numbers in the rating-over-rounds table (the sparkline covers them all).
SHOWN_ROUNDS = 8


class StandingsScreen(TournamentScreen):
    CSS_PATH = "standings.tcss"
    BINDINGS = [
        *TournamentScreen.BINDINGS,
        Binding("p", "jump('pairs')", "Pairs"),
        Binding("o", "jump('rounds')", "Over rounds"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="caveats-box", classes="caveats"):
            yield Static(id="standings-caveats")
        yield Static("loading standings…", id="standings-head")
        yield DataTable(id="standings-table", cursor_type="row", zebra_stripes=True)
        # Scrolls both ways: a table wider than the terminal scrolls rather than wraps.
        with ScrollableContainer(id="heatmap-box"):
            yield Static("[dim]p: pairs, observed v predicted · o: rating over rounds · scroll for more[/]", id="standings-keys")
            yield Static(id="criteria")
            yield Static(id="heatmap")
            yield Static(id="pairs")
            yield Static(id="rounds")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#caveats-box").display = False
        fill(self.query_one(DataTable), HEADS, [])
        self.load()

    @on(StateChanged)
    def state_changed(self, message: StateChanged) -> None:
        if message.structural:
            self.load()

    def action_jump(self, section: str) -> None:
        """Scroll the lower pane to a section and give it the keys, so the arrows scroll on."""
        box = self.query_one("#heatmap-box", ScrollableContainer)
        box.scroll_to_widget(self.query_one(f"#{section}", Static), animate=False, top=True)
        box.focus()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        from debate.api import criterion_names, debates, motion_categories, standings
        from debate.api.reports import pairwise, rating_history

        app = self.tapp
        try:
            report = standings(app.store, app.tournament)
            summaries = debates(app.store, app.tournament)
            categories = motion_categories(app.store, app.tournament)
            by_criterion = criterion_ratings(app.store, app.tournament, criterion_names(app.store, app.tournament, app.base_dir))
            pairs = pairwise(app.store, app.tournament, [r.name for r in report.rows])
            history = rating_history(app.store, app.tournament)
        except UserError as exc:  # StoreError: no store, or no such tournament
            self.app.call_from_thread(self.query_one("#standings-head", Static).update, f"[red]{escape(str(exc))}[/]")
            return
        self.app.call_from_thread(self._loaded, report, summaries, categories, by_criterion, pairs, history)

    def _loaded(
        self, report: StandingsReport, summaries: list[DebateSummary], categories: dict[int, str], by_criterion: dict[str, dict[str, CriterionCell]],
        pairs: WinRateMatrix, history: RatingHistory,
    ) -> None:
        self._show_caveats(report)
        rows: list[tuple[str, list[str]]] = []
        rated = [r for r in report.rows if r.rating is not None]
        low = min((r.rating_lower or r.rating for r in rated), default=0.0)
        high = max((r.rating_upper or r.rating for r in rated), default=1.0)
        for r in report.rows:
            usage = report.per_contestant_usage.get(r.name, {})
            rating = r.rating
            tokens = usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0)
            latency = usage.get("mean_latency_s")
            interval = "–".join("?" if end is None else f"{end:.0f}" for end in (r.rating_lower, r.rating_upper))
            if r.no_estimate:  # one end is open: show the other as a bound
                end, sign = (r.rating_lower, "≥") if r.no_estimate == "above" else (r.rating_upper, "≤")
                interval = "—" if end is None else f"{sign}{end:.0f}"
            shown = f"{rating:.0f}" if rating is not None else f"{r.no_estimate} all" if r.no_estimate else "—"
            rows.append((r.name, [
                str(r.rank), rank_range(report.rank_ranges.get(r.name)), escape(r.name), f"{r.wins}-{r.losses}-{r.ties}", f"{r.points:g}",
                shown, interval if rating is not None or r.no_estimate else "—",
                interval_bar(rating, r.rating_lower, r.rating_upper, low, high),
                str(tokens), f"${usage.get('cost_usd', 0.0):.4f}", f"{latency:.2f}s" if latency is not None else "—",
            ]))
        fill(self.query_one(DataTable), HEADS, rows)
        from debate.api import side_advantage_text

        side = report.side_advantage
        extra = f" · proposition advantage {escape(side_advantage_text(side))}" if side is not None else ""
        knockout = "" if report.bracket is None else f"[b green]{escape(report.bracket.headline())}[/]\n"
        title = "Standings" if report.bracket is None else "Preliminary standings"
        self.query_one("#standings-head", Static).update(
            f"{knockout}[b]{title}[/]: {report.tournament} ({report.status}, {report.pairing}) · ranked by {', '.join(report.tie_breaks)}{extra}\n"
            f"{report.usage.get('calls', 0)} model calls · {report.usage.get('prompt_tokens', 0) + report.usage.get('completion_tokens', 0)} tokens · ${report.usage.get('cost_usd', 0.0):.4f}"
            + "".join(f"\n{escape(note)}" for note in report.notes)
        )
        names = [r.name for r in report.rows]
        self.query_one("#criteria", Static).update((bracket_lines(report.bracket) if report.bracket else "") + criterion_table(names, by_criterion))
        self.query_one("#heatmap", Static).update(heatmap(names, summaries, categories))
        self.query_one("#pairs", Static).update(pairs_table(pairs))
        self.query_one("#rounds", Static).update(rounds_table(history))


    def _show_caveats(self, report: StandingsReport) -> None:
        from debate.api import caveat_headline

        self.query_one("#caveats-box").display = bool(report.caveats)
        lines = [f"[b]{escape(caveat_headline(report.caveats))}[/]", *(f"! {escape(c.sentence)}" for c in report.caveats)]
        self.query_one("#standings-caveats", Static).update("\n".join(lines))


class CriterionRating(NamedTuple):
    """A contestant's rating on one criterion's ballots alone, with its 95% interval."""

    rating: float
    lower: float | None
    upper: float | None
    first: bool  # first at 95% confidence: its worst rank over draws of the ratings is 1


CriterionCell = CriterionRating | str  # "above"/"below": set apart with no finite rating


def criterion_ratings(store: Store, tournament: str | None, names: dict[str, str]) -> dict[str, dict[str, CriterionCell]]:
    """Criterion name (its id when the rubric no longer loads) -> contestant -> rating on that
    criterion's ballots alone, in the rubric's order; "above"/"below" for one set apart without
    a finite rating (its number would only be a placement)."""
    from debate.api import ratings

    # Fitted as `debate ratings --by criterion` fits them, intervals included: a handful of
    # ballots per criterion leaves them wide, and a point alone would read as a ranking.
    boards = {b.group: b.table for b in ratings(store, tournament, by="criterion").boards}
    order = [c for c in names if c in boards] + sorted(c for c in boards if c not in names)
    return {
        names.get(c, c): {r.name: r.no_estimate or CriterionRating(r.rating, r.lower, r.upper, r.rank_upper == 1) for r in boards[c].rows}
        for c in order
    }


def bracket_lines(bracket: BracketReport) -> str:
    """The knockout, a line per match, above the criterion ratings."""
    lines = ["[b]knockout[/]" + (" [dim](seeded by the standings as they stood at the break; they have changed since)[/]" if bracket.standings_moved else "")]
    for r in bracket.rounds:
        for m in r.matches:
            through = "to be judged" if m.winner is None else f"{escape(m.winner)} through" + ("" if m.decided_by == "panel" else f" ({m.decided_by})")
            lines.append(f"  round {r.round} {r.stage}: ({m.proposition_seed}) {escape(m.proposition)} v ({m.opposition_seed}) {escape(m.opposition)} → {through}")
        lines += [f"  round {r.round} {r.stage}: ({bracket.seeds.index(b) + 1}) {escape(b)} → a bye" for b in r.byes]
    return "\n".join(lines) + "\n\n"


def criterion_table(names: list[str], ratings: dict[str, dict[str, CriterionCell]]) -> str:
    """Each contestant's rating on each criterion with its 95% interval's half-width; in bold
    only one first on that criterion at 95% confidence, since the top point of intervals
    that overlap names no one. Columns as wide as their heads and values need, so six
    criteria fit 80 columns."""
    if not ratings or not names:
        return "[dim]no judged ballots yet: no ratings per criterion[/]"
    width = max(len(n) for n in names) + 2
    heads = [_short(c) for c in ratings]
    values = [_criterion_cell(v) for by_name in ratings.values() for v in by_name.values()]
    cell = max(len(text) for text in [*heads, *values]) + 1
    lines = ["[b]rating by rubric criterion[/] [dim](± the 95% interval)[/]", " " * width + "".join(escape(f"{h:>{cell}}") for h in heads)]
    apart = {c: _apart(by_name) for c, by_name in ratings.items()}
    for name in names:
        cells = []
        for c, by_name in ratings.items():
            shown = f"{_criterion_cell(by_name.get(name)):>{cell}}"
            cells.append(f"[b green]{shown}[/]" if name == apart[c] else shown)
        lines.append(escape(f"{name:<{width}}") + "".join(cells))  # pad, then escape: the padding counts what shows
    if not any(apart.values()):
        lines.append("[dim]no contestant is first on any criterion at 95% confidence[/]")
    return "\n".join(lines) + "\n"


def _apart(by_name: dict[str, CriterionCell]) -> str | None:
    """The contestant first on one criterion at 95% confidence (its worst rank 1, as the
    standings' rank ranges count), or None. One that won every ballot ("above all") has no
    interval to compare and is not picked out: a few ballots won say little."""
    first = [name for name, v in by_name.items() if isinstance(v, CriterionRating) and v.first]
    return first[0] if len(first) == 1 and "above" not in by_name.values() else None


def _criterion_cell(value: CriterionCell | None) -> str:
    if value is None:
        return "·"
    if isinstance(value, str):
        return f"{value} all"
    if value.lower is None or value.upper is None:
        return f"{value.rating:.0f}"
    return f"{value.rating:.0f}±{(value.upper - value.lower) / 2:.0f}"


def _short(name: str) -> str:
    """A criterion name that fits a narrow column: whole, else its first word (at most 11)."""
    return name if len(name) <= 11 else name.split()[0][:11]


def heatmap(names: list[str], summaries: list[DebateSummary], categories: dict[int, str]) -> str:
    """Win rate of each contestant in each motion category (voided debates left out), as plain cells."""
    cats = sorted(set(categories.values()))
    if not cats:
        return "[dim]no judged debates yet: no category heatmap[/]"
    score: dict[tuple[str, str], list[float]] = {}
    for d in summaries:
        cat = categories.get(d.id)
        if cat is None or d.winner is None or d.voided:
            continue
        for name, side in ((d.proposition, "proposition"), (d.opposition, "opposition")):
            value = 0.5 if d.winner == "tie" else 1.0 if d.winner == side else 0.0
            score.setdefault((name, cat), []).append(value)
    width = max(len(n) for n in names) + 2
    head = " " * width + "".join(f"{c[:9]:>10}" for c in cats)
    lines = ["[b]win rate by motion category[/]", head]
    for name in names:
        cells = []
        for c in cats:
            values = score.get((name, c))
            cells.append("     " + heat_cell(sum(values) / len(values) if values else None))
        lines.append(f"{name:<{width}}" + "".join(cells))
    return "\n".join(lines)


def rank_range(ranks: tuple[int, int] | None) -> str:
    """"2" when the draws fix the rank, "1–3" when they allow a range, "—" unrated."""
    if ranks is None:
        return "—"
    return str(ranks[0]) if ranks[0] == ranks[1] else f"{ranks[0]}–{ranks[1]}"


def pairs_table(pairs: WinRateMatrix) -> str:
    """Row against column: observed win % (coloured), the ratings' predicted %, and the number
    of rated debates, side by side in each cell."""
    names = pairs.contestants
    if not names:
        return ""
    width = max(len(n) for n in names) + 2
    lines = [
        "\n[b]pairs[/]: row v column · observed win % / predicted % · rated debates",
        " " * width + "".join(escape(f"{n[:11]:>12}") for n in names),
    ]
    for i, name in enumerate(names):
        cells = []
        for cell in pairs.cells[i]:
            if cell is None:
                cells.append(f"{'·':>12}")
                continue
            observed = "–" if cell.rate is None else f"{100 * cell.rate:.0f}"
            predicted = "–" if cell.predicted is None else f"{100 * cell.predicted:.0f}"
            colour = "dim" if cell.rate is None else "red" if cell.rate < 0.34 else "yellow" if cell.rate < 0.67 else "green"
            cells.append(f"[{colour}]{observed:>5}[/]/{predicted:<3}{cell.debates:>3}")
        lines.append(escape(f"{name:<{width}}") + "".join(cells))
    return "\n".join(lines)


def _round_cell(value: float | str | None) -> str:
    return f"{'·':>7}" if value is None else f"{value:>7}" if isinstance(value, str) else f"{value:>7.0f}"


def _spark(value: float | str | None, low: float, high: float) -> str:
    if value is None:
        return " "
    if isinstance(value, str):
        return SPARKS[-1] if value == "above" else SPARKS[0]
    return SPARKS[0 if high == low else round((value - low) / (high - low) * (len(SPARKS) - 1))]


def rounds_table(history: RatingHistory) -> str:
    """Each contestant's rating after the last few completed rounds, and a sparkline over all
    of them on one scale for everyone (a low line is a low rating, not only a fall)."""
    rounds = [r for r in history.rounds if r.ratings]
    if not rounds:
        return "\n[dim]no completed round with a rated debate yet: no rating over rounds[/]"
    names = history.contestants()
    # A contestant set apart (no finite rating) shows where it stands, not its placement number.
    by_round = [{r.name: r.no_estimate or r.rating for r in entry.ratings} for entry in rounds]
    shown = list(zip(rounds, by_round, strict=True))[-SHOWN_ROUNDS:]
    values = [v for ratings in by_round for v in ratings.values() if not isinstance(v, str)] or [0.0]
    low, high = min(values), max(values)
    width = max(len(n) for n in names) + 2
    lines = [
        "\n[b]rating after each round[/] (refitted on the rated debates so far)",
        " " * width + "".join(f"{'R' + str(entry.round):>7}" for entry, _ in shown) + "  trend",
    ]
    for name in names:
        cells = "".join(_round_cell(ratings.get(name)) for _, ratings in shown)
        spark = "".join(_spark(ratings.get(name), low, high) for ratings in by_round)
        lines.append(escape(f"{name:<{width}}") + cells + "  " + spark)
    return "\n".join(lines)
