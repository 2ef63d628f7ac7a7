"""Inline SVG charts of the HTML scorecard: ratings with 95% interval bars, heatmaps (observed
win rates, predicted win probabilities and battle counts of each pair, contestant by
criterion, contestant by category), the rating over rounds as lines, per-contestant criterion
means and the side-balance bar. No scripts: tooltips are SVG `<title>` elements.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from debate.reports.export.text import e, fixed, interval, pct, rating, record, shorten
from debate.reports.scorecard import CriterionMean, Scorecard

Stops = Sequence[tuple[float, tuple[int, int, int]]]

# Diverging around 0.5 for win rates (ColorBrewer RdBu, red = losing, blue = winning).
DIVERGING: Stops = ((0.0, (178, 24, 43)), (0.25, (239, 138, 98)), (0.5, (247, 247, 247)), (0.75, (103, 169, 207)), (1.0, (33, 102, 172)))
# Sequential for scores (ColorBrewer YlGnBu).
SEQUENTIAL: Stops = ((0.0, (255, 255, 217)), (0.25, (199, 233, 180)), (0.5, (65, 182, 196)), (0.75, (34, 94, 168)), (1.0, (8, 29, 88)))
EMPTY = "#eef1f5"


def _colour(stops: Stops, value: float) -> tuple[int, int, int]:
    value = min(1.0, max(0.0, value))
    for (x0, c0), (x1, c1) in itertools.pairwise(stops):
        if value <= x1:
            t = 0.0 if x1 == x0 else (value - x0) / (x1 - x0)
            return tuple(round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))  # type: ignore[return-value]
    return stops[-1][1]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _ink(rgb: tuple[int, int, int]) -> str:
    """Dark or light text for a background, by relative luminance."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
    return "#1b2430" if lum > 0.33 else "#ffffff"


def _text_width(text: str, px: float = 7.2) -> float:
    return len(text) * px


