"""The scorecard as one self-contained HTML page: no scripts, no external fonts, images or
style sheets. Every piece of text is escaped with `html.escape` (`e`).
"""

from __future__ import annotations

from debate.reports.export.html_charts import (
    battles_svg,
    category_svg,
    criterion_svg,
    history_svg,
    means_svg,
    predicted_svg,
    ratings_svg,
    side_bar,
    winrate_svg,
)
from debate.reports.caveats import headline
from debate.reports.export.html_style import CSS
from debate.reports.export.text import (
    NO_BASELINE,
    alpha_word,
    clip,
    e,
    fixed,
    interval,
    number_or_dash,
    pct,
    qualification_word,
    rank_range,
    rating,
    record,
    signed,
    winner_name,
)
from debate.reports.scorecard import SCHEMA_VERSION, Agreement, DebateCard, Scorecard

OUTLIER = "<span class='pill bad'>outlier</span>"
ABSTAINED = "<span class='pill grey'>abstained</span>"


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
    if card.knockout is not None and card.knockout.champion is not None:
        stats.insert(0, (card.knockout.champion, "champion"))
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Scorecard · {e(t.name)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
        _caveats_html(card),
        '<header class="top"><div class="wrap">',
        f"<h1>{e(t.name)}</h1>",
        f'<p class="sub">{e(t.pairing)} · format {e(t.format)} · rubric {e(t.rubric.name)} · {e(t.status)} · {t.rounds} rounds · generated {e(card.generated_at.strftime("%Y-%m-%d %H:%M UTC"))}</p>',
        '<ul class="stats">' + "".join(f"<li><b>{e(v)}</b><span>{e(k)}</span></li>" for v, k in stats) + "</ul>",
        '<nav class="toc">' + "".join(f'<a href="#{a}">{e(label)}</a>' for a, label in (
            ("ratings", "Ratings"), ("history", "Rating over rounds"), ("win-rates", "Win rates"), ("criteria", "Criteria"), ("categories", "Categories"),
            *((("knockout", "Knockout"),) if card.knockout else ()), ("leaderboard", "Leaderboard"), ("contestants", "Contestants"), ("agreement", "Judge agreement"),
            ("qualification", "Judge qualification"), ("side-balance", "Side balance"), ("excluded", "Excluded debates"), ("debates", "Debates"),
        )) + "</nav>",
        "</div></header>", '<main class="wrap">',
    ]
    for note in card.notes + card.rating_notes:
        parts.append(f'<div class="note">{e(note)}</div>')
    parts += [
        _section("ratings", "Ratings", "Bradley–Terry ratings with 95% confidence intervals (rated debates only). Dashed line: the field's mean rating.", ratings_svg(card)),
        _section("history", "Rating over rounds", "Each contestant's rating after every completed round, refitted on the rated debates so far; the band is its 95% interval, a hollow point a contestant without a finite estimate.", _history_html(card)),
        _section("win-rates", "Win rates", "The row contestant against the column contestant: the share of rated debates it won (a tie counting half), the win probability the ratings predict, and how many rated debates the two had. Blue: the row contestant ahead, red: behind.", _matrices_html(card)),
        _section("criteria", "Rubric criteria", "Mean score each contestant's side received from the judges on each criterion; darker is better. ± is the 95% interval's half width.", criterion_svg(card, names)),
        _section("categories", "Motion categories", "Win rate per motion category (ties half), with the number of debates.", category_svg(card)),
        *([_section("knockout", "Knockout", "The elimination rounds after the break: seeds, who went through and how (a tied debate is settled by the rubric total, then the better seed).", _knockout_html(card))] if card.knockout else []),
        _section("leaderboard", "Leaderboard", "Standings order; W–L–T over every judged debate that is not voided." + (" Preliminary rounds only: the knockout decides the champion." if card.knockout else ""), _leaderboard_html(card)),
        _section("contestants", "Contestants", "Criterion means with 95% intervals on each criterion's scale.", _contestants_html(card, names)),
        _section("agreement", "Judge agreement", "Krippendorff's alpha over every rater (judges and human scorers): 0.8 or more is reliable, 0.667 tentative.", _agreement_html(card, names)),
        _section("qualification", "Judge qualification", "Control debates whose better side is known by construction, each in both orders and repeated (debate judges test); a judge below its thresholds is flagged.", _qualifications_html(card)),
        _section("side-balance", "Side balance", "Proposition's record on each motion, tested against 50/50 (chi-square).", _side_balance_html(card)),
        _section("excluded", "Excluded debates", "Debates left out of the ratings, with the reason.", _excluded_html(card)),
        _section("debates", "Debates", f"{len(card.debates)} debates; open one to see its ballots, reasons and rule findings.", "".join(_debate_html(d, names) for d in card.debates) or '<p class="muted">No debates.</p>'),
        "</main>",
        f"<footer>debate scorecard · schema version {SCHEMA_VERSION} · {e(t.name)}</footer>",
        "</body>", "</html>",
    ]
    return "\n".join(parts) + "\n"


