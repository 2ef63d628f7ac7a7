"""Commitments to motion sets: publish a hash before the tournament, prove the set afterwards.

`commitment(set)` is the SHA-256, in lowercase hex, of the set's canonical form;
`verify(set, hex)` recomputes it and compares. Only a set with a canary string can be
committed: the canary (as in BIG-bench) lets a copy of the set that leaked into training data
be recognised, and committing to a set without one would publish it unmarked.

The canonical form (version 1), reproducible without this code:

    json.dumps(
        {
            "format": "debate-motion-set/1",
            "set": <set name>,
            "title": <title>,
            "canary": <canary>,
            "motions": [
                {"id": ..., "text": ..., "category": ..., "language": ...,
                 "info_slide": <text or null>, "source": <text or null>},
                ...                                  # sorted by id
            ],
        },
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")

i.e. compact JSON, keys sorted at every level, non-ASCII characters written as themselves
and encoded as UTF-8, motions sorted by id, every motion field present (null when unset).
Values are as the loader validated them: leading and trailing spaces of each text removed,
nothing else changed (no Unicode normalisation). The file's path, comments, key order and
motion order do not count; any change to a name, title, canary or motion field does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import Any

from debate.core.errors import UserError
from motions.library import Motion, MotionSet, load_set

FORMAT = "debate-motion-set/1"
MOTION_FIELDS: tuple[str, ...] = ("id", "text", "category", "language", "info_slide", "source")
"""The motion fields in the canonical form (version 1). A new `Motion` field needs a new
format version, or old commitments would stop verifying."""

_HEX = re.compile(r"[0-9a-f]{64}")


def _as_set(motion_set: MotionSet | str | Path) -> MotionSet:
    return motion_set if isinstance(motion_set, MotionSet) else load_set(motion_set)


def require_canary(motion_set: MotionSet) -> str:
    """The set's canary, or a `UserError` explaining how to add one."""
    canary = (motion_set.canary or "").strip()
    if not canary:
        raise UserError(
            f"motion set {motion_set.name!r} ({motion_set.path}) has no canary string, so it cannot be "
            "committed: a set without one cannot be recognised if it leaks into training data. Add a "
            "top-level line such as\n  canary: \"DEBATE-MOTIONS CANARY GUID <a new random UUID>\"\n"
            "to the set file, then commit it."
        )
    return canary


def _motion(motion: Motion) -> dict[str, Any]:
    return {name: getattr(motion, name) for name in MOTION_FIELDS}


def canonical_bytes(motion_set: MotionSet | str | Path) -> bytes:
    """The exact bytes the commitment hashes (see the module). Needs a canary."""
    loaded = _as_set(motion_set)
    document = {
        "format": FORMAT,
        "set": loaded.name,
        "title": loaded.title,
        "canary": require_canary(loaded),
        "motions": [_motion(m) for m in sorted(loaded.motions, key=lambda m: m.id)],
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def commitment(motion_set: MotionSet | str | Path) -> str:
    """The SHA-256 commitment (64 lowercase hex digits) of a set, or a shipped set's name or a
    set file's path. Raises `UserError` for a set without a canary (and `ConfigError`, a
    `UserError`, for a set that does not load)."""
    return hashlib.sha256(canonical_bytes(motion_set)).hexdigest()


def parse_commitment(text: str) -> str:
    """A commitment as published, normalised: spaces and an optional "sha256:" prefix dropped,
    lowercase. Anything but 64 hex digits is a `UserError`."""
    value = text.strip().lower().removeprefix("sha256:").strip()
    if not _HEX.fullmatch(value):
        raise UserError(f"{text!r} is not a SHA-256 commitment: expected 64 hexadecimal digits")
    return value


def verify(motion_set: MotionSet | str | Path, expected: str) -> bool:
    """True when the set's commitment equals `expected` (as `parse_commitment` reads it)."""
    return hmac.compare_digest(commitment(motion_set), parse_commitment(expected))
