"""Forfeits: a contestant whose speech calls fail for good is unavailable, and every debate it
is drawn in from then on is its forfeit.

A contestant becomes unavailable after `gateway.unavailable_after` failed speech calls in a
row (each already past the gateway's retries), or at once when its provider rejects the key or
does not know the model. It stays so for the rest of the tournament: a forfeit is final, and a resumed run reads the
forfeits back from the store, so it never asks that model again.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from debate.config import Contestant
from debate.core.errors import AuthenticationFailed, GatewayError, ModelNotFound
from debate.core.secrets import redact
from debate.store import DebateUpdate

_REASON_CHARS = 300


class Availability:
    """Which contestants may still be asked to speak, and why the others may not."""

    def __init__(self, unavailable_after: int, unavailable: Mapping[str, str] | None = None) -> None:
        self._limit = unavailable_after
        self._streaks: dict[str, int] = {}
        self.unavailable: dict[str, str] = dict(unavailable or {})

    def failed(self, speaker: Contestant, error: GatewayError) -> str | None:
        """Count a failed speech call; the reason when it has just made `speaker` unavailable."""
        if speaker.name in self.unavailable or _key_not_set(speaker, error):
            return None
        streak = self._streaks[speaker.name] = self._streaks.get(speaker.name, 0) + 1
        last = redact(str(error))[:_REASON_CHARS]
        if isinstance(error, AuthenticationFailed):
            reason = f"{speaker.name} is unavailable: its provider rejected the key ({last})"
        elif isinstance(error, ModelNotFound):  # asking again cannot make the model exist
            reason = f"{speaker.name} is unavailable: its provider has no such model ({last})"
        elif streak >= self._limit:
            reason = f"{speaker.name} is unavailable after {streak} failed calls in a row (last error: {last})"
        else:
            return None
        self.unavailable[speaker.name] = reason
        return reason

    def answered(self, speaker: Contestant) -> None:
        self._streaks.pop(speaker.name, None)

    def on_trial(self, name: str) -> bool:
        """Has `name` failed lately without being unavailable yet? Its failed debate is worth
        running again now: it either answers or reaches the limit, and the round can finish."""
        return name not in self.unavailable and self._streaks.get(name, 0) > 0

    def forfeit(self, debate_id: int, proposition: str, opposition: str) -> DebateUpdate | None:
        """The debate as a forfeit when either side is unavailable: the other side wins (no
        winner when both are out), the reason is kept as the debate's error."""
        out = [(side, name) for side, name in (("proposition", proposition), ("opposition", opposition)) if name in self.unavailable]
        if not out:
            return None
        winner = None if len(out) == 2 else ("opposition" if out[0][0] == "proposition" else "proposition")
        reason = "forfeit: " + "; ".join(self.unavailable[name] for _, name in out)
        return DebateUpdate(debate_id=debate_id, status="forfeit", winner=winner, error=reason, finished=True)


def _key_not_set(speaker: Contestant, error: GatewayError) -> bool:
    """A key variable that is not set here says nothing of the model: nothing was asked of it,
    and the person running the tournament sets the variable and runs it again."""
    return isinstance(error, AuthenticationFailed) and bool(speaker.api_key_env) and not os.environ.get(speaker.api_key_env or "")
