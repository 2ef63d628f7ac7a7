"""Scorecard renderers: JSON, CSV, Markdown and one self-contained HTML page.

`render(scorecard, fmt)` returns the text; `write(scorecard, fmt, path)` writes it (UTF-8).

- json: `Scorecard.model_dump_json(indent=2)`; it validates against `SCORECARD_JSON_SCHEMA`
  and carries `schema_version`.
- csv: one row per ballot (model and human, every stage), debates in id order, ballots in the
  order they were stored. Columns, always in this order (`csv_columns(scorecard)`):

      tournament, debate_id, round, motion_key, category, language, proposition, opposition,
      debate_winner, judge, judge_model, kind, stage, verdict, ballot_winner, both_poor,
      abstained, <criterion>_proposition, <criterion>_opposition (for every rubric criterion,
      in rubric order), findings, reason

  `debate_winner` is the panel's winner (proposition | opposition | tie; empty when the debate
  has none), `ballot_winner` this ballot's; `both_poor` and `abstained` are `true`/`false`;
  a criterion the ballot did not score is empty; `findings` is the number of rule-check
  findings in the debate. Written by the csv module (quoted where needed, `\\r\\n` line ends).
  Free text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a
  tab or a carriage return) is prefixed with a `'`.
- md: a readable report: leaderboard, contestants, win rates, judge agreement, side balance,
  excluded debates, then every debate with its ballots' scores, reasons and findings. Text
  from debaters and judges is backslash-escaped, so it can never become markup.
- html: one file, no scripts, no external fonts, images or style sheets: inline CSS and inline
  SVG charts (ratings with 95% interval bars, a win-rate heatmap, a contestant-by-criterion
  and a contestant-by-category heatmap), the leaderboard, judge agreement, side balance,
  excluded debates and a collapsible section per debate. Every piece of text is escaped with
  `html.escape`.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from judges.scorecard import SCHEMA_VERSION, CriterionMean, DebateCard, Scorecard

ExportFormat = Literal["json", "csv", "md", "html"]
FORMATS: tuple[str, ...] = ("json", "csv", "md", "html")
SCORECARD_JSON_SCHEMA = Scorecard.model_json_schema()

CSV_LEAD = (
    "tournament", "debate_id", "round", "motion_key", "category", "language", "proposition", "opposition",
    "debate_winner", "judge", "judge_model", "kind", "stage", "verdict", "ballot_winner", "both_poor", "abstained",
)
CSV_TAIL = ("findings", "reason")


def render(scorecard: Scorecard, fmt: ExportFormat) -> str:
    """The scorecard as text in `fmt` (json, csv, md or html)."""
    if fmt == "json":
        return scorecard.model_dump_json(indent=2)
    if fmt == "csv":
        return render_csv(scorecard)
    if fmt == "md":
        return render_markdown(scorecard)
    if fmt == "html":
        return render_html(scorecard)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def write(scorecard: Scorecard, fmt: ExportFormat, out_path: str | Path) -> Path:
    """Render and write to `out_path` (parents created); returns the path."""
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(scorecard, fmt)
    # csv carries its own \r\n line ends; newline="" keeps them as they are.
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


# --- csv ------------------------------------------------------------------------------------------


def csv_columns(scorecard: Scorecard) -> list[str]:
    criteria = [c.id for c in scorecard.tournament.rubric.criteria]
    return [*CSV_LEAD, *(f"{cid}_{side}" for cid in criteria for side in ("proposition", "opposition")), *CSV_TAIL]


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str | None) -> str:
    """Free text for a spreadsheet cell: never a formula."""
    value = text or ""
    return "'" + value if value.startswith(_FORMULA) else value


def _flag(value: bool) -> str:
    return "true" if value else "false"


def render_csv(scorecard: Scorecard) -> str:
    criteria = [c.id for c in scorecard.tournament.rubric.criteria]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_columns(scorecard))
    name = _safe(scorecard.tournament.name)
    for d in scorecard.debates:
        for b in d.ballots:
            scores = []
            for cid in criteria:
                side = b.scores.get(cid)
                scores += ["" if side is None or side.proposition is None else _number(side.proposition),
                           "" if side is None or side.opposition is None else _number(side.opposition)]
            writer.writerow([
                name, d.id, d.round, _safe(d.motion.key), _safe(d.motion.category), _safe(d.motion.language),
                _safe(d.proposition), _safe(d.opposition), d.winner or "", _safe(b.judge), _safe(b.judge_model), _safe(b.kind), _safe(b.stage),
                b.verdict or "", b.winner or "", _flag(b.both_poor), _flag(b.abstained), *scores, len(d.findings), _safe(b.reason),
            ])
    return buffer.getvalue()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- shared formatting --------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _f(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _rating(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _interval(lower: float | None, upper: float | None, digits: int = 0) -> str:
    if lower is None or upper is None:
        return "–"
    return f"{lower:.{digits}f}–{upper:.{digits}f}"


def _record(wins: int, losses: int, ties: int) -> str:
    return f"{wins}–{losses}–{ties}"


def _alpha_word(value: float | None) -> str:
    """Krippendorff's reading: >= 0.8 reliable, >= 0.667 tentative, else low."""
    if value is None:
        return "undefined"
    return "reliable" if value >= 0.8 else "tentative" if value >= 0.667 else "low"


def _side_word(winner: str | None) -> str:
    return {"proposition": "proposition", "opposition": "opposition", "tie": "tie"}.get(winner or "", "no result")


def _winner_name(d: DebateCard) -> str:
    if d.winner == "proposition":
        return d.proposition
    if d.winner == "opposition":
        return d.opposition
    return "tie" if d.winner == "tie" else "no result"


