"""The scorecard: everything a tournament produced, as one data model, ready to export.

`build_scorecard(store, name)` (in `build`) reads the store in a handful of bulk queries
(`debate.store.scorecard`), reuses the standings (`debate.reports.standings.standings_report`) and the
ratings (`debate.verdicts.tournament_ratings`), and assembles a `Scorecard` (`model`):

- `tournament`: name, status, pairing, format, rubric (criteria ids, names, scales, weights),
  judges, and counts (debates judged, failed, excluded, ballots, human scorers);
- `leaderboard`: the standings in rank order, each row with the contestant's record, rating
  with its 95% interval, rank range (`rank_method` says how it was found: the middle 95% of
  its ranks over seeded draws of the ratings), battles, and the standings' own columns;
- `rating_history`: after each completed round, the ratings (intervals, rank ranges) refitted
  on the rated debates of that round and the ones before it (`debate.reports.rating_history`);
- `contestants`: per contestant its record, rating, criterion means with 95% intervals (model
  judges; human scorers separately), per motion category debates / wins / win rate, and the
  strongest and weakest category (by win rate, ties to the first name; the weakest is another
  category than the strongest whenever there are two);
- `debates`: every debate with its motion, sides, panel result, every ballot (model and human,
  every stage, scores per criterion per side, reason) and its rule findings;
- `win_rates` (contestant against contestant: observed win rate, predicted win probability and
  count of rated debates per pair), `criterion_heatmap` (contestant x criterion) and
  `category_heatmap` (contestant x motion category);
- `agreement`: Krippendorff's alpha per criterion over all raters (interval level) and of the
  verdicts (ordinal), Cohen's kappa of each judge against the human consensus on winners (null
  without human ballots), and the raters flagged as outliers against the panel;
- `caveats` (first in the JSON, first in every export): the plain sentences of
  `debate.reports.caveats` on why the results may not mean what they seem;
- `agreement.winner_agreement`: the model judges' winner agreement matrix (share of the
  debates both judged with the same winner, and how many they shared), and
  `agreement.presented_side_bias`: per model judge, from its presentation ballots in both
  orders, the mean signed margin toward the side shown as Debater A, the share of decisive
  presentations Debater A won, and the share of debates whose two orders named different
  winners;
- `qualifications`: each panel judge's latest qualification on control debates, or `tested`
  false when it has none;
- `side_balance` per motion, `side_advantage`, `separability`, `excluded_debates`, `usage`.

Definitions (what counts where):

- A judge's *final* ballot for a debate is its revised ballot where it has one, else its
  independent ballot. A *valid* ballot is one that did not abstain and has a verdict.
- A *rated* debate is judged, has a winner and is not excluded from ratings (e.g. an identity
  leak). Ratings, win rates, categories, criterion means and side balance count rated
  debates only; excluded debates are listed in `excluded_debates` with their reason.
- `record` counts rated debates, as the standings do (an excluded debate is voided
  everywhere): whole wins, losses and ties of the panel's winner. Win rates count a tie as
  half a win.
- Criterion means: over every valid final ballot of a rated debate the contestant spoke in,
  the score the ballot gave the contestant's side; interval mean +- 1.96 * sd / sqrt(n)
  (sample sd; no interval with fewer than two scores).
- Agreement counts every valid final ballot, whatever the debate's status; a rater is a judge
  (by name) or a human scorer. A rater is flagged when its agreement with the panel's winner
  is improbably low (one-sided binomial test, p < `FLAG_ALPHA`) against the pooled rate of
  the model judges (of all raters when there are no model judges). Winner agreement compares
  the model judges' valid final ballots. Presented-side bias counts every presentation with a
  verdict of a judged debate (excluded ones too: it measures the judge, not the contestants);
  a presentation pairs with the other order of the same debate and stage.
- The panel, for the qualification table: the configured judges, then any other model judge
  that ballotted; judges tested for the tournament but not on its panel follow.

NaN never appears: an undefined statistic is null.

Modules: `model` (the data model), `build` (assembly from the store), `tallies` (records,
categories, means, win rates, heatmaps), `agreement` (judge agreement), `qualification`, `rubric`.
"""

from __future__ import annotations

from debate.reports.scorecard.build import build_scorecard
from debate.reports.scorecard.model import (
    FLAG_ALPHA,
    SCHEMA_VERSION,
    Agreement,
    AgreementCell,
    BallotCard,
    CategoryHeatmap,
    CategoryRecord,
    ContestantCard,
    ContestantUsage,
    CriterionHeatmap,
    CriterionInfo,
    CriterionMean,
    DebateCard,
    ExcludedDebate,
    FindingCard,
    SpeechCard,
    JudgeInfo,
    JudgeQualificationInfo,
    LeaderboardRow,
    MotionInfo,
    PresentedSideBiasInfo,
    PurposeUsage,
    RaterInfo,
    Record,
    RubricInfo,
    Scorecard,
    SideScore,
    TournamentCounts,
    TournamentInfo,
    Usage,
    WinnerAgreementMatrix,
    WinRateCell,
    WinRateMatrix,
)

__all__ = [
    "Agreement",
    "AgreementCell",
    "BallotCard",
    "CategoryHeatmap",
    "CategoryRecord",
    "ContestantCard",
    "ContestantUsage",
    "CriterionHeatmap",
    "CriterionInfo",
    "CriterionMean",
    "DebateCard",
    "ExcludedDebate",
    "FLAG_ALPHA",
    "FindingCard",
    "SpeechCard",
    "JudgeInfo",
    "JudgeQualificationInfo",
    "LeaderboardRow",
    "MotionInfo",
    "PresentedSideBiasInfo",
    "PurposeUsage",
    "RaterInfo",
    "Record",
    "RubricInfo",
    "SCHEMA_VERSION",
    "Scorecard",
    "SideScore",
    "TournamentCounts",
    "TournamentInfo",
    "Usage",
    "WinnerAgreementMatrix",
    "WinRateCell",
    "WinRateMatrix",
    "build_scorecard",
]
