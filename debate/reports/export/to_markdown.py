"""The scorecard as a readable Markdown report.

Text from debaters and judges is backslash-escaped (`md`), so it can never become markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from debate.reports.caveats import headline
from debate.reports.export.text import (
    NO_BASELINE,
    alpha_word,
    clip,
    fixed,
    interval,
    number_or_dash,
    pct,
    qualification_word,
    rank_range,
    rating,
    record,
    side_word,
    signed,
    winner_name,
)
from debate.reports.scorecard import Agreement, ContestantCard, CriterionMean, DebateCard, Scorecard, WinRateCell

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md(text: object) -> str:
    """Inline Markdown text: punctuation that could be markup (or HTML) is backslash-escaped,
    line breaks become spaces."""
    value = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str] | None = None) -> list[str]:
    align = align or ["l"] * len(header)
    marks = ["---:" if a == "r" else ":---:" if a == "c" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}" if not value.is_integer() else f"{value:g}"
    return md(value)


def render_markdown(card: Scorecard) -> str:
    names = card.criterion_names()
    lines = [
        *_head(card), *_knockout(card), *_leaderboard(card), *_history(card), *_contestants(card, names), *_win_rates(card),
        *_agreement(card, names), *_qualifications(card), *_side_balance(card), *_excluded(card), "## Debates", "",
    ]
    for d in card.debates:
        lines += _debate(d, names)
    return "\n".join(lines).rstrip() + "\n"


def _head(card: Scorecard) -> list[str]:
    t, c = card.tournament, card.tournament.counts
    lines = [f"# Scorecard: {md(t.name)}", "", *_caveats(card)]
    lines.append(
        f"{md(t.status)} · {md(t.pairing)} · format {md(t.format)} · rubric {md(t.rubric.name)} · "
        f"{c.contestants} contestants · {c.judged} of {c.debates} debates judged ({c.failed} failed, {c.excluded} excluded from ratings) · "
        f"{c.model_ballots} judge ballots, {c.human_ballots} human ballots · {card.usage.calls} model calls, "
        f"{card.usage.prompt_tokens + card.usage.completion_tokens} tokens, ${card.usage.cost_usd:.4f}"
    )
    lines += ["", f"Generated {card.generated_at.isoformat(timespec='seconds')} (schema version {card.schema_version}).", ""]
    for note in card.notes + card.rating_notes:
        lines.append(f"> Note: {md(note)}")
    if card.notes or card.rating_notes:
        lines.append("")
    return lines


def _caveats(card: Scorecard) -> list[str]:
    """The warnings, first thing under the title: one blockquote, the headline on its first line."""
    if not card.caveats:
        return []
    first, *rest = card.caveats
    lines = [f"> **{md(headline(card.caveats))}** {md(first.sentence)}"]
    for caveat in rest:
        lines += [">", f"> {md(caveat.sentence)}"]
    return [*lines, ""]


def _leaderboard(card: Scorecard) -> list[str]:
    rows = []
    for r in card.leaderboard:
        s = r.standings
        rows.append([
            str(r.rank or "–"), md(r.name), md(r.model), record(r.record.wins, r.record.losses, r.record.ties),
            rating(r.rating), interval(r.lower, r.upper), rank_range(r.rank_range), str(r.battles), _cell(s.get("ballots")), _cell(s.get("score_average")),
        ])
    lines = ["## Leaderboard", ""]
    lines += _table(["#", "Contestant", "Model", "W–L–T", "Rating", "95% CI", "Rank range", "Battles", "Ballots", "Score avg"], rows,
                    ["r", "l", "l", "c", "r", "c", "c", "r", "r", "r"])
    if card.rank_method is not None:
        lines += ["", f"Rank range: {md(card.rank_method)}."]
    if card.separability is not None:
        lines += ["", f"Separability: {pct(card.separability)} of contestant pairs have non-overlapping 95% intervals."]
    lines.append("")
    return lines


def _history(card: Scorecard) -> list[str]:
    """A row per contestant, a column per completed round: rating and 95% interval."""
    history = card.rating_history
    rounds = [] if history is None else [r for r in history.rounds if r.ratings]
    lines = ["## Rating over rounds", ""]
    if history is None or not rounds:
        return [*lines, "No completed round with a rated debate yet.", ""]
    lines += [f"{md(history.method)}. Every round's fit centres the field's mean rating on 1000; * marks a contestant without a finite estimate.", ""]
    rows = []
    for name in history.contestants():
        cells = []
        for entry in rounds:
            r = next((r for r in entry.ratings if r.name == name), None)
            cells.append("–" if r is None else f"{rating(r.rating)}{'*' if r.no_estimate else ''} ({interval(r.lower, r.upper)})")
        rows.append([f"**{md(name)}**", *cells])
    lines += _table(["", *(f"Round {entry.round} ({entry.debates} {'debate' if entry.debates == 1 else 'debates'})" for entry in rounds)], rows, ["l"] + ["c"] * len(rounds))
    return [*lines, ""]



def _knockout(card: Scorecard) -> list[str]:
    k = card.knockout
    if k is None:
        return []
    lines = ["## Knockout", "", f"**{md(k.headline())}** The leaderboard below ranks the preliminary rounds only.", ""]
    for r in k.rounds:
        rows = [
            [f"({m.proposition_seed}) {md(m.proposition)}", f"({m.opposition_seed}) {md(m.opposition)}", "to be judged" if m.winner is None else md(m.winner),
             md(m.decided_by or ""), f"#{m.debate_id}" if m.debate_id else ""]
            for m in r.matches
        ]
        rows += [[f"({k.seeds.index(b) + 1}) {md(b)}", "a bye", md(b), "", ""] for b in r.byes]
        lines += [f"### Round {r.round} · {md(r.stage)}", "", *_table(["Proposition", "Opposition", "Through", "Decided by", "Debate"], rows), ""]
    return lines


def _contestants(card: Scorecard, names: dict[str, str]) -> list[str]:
    lines = ["## Contestants", ""]
    for p in card.contestants:
        lines += _contestant(p, names)
    return lines


def _contestant(p: ContestantCard, names: dict[str, str]) -> list[str]:
    lines = [f"### {p.rank or '–'}. {md(p.name)} ({md(p.model)})", ""]
    lines.append(f"- Record (W–L–T): {record(p.record.wins, p.record.losses, p.record.ties)}")
    lines.append(f"- Rating: {rating(p.rating)} (95% CI {interval(p.lower, p.upper)}), {p.battles} battles")
    if p.strongest_category is not None:
        strong, weak = p.categories[p.strongest_category], p.categories[p.weakest_category or p.strongest_category]
        lines.append(f"- Strongest category: {md(p.strongest_category)} ({pct(strong.win_rate)} of {strong.debates}); "
                     f"weakest: {md(p.weakest_category)} ({pct(weak.win_rate)} of {weak.debates})")
    else:
        lines.append("- No rated debates yet.")
    lines.append("")
    header = ["Criterion", "Mean (judges)", "95% CI", "n"]
    if p.criterion_means_human is not None:
        header += ["Mean (humans)", "95% CI", "n"]
    rows = []
    for cid, stat in p.criterion_means.items():
        row = [md(names.get(cid, cid)), fixed(stat.mean), interval(stat.lower, stat.upper, 2), str(stat.n)]
        if p.criterion_means_human is not None:
            h = p.criterion_means_human.get(cid) or CriterionMean(mean=None, sd=None, lower=None, upper=None, n=0)
            row += [fixed(h.mean), interval(h.lower, h.upper, 2), str(h.n)]
        rows.append(row)
    lines += _table(header, rows, ["l"] + ["r", "c", "r"] * ((len(header) - 1) // 3))
    if p.categories:
        lines.append("")
        rows = [[md(cat), str(r.debates), record(r.wins, r.losses, r.ties), pct(r.win_rate)] for cat, r in p.categories.items()]
        lines += _table(["Category", "Debates", "W–L–T", "Win rate"], rows, ["l", "r", "c", "r"])
    lines.append("")
    return lines


def _win_rates(card: Scorecard) -> list[str]:
    """Three matrices, row contestant against column contestant (rated debates only)."""
    w = card.win_rates

    def matrix(title: str, lead: str, show: Callable[[WinRateCell], str]) -> list[str]:
        rows = [[f"**{md(name)}**", *("·" if cell is None else show(cell) for cell in w.cells[i])] for i, name in enumerate(w.contestants)]
        return [f"### {title}", "", lead, "", *_table(["", *(md(n) for n in w.contestants)], rows, ["l"] + ["c"] * len(w.contestants)), ""]

    return [
        "## Win rates", "",
        *matrix("Observed win rate", "Share of their rated debates the row contestant won, a tie counting half (W–L–T).",
                lambda c: "–" if c.rate is None else f"{pct(c.rate)} ({record(c.wins, c.losses, c.ties)})"),
        *matrix("Predicted win probability", "The row contestant's chance against the column contestant under the ratings.", lambda c: pct(c.predicted)),
        *matrix("Rated debates", "How many rated debates the two had (each one battle in the ratings).", lambda c: str(c.debates)),
    ]


def _agreement(card: Scorecard, names: dict[str, str]) -> list[str]:
    a = card.agreement
    lines = ["## Judge agreement", "", f"Krippendorff's alpha over all raters ({a.level} level; 0.8 or more is reliable, 0.667 tentative):", ""]
    rows = [[md(names.get(cid, cid)), fixed(value, 3), alpha_word(value)] for cid, value in a.criterion_alpha.items()]
    rows.append([f"Verdict ({a.verdict_level})", fixed(a.verdict_alpha, 3), alpha_word(a.verdict_alpha)])
    lines += _table(["Criterion", "α", "Reading"], rows, ["l", "r", "l"])
    lines.append("")
    if a.kappas is None:
        lines.append("No human ballots: no judge-against-human kappas.")
    else:
        lines += ["Cohen's kappa of each judge against the human consensus on winners:", ""]
        lines += _table(["Judge", "κ"], [[md(j), fixed(k, 3)] for j, k in a.kappas.items()], ["l", "r"])
    lines.append("")
    rows = [
        [md(r.name), md(r.judge_model), md(r.kind), str(r.ballots), str(r.abstentions), f"{r.agree}/{r.compared}", pct(r.agreement_rate), "**flagged**" if r.flagged else ""]
        for r in a.raters
    ]
    lines += _table(["Rater", "Model", "Kind", "Ballots", "Abstained", "Agrees with panel", "Rate", ""], rows, ["l", "l", "l", "r", "r", "r", "r", "l"])
    lines.append("")
    if a.flagged_scorers:
        lines.append(f"Flagged as outliers against the panel (baseline agreement {pct(a.baseline_agreement)}, p below {a.flag_alpha}): " + ", ".join(md(s) for s in a.flagged_scorers))
    elif a.baseline_agreement is None:
        lines.append(f"Raters are not tested for outliers: {NO_BASELINE}.")
    else:
        lines.append(f"No rater is an outlier against the panel (baseline agreement {pct(a.baseline_agreement)}).")
    lines.append("")
    return [*lines, *_winner_agreement(a), *_side_bias(a)]


def _winner_agreement(a: Agreement) -> list[str]:
    m = a.winner_agreement
    lines = ["### Winner agreement", ""]
    if len(m.judges) < 2:
        return [*lines, "Fewer than two model judges gave valid ballots: nothing to compare.", ""]
    lines += ["Row judge against column judge: share of the debates both judged on which they named the same winner (debates shared).", ""]
    rows = []
    for i, name in enumerate(m.judges):
        cells = ["·" if c is None else f"{pct(c.share)} ({c.debates})" for c in m.cells[i]]
        rows.append([f"**{md(name)}**", *cells])
    lines += _table(["", *(md(n) for n in m.judges)], rows, ["l"] + ["c"] * len(m.judges))
    return [*lines, ""]


def _side_bias(a: Agreement) -> list[str]:
    lines = ["### Presented-side bias", ""]
    if not a.presented_side_bias:
        return [*lines, "No ballots in both presentation orders: presented-side bias is not measured.", ""]
    lines += ["Each judge read every debate twice, either side shown as Debater A. A judge that reads the arguments, not the labels, "
              "leans 0 toward A, gives A half of its decisive verdicts and names the same winner in both orders.", ""]
    rows = [
        [md(b.judge), md(b.judge_model), signed(b.toward_a), f"{pct(b.favours_a)} of {b.decisive}", f"{pct(b.inconsistent)} of {b.pairs}", str(b.ballots)]
        for b in a.presented_side_bias
    ]
    lines += _table(["Judge", "Model", "Margin toward A", "Decisive for A", "Position-inconsistent", "Presentations"], rows, ["l", "l", "r", "r", "r", "r"])
    return [*lines, ""]


def _qualifications(card: Scorecard) -> list[str]:
    lines = ["## Judge qualification", ""]
    if not card.qualifications:
        return [*lines, "No model judges.", ""]
    lines += ["Control debates whose better side is known by construction, each in both orders and repeated "
              "(`debate judges test`); a judge below its thresholds is flagged.", ""]
    rows = []
    for j in card.qualifications:
        word = qualification_word(j)
        rows.append([
            md(j.judge), md(j.judge_model), pct(j.accuracy), pct(j.position_consistency), pct(j.preference_fairness), pct(j.repetition_stability),
            fixed(j.score_spread), pct(j.echo_share), f"**{word}**" if j.flagged else word, md("; ".join(j.problems)),
        ])
    header = ["Judge", "Model", "Accuracy", "Position consistency", "Preference fairness", "Repetition stability", "Score spread", "Echo share", "Status", "Problems"]
    lines += _table(header, rows, ["l", "l", "r", "r", "r", "r", "r", "r", "l", "l"])
    return [*lines, ""]


def _side_balance(card: Scorecard) -> list[str]:
    lines = ["## Side balance", ""]
    if card.side_advantage is not None:
        s = card.side_advantage
        lines += [f"Proposition advantage: {s.rating:+.0f} rating points (95% CI {interval(s.lower, s.upper)}), win probability {s.win_probability:.2f} between equals.", ""]
    if card.side_balance:
        motions = {m.key: m for m in card.motions}
        rows = []
        for m in card.side_balance:
            text = motions[m.motion].text if m.motion in motions else ""
            rows.append([md(m.motion), md(clip(text, 70)), str(m.debates), str(m.proposition_wins), str(m.opposition_wins), str(m.ties),
                         pct(m.proposition_rate), f"{m.p_value:.3f}", "**lopsided**" if m.lopsided else ""])
        lines += _table(["Motion", "Text", "Debates", "Prop wins", "Opp wins", "Ties", "Prop rate", "p", ""], rows, ["l", "l", "r", "r", "r", "r", "r", "r", "l"])
    else:
        lines.append("No rated debates.")
    lines.append("")
    return lines


def _excluded(card: Scorecard) -> list[str]:
    lines = ["## Excluded debates", ""]
    if card.excluded_debates:
        lines += _table(["Debate", "Round", "Proposition", "Opposition", "Motion", "Reason"],
                        [[str(x.id), str(x.round), md(x.proposition), md(x.opposition), md(x.motion), md(x.reason)] for x in card.excluded_debates])
    else:
        lines.append("None: every judged debate counts in the ratings.")
    lines.append("")
    return lines


def _debate(d: DebateCard, names: dict[str, str]) -> list[str]:
    lines = [f"### Debate {d.id} · round {d.round} · {md(d.motion.key)}", ""]
    lines.append(f"**Motion** ({md(d.motion.category)}, {md(d.motion.language)}): {md(d.motion.text)}")
    lines.append("")
    result = f"**Winner**: {md(winner_name(d))} ({side_word(d.winner)})" if d.winner else f"**Status**: {md(d.status)}"
    extra = []
    if d.margin is not None:
        extra.append(f"margin {d.margin:+g}")
    if d.disagreement is not None:
        extra.append(f"disagreement {d.disagreement:.2f}")
    if d.prop_score is not None and d.opp_score is not None:
        extra.append(f"totals {d.prop_score:.2f}–{d.opp_score:.2f}")
    lines.append(f"**Proposition**: {md(d.proposition)} · **Opposition**: {md(d.opposition)} · {result}" + (f" · {', '.join(extra)}" if extra else ""))
    if d.excluded:
        lines += ["", f"Excluded from ratings: {md(d.excluded_reason or 'excluded')}"]
    if d.error:
        lines += ["", f"Error: {md(d.error)}"]
    lines.append("")
    lines += _ballots(d, names) if d.ballots else ["No ballots.", ""]
    if d.findings:
        lines.append("Findings:")
        for f in d.findings:
            evidence = f" — “{md(clip(f.evidence, 120))}”" if f.evidence else ""
            lines.append(f"- speech {f.speech_idx + 1} ({md(f.side)}) · {md(f.kind)} · {md(f.severity)}: {md(f.detail)}{evidence}")
        lines.append("")
    lines += _transcript(d)
    return lines


def _transcript(d: DebateCard) -> list[str]:
    if not d.speeches:
        return ["No speech stored.", ""]
    lines = ["Transcript:", ""]
    for sp in d.speeches:
        ended = "" if sp.finish_reason == "stop" else f", ended: {md(sp.finish_reason)}"
        lines.append(f"**{sp.number}. {md(sp.side.capitalize())} {md(sp.role)}** · {md(sp.speaker)} ({sp.tokens} tokens{ended})")
        lines.append("")
        # Each paragraph quoted and escaped: a speech is model output and may hold any markup.
        lines += [f"> {md(paragraph)}" if paragraph.strip() else ">" for paragraph in sp.text.splitlines() or [""]]
        lines.append("")
    return lines


def _ballots(d: DebateCard, names: dict[str, str]) -> list[str]:
    """The debate's ballots side by side (a column each), then each one's reason."""
    criteria = list(dict.fromkeys([*names, *(cid for b in d.ballots for cid in b.scores)]))
    header = ["Criterion", *(f"{md(b.judge)}{' (revised)' if b.stage == 'revised' else ''} P–O" for b in d.ballots)]
    rows = []
    for cid in criteria:
        if not any(cid in b.scores for b in d.ballots):
            continue
        cells = []
        for b in d.ballots:
            s = b.scores.get(cid)
            cells.append("–" if s is None else f"{number_or_dash(s.proposition)}–{number_or_dash(s.opposition)}")
        rows.append([md(names.get(cid, cid)), *cells])
    rows.append(["**Verdict**", *("abstained" if b.abstained else md(b.verdict or "–") for b in d.ballots)])
    lines = _table(header, rows, ["l"] + ["c"] * len(d.ballots))
    lines.append("")
    for b in d.ballots:
        who = f"{md(b.judge)} ({md(b.judge_model)}, {md(b.kind)}, {md(b.stage)}{', both poor' if b.both_poor else ''})"
        lines.append(f"- **{who}**: {md(b.reason)}")
    lines.append("")
    return lines
