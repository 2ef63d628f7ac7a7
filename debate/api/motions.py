"""The motion library: shipped sets, loading and validating sets, commitments."""

from __future__ import annotations

from motions import Motion, MotionSet, load_set, load_sets, shipped_sets
from motions.commitment import commitment, verify

__all__ = ["Motion", "MotionSet", "commitment", "load_set", "load_sets", "shipped_sets", "verify"]