def _nice_step(span: float, target: int = 6) -> float:
    raw = max(span, 1e-9) / target
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def ratings_svg(card: Scorecard) -> str:
    rows = sorted((r for r in card.leaderboard if r.rating is not None), key=lambda r: (-(r.rating or 0), r.name))
    unrated = [r.name for r in card.leaderboard if r.rating is None]
    if not rows:
        return '<svg id="ratings-chart" role="img" aria-label="no ratings" viewBox="0 0 600 40" width="600" height="40"><text x="0" y="24" font-size="14" fill="#5f6b7a">No rated debates yet: nothing to rate.</text></svg>'
    lows = [r.lower if r.lower is not None else r.rating for r in rows]
    highs = [r.upper if r.upper is not None else r.rating for r in rows]
    lo, hi = min(lows), max(highs)  # type: ignore[type-var]
    mean = sum(r.rating for r in rows) / len(rows)  # type: ignore[misc]
    lo, hi = min(lo, mean), max(hi, mean)  # type: ignore[type-var]
    step = _nice_step(hi - lo or 100)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    if hi == lo:
        lo, hi = lo - step, hi + step
    label_w = max(90, min(220, max(_text_width(shorten(r.name), 8.2) for r in rows) + 30))
    plot_w, value_w, row_h, top = 560, 230, 30, 16
    width = label_w + plot_w + value_w
    height = top + row_h * len(rows) + 52

    def x(value: float) -> float:
        return label_w + (value - lo) / (hi - lo) * plot_w

    out = [f'<svg id="ratings-chart" role="img" aria-label="ratings with 95% intervals" viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" height="{height}">']
    tick = lo
    while tick <= hi + 1e-9:
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{top + row_h * len(rows)}" stroke="#e3e8ef"/>')
        out.append(f'<text x="{tx:.1f}" y="{top + row_h * len(rows) + 18}" font-size="11" fill="#5f6b7a" text-anchor="middle">{e(f"{tick:g}")}</text>')
        tick += step
    mx = x(mean)
    out.append(f'<line x1="{mx:.1f}" y1="{top - 8}" x2="{mx:.1f}" y2="{top + row_h * len(rows)}" stroke="#8a94a6" stroke-dasharray="4 3"/>')
    above, below, level = "#2166ac", "#b2182b", "#52606d"
    for k, r in enumerate(rows):
        cy = top + row_h * k + row_h / 2
        if k % 2 == 0:
            out.append(f'<rect x="0" y="{cy - row_h / 2:.1f}" width="{width:.0f}" height="{row_h}" fill="#f8fafc"/>')
        out.append(f'<text x="{label_w - 12:.0f}" y="{cy + 4:.1f}" font-size="13" font-weight="600" fill="#1b2430" text-anchor="end">{e(shorten(r.name))}<title>{e(r.name)}</title></text>')
        # Blue: the whole interval above the field's mean; red: below; grey: cannot tell.
        colour = above if r.lower is not None and r.lower > mean else below if r.upper is not None and r.upper < mean else level
        if r.lower is not None and r.upper is not None:
            out.append(f'<rect x="{x(r.lower):.1f}" y="{cy - 5:.1f}" width="{max(2.0, x(r.upper) - x(r.lower)):.1f}" height="10" rx="5" fill="{colour}" fill-opacity="0.28"/>')
            out.append(f'<line x1="{x(r.lower):.1f}" y1="{cy - 7:.1f}" x2="{x(r.lower):.1f}" y2="{cy + 7:.1f}" stroke="{colour}" stroke-width="2"/>')
            out.append(f'<line x1="{x(r.upper):.1f}" y1="{cy - 7:.1f}" x2="{x(r.upper):.1f}" y2="{cy + 7:.1f}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<circle cx="{x(r.rating or 0):.1f}" cy="{cy:.1f}" r="6" fill="{colour}" stroke="#fff" stroke-width="1.5"><title>{e(r.name)}: {rating(r.rating)} ({interval(r.lower, r.upper)}), {r.battles} battles</title></circle>')
        out.append(f'<text x="{label_w + plot_w + 12:.0f}" y="{cy + 4:.1f}" font-size="12.5" fill="#1b2430"><tspan font-weight="700">{rating(r.rating)}</tspan><tspan fill="#5f6b7a"> [{interval(r.lower, r.upper)}] · {r.battles} battle{"" if r.battles == 1 else "s"}</tspan></text>')
    ly = top + row_h * len(rows) + 40
    for n, (colour, text) in enumerate(((above, "interval above the mean"), (level, "overlaps the mean"), (below, "interval below the mean"))):
        lx = label_w + n * 175
        out.append(f'<circle cx="{lx + 6}" cy="{ly - 4}" r="5" fill="{colour}"/><text x="{lx + 16}" y="{ly}" font-size="11.5" fill="#5f6b7a">{e(text)}</text>')
    out.append("</svg>")
    if unrated:
        out.append(f'<p class="muted">Not rated (no rated debates): {e(", ".join(unrated))}</p>')
    return '<div class="chart">' + "".join(out) + "</div>"


