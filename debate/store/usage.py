"""What the model calls of a tournament used: tokens, cost and latency."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from debate.store.base import StoreBase
from debate.store.tables import DebateRow, ModelCallRow, SpeechRow


class UsageQueries(StoreBase):
    def usage_by_contestant(self, tournament_id: int) -> dict[str, dict[str, Any]]:
        """Tokens, cost and mean latency of each contestant's speeches."""
        with self._session() as session:
            names = self._contestant_names(session, tournament_id)
            rows = session.exec(
                select(
                    DebateRow.proposition_id, DebateRow.opposition_id, SpeechRow.side,
                    ModelCallRow.prompt_tokens, ModelCallRow.completion_tokens, ModelCallRow.cost_usd, ModelCallRow.latency_s,
                )
                .join(DebateRow, DebateRow.id == ModelCallRow.debate_id)  # type: ignore[arg-type]
                .join(SpeechRow, (SpeechRow.debate_id == ModelCallRow.debate_id) & (SpeechRow.idx == ModelCallRow.speech_idx))  # type: ignore[arg-type]
                .where(ModelCallRow.tournament_id == tournament_id, ModelCallRow.purpose == "speech", ModelCallRow.ok == True)  # noqa: E712
            ).all()
        out = {name: {"speeches": 0, "prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0, "latency_s": 0.0} for name in names.values()}
        for prop_id, opp_id, side, prompt, completion, cost, latency in rows:
            entry = out[names[prop_id if side == "proposition" else opp_id]]
            entry["speeches"] += 1
            entry["prompt_tokens"] += prompt
            entry["completion_tokens"] += completion
            entry["cost_usd"] += cost or 0.0
            entry["latency_s"] += latency
        for entry in out.values():
            entry["mean_latency_s"] = entry.pop("latency_s") / entry["speeches"] if entry["speeches"] else None
        return out

    def call_counts(self, tournament_id: int) -> dict[str, Any]:
        with self._session() as session:
            row = session.exec(
                select(func.count(), func.coalesce(func.sum(ModelCallRow.prompt_tokens), 0), func.coalesce(func.sum(ModelCallRow.completion_tokens), 0), func.coalesce(func.sum(ModelCallRow.cost_usd), 0.0)).where(ModelCallRow.tournament_id == tournament_id)
            ).one()
        return {"calls": row[0], "prompt_tokens": row[1], "completion_tokens": row[2], "cost_usd": float(row[3])}
