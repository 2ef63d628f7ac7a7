"""Keep credentials out of everything we print or store.

Keys reach the engine only through environment variables named in the config. Provider error
messages sometimes echo part of a key; every error text passes through `redact` before it is
logged, stored or shown.
"""

from __future__ import annotations

import os
import re

_KEY_SHAPES = re.compile(
    r"(sk-[A-Za-z0-9_\-]{8,}|sk-ant-[A-Za-z0-9_\-]{8,}|AIza[0-9A-Za-z_\-]{20,}|gsk_[A-Za-z0-9]{20,}"
    r"|hf_[A-Za-z0-9]{20,}|xai-[A-Za-z0-9]{20,}|Bearer\s+[A-Za-z0-9._\-]{12,})"
)
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)


def redact(text: str, extra_env: tuple[str, ...] = ()) -> str:
    """`text` with every known secret value and anything shaped like an API key masked."""
    for name, value in os.environ.items():
        if value and len(value) >= 8 and (name in extra_env or _SECRET_ENV.search(name)):
            text = text.replace(value, "[redacted]")
    return _KEY_SHAPES.sub("[redacted]", text)