def _caveats_html(card: Scorecard) -> str:
    """The warnings, above everything else on the page (empty when there are none)."""
    if not card.caveats:
        return ""
    items = "".join(f"<li>{e(c.sentence)}</li>" for c in card.caveats)
    return f'<div class="caveats" role="alert"><div class="wrap"><b>{e(headline(card.caveats))}</b><ul>{items}</ul></div></div>'


def _section(anchor: str, title: str, lead: str, body: str) -> str:
    return f'<section class="card" id="{e(anchor)}"><h2>{e(title)}</h2><p class="lead">{e(lead)}</p>{body}</section>'


def _leaderboard_html(card: Scorecard) -> str:
    head = ("<tr><th class='c'>#</th><th>Contestant</th><th>Model</th><th class='c'>W–L–T</th><th class='n'>Rating</th><th class='c'>95% CI</th>"
            "<th class='c'>Rank range</th><th class='n'>Battles</th><th class='n'>Ballots</th><th class='n'>Score avg</th><th class='n'>Opp. strength</th></tr>")
    rows = []
    for r in card.leaderboard:
        s = r.standings
        rows.append(
            f"<tr><td class='c'><span class='rank'>{e(r.rank if r.rank is not None else '–')}</span></td><td><b>{e(r.name)}</b></td><td class='muted'>{e(r.model)}</td>"
            f"<td class='c'>{record(r.record.wins, r.record.losses, r.record.ties)}</td><td class='n'><b>{rating(r.rating)}</b></td>"
            f"<td class='c muted'>{interval(r.lower, r.upper)}</td><td class='c'>{rank_range(r.rank_range)}</td><td class='n'>{r.battles}</td><td class='n'>{e(_plain(s.get('ballots')))}</td>"
            f"<td class='n'>{e(_plain(s.get('score_average')))}</td><td class='n'>{e(_plain(s.get('opponent_strength')))}</td></tr>"
        )
    extra = ""
    if card.rank_method is not None:
        extra += f'<p class="muted">Rank range: {e(card.rank_method)}.</p>'
    if card.separability is not None:
        extra += f'<p class="muted">Separability: {pct(card.separability)} of contestant pairs have 95% intervals that do not overlap.</p>'
    return f"<div class='chart'><table>{head}{''.join(rows)}</table></div>{extra}"



def _matrices_html(card: Scorecard) -> str:
    """Observed, predicted and counted, side by side: where the first two differ on many
    debates, the ratings do not describe that pairing well."""
    figures = (("Observed win rate", winrate_svg(card)), ("Predicted win probability", predicted_svg(card)), ("Rated debates", battles_svg(card)))
    return "<div class='matrices'>" + "".join(f"<figure><figcaption>{e(title)}</figcaption>{chart}</figure>" for title, chart in figures) + "</div>"


def _history_html(card: Scorecard) -> str:
    history = card.rating_history
    method = "" if history is None else f"<p class='muted'>{e(history.method)}. Every round's fit centres the field's mean rating on 1000.</p>"
    return history_svg(card) + method


