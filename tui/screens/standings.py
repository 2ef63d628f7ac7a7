"""Standings: ratings with interval bars, usage beside them, ratings per rubric criterion,
and a category heatmap."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from tui.app import StateChanged
from tui.markup import escape
from tui.screens.base import TournamentScreen
from tui.widgets.bars import heat_cell, interval_bar

COLUMNS = ("#", "contestant", "W-L-T", "points", "rating", "95% interval", "", "tokens", "cost", "latency")


class StandingsScreen(TournamentScreen):
    CSS_PATH = "standings.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading standings…", id="standings-head")
        yield DataTable(id="standings-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="heatmap-box"):
            yield Static(id="criteria")
            yield Static(id="heatmap")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column or "bar")
        self.load()

    @on(StateChanged)
    def state_changed(self, message: StateChanged) -> None:
        if message.structural:
            self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        from debate.reports import standings_report

        app = self.tapp
        try:
            report = standings_report(app.store, app.tournament)
            row = app.store.find_tournament(app.tournament)
            summaries = app.store.debates(row.id)
            plans = app.store.debate_plans([d.id for d in summaries if d.status == "judged"])
            by_criterion = criterion_ratings(app.store, row.id, criterion_names(app, row.id))
        except Exception as exc:
            app.call_from_thread(self.query_one("#standings-head", Static).update, f"[red]{escape(str(exc))}[/]")
            return
        categories = {p.debate_id: p.motion.category or "uncategorised" for p in plans}
        app.call_from_thread(self._loaded, report, summaries, categories, by_criterion)

    def _loaded(self, report: Any, summaries: list[Any], categories: dict[int, str], by_criterion: dict[str, dict[str, float]]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        rated = [r for r in report.rows if r.get("rating") is not None]
        low = min((r.get("rating_lower") or r["rating"] for r in rated), default=0.0)
        high = max((r.get("rating_upper") or r["rating"] for r in rated), default=1.0)
        for r in report.rows:
            usage = report.per_contestant_usage.get(r["name"], {})
            rating = r.get("rating")
            tokens = usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0)
            latency = usage.get("mean_latency_s")
            interval = f"{r['rating_lower']:.0f}–{r['rating_upper']:.0f}" if r.get("rating_lower") is not None else "—"
            table.add_row(
                # W-L-T counts debates; points are the standings' wins (a tie half, byes as configured).
                str(r["rank"]), r["name"], f"{r['debates'] - r['losses'] - r['ties']}-{r['losses']}-{r['ties']}", f"{r['wins']:g}",
                f"{rating:.0f}" if rating is not None else "—", interval,
                interval_bar(rating, r.get("rating_lower"), r.get("rating_upper"), low, high),
                str(tokens), f"${usage.get('cost_usd', 0.0):.4f}", f"{latency:.2f}s" if latency is not None else "—",
                key=r["name"],
            )
        side = report.side_advantage
        extra = f" · proposition advantage {side['rating']:+.0f} rating points" if side and side.get("rating") is not None else ""
        self.query_one("#standings-head", Static).update(
            f"[b]Standings[/]: {report.tournament} ({report.status}, {report.pairing}) · ranked by {', '.join(report.tie_breaks)}{extra}\n"
            f"{report.usage.get('calls', 0)} model calls · {report.usage.get('prompt_tokens', 0) + report.usage.get('completion_tokens', 0)} tokens · ${report.usage.get('cost_usd', 0.0):.4f}"
        )
        self.query_one("#criteria", Static).update(criterion_table([r["name"] for r in report.rows], by_criterion))
        self.query_one("#heatmap", Static).update(heatmap(report.rows, summaries, categories))


def criterion_names(app: Any, tournament_id: int) -> dict[str, str]:
    """Rubric criterion id -> name, in the rubric's order; empty when the rubric cannot load
    (the ratings then show under their ids)."""
    from pydantic import ValidationError

    from debate.engine import tournament_rubric
    from debate.errors import UserError
    from debate.reports import stored_config

    try:
        # A rubric file can be moved or edited after the run; the ratings still stand.
        rubric = tournament_rubric(stored_config(app.store, tournament_id), app.base_dir)
    except (UserError, ValidationError, OSError):
        return {}
    return {c.id: c.name for c in rubric.criteria}


def criterion_ratings(store: Any, tournament_id: int, names: dict[str, str]) -> dict[str, dict[str, float]]:
    """Criterion name -> contestant -> Bradley-Terry rating on that criterion's ballots alone."""
    from debate.ratings_view import criterion_battles
    from judges.ratings import bradley_terry

    battles = criterion_battles(store, tournament_id)
    order = [c for c in names if c in battles] + sorted(c for c in battles if c not in names)
    out = {}
    for criterion in order:
        b = battles[criterion]
        # Point ratings, fitted as `debate ratings --by criterion` fits them; the bars above carry the intervals.
        table = bradley_terry(b, ci=None, side=b.a_is_proposition is not None)
        out[names.get(criterion, criterion)] = {r.name: r.rating for r in table.rows}
    return out


def criterion_table(names: list[str], ratings: dict[str, dict[str, float]]) -> str:
    """Each contestant's rating on each criterion; the best on a criterion in bold."""
    if not ratings or not names:
        return "[dim]no judged ballots yet: no ratings per criterion[/]"
    width = max(len(n) for n in names) + 2
    heads = [_short(c) for c in ratings]
    lines = ["[b]rating by rubric criterion[/]", " " * width + "".join(escape(f"{h:>12}") for h in heads)]
    best = {c: max(by_name.values(), default=None) for c, by_name in ratings.items()}
    for name in names:
        cells = []
        for c, by_name in ratings.items():
            value = by_name.get(name)
            cell = f"{value:>12.0f}" if value is not None else f"{'·':>12}"
            cells.append(f"[b green]{cell}[/]" if value is not None and value == best[c] else cell)
        lines.append(escape(f"{name:<{width}}") + "".join(cells))  # pad, then escape: the padding counts what shows
    return "\n".join(lines) + "\n"


def _short(name: str) -> str:
    """A criterion name that fits a 12-cell column: whole, else its first word."""
    return name if len(name) <= 11 else name.split()[0][:11]


def heatmap(rows: list[dict[str, Any]], summaries: list[Any], categories: dict[int, str]) -> str:
    """Win rate of each contestant in each motion category, as plain cells."""
    names = [r["name"] for r in rows]
    cats = sorted(set(categories.values()))
    if not cats:
        return "[dim]no judged debates yet: no category heatmap[/]"
    score: dict[tuple[str, str], list[float]] = {}
    for d in summaries:
        cat = categories.get(d.id)
        if cat is None or d.winner is None:
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
