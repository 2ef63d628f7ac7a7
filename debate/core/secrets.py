"""Keep credentials out of everything we print or store.

Keys reach the engine only through environment variables named in the config. Provider error
messages sometimes echo a key whole; every error text passes through `redact` before it is
logged, stored or shown. It masks, widest net last: the values registered as keys (every
`api_key_env` that is set, registered when a model's settings are validated), whatever their
variable is called and whatever they look like; the values of variables whose names say they
hold a secret; and anything shaped like a well-known provider's key.
"""

from __future__ import annotations

import os
import re

# Parentheses, not brackets: Rich and Textual read `[redacted]` as markup and print nothing.
REDACTED = "(redacted)"

_KEY_SHAPES = re.compile(
    r"(sk-[A-Za-z0-9_\-]{8,}|sk-ant-[A-Za-z0-9_\-]{8,}|AIza[0-9A-Za-z_\-]{20,}|gsk_[A-Za-z0-9]{20,}"
    r"|hf_[A-Za-z0-9]{20,}|xai-[A-Za-z0-9]{20,}|Bearer\s+[A-Za-z0-9._\-]{12,})"
)
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
# Shorter values cannot be real credentials, and masking them would shred ordinary words.
_MIN_LENGTH = 6

_registered: set[str] = set()


def register_secret(value: str | None) -> None:
    """Mask `value` in every text `redact` sees from now on, in this process."""
    for form in (value, value.strip() if value else None):
        if form and len(form) >= _MIN_LENGTH:
            _registered.add(form)


def register_env_secret(name: str) -> None:
    """Mask the value of environment variable `name`, if it is set."""
    register_secret(os.environ.get(name))


def redact(text: str, extra_env: tuple[str, ...] = ()) -> str:
    """`text` with every known secret value and anything shaped like an API key masked."""
    named = {value for name, value in os.environ.items() if name in extra_env or _SECRET_ENV.search(name)}
    # Longest first, so a key that contains another is masked whole.
    for value in sorted({v for v in named if len(v) >= _MIN_LENGTH} | set(tuple(_registered)), key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return _KEY_SHAPES.sub(REDACTED, text)