def _plain(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else f"{value:.2f}"
    return str(value)


def _contestants_html(card: Scorecard, names: dict[str, str]) -> str:
    blocks = []
    for p in card.contestants:
        chips = [
            f"<span class='pill info'>W–L–T {record(p.record.wins, p.record.losses, p.record.ties)}</span>",
            f"<span class='pill grey'>rating {rating(p.rating)} [{interval(p.lower, p.upper)}]</span>",
        ]
        if p.strongest_category is not None:
            strong = p.categories[p.strongest_category]
            chips.append(f"<span class='pill good'>strongest: {e(p.strongest_category)} {pct(strong.win_rate)}</span>")
        if p.weakest_category is not None:
            weak = p.categories[p.weakest_category]
            chips.append(f"<span class='pill bad'>weakest: {e(p.weakest_category)} {pct(weak.win_rate)}</span>")
        legend = ""
        if p.criterion_means_human is not None:
            legend = "<div class='legend'><span><span class='dot' style='background:#225ea8'></span>judges</span><span><span class='dot' style='border:2px solid #d9480f'></span>humans</span></div>"
        usage = p.usage
        blocks.append(
            f"<div class='person'><h3>{e(p.rank if p.rank is not None else '–')}. {e(p.name)}</h3><div class='model'>{e(p.model)}</div>"
            f"<div class='facts'>{''.join(chips)}</div>{means_svg(p.name, p.criterion_means, p.criterion_means_human, card, names)}{legend}"
            f"<div class='kv muted'>{usage.speeches} speeches · {usage.completion_tokens:,} tokens written · ${usage.cost_usd:.4f}</div></div>"
        )
    return f"<div class='grid'>{''.join(blocks)}</div>"


def _alpha_pill(value: float | None) -> str:
    word = alpha_word(value)
    kind = {"reliable": "good", "tentative": "warn", "low": "bad"}.get(word, "grey")
    return f"<span class='pill {kind}'>{e(word)}</span>"


def _agreement_html(card: Scorecard, names: dict[str, str]) -> str:
    a = card.agreement
    rows = "".join(f"<tr><td>{e(names.get(cid, cid))}</td><td class='n'>{fixed(v, 3)}</td><td>{_alpha_pill(v)}</td></tr>" for cid, v in a.criterion_alpha.items())
    rows += f"<tr><td><b>Verdict</b> <span class='muted'>({e(a.verdict_level)})</span></td><td class='n'>{fixed(a.verdict_alpha, 3)}</td><td>{_alpha_pill(a.verdict_alpha)}</td></tr>"
    alpha = f"<table><tr><th>Criterion</th><th class='n plain'>α ({e(a.level)})</th><th>Reading</th></tr>{rows}</table>"
    if a.kappas is None:
        kappa = "<p class='muted'>No human ballots: Cohen's kappa against the humans is not available.</p>"
    else:
        krows = "".join(f"<tr><td>{e(j)}</td><td class='n'>{fixed(k, 3)}</td></tr>" for j, k in a.kappas.items())
        kappa = f"<h3>Judges against the human consensus (Cohen's κ on winners)</h3><table><tr><th>Judge</th><th class='n plain'>κ</th></tr>{krows}</table>"
    rrows = "".join(
        f"<tr><td><b>{e(r.name)}</b></td><td class='muted'>{e(r.judge_model)}</td><td>{e(r.kind)}</td><td class='n'>{r.ballots}</td><td class='n'>{r.abstentions}</td>"
        f"<td class='n'>{r.agree}/{r.compared}</td><td class='n'>{pct(r.agreement_rate)}</td><td>{OUTLIER if r.flagged else ''}</td></tr>"
        for r in a.raters
    )
    raters = ("<h3>Raters</h3><table><tr><th>Rater</th><th>Model</th><th>Kind</th><th class='n'>Ballots</th><th class='n'>Abstained</th>"
              f"<th class='n'>Agrees with panel</th><th class='n'>Rate</th><th></th></tr>{rrows}</table>")
    if a.flagged_scorers:
        flag = f"<div class='note'>Flagged as outliers against the panel (baseline agreement {pct(a.baseline_agreement)}, one-sided binomial p &lt; {a.flag_alpha}): {e(', '.join(a.flagged_scorers))}</div>"
    elif a.baseline_agreement is None:
        flag = f"<p class='muted'>Raters are not tested for outliers: {e(NO_BASELINE)}.</p>"
    else:
        flag = f"<p class='muted'>No rater is an outlier against the panel (baseline agreement {pct(a.baseline_agreement)}).</p>"
    return f"<div class='grid'><div>{alpha}</div><div>{kappa}</div></div>{raters}{flag}{_winner_agreement_html(a)}{_side_bias_html(a)}"


def _winner_agreement_html(a: Agreement) -> str:
    m = a.winner_agreement
    title = "<h3>Winner agreement</h3>"
    if len(m.judges) < 2:
        return f"{title}<p class='muted'>Fewer than two model judges gave valid ballots: nothing to compare.</p>"
    head = "<tr><th></th>" + "".join(f"<th class='c plain'>{e(name)}</th>" for name in m.judges) + "</tr>"
    rows = "".join(
        f"<tr><td><b>{e(name)}</b></td>" + "".join(
            "<td class='c muted'>·</td>" if c is None else f"<td class='c'>{pct(c.share)} <span class='muted'>({c.debates})</span></td>" for c in m.cells[i]
        ) + "</tr>"
        for i, name in enumerate(m.judges)
    )
    lead = "<p class='muted'>Row judge against column judge: share of the debates both judged on which they named the same winner (debates shared).</p>"
    return f"{title}{lead}<div class='chart'><table>{head}{rows}</table></div>"


def _side_bias_html(a: Agreement) -> str:
    title = "<h3>Presented-side bias</h3>"
    if not a.presented_side_bias:
        return f"{title}<p class='muted'>No ballots in both presentation orders: presented-side bias is not measured.</p>"
    rows = "".join(
        f"<tr><td><b>{e(b.judge)}</b></td><td class='muted'>{e(b.judge_model)}</td><td class='n'>{signed(b.toward_a)}</td>"
        f"<td class='n'>{pct(b.favours_a)} <span class='muted'>of {b.decisive}</span></td><td class='n'>{pct(b.inconsistent)} <span class='muted'>of {b.pairs}</span></td>"
        f"<td class='n'>{b.ballots}</td></tr>"
        for b in a.presented_side_bias
    )
    lead = ("<p class='muted'>Each judge read every debate twice, either side shown as Debater A. A judge that reads the arguments, not the labels, "
            "leans 0 toward A, gives A half of its decisive verdicts and names the same winner in both orders.</p>")
    head = ("<tr><th>Judge</th><th>Model</th><th class='n'>Margin toward A</th><th class='n'>Decisive for A</th>"
            "<th class='n'>Position-inconsistent</th><th class='n'>Presentations</th></tr>")
    return f"{title}{lead}<table>{head}{rows}</table>"


def _qualifications_html(card: Scorecard) -> str:
    if not card.qualifications:
        return "<p class='muted'>No model judges.</p>"
    pill = {"passed": "good", "flagged": "bad", "not tested": "grey"}
    rows = "".join(
        f"<tr><td><b>{e(j.judge)}</b></td><td class='muted'>{e(j.judge_model)}</td><td class='n'>{pct(j.accuracy)}</td><td class='n'>{pct(j.position_consistency)}</td>"
        f"<td class='n'>{pct(j.preference_fairness)}</td><td class='n'>{pct(j.repetition_stability)}</td><td class='n'>{fixed(j.score_spread)}</td>"
        f"<td class='n'>{pct(j.echo_share)}</td><td><span class='pill {pill[qualification_word(j)]}'>{e(qualification_word(j))}</span></td>"
        f"<td>{'<br>'.join(e(p) for p in j.problems)}</td></tr>"
        for j in card.qualifications
    )
    head = ("<tr><th>Judge</th><th>Model</th><th class='n'>Accuracy</th><th class='n'>Position consistency</th><th class='n'>Preference fairness</th>"
            "<th class='n'>Repetition stability</th><th class='n'>Score spread</th><th class='n'>Echo share</th><th>Status</th><th>Problems</th></tr>")
    return f"<div class='chart'><table>{head}{rows}</table></div>"


def _side_balance_html(card: Scorecard) -> str:
    out = []
    if card.side_advantage is not None:
        s = card.side_advantage
        out.append(f"<p>Proposition advantage: <b>{s.rating:+.0f}</b> rating points (95% CI {interval(s.lower, s.upper)}); "
                   f"between two equal debaters the proposition wins {pct(s.win_probability)} of the time.</p>")
    if not card.side_balance:
        out.append("<p class='muted'>No rated debates yet.</p>")
        return "".join(out)
    motions = {m.key: m for m in card.motions}
    rows = []
    for m in card.side_balance:
        text = motions[m.motion].text if m.motion in motions else ""
        flag = "<span class='pill bad'>lopsided</span>" if m.lopsided else ""
        rows.append(
            f"<tr><td><b>{e(m.motion)}</b><div class='muted'>{e(clip(text, 110))}</div></td><td class='n'>{m.debates}</td>"
            f"<td class='c'>{m.proposition_wins}–{m.opposition_wins}–{m.ties}</td><td>{side_bar(m.proposition_rate)}</td><td class='n'>{pct(m.proposition_rate)}</td>"
            f"<td class='n'>{m.p_value:.3f}</td><td>{flag}</td></tr>"
        )
    out.append("<div class='legend'><span><span class='dot' style='background:#2166ac'></span>proposition</span><span><span class='dot' style='background:#b2182b'></span>opposition</span></div>")
    out.append("<table><tr><th>Motion</th><th class='n'>Debates</th><th class='c'>Prop–Opp–Tie</th><th>Balance</th><th class='n'>Prop rate</th><th class='n'>p</th><th></th></tr>"
               + "".join(rows) + "</table>")
    return "".join(out)


def _knockout_html(card: Scorecard) -> str:
    k = card.knockout
    assert k is not None
    out = [f"<p><b>{e(k.headline())}</b></p>"]
    for r in k.rounds:
        rows = "".join(
            f"<tr><td>({m.proposition_seed}) <span class='side-p'>{e(m.proposition)}</span></td><td>({m.opposition_seed}) <span class='side-o'>{e(m.opposition)}</span></td>"
            f"<td>{'<span class=muted>to be judged</span>' if m.winner is None else '<b>' + e(m.winner) + '</b>'}</td><td>{e(m.decided_by or '')}</td>"
            f"<td>{f'<a href={chr(39)}#debate-{m.debate_id}{chr(39)}>#{m.debate_id}</a>' if m.debate_id else ''}</td></tr>"
            for m in r.matches
        )
        byes = "".join(f"<tr><td colspan='5' class='muted'>({k.seeds.index(b) + 1}) {e(b)}: a bye</td></tr>" for b in r.byes)
        out.append(f"<h4>Round {r.round} · {e(r.stage)}</h4><table><tr><th>Proposition</th><th>Opposition</th><th>Through</th><th>Decided by</th><th>Debate</th></tr>{rows}{byes}</table>")
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
    body = _debate_facts(d) + (_ballots_html(d, names) if d.ballots else "<p class='muted'>No ballots.</p>")
    if d.findings:
        items = "".join(
            f"<li>speech {f.speech_idx + 1} (<span class='{'side-p' if f.side == 'proposition' else 'side-o'}'>{e(f.side)}</span>) · <b>{e(f.kind)}</b> · "
            f"<span class='pill {'bad' if f.severity == 'major' else 'warn'}'>{e(f.severity)}</span> {e(f.detail)}"
            + (f"<blockquote>{e(clip(f.evidence, 300))}</blockquote>" if f.evidence else "") + "</li>"
            for f in d.findings
        )
        body += f"<h4>Rule findings</h4><ul>{items}</ul>"
    body += _transcript_html(d)
    return f"<details class='debate' id='debate-{d.id}'>{_debate_summary(d)}<div class='body'>{body}</div></details>"


def _transcript_html(d: DebateCard) -> str:
    if not d.speeches:
        return "<p class='muted'>No speech stored.</p>"
    speeches = "".join(
        f"<div class='speech{'' if sp.side == 'proposition' else ' opp'}'><b>{sp.number}. {e(sp.side.capitalize())} {e(sp.role)}</b> · {e(sp.speaker)}"
        f" <span class='muted'>· {sp.tokens} tokens{'' if sp.finish_reason == 'stop' else ' · ended: ' + e(sp.finish_reason)}</span>"
        f"<div class='text'>{e(sp.text)}</div></div>"
        for sp in d.speeches
    )
    return f"<h4>Transcript</h4>{speeches}"


def _debate_summary(d: DebateCard) -> str:
    """The one line a closed debate shows: who met whom, the result, the motion, badges."""
    winner = winner_name(d)
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
    return (f"<summary><b>#{d.id}</b> · round {d.round} · <span class='who'><span class='side-p'>{e(d.proposition)}</span> vs "
            f"<span class='side-o'>{e(d.opposition)}</span></span> · {result} · <span class='muted'>{e(d.motion.key)} ({e(d.motion.category)})</span>{badges}</summary>")


def _debate_facts(d: DebateCard) -> str:
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
    return "".join(facts)


def _ballots_html(d: DebateCard, names: dict[str, str]) -> str:
    """The debate's ballots side by side (a column each), then each one's reason."""
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
                cells.append(f"<td class='c'><span class='side-p'>{e(number_or_dash(s.proposition))}</span> – <span class='side-o'>{e(number_or_dash(s.opposition))}</span></td>")
        rows.append(f"<tr><td>{e(names.get(cid, cid))}</td>{''.join(cells)}</tr>")
    rows.append("<tr><td><b>Verdict</b></td>" + "".join(
        f"<td class='c'>{ABSTAINED if b.abstained else e((b.verdict or '–').replace('_', ' '))}{' · both poor' if b.both_poor else ''}</td>" for b in d.ballots
    ) + "</tr>")
    reasons = "".join(f"<div class='kv'><b>{e(b.judge)}</b> <span class='muted'>({e(b.judge_model)}, {e(b.stage)})</span><blockquote>{e(b.reason)}</blockquote></div>" for b in d.ballots)
    return f"<div class='chart'><table>{head}{''.join(rows)}</table></div>" + reasons