# --- markdown -------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def _md(text: object) -> str:
    """Inline Markdown text: punctuation that could be markup (or HTML) is backslash-escaped,
    line breaks become spaces."""
    value = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", value)


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str] | None = None) -> list[str]:
    align = align or ["l"] * len(header)
    marks = ["---:" if a == "r" else ":---:" if a == "c" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def render_markdown(card: Scorecard) -> str:
    t = card.tournament
    names = card.criterion_names()
    lines: list[str] = [f"# Scorecard: {_md(t.name)}", ""]
    c = t.counts
    lines.append(
        f"{_md(t.status)} · {_md(t.pairing)} · format {_md(t.format)} · rubric {_md(t.rubric.name)} · "
        f"{c.contestants} contestants · {c.judged} of {c.debates} debates judged ({c.failed} failed, {c.excluded} excluded from ratings) · "
        f"{c.model_ballots} judge ballots, {c.human_ballots} human ballots · {card.usage.calls} model calls, "
        f"{card.usage.prompt_tokens + card.usage.completion_tokens} tokens, ${card.usage.cost_usd:.4f}"
    )
    lines += ["", f"Generated {card.generated_at.isoformat(timespec='seconds')} (schema version {card.schema_version}).", ""]
    for note in card.notes + card.rating_notes:
        lines.append(f"> Note: {_md(note)}")
    if card.notes or card.rating_notes:
        lines.append("")

    lines += ["## Leaderboard", ""]
    rows = []
    for r in card.leaderboard:
        s = r.standings
        rows.append([
            str(r.rank or "–"), _md(r.name), _md(r.model), _record(r.record.wins, r.record.losses, r.record.ties),
            _rating(r.rating), _interval(r.lower, r.upper), str(r.battles), _fmt_cell(s.get("ballots")), _fmt_cell(s.get("score_average")),
        ])
    lines += _md_table(["#", "Contestant", "Model", "W–L–T", "Rating", "95% CI", "Battles", "Ballots", "Score avg"], rows, ["r", "l", "l", "c", "r", "c", "r", "r", "r"])
    if card.separability is not None:
        lines += ["", f"Separability: {_pct(card.separability)} of contestant pairs have non-overlapping 95% intervals."]
    lines.append("")

    lines += ["## Contestants", ""]
    for p in card.contestants:
        lines += [f"### {p.rank or '–'}. {_md(p.name)} ({_md(p.model)})", ""]
        lines.append(f"- Record (W–L–T): {_record(p.record.wins, p.record.losses, p.record.ties)}")
        lines.append(f"- Rating: {_rating(p.rating)} (95% CI {_interval(p.lower, p.upper)}), {p.battles} battles")
        if p.strongest_category is not None:
            strong, weak = p.categories[p.strongest_category], p.categories[p.weakest_category or p.strongest_category]
            lines.append(f"- Strongest category: {_md(p.strongest_category)} ({_pct(strong.win_rate)} of {strong.debates}); "
                         f"weakest: {_md(p.weakest_category)} ({_pct(weak.win_rate)} of {weak.debates})")
        else:
            lines.append("- No rated debates yet.")
        lines.append("")
        header = ["Criterion", "Mean (judges)", "95% CI", "n"]
        if p.criterion_means_human is not None:
            header += ["Mean (humans)", "95% CI", "n"]
        rows = []
        for cid, stat in p.criterion_means.items():
            row = [_md(names.get(cid, cid)), _f(stat.mean), _interval(stat.lower, stat.upper, 2), str(stat.n)]
            if p.criterion_means_human is not None:
                h = p.criterion_means_human.get(cid) or CriterionMean(mean=None, sd=None, lower=None, upper=None, n=0)
                row += [_f(h.mean), _interval(h.lower, h.upper, 2), str(h.n)]
            rows.append(row)
        lines += _md_table(header, rows, ["l"] + ["r", "c", "r"] * ((len(header) - 1) // 3))
        if p.categories:
            lines.append("")
            rows = [[_md(cat), str(r.debates), _record(r.wins, r.losses, r.ties), _pct(r.win_rate)] for cat, r in p.categories.items()]
            lines += _md_table(["Category", "Debates", "W–L–T", "Win rate"], rows, ["l", "r", "c", "r"])
        lines.append("")

    lines += ["## Win rates", "", "Row contestant against column contestant: share of debates won, a tie counting half (rated debates only).", ""]
    w = card.win_rates
    rows = []
    for i, name in enumerate(w.contestants):
        cells = []
        for j in range(len(w.contestants)):
            cell = w.cells[i][j]
            cells.append("·" if cell is None else "–" if cell.rate is None else f"{_pct(cell.rate)} ({cell.debates})")
        rows.append([f"**{_md(name)}**", *cells])
    lines += _md_table(["", *(_md(n) for n in w.contestants)], rows, ["l"] + ["c"] * len(w.contestants))
    lines.append("")

    a = card.agreement
    lines += ["## Judge agreement", "", f"Krippendorff's alpha over all raters ({a.level} level; 0.8 or more is reliable, 0.667 tentative):", ""]
    rows = [[_md(names.get(cid, cid)), _f(value, 3), _alpha_word(value)] for cid, value in a.criterion_alpha.items()]
    rows.append([f"Verdict ({a.verdict_level})", _f(a.verdict_alpha, 3), _alpha_word(a.verdict_alpha)])
    lines += _md_table(["Criterion", "α", "Reading"], rows, ["l", "r", "l"])
    lines.append("")
    if a.kappas is None:
        lines.append("No human ballots: no judge-against-human kappas.")
    else:
        lines += ["Cohen's kappa of each judge against the human consensus on winners:", ""]
        lines += _md_table(["Judge", "κ"], [[_md(j), _f(k, 3)] for j, k in a.kappas.items()], ["l", "r"])
    lines.append("")
    rows = [
        [_md(r.name), _md(r.judge_model), _md(r.kind), str(r.ballots), str(r.abstentions), f"{r.agree}/{r.compared}", _pct(r.agreement_rate), "**flagged**" if r.flagged else ""]
        for r in a.raters
    ]
    lines += _md_table(["Rater", "Model", "Kind", "Ballots", "Abstained", "Agrees with panel", "Rate", ""], rows, ["l", "l", "l", "r", "r", "r", "r", "l"])
    lines.append("")
    if a.flagged_scorers:
        lines.append(f"Flagged as outliers against the panel (baseline agreement {_pct(a.baseline_agreement)}, p below {a.flag_alpha}): " + ", ".join(_md(s) for s in a.flagged_scorers))
    else:
        lines.append(f"No rater is an outlier against the panel (baseline agreement {_pct(a.baseline_agreement)}).")
    lines.append("")

    lines += ["## Side balance", ""]
    if card.side_advantage is not None:
        s = card.side_advantage
        lines += [f"Proposition advantage: {s.rating:+.0f} rating points (95% CI {_interval(s.lower, s.upper)}), win probability {s.win_probability:.2f} between equals.", ""]
    if card.side_balance:
        motions = {m.key: m for m in card.motions}
        rows = []
        for m in card.side_balance:
            text = motions[m.motion].text if m.motion in motions else ""
            rows.append([_md(m.motion), _md(_clip(text, 70)), str(m.debates), str(m.proposition_wins), str(m.opposition_wins), str(m.ties),
                         _pct(m.proposition_rate), f"{m.p_value:.3f}", "**lopsided**" if m.lopsided else ""])
        lines += _md_table(["Motion", "Text", "Debates", "Prop wins", "Opp wins", "Ties", "Prop rate", "p", ""], rows, ["l", "l", "r", "r", "r", "r", "r", "r", "l"])
    else:
        lines.append("No rated debates.")
    lines.append("")

    lines += ["## Excluded debates", ""]
    if card.excluded_debates:
        lines += _md_table(["Debate", "Round", "Proposition", "Opposition", "Motion", "Reason"],
                           [[str(x.id), str(x.round), _md(x.proposition), _md(x.opposition), _md(x.motion), _md(x.reason)] for x in card.excluded_debates])
    else:
        lines.append("None: every judged debate counts in the ratings.")
    lines.append("")

    lines += ["## Debates", ""]
    for d in card.debates:
        lines += _md_debate(d, names)
    return "\n".join(lines).rstrip() + "\n"


def _md_debate(d: DebateCard, names: dict[str, str]) -> list[str]:
    lines = [f"### Debate {d.id} · round {d.round} · {_md(d.motion.key)}", ""]
    lines.append(f"**Motion** ({_md(d.motion.category)}, {_md(d.motion.language)}): {_md(d.motion.text)}")
    lines.append("")
    result = f"**Winner**: {_md(_winner_name(d))} ({_side_word(d.winner)})" if d.winner else f"**Status**: {_md(d.status)}"
    extra = []
    if d.margin is not None:
        extra.append(f"margin {d.margin:+g}")
    if d.disagreement is not None:
        extra.append(f"disagreement {d.disagreement:.2f}")
    if d.prop_score is not None and d.opp_score is not None:
        extra.append(f"totals {d.prop_score:.2f}–{d.opp_score:.2f}")
    lines.append(f"**Proposition**: {_md(d.proposition)} · **Opposition**: {_md(d.opposition)} · {result}" + (f" · {', '.join(extra)}" if extra else ""))
    if d.excluded:
        lines += ["", f"Excluded from ratings: {_md(d.excluded_reason or 'excluded')}"]
    if d.error:
        lines += ["", f"Error: {_md(d.error)}"]
    lines.append("")
    if d.ballots:
        criteria = list(dict.fromkeys([*names, *(cid for b in d.ballots for cid in b.scores)]))
        header = ["Criterion", *(f"{_md(b.judge)}{' (revised)' if b.stage == 'revised' else ''} P–O" for b in d.ballots)]
        rows = []
        for cid in criteria:
            if not any(cid in b.scores for b in d.ballots):
                continue
            cells = []
            for b in d.ballots:
                s = b.scores.get(cid)
                cells.append("–" if s is None else f"{_number_or_dash(s.proposition)}–{_number_or_dash(s.opposition)}")
            rows.append([_md(names.get(cid, cid)), *cells])
        rows.append(["**Verdict**", *("abstained" if b.abstained else _md(b.verdict or "–") for b in d.ballots)])
        lines += _md_table(header, rows, ["l"] + ["c"] * len(d.ballots))
        lines.append("")
        for b in d.ballots:
            who = f"{_md(b.judge)} ({_md(b.judge_model)}, {_md(b.kind)}, {_md(b.stage)}{', both poor' if b.both_poor else ''})"
            lines.append(f"- **{who}**: {_md(b.reason)}")
        lines.append("")
    else:
        lines += ["No ballots.", ""]
    if d.findings:
        lines.append("Findings:")
        for f in d.findings:
            evidence = f" — “{_md(_clip(f.evidence, 120))}”" if f.evidence else ""
            lines.append(f"- speech {f.speech_idx} ({_md(f.side)}) · {_md(f.kind)} · {_md(f.severity)}: {_md(f.detail)}{evidence}")
        lines.append("")
    return lines


def _number_or_dash(value: float | None) -> str:
    return "–" if value is None else _number(value)


def _fmt_cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}" if not value.is_integer() else f"{value:g}"
    return _md(value)


def _clip(text: str, size: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


# --- colour -------------------------------------------------------------------------------------

Stops = Sequence[tuple[float, tuple[int, int, int]]]

# Diverging around 0.5 for win rates (ColorBrewer RdBu, red = losing, blue = winning).
DIVERGING: Stops = ((0.0, (178, 24, 43)), (0.25, (239, 138, 98)), (0.5, (247, 247, 247)), (0.75, (103, 169, 207)), (1.0, (33, 102, 172)))
# Sequential for scores (ColorBrewer YlGnBu).
SEQUENTIAL: Stops = ((0.0, (255, 255, 217)), (0.25, (199, 233, 180)), (0.5, (65, 182, 196)), (0.75, (34, 94, 168)), (1.0, (8, 29, 88)))
EMPTY = "#eef1f5"
OUTLIER = "<span class='pill bad'>outlier</span>"
ABSTAINED = "<span class='pill grey'>abstained</span>"


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


# --- html -----------------------------------------------------------------------------------------


def e(value: object) -> str:
    """Escaped text for HTML and inline SVG (attributes included)."""
    return html.escape(str(value), quote=True)


def _label(text: str, size: int = 22) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _text_width(text: str, px: float = 7.2) -> float:
    return len(text) * px


CSS = """
:root{--ink:#1b2430;--muted:#5f6b7a;--line:#e3e8ef;--bg:#f3f5f9;--card:#fff;--accent:#3454d1;--prop:#2166ac;--opp:#b2182b;--good:#1e7d4f;--warn:#b76e00;--bad:#b42318}
*{box-sizing:border-box}
html{color-scheme:light}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;color:var(--ink);background:var(--bg)}
header.top{background:linear-gradient(135deg,#1f2a44 0%,#2f4aa8 60%,#3d6fd8 100%);color:#fff;padding:34px 0 28px}
.wrap{max-width:1120px;margin:0 auto;padding:0 24px}
header.top h1{margin:0 0 4px;font-size:30px;font-weight:700;letter-spacing:-.01em}
header.top .sub{opacity:.85;margin:0 0 14px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:0;padding:0;list-style:none}
.stats li{background:rgba(255,255,255,.12);border:1px solid rgba(255,255,255,.18);border-radius:10px;padding:8px 14px;min-width:110px}
.stats b{display:block;font-size:20px;line-height:1.2}
.stats span{font-size:12px;opacity:.85;text-transform:uppercase;letter-spacing:.04em}
nav.toc{margin-top:18px;display:flex;flex-wrap:wrap;gap:6px 14px;font-size:14px}
nav.toc a{color:#dfe7ff;text-decoration:none;border-bottom:1px dotted rgba(255,255,255,.5)}
main{padding:8px 0 40px}
section.card{background:var(--card);border-radius:14px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 1px 3px rgba(16,24,40,.08);padding:22px 26px;margin:22px 0}
section.card h2{margin:0 0 4px;font-size:20px}
p.lead{margin:0 0 14px;color:var(--muted);font-size:14px}
.note{background:#fff8e6;border:1px solid #f3d48a;border-radius:8px;padding:8px 12px;margin:8px 0;font-size:14px}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.chart{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;background:#f8fafc}
th.plain{text-transform:none;letter-spacing:0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.c,th.c{text-align:center;white-space:nowrap}
tr:hover td{background:#fafbff}
.rank{display:inline-flex;width:26px;height:26px;border-radius:50%;align-items:center;justify-content:center;background:#eef2ff;color:var(--accent);font-weight:700;font-size:13px}
.muted{color:var(--muted)}
.pill{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;white-space:nowrap}
.pill.good{background:#e3f5ec;color:var(--good)}.pill.warn{background:#fff1d6;color:var(--warn)}.pill.bad{background:#fde7e5;color:var(--bad)}.pill.info{background:#eef2ff;color:var(--accent)}.pill.grey{background:#eef1f5;color:var(--muted)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:16px}
.person{border:1px solid var(--line);border-radius:12px;padding:14px 16px}
.person h3{margin:0;font-size:17px}
.person .model{color:var(--muted);font-size:13px;word-break:break-all}
.facts{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0}
.kv{font-size:13px;margin:2px 0}
details.debate{border:1px solid var(--line);border-radius:10px;margin:8px 0;background:#fff}
details.debate[open]{box-shadow:0 1px 3px rgba(16,24,40,.08)}
details.debate>summary{cursor:pointer;padding:9px 14px;list-style-position:inside}
details.debate>summary .who{font-weight:600}
details.debate .body{padding:4px 16px 14px;border-top:1px solid var(--line)}
blockquote{margin:6px 0;padding:6px 12px;border-left:3px solid #c7d2fe;background:#f8faff;border-radius:0 6px 6px 0;white-space:pre-wrap;word-wrap:break-word}
.motion{font-size:15px;margin:10px 0 6px}
.side-p{color:var(--prop);font-weight:600}.side-o{color:var(--opp);font-weight:600}
.legend{display:flex;gap:14px;align-items:center;font-size:12px;color:var(--muted);margin:6px 0 0}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;vertical-align:middle;margin-right:4px}
footer{color:var(--muted);font-size:13px;text-align:center;padding:10px 0 30px}
"""


def render_html(card: Scorecard) -> str:
    t = card.tournament
    c = t.counts
    names = card.criterion_names()
    stats = [
        (str(c.contestants), "contestants"), (f"{c.judged}/{c.debates}", "debates judged"),
        (str(c.model_ballots), "judge ballots"), (str(c.human_ballots), "human ballots"),
        (str(c.excluded), "excluded"), (f"{card.usage.prompt_tokens + card.usage.completion_tokens:,}", "tokens"),
        (f"${card.usage.cost_usd:.2f}", "cost"),
    ]
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Scorecard · {e(t.name)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
        '<header class="top"><div class="wrap">',
        f"<h1>{e(t.name)}</h1>",
        f'<p class="sub">{e(t.pairing)} · format {e(t.format)} · rubric {e(t.rubric.name)} · {e(t.status)} · {t.rounds} rounds · generated {e(card.generated_at.strftime("%Y-%m-%d %H:%M UTC"))}</p>',
        '<ul class="stats">' + "".join(f"<li><b>{e(v)}</b><span>{e(k)}</span></li>" for v, k in stats) + "</ul>",
        '<nav class="toc">' + "".join(f'<a href="#{a}">{e(label)}</a>' for a, label in (
            ("ratings", "Ratings"), ("win-rates", "Win rates"), ("criteria", "Criteria"), ("categories", "Categories"),
            ("leaderboard", "Leaderboard"), ("contestants", "Contestants"), ("agreement", "Judge agreement"),
            ("side-balance", "Side balance"), ("excluded", "Excluded debates"), ("debates", "Debates"),
        )) + "</nav>",
        "</div></header>", '<main class="wrap">',
    ]
    for note in card.notes + card.rating_notes:
        parts.append(f'<div class="note">{e(note)}</div>')
    parts += [
        _section("ratings", "Ratings", "Bradley–Terry ratings with 95% confidence intervals (rated debates only). Dashed line: the field's mean rating.", _ratings_svg(card)),
        _section("win-rates", "Win rates", "How the row contestant did against the column contestant: share of debates won, a tie counting half. Blue: winning, red: losing.", _winrate_svg(card)),
        _section("criteria", "Rubric criteria", "Mean score each contestant's side received from the judges on each criterion; darker is better. ± is the 95% interval's half width.", _criterion_svg(card, names)),
        _section("categories", "Motion categories", "Win rate per motion category (ties half), with the number of debates.", _category_svg(card)),
        _section("leaderboard", "Leaderboard", "Standings order; record over every judged debate.", _leaderboard_html(card)),
        _section("contestants", "Contestants", "Criterion means with 95% intervals on each criterion's scale.", _contestants_html(card, names)),
        _section("agreement", "Judge agreement", "Krippendorff's alpha over every rater (judges and human scorers): 0.8 or more is reliable, 0.667 tentative.", _agreement_html(card, names)),
        _section("side-balance", "Side balance", "Proposition's record on each motion, tested against 50/50 (chi-square).", _side_balance_html(card)),
        _section("excluded", "Excluded debates", "Debates left out of the ratings, with the reason.", _excluded_html(card)),
        _section("debates", "Debates", f"{len(card.debates)} debates; open one to see its ballots, reasons and rule findings.", "".join(_debate_html(d, names) for d in card.debates) or '<p class="muted">No debates.</p>'),
        "</main>",
        f"<footer>debate scorecard · schema version {SCHEMA_VERSION} · {e(t.name)}</footer>",
        "</body>", "</html>",
    ]
    return "\n".join(parts) + "\n"


def _section(anchor: str, title: str, lead: str, body: str) -> str:
    return f'<section class="card" id="{e(anchor)}"><h2>{e(title)}</h2><p class="lead">{e(lead)}</p>{body}</section>'


def _nice_step(span: float, target: int = 6) -> float:
    raw = max(span, 1e-9) / target
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _ratings_svg(card: Scorecard) -> str:
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
    label_w = max(90, min(220, max(_text_width(_label(r.name), 8.2) for r in rows) + 30))
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
        out.append(f'<text x="{label_w - 12:.0f}" y="{cy + 4:.1f}" font-size="13" font-weight="600" fill="#1b2430" text-anchor="end">{e(_label(r.name))}<title>{e(r.name)}</title></text>')
        # Blue: the whole interval above the field's mean; red: below; grey: cannot tell.
        colour = above if r.lower is not None and r.lower > mean else below if r.upper is not None and r.upper < mean else level
        if r.lower is not None and r.upper is not None:
            out.append(f'<rect x="{x(r.lower):.1f}" y="{cy - 5:.1f}" width="{max(2.0, x(r.upper) - x(r.lower)):.1f}" height="10" rx="5" fill="{colour}" fill-opacity="0.28"/>')
            out.append(f'<line x1="{x(r.lower):.1f}" y1="{cy - 7:.1f}" x2="{x(r.lower):.1f}" y2="{cy + 7:.1f}" stroke="{colour}" stroke-width="2"/>')
            out.append(f'<line x1="{x(r.upper):.1f}" y1="{cy - 7:.1f}" x2="{x(r.upper):.1f}" y2="{cy + 7:.1f}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<circle cx="{x(r.rating or 0):.1f}" cy="{cy:.1f}" r="6" fill="{colour}" stroke="#fff" stroke-width="1.5"><title>{e(r.name)}: {_rating(r.rating)} ({_interval(r.lower, r.upper)}), {r.battles} battles</title></circle>')
        out.append(f'<text x="{label_w + plot_w + 12:.0f}" y="{cy + 4:.1f}" font-size="12.5" fill="#1b2430"><tspan font-weight="700">{_rating(r.rating)}</tspan><tspan fill="#5f6b7a"> [{_interval(r.lower, r.upper)}] · {r.battles} battle{"" if r.battles == 1 else "s"}</tspan></text>')
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
    legend: Sequence[tuple[float, str]], skip_diagonal: bool = False,
) -> str:
    if not rows or not cols:
        return f'<svg id="{e(svg_id)}" role="img" aria-label="{e(label)}" viewBox="0 0 600 40" width="600" height="40"><text x="0" y="24" font-size="14" fill="#5f6b7a">Nothing to show yet.</text></svg>'
    cell_w = max(46, min(96, 860 // max(1, len(cols))))
    cell_h = 44
    row_labels = [_label(r) for r in rows]
    col_labels = [_label(c, 20) for c in cols]
    left = max(70, max(_text_width(t, 8.2) for t in row_labels) + 24)
    longest = max(_text_width(t, 6.6) for t in col_labels)
    top = 22 + longest * 0.6 if longest > cell_w - 6 else 30
    rotate = longest > cell_w - 6
    width = max(left + cell_w * len(cols) + (longest * 0.8 if rotate else 0) + 10, left + 220 + 50)  # room for the legend
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
            if value is None:
                fill, ink = EMPTY, "#8a94a6"
            else:
                rgb = _colour(stops, value)
                fill, ink = _hex(rgb), _ink(rgb)
            out.append(f'<g><rect x="{x0 + 1:.1f}" y="{y0 + 1:.1f}" width="{cell_w - 2}" height="{cell_h - 2}" rx="4" fill="{fill}"/>'
                       f'<title>{e(tip(i, j))}</title>'
                       f'<text x="{x0 + cell_w / 2:.1f}" y="{y0 + 19:.1f}" font-size="13" font-weight="700" fill="{ink}" text-anchor="middle">{e(main(i, j))}</text>'
                       f'<text x="{x0 + cell_w / 2:.1f}" y="{y0 + 33:.1f}" font-size="10" fill="{ink}" fill-opacity="0.85" text-anchor="middle">{e(sub(i, j))}</text></g>')
    out.append(_gradient_legend(f"{svg_id}-scale", stops, left, top + cell_h * len(rows) + 12, legend))
    out.append("</svg>")
    return '<div class="chart">' + "".join(out) + "</div>"


def _winrate_svg(card: Scorecard) -> str:
    w = card.win_rates
    names = w.contestants
    values = [[cell.rate if cell is not None else None for cell in row] for row in w.cells]

    def main(i: int, j: int) -> str:
        cell = w.cells[i][j]
        return "–" if cell is None or cell.rate is None else _pct(cell.rate)

    def sub(i: int, j: int) -> str:
        cell = w.cells[i][j]
        return "" if cell is None or not cell.debates else _record(cell.wins, cell.losses, cell.ties)

    def tip(i: int, j: int) -> str:
        cell = w.cells[i][j]
        if cell is None or not cell.debates:
            return f"{names[i]} has not met {names[j]} in a rated debate"
        return f"{names[i]} vs {names[j]}: {cell.wins} won, {cell.losses} lost, {cell.ties} tied ({_pct(cell.rate)})"

    return _heatmap_svg("winrate-heatmap", "win-rate heatmap", names, names, values, main, sub, tip, DIVERGING,
                        [(0, "0% (lost all)"), (0.5, "50%"), (1, "100% (won all)")], skip_diagonal=True)


def _criterion_svg(card: Scorecard, names: dict[str, str]) -> str:
    h = card.criterion_heatmap
    cards = {c.name: c for c in card.contestants}
    scale = {c.id: c for c in card.tournament.rubric.criteria}

    def main(i: int, j: int) -> str:
        return _f(h.means[i][j], 2)

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
        return f"{where}: mean {stat.mean:.2f} (95% CI {_interval(stat.lower, stat.upper, 2)}) over {stat.n} scores, scale {scale[cid].scale_min}–{scale[cid].scale_max}" if cid in scale else f"{where}: mean {stat.mean:.2f}"

    crit = card.tournament.rubric.criteria
    low = min((c.scale_min for c in crit), default=0)
    high = max((c.scale_max for c in crit), default=1)
    same = all(c.scale_min == low and c.scale_max == high for c in crit)
    legend = [(0, f"{low} (scale low)" if same else "scale low"), (0.5, "midpoint"), (1, f"{high} (scale high)" if same else "scale high")]
    return _heatmap_svg("criterion-heatmap", "contestant by criterion heatmap", h.contestants, [names.get(c, c) for c in h.criteria], h.normalised,
                        main, sub, tip, SEQUENTIAL, legend)


def _category_svg(card: Scorecard) -> str:
    h = card.category_heatmap

    def main(i: int, j: int) -> str:
        return _pct(h.rates[i][j])

    def sub(i: int, j: int) -> str:
        n = h.debates[i][j]
        return f"{n} debate{'s' if n != 1 else ''}" if n else ""

    def tip(i: int, j: int) -> str:
        n = h.debates[i][j]
        if not n:
            return f"{h.contestants[i]}: no rated debate on {h.categories[j]}"
        return f"{h.contestants[i]} on {h.categories[j]}: {_pct(h.rates[i][j])} over {n} debates"

    return _heatmap_svg("category-heatmap", "contestant by motion category heatmap", h.contestants, h.categories, h.rates, main, sub, tip, DIVERGING,
                        [(0, "0%"), (0.5, "50%"), (1, "100%")])


def _leaderboard_html(card: Scorecard) -> str:
    head = ("<tr><th class='c'>#</th><th>Contestant</th><th>Model</th><th class='c'>W–L–T</th><th class='n'>Rating</th><th class='c'>95% CI</th>"
            "<th class='n'>Battles</th><th class='n'>Ballots</th><th class='n'>Score avg</th><th class='n'>Opp. strength</th></tr>")
    rows = []
    for r in card.leaderboard:
        s = r.standings
        rows.append(
            f"<tr><td class='c'><span class='rank'>{e(r.rank if r.rank is not None else '–')}</span></td><td><b>{e(r.name)}</b></td><td class='muted'>{e(r.model)}</td>"
            f"<td class='c'>{_record(r.record.wins, r.record.losses, r.record.ties)}</td><td class='n'><b>{_rating(r.rating)}</b></td>"
            f"<td class='c muted'>{_interval(r.lower, r.upper)}</td><td class='n'>{r.battles}</td><td class='n'>{e(_plain(s.get('ballots')))}</td>"
            f"<td class='n'>{e(_plain(s.get('score_average')))}</td><td class='n'>{e(_plain(s.get('opponent_strength')))}</td></tr>"
        )
    extra = ""
    if card.separability is not None:
        extra = f'<p class="muted">Separability: {_pct(card.separability)} of contestant pairs have 95% intervals that do not overlap.</p>'
    return f"<div class='chart'><table>{head}{''.join(rows)}</table></div>{extra}"


def _plain(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else f"{value:.2f}"
    return str(value)


def _means_svg(card_name: str, means: dict[str, CriterionMean], human: dict[str, CriterionMean] | None, scorecard: Scorecard, names: dict[str, str]) -> str:
    crit = scorecard.tournament.rubric.criteria
    label_w, plot_w, value_w, row_h = 140, 150, 92, 20
    width, height = label_w + plot_w + value_w, row_h * len(crit) + 8
    out = [f'<svg class="means" role="img" aria-label="{e(card_name)} criterion means" viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    for k, c in enumerate(crit):
        cy = 4 + row_h * k + row_h / 2
        span = max(1, c.scale_max - c.scale_min)

        def x(v: float, c: object = c, span: int = span) -> float:
            return label_w + (min(max(v, c.scale_min), c.scale_max) - c.scale_min) / span * plot_w  # type: ignore[attr-defined]

        out.append(f'<text x="{label_w - 8}" y="{cy + 4:.1f}" font-size="11.5" fill="#1b2430" text-anchor="end">{e(_label(names.get(c.id, c.id), 20))}<title>{e(names.get(c.id, c.id))}</title></text>')
        out.append(f'<line x1="{label_w}" y1="{cy:.1f}" x2="{label_w + plot_w}" y2="{cy:.1f}" stroke="#e3e8ef" stroke-width="6" stroke-linecap="round"/>')
        stat = means.get(c.id)
        if stat is not None and stat.mean is not None:
            colour = _hex(_colour(SEQUENTIAL, 0.35 + 0.65 * (stat.mean - c.scale_min) / span))
            if stat.lower is not None and stat.upper is not None:
                out.append(f'<line x1="{x(stat.lower):.1f}" y1="{cy:.1f}" x2="{x(stat.upper):.1f}" y2="{cy:.1f}" stroke="{colour}" stroke-width="6" stroke-linecap="round" stroke-opacity="0.55"/>')
            out.append(f'<circle cx="{x(stat.mean):.1f}" cy="{cy:.1f}" r="5" fill="{colour}" stroke="#fff" stroke-width="1.2"><title>{e(names.get(c.id, c.id))}: {stat.mean:.2f} ({_interval(stat.lower, stat.upper, 2)}), n={stat.n}</title></circle>')
        hstat = human.get(c.id) if human else None
        if hstat is not None and hstat.mean is not None:
            out.append(f'<circle cx="{x(hstat.mean):.1f}" cy="{cy:.1f}" r="4.5" fill="none" stroke="#d9480f" stroke-width="2"><title>humans: {hstat.mean:.2f}, n={hstat.n}</title></circle>')
        text = "–" if stat is None or stat.mean is None else f"{stat.mean:.2f}" + ("" if stat.lower is None or stat.upper is None else f" ±{(stat.upper - stat.lower) / 2:.2f}")
        out.append(f'<text x="{label_w + plot_w + 8}" y="{cy + 4:.1f}" font-size="11" fill="#5f6b7a">{e(text)}</text>')
    out.append("</svg>")
    return "".join(out)


def _contestants_html(card: Scorecard, names: dict[str, str]) -> str:
    blocks = []
    for p in card.contestants:
        chips = [
            f"<span class='pill info'>W–L–T {_record(p.record.wins, p.record.losses, p.record.ties)}</span>",
            f"<span class='pill grey'>rating {_rating(p.rating)} [{_interval(p.lower, p.upper)}]</span>",
        ]
        if p.strongest_category is not None:
            strong = p.categories[p.strongest_category]
            chips.append(f"<span class='pill good'>strongest: {e(p.strongest_category)} {_pct(strong.win_rate)}</span>")
        if p.weakest_category is not None:
            weak = p.categories[p.weakest_category]
            chips.append(f"<span class='pill bad'>weakest: {e(p.weakest_category)} {_pct(weak.win_rate)}</span>")
        legend = ""
        if p.criterion_means_human is not None:
            legend = "<div class='legend'><span><span class='dot' style='background:#225ea8'></span>judges</span><span><span class='dot' style='border:2px solid #d9480f'></span>humans</span></div>"
        usage = p.usage
        blocks.append(
            f"<div class='person'><h3>{e(p.rank if p.rank is not None else '–')}. {e(p.name)}</h3><div class='model'>{e(p.model)}</div>"
            f"<div class='facts'>{''.join(chips)}</div>{_means_svg(p.name, p.criterion_means, p.criterion_means_human, card, names)}{legend}"
            f"<div class='kv muted'>{usage.speeches} speeches · {usage.completion_tokens:,} tokens written · ${usage.cost_usd:.4f}</div></div>"
        )
    return f"<div class='grid'>{''.join(blocks)}</div>"


def _alpha_pill(value: float | None) -> str:
    word = _alpha_word(value)
    kind = {"reliable": "good", "tentative": "warn", "low": "bad"}.get(word, "grey")
    return f"<span class='pill {kind}'>{e(word)}</span>"


def _agreement_html(card: Scorecard, names: dict[str, str]) -> str:
    a = card.agreement
    rows = "".join(f"<tr><td>{e(names.get(cid, cid))}</td><td class='n'>{_f(v, 3)}</td><td>{_alpha_pill(v)}</td></tr>" for cid, v in a.criterion_alpha.items())
    rows += f"<tr><td><b>Verdict</b> <span class='muted'>({e(a.verdict_level)})</span></td><td class='n'>{_f(a.verdict_alpha, 3)}</td><td>{_alpha_pill(a.verdict_alpha)}</td></tr>"
    alpha = f"<table><tr><th>Criterion</th><th class='n plain'>α ({e(a.level)})</th><th>Reading</th></tr>{rows}</table>"
    if a.kappas is None:
        kappa = "<p class='muted'>No human ballots: Cohen's kappa against the humans is not available.</p>"
    else:
        krows = "".join(f"<tr><td>{e(j)}</td><td class='n'>{_f(k, 3)}</td></tr>" for j, k in a.kappas.items())
        kappa = f"<h3>Judges against the human consensus (Cohen's κ on winners)</h3><table><tr><th>Judge</th><th class='n plain'>κ</th></tr>{krows}</table>"
    rrows = "".join(
        f"<tr><td><b>{e(r.name)}</b></td><td class='muted'>{e(r.judge_model)}</td><td>{e(r.kind)}</td><td class='n'>{r.ballots}</td><td class='n'>{r.abstentions}</td>"
        f"<td class='n'>{r.agree}/{r.compared}</td><td class='n'>{_pct(r.agreement_rate)}</td><td>{OUTLIER if r.flagged else ''}</td></tr>"
        for r in a.raters
    )
    raters = ("<h3>Raters</h3><table><tr><th>Rater</th><th>Model</th><th>Kind</th><th class='n'>Ballots</th><th class='n'>Abstained</th>"
              f"<th class='n'>Agrees with panel</th><th class='n'>Rate</th><th></th></tr>{rrows}</table>")
    if a.flagged_scorers:
        flag = f"<div class='note'>Flagged as outliers against the panel (baseline agreement {_pct(a.baseline_agreement)}, one-sided binomial p &lt; {a.flag_alpha}): {e(', '.join(a.flagged_scorers))}</div>"
    else:
        flag = f"<p class='muted'>No rater is an outlier against the panel (baseline agreement {_pct(a.baseline_agreement)}).</p>"
    return f"<div class='grid'><div>{alpha}</div><div>{kappa}</div></div>{raters}{flag}"


def _side_bar(rate: float) -> str:
    w = 140
    p = max(0.0, min(1.0, rate)) * w
    return (f'<svg class="sidebar" role="img" aria-label="proposition rate {_pct(rate)}" viewBox="0 0 {w} 12" width="{w}" height="12">'
            f'<rect x="0" y="1" width="{w}" height="10" rx="5" fill="#b2182b" fill-opacity="0.75"/>'
            f'<rect x="0" y="1" width="{p:.1f}" height="10" rx="5" fill="#2166ac"/>'
            f'<line x1="{w / 2}" y1="0" x2="{w / 2}" y2="12" stroke="#fff" stroke-width="2"/></svg>')


def _side_balance_html(card: Scorecard) -> str:
    out = []
    if card.side_advantage is not None:
        s = card.side_advantage
        out.append(f"<p>Proposition advantage: <b>{s.rating:+.0f}</b> rating points (95% CI {_interval(s.lower, s.upper)}); "
                   f"between two equal debaters the proposition wins {_pct(s.win_probability)} of the time.</p>")
    if not card.side_balance:
        out.append("<p class='muted'>No rated debates yet.</p>")
        return "".join(out)
    motions = {m.key: m for m in card.motions}
    rows = []
    for m in card.side_balance:
        text = motions[m.motion].text if m.motion in motions else ""
        flag = "<span class='pill bad'>lopsided</span>" if m.lopsided else ""
        rows.append(
            f"<tr><td><b>{e(m.motion)}</b><div class='muted'>{e(_clip(text, 110))}</div></td><td class='n'>{m.debates}</td>"
            f"<td class='c'>{m.proposition_wins}–{m.opposition_wins}–{m.ties}</td><td>{_side_bar(m.proposition_rate)}</td><td class='n'>{_pct(m.proposition_rate)}</td>"
            f"<td class='n'>{m.p_value:.3f}</td><td>{flag}</td></tr>"
        )
    out.append("<div class='legend'><span><span class='dot' style='background:#2166ac'></span>proposition</span><span><span class='dot' style='background:#b2182b'></span>opposition</span></div>")
    out.append("<table><tr><th>Motion</th><th class='n'>Debates</th><th class='c'>Prop–Opp–Tie</th><th>Balance</th><th class='n'>Prop rate</th><th class='n'>p</th><th></th></tr>"
               + "".join(rows) + "</table>")
    return "".join(out)


def _excluded_html(card: Scorecard) -> str:
    if not card.excluded_debates:
        return "<p class='muted'>None: every judged debate counts in the ratings.</p>"
    rows = "".join(
        f"<tr><td><a href='#debate-{x.id}'>#{x.id}</a></td><td class='n'>{x.round}</td><td>{e(x.proposition)}</td><td>{e(x.opposition)}</td><td>{e(x.motion)}</td><td>{e(x.reason)}</td></tr>"
        for x in card.excluded_debates
    )
    return f"<table><tr><th>Debate</th><th class='n'>Round</th><th>Proposition</th><th>Opposition</th><th>Motion</th><th>Reason</th></tr>{rows}</table>"


def _debate_html(d: DebateCard, names: dict[str, str]) -> str:
    winner = _winner_name(d)
    if d.winner == "proposition":
        result = f"<span class='side-p'>{e(winner)}</span> wins"
    elif d.winner == "opposition":
        result = f"<span class='side-o'>{e(winner)}</span> wins"
    elif d.winner == "tie":
        result = "tie"
    else:
        result = f"<span class='muted'>{e(d.status)}</span>"
    badges = ""
    if d.excluded:
        badges += " <span class='pill warn'>excluded</span>"
    if d.findings:
        badges += f" <span class='pill grey'>{len(d.findings)} finding{'s' if len(d.findings) != 1 else ''}</span>"
    summary = (f"<summary><b>#{d.id}</b> · round {d.round} · <span class='who'><span class='side-p'>{e(d.proposition)}</span> vs "
               f"<span class='side-o'>{e(d.opposition)}</span></span> · {result} · <span class='muted'>{e(d.motion.key)} ({e(d.motion.category)})</span>{badges}</summary>")
    facts = [f"<div class='motion'>“{e(d.motion.text)}”</div>",
             f"<div class='kv muted'>{e(d.motion.category)} · {e(d.motion.language)} · {e(d.round_kind)} round {d.round} · status {e(d.status)}"]
    if d.margin is not None:
        facts.append(f" · margin {d.margin:+g}")
    if d.disagreement is not None:
        facts.append(f" · disagreement {d.disagreement:.2f}")
    if d.prop_score is not None and d.opp_score is not None:
        facts.append(f" · totals {d.prop_score:.2f}–{d.opp_score:.2f}")
    facts.append("</div>")
    if d.excluded:
        facts.append(f"<div class='note'>Excluded from ratings: {e(d.excluded_reason or 'excluded')}</div>")
    if d.error:
        facts.append(f"<div class='note'>Error: {e(d.error)}</div>")
    body = "".join(facts)
    if d.ballots:
        criteria = list(dict.fromkeys([*names, *(cid for b in d.ballots for cid in b.scores)]))
        criteria = [cid for cid in criteria if any(cid in b.scores for b in d.ballots)]
        head = "<tr><th>Criterion</th>" + "".join(
            f"<th class='c plain'>{e(b.judge)}<div class='muted'>{e(b.kind)} · {e(b.stage)}</div></th>" for b in d.ballots
        ) + "</tr>"
        rows = []
        for cid in criteria:
            cells = []
            for b in d.ballots:
                s = b.scores.get(cid)
                if s is None:
                    cells.append("<td class='c muted'>–</td>")
                else:
                    cells.append(f"<td class='c'><span class='side-p'>{e(_number_or_dash(s.proposition))}</span> – <span class='side-o'>{e(_number_or_dash(s.opposition))}</span></td>")
            rows.append(f"<tr><td>{e(names.get(cid, cid))}</td>{''.join(cells)}</tr>")
        rows.append("<tr><td><b>Verdict</b></td>" + "".join(
            f"<td class='c'>{ABSTAINED if b.abstained else e((b.verdict or '–').replace('_', ' '))}{' · both poor' if b.both_poor else ''}</td>" for b in d.ballots
        ) + "</tr>")
        body += f"<div class='chart'><table>{head}{''.join(rows)}</table></div>"
        body += "".join(f"<div class='kv'><b>{e(b.judge)}</b> <span class='muted'>({e(b.judge_model)}, {e(b.stage)})</span><blockquote>{e(b.reason)}</blockquote></div>" for b in d.ballots)
    else:
        body += "<p class='muted'>No ballots.</p>"
    if d.findings:
        items = "".join(
            f"<li>speech {f.speech_idx} (<span class='{'side-p' if f.side == 'proposition' else 'side-o'}'>{e(f.side)}</span>) · <b>{e(f.kind)}</b> · "
            f"<span class='pill {'bad' if f.severity == 'major' else 'warn'}'>{e(f.severity)}</span> {e(f.detail)}"
            + (f"<blockquote>{e(_clip(f.evidence, 300))}</blockquote>" if f.evidence else "") + "</li>"
            for f in d.findings
        )
        body += f"<h4>Rule findings</h4><ul>{items}</ul>"
    return f"<details class='debate' id='debate-{d.id}'>{summary}<div class='body'>{body}</div></details>"
