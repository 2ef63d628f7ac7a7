"""The one engine API the faces (the CLI, the TUI) call: typed results only.

Run or resume a tournament, read what a store holds (tournaments, debates, a debate, a round's
draw, the workers sharing a tournament, the live view a spectator polls), standings, ratings,
scorecards and their exports, blind human scoring, the motion library and the model catalogue.

`import debate.api` stays light (`debate --help` must start fast): every name below is
loaded from its module on first use, and those modules import the store, the engine and the
ratings maths inside their functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from debate.core.lazy import lazy_names

if TYPE_CHECKING:
    from debate.api.catalog import ModelCatalog, available_models, local_model_names
    from debate.api.judges import compare, describe_qualification, panel_from, qualifications, qualifications_without_tournament, rejudge, test_judges
    from debate.api.motions import Motion, MotionSet, commitment, load_set, load_sets, shipped_sets, verify
    from debate.api.boards import RatingBoard, Ratings, battle_log_ratings, criterion_names, current_ratings, ratings, separability, win_probability
    from debate.api.reading import (
        LiveView,
        RoundDraw,
        Store,
        debate,
        debates,
        find_tournament,
        live_view,
        motion_categories,
        next_free_name,
        open_store,
        opened,
        round_draw,
        round_plans,
        rounds,
        tournaments,
        upgrade_store,
        worker_stats,
    )
    from debate.api.reports import (
        BracketReport,
        Caveat,
        RatingHistory,
        Scorecard,
        StandingsReport,
        WinRateMatrix,
        caveat_headline,
        caveats,
        pairwise,
        rating_history,
        ratings_prior,
        render_scorecard,
        scorecard,
        side_advantage_text,
        standings,
        write_battles,
        write_scorecard,
    )
    from debate.api.running import RunSummary, TournamentConfig, config_from, load_config, run_tournament, run_worker, tournament_motions, tournament_rubric, validate_config
    from debate.api.scoring import VERDICTS, BlindDebate, Progress, ScoringSession, ballot_from_answers, stored_config

# Public name -> the api module that holds it.
_HOME = {
    **dict.fromkeys(("ModelCatalog", "available_models", "local_model_names"), "catalog"),
    **dict.fromkeys(("compare", "describe_qualification", "panel_from", "qualifications", "qualifications_without_tournament", "rejudge", "test_judges"), "judges"),
    **dict.fromkeys(("Motion", "MotionSet", "commitment", "load_set", "load_sets", "shipped_sets", "verify"), "motions"),
    **dict.fromkeys(("RatingBoard", "Ratings", "battle_log_ratings", "criterion_names", "current_ratings", "ratings", "separability", "win_probability"), "boards"),
    **dict.fromkeys((
        "LiveView", "RoundDraw", "Store", "debate", "debates", "find_tournament", "live_view", "motion_categories", "next_free_name",
        "open_store", "opened", "round_draw", "round_plans", "rounds", "tournaments", "upgrade_store", "worker_stats",
    ), "reading"),
    **dict.fromkeys((
        "BracketReport", "Caveat", "RatingHistory", "Scorecard", "StandingsReport", "WinRateMatrix", "caveat_headline", "caveats", "pairwise", "rating_history",
        "ratings_prior", "render_scorecard", "scorecard", "side_advantage_text", "standings", "write_battles", "write_scorecard",
    ), "reports"),
    **dict.fromkeys((
        "RunSummary", "TournamentConfig", "config_from", "load_config", "run_tournament", "run_worker", "tournament_motions", "tournament_rubric", "validate_config",
    ), "running"),
    **dict.fromkeys(("VERDICTS", "BlindDebate", "Progress", "ScoringSession", "ballot_from_answers", "stored_config"), "scoring"),
}

__all__ = sorted(_HOME)
__getattr__ = lazy_names(__name__, _HOME)


def __dir__() -> list[str]:
    return __all__
