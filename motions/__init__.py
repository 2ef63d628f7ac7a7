"""The motion library: motion sets as YAML files under `sets/`, and their loader/validator.

A bare set name such as `core-en` means a shipped set; any path-like argument is read as a
file. Invalid sets raise `debate.core.errors.ConfigError` listing every problem with its line.
"""

from motions.library import (
    CATEGORIES,
    LANGUAGES,
    Motion,
    MotionSet,
    known_canaries,
    load_set,
    load_sets,
    normalise_text,
    shipped_sets,
)

__all__ = [
    "CATEGORIES",
    "LANGUAGES",
    "Motion",
    "MotionSet",
    "known_canaries",
    "load_set",
    "load_sets",
    "normalise_text",
    "shipped_sets",
]