def _gradient_legend(grad_id: str, stops: Stops, x0: float, y0: float, labels: Sequence[tuple[float, str]], width: float = 220) -> str:
    out = [f'<defs><linearGradient id="{e(grad_id)}" x1="0" x2="1" y1="0" y2="0">']
    for k in range(11):
        v = k / 10
        out.append(f'<stop offset="{v:.1f}" stop-color="{_hex(_colour(stops, v))}"/>')
    out.append("</linearGradient></defs>")
    out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{width}" height="10" rx="3" fill="url(#{e(grad_id)})" stroke="#d0d7e2"/>')
    for at, text in labels:
        out.append(f'<text x="{x0 + at * width:.1f}" y="{y0 + 24:.1f}" font-size="11" fill="#5f6b7a" text-anchor="middle">{e(text)}</text>')
    return "".join(out)


def _heatmap_svg(
    svg_id: str, label: str, rows: Sequence[str], cols: Sequence[str], values: Sequence[Sequence[float | None]],
    main: Callable[[int, int], str], sub: Callable[[int, int], str], tip: Callable[[int, int], str], stops: Stops,
    legend: Sequence[tuple[float, str]], skip_diagonal: bool = False, compact: bool = False,
) -> str:
    """A heatmap; `compact` narrows the cells and the legend so that three fit side by side."""
    if not rows or not cols:
        return f'<svg id="{e(svg_id)}" role="img" aria-label="{e(label)}" viewBox="0 0 600 40" width="600" height="40"><text x="0" y="24" font-size="14" fill="#5f6b7a">Nothing to show yet.</text></svg>'
    cell_w = max(46, min(56 if compact else 96, 860 // max(1, len(cols))))
    legend_w = 140 if compact else 220
    cell_h = 44
    row_labels = [shorten(r) for r in rows]
    col_labels = [shorten(c, 20) for c in cols]
    left = max(70, max(_text_width(t, 8.2) for t in row_labels) + 24)
    longest = max(_text_width(t, 6.6) for t in col_labels)
    top = 22 + longest * 0.6 if longest > cell_w - 6 else 30
    rotate = longest > cell_w - 6
    width = max(left + cell_w * len(cols) + (longest * 0.8 if rotate else 0) + 10, left + legend_w + 50)  # room for the legend
    height = top + cell_h * len(rows) + 48
    out = [f'<svg id="{e(svg_id)}" role="img" aria-label="{e(label)}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">']
    for j, text in enumerate(col_labels):
        cx = left + cell_w * j + cell_w / 2
        if rotate:
            out.append(f'<text x="{cx - 4:.1f}" y="{top - 8:.1f}" font-size="12" fill="#1b2430" transform="rotate(-35 {cx - 4:.1f} {top - 8:.1f})">{e(text)}<title>{e(cols[j])}</title></text>')
        else:
            out.append(f'<text x="{cx:.1f}" y="{top - 10:.1f}" font-size="12" fill="#1b2430" text-anchor="middle">{e(text)}<title>{e(cols[j])}</title></text>')
    for i, text in enumerate(row_labels):
        cy = top + cell_h * i + cell_h / 2
        out.append(f'<text x="{left - 10:.1f}" y="{cy + 4:.1f}" font-size="12.5" font-weight="600" fill="#1b2430" text-anchor="end">{e(text)}<title>{e(rows[i])}</title></text>')
        for j in range(len(cols)):
            x0, y0 = left + cell_w * j, top + cell_h * i
            value = values[i][j]
            if skip_diagonal and i == j:
                out.append(f'<rect x="{x0 + 1:.1f}" y="{y0 + 1:.1f}" width="{cell_w - 2}" height="{cell_h - 2}" rx="4" fill="#f6f7f9" stroke="#e3e8ef" stroke-dasharray="3 3"/>')
                continue
            below = sub(i, j)
            if value is None:
                fill, ink = EMPTY, "#8a94a6"
            else:
                rgb = _colour(stops, value)
                fill, ink = _hex(rgb), _ink(rgb)
            out.append(f'<g><rect x="{x0 + 1:.1f}" y="{y0 + 1:.1f}" width="{cell_w - 2}" height="{cell_h - 2}" rx="4" fill="{fill}"/>'
                       f'<title>{e(tip(i, j))}</title>'
                       f'<text x="{x0 + cell_w / 2:.1f}" y="{y0 + (19 if below else cell_h / 2 + 5):.1f}" font-size="13" font-weight="700" fill="{ink}" text-anchor="middle">{e(main(i, j))}</text>'
                       + (f'<text x="{x0 + cell_w / 2:.1f}" y="{y0 + 33:.1f}" font-size="10" fill="{ink}" fill-opacity="0.85" text-anchor="middle">{e(below)}</text>' if below else "") + "</g>")
    out.append(_gradient_legend(f"{svg_id}-scale", stops, left, top + cell_h * len(rows) + 12, legend, legend_w))
    out.append("</svg>")
    return '<div class="chart">' + "".join(out) + "</div>"


def winrate_svg(card: Scorecard) -> str:
    w = card.win_rates
    names = w.contestants
    values = [[cell.rate if cell is not None else None for cell in row] for row in w.cells]

    def main(i: int, j: int) -> str:
        cell = w.cells[i][j]
        return "–" if cell is None or cell.rate is None else pct(cell.rate)

    def sub(i: int, j: int) -> str:
        cell = w.cells[i][j]
        return "" if cell is None or not cell.debates else record(cell.wins, cell.losses, cell.ties)

    def tip(i: int, j: int) -> str:
        cell = w.cells[i][j]
        if cell is None or not cell.debates:
            return f"{names[i]} has not met {names[j]} in a rated debate"
        return f"{names[i]} vs {names[j]}: {cell.wins} won, {cell.losses} lost, {cell.ties} tied ({pct(cell.rate)})"

    return _heatmap_svg("winrate-heatmap", "win-rate heatmap", names, names, values, main, sub, tip, DIVERGING,
                        [(0, "0% (lost all)"), (0.5, "50%"), (1, "100% (won all)")], skip_diagonal=True, compact=True)


def predicted_svg(card: Scorecard) -> str:
    """The ratings' predicted win probability of the row contestant against the column one,
    coloured as the observed win rates are."""
    w = card.win_rates
    names = w.contestants
    values = [[cell.predicted if cell is not None else None for cell in row] for row in w.cells]

    def main(i: int, j: int) -> str:
        return pct(values[i][j])

    def tip(i: int, j: int) -> str:
        if values[i][j] is None:
            return f"{names[i]} or {names[j]} is not rated: no prediction"
        return f"{names[i]} vs {names[j]}: the ratings give {names[i]} {pct(values[i][j])}"

    return _heatmap_svg("predicted-heatmap", "predicted win-probability heatmap", names, names, values, main, lambda i, j: "", tip, DIVERGING,
                        [(0, "0%"), (0.5, "50%"), (1, "100%")], skip_diagonal=True, compact=True)


def battles_svg(card: Scorecard) -> str:
    """How many rated debates (battles in the ratings) each pair had; darker is more."""
    w = card.win_rates
    names = w.contestants
    counts = [[cell.debates if cell is not None else 0 for cell in row] for row in w.cells]
    most = max((n for row in counts for n in row), default=0)
    # Never the darkest blue: a full scale of navy cells would drown the numbers.
    values = [[0.1 + 0.7 * n / most if most else 0.0 for n in row] for row in counts]

    def tip(i: int, j: int) -> str:
        n = counts[i][j]
        return f"{names[i]} and {names[j]}: {n} rated debate{'' if n == 1 else 's'}"

    return _heatmap_svg("battles-heatmap", "battle-count heatmap", names, names, values, lambda i, j: str(counts[i][j]), lambda i, j: "", tip, SEQUENTIAL,
                        [(0.1, "0"), (0.8, f"{most}")], skip_diagonal=True, compact=True)


def criterion_svg(card: Scorecard, names: dict[str, str]) -> str:
    h = card.criterion_heatmap
    cards = {c.name: c for c in card.contestants}
    scale = {c.id: c for c in card.tournament.rubric.criteria}

    def main(i: int, j: int) -> str:
        return fixed(h.means[i][j], 2)

    def sub(i: int, j: int) -> str:
        stat = cards[h.contestants[i]].criterion_means.get(h.criteria[j])
        if stat is None or stat.lower is None or stat.mean is None or stat.upper is None:
            return f"n={stat.n}" if stat is not None and stat.n else ""
        return f"±{(stat.upper - stat.lower) / 2:.2f}"

    def tip(i: int, j: int) -> str:
        stat = cards[h.contestants[i]].criterion_means.get(h.criteria[j])
        cid = h.criteria[j]
        where = f"{h.contestants[i]} on {names.get(cid, cid)}"
        if stat is None or stat.mean is None:
            return f"{where}: no scores"
        return f"{where}: mean {stat.mean:.2f} (95% CI {interval(stat.lower, stat.upper, 2)}) over {stat.n} scores, scale {scale[cid].scale_min}–{scale[cid].scale_max}" if cid in scale else f"{where}: mean {stat.mean:.2f}"

    crit = card.tournament.rubric.criteria
    low = min((c.scale_min for c in crit), default=0)
    high = max((c.scale_max for c in crit), default=1)
    same = all(c.scale_min == low and c.scale_max == high for c in crit)
    legend = [(0, f"{low} (scale low)" if same else "scale low"), (0.5, "midpoint"), (1, f"{high} (scale high)" if same else "scale high")]
    return _heatmap_svg("criterion-heatmap", "contestant by criterion heatmap", h.contestants, [names.get(c, c) for c in h.criteria], h.normalised,
                        main, sub, tip, SEQUENTIAL, legend)


def category_svg(card: Scorecard) -> str:
    h = card.category_heatmap

    def main(i: int, j: int) -> str:
        return pct(h.rates[i][j])

    def sub(i: int, j: int) -> str:
        n = h.debates[i][j]
        return f"{n} debate{'s' if n != 1 else ''}" if n else ""

    def tip(i: int, j: int) -> str:
        n = h.debates[i][j]
        if not n:
            return f"{h.contestants[i]}: no rated debate on {h.categories[j]}"
        return f"{h.contestants[i]} on {h.categories[j]}: {pct(h.rates[i][j])} over {n} debates"

    return _heatmap_svg("category-heatmap", "contestant by motion category heatmap", h.contestants, h.categories, h.rates, main, sub, tip, DIVERGING,
                        [(0, "0%"), (0.5, "50%"), (1, "100%")])


def means_svg(card_name: str, means: dict[str, CriterionMean], human: dict[str, CriterionMean] | None, scorecard: Scorecard, names: dict[str, str]) -> str:
    crit = scorecard.tournament.rubric.criteria
    label_w, plot_w, value_w, row_h = 140, 150, 92, 20
    width, height = label_w + plot_w + value_w, row_h * len(crit) + 8
    out = [f'<svg class="means" role="img" aria-label="{e(card_name)} criterion means" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    for k, c in enumerate(crit):
        cy = 4 + row_h * k + row_h / 2
        span = max(1, c.scale_max - c.scale_min)

        def x(v: float, c: object = c, span: int = span) -> float:
            return label_w + (min(max(v, c.scale_min), c.scale_max) - c.scale_min) / span * plot_w  # type: ignore[attr-defined]

        out.append(f'<text x="{label_w - 8}" y="{cy + 4:.1f}" font-size="11.5" fill="#1b2430" text-anchor="end">{e(shorten(names.get(c.id, c.id), 20))}<title>{e(names.get(c.id, c.id))}</title></text>')
        out.append(f'<line x1="{label_w}" y1="{cy:.1f}" x2="{label_w + plot_w}" y2="{cy:.1f}" stroke="#e3e8ef" stroke-width="6" stroke-linecap="round"/>')
        stat = means.get(c.id)
        if stat is not None and stat.mean is not None:
            colour = _hex(_colour(SEQUENTIAL, 0.35 + 0.65 * (stat.mean - c.scale_min) / span))
            if stat.lower is not None and stat.upper is not None:
                out.append(f'<line x1="{x(stat.lower):.1f}" y1="{cy:.1f}" x2="{x(stat.upper):.1f}" y2="{cy:.1f}" stroke="{colour}" stroke-width="6" stroke-linecap="round" stroke-opacity="0.55"/>')
            out.append(f'<circle cx="{x(stat.mean):.1f}" cy="{cy:.1f}" r="5" fill="{colour}" stroke="#fff" stroke-width="1.2"><title>{e(names.get(c.id, c.id))}: {stat.mean:.2f} ({interval(stat.lower, stat.upper, 2)}), n={stat.n}</title></circle>')
        hstat = human.get(c.id) if human else None
        if hstat is not None and hstat.mean is not None:
            out.append(f'<circle cx="{x(hstat.mean):.1f}" cy="{cy:.1f}" r="4.5" fill="none" stroke="#d9480f" stroke-width="2"><title>humans: {hstat.mean:.2f}, n={hstat.n}</title></circle>')
        text = "–" if stat is None or stat.mean is None else f"{stat.mean:.2f}" + ("" if stat.lower is None or stat.upper is None else f" ±{(stat.upper - stat.lower) / 2:.2f}")
        out.append(f'<text x="{label_w + plot_w + 8}" y="{cy + 4:.1f}" font-size="11" fill="#5f6b7a">{e(text)}</text>')
    out.append("</svg>")
    return "".join(out)


def side_bar(rate: float) -> str:
    w = 140
    p = max(0.0, min(1.0, rate)) * w
    return (f'<svg class="sidebar" role="img" aria-label="proposition rate {pct(rate)}" viewBox="0 0 {w} 12" width="{w}" height="12">'
            f'<rect x="0" y="1" width="{w}" height="10" rx="5" fill="#b2182b" fill-opacity="0.75"/>'
            f'<rect x="0" y="1" width="{p:.1f}" height="10" rx="5" fill="#2166ac"/>'
            f'<line x1="{w / 2}" y1="0" x2="{w / 2}" y2="12" stroke="#fff" stroke-width="2"/></svg>')


# Tableau 10: distinct hues for the lines of the rating-over-rounds chart.
LINES = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def history_svg(card: Scorecard) -> str:
    """Each contestant's rating after every completed round, a line each, its 95% interval a
    faint band. The scale follows the ratings: a band wider than the chart is cut at its edge
    (the tooltips give the numbers)."""
    history = card.rating_history
    rounds = [] if history is None else [r for r in history.rounds if r.ratings]
    if history is None or not rounds:
        return '<svg id="history-chart" role="img" aria-label="no rating history" viewBox="0 0 600 40" width="600" height="40"><text x="0" y="24" font-size="14" fill="#5f6b7a">No completed round with a rated debate yet.</text></svg>'
    names = history.contestants()
    points = [r.rating for entry in rounds for r in entry.ratings]
    lo, hi = min(points), max(points)
    pad = max(50.0, 0.15 * (hi - lo))
    step = _nice_step(hi - lo + 2 * pad, 5)
    lo, hi = math.floor((lo - pad) / step) * step, math.ceil((hi + pad) / step) * step
    labels = [shorten(n, 18) for n in names]
    left, top, plot_w, plot_h = 56, 14, 640, 300
    height = top + plot_h + 46
    numbers = [entry.round for entry in rounds]

    def x(number: int) -> float:
        return left + (plot_w / 2 if len(numbers) == 1 else (numbers.index(number)) / (len(numbers) - 1) * plot_w)

    def y(value: float) -> float:
        return top + (hi - value) / (hi - lo) * plot_h

    out = [f'<defs><clipPath id="history-plot"><rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}"/></clipPath></defs>']
    tick = lo
    while tick <= hi + 1e-9:
        out.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#e3e8ef"/>'
                   f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" font-size="11" fill="#5f6b7a" text-anchor="end">{e(f"{tick:g}")}</text>')
        tick += step
    for number in numbers:
        out.append(f'<text x="{x(number):.1f}" y="{top + plot_h + 18}" font-size="11" fill="#5f6b7a" text-anchor="middle">R{number}</text>')
    out.append(f'<text x="{left + plot_w / 2:.0f}" y="{top + plot_h + 38}" font-size="11.5" fill="#5f6b7a" text-anchor="middle">after round</text>')
    ends: list[tuple[float, str, str]] = []
    for k, name in enumerate(names):
        colour = LINES[k % len(LINES)]
        seen = [(entry.round, next((r for r in entry.ratings if r.name == name), None)) for entry in rounds]
        rated = [(number, r) for number, r in seen if r is not None]
        banded = [(number, r) for number, r in rated if r.lower is not None and r.upper is not None]
        if len(banded) > 1:
            edge = [f"{x(n):.1f},{y(r.upper):.1f}" for n, r in banded] + [f"{x(n):.1f},{y(r.lower):.1f}" for n, r in reversed(banded)]  # type: ignore[arg-type]
            out.append(f'<polygon points="{" ".join(edge)}" fill="{colour}" fill-opacity="0.08" clip-path="url(#history-plot)"/>')
        # A round where it was not rated breaks the line.
        run: list[str] = []
        for number, r in [*seen, (None, None)]:
            if r is not None and number is not None:
                run.append(f"{x(number):.1f},{y(r.rating):.1f}")
                continue
            if len(run) > 1:
                out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>')
            run = []
        for number, r in rated:
            hollow = r.no_estimate is not None
            tip = f"{name} after round {number}: {rating(r.rating)} ({interval(r.lower, r.upper)}), {r.battles} battles" + (f", no finite estimate ({r.no_estimate} everyone)" if hollow else "")
            out.append(f'<circle cx="{x(number):.1f}" cy="{y(r.rating):.1f}" r="4.5" fill="{"#fff" if hollow else colour}" stroke="{colour}" stroke-width="2"><title>{e(tip)}</title></circle>')
        if rated:
            ends.append((y(rated[-1][1].rating), f"{labels[k]} {rating(rated[-1][1].rating)}", colour))
    # The names at the lines' right ends, pushed apart so that none overlaps another.
    ends.sort()
    placed: list[float] = []
    for at, _, _ in ends:
        placed.append(max(at, placed[-1] + 15) if placed else at)
    for (at, text, colour), shown in zip(ends, placed, strict=True):
        out.append(f'<text x="{left + plot_w + 12}" y="{shown + 4:.1f}" font-size="12.5" font-weight="600" fill="{colour}">{e(text)}</text>')
    height = max(height, round(placed[-1]) + 12) if placed else height
    width = left + plot_w + 12 + max((_text_width(text, 9.0) for _, text, _ in ends), default=0) + 8
    head = f'<svg id="history-chart" role="img" aria-label="rating after each round" viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" height="{height}">'
    return '<div class="chart">' + head + "".join(out) + "</svg></div>"
