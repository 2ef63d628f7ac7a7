"""LMArena's online Elo, for the live view (order-dependent, no intervals)."""

from __future__ import annotations

from judges.ratings.battles import Battles


def online_elo(battles: Battles, k: float = 4.0, base: float = 1000.0, scale: float = 400.0) -> dict[str, float]:
    """Every model starts at `base`, expected score 1 / (1 + 10^((r_b - r_a) / scale)), a tie
    scores 0.5. Returns the models that played, in `battles.names` order."""
    ratings = dict.fromkeys(range(len(battles.names)), base)
    for a, b, outcome in zip(battles.a.tolist(), battles.b.tolist(), battles.outcome.tolist(), strict=True):
        ra, rb = ratings[a], ratings[b]
        expected_a = 1.0 / (1.0 + 10.0 ** ((rb - ra) / scale))
        ratings[a] = ra + k * (outcome - expected_a)
        ratings[b] = rb + k * ((1.0 - outcome) - (1.0 - expected_a))
    played = set(battles.a.tolist()) | set(battles.b.tolist())
    return {battles.names[m]: ratings[m] for m in range(len(battles.names)) if m in played}
