"""What can be called: local models on this machine and hosted providers with keys set."""

from __future__ import annotations

import os
from typing import Any

from debate.localmodels import LOCAL_MODELS, cache_dir, installed

# Environment variables litellm reads for the most used providers. Only presence is reported.
PROVIDER_KEYS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
    "xai": "XAI_API_KEY",
}


def available() -> dict[str, Any]:
    local = []
    for spec in LOCAL_MODELS.values():
        path = cache_dir() / "models" / spec.filename
        local.append({
            "model": f"local/{spec.name}",
            "installed": installed(spec),
            "assembled": path.exists() and path.with_suffix(".verified").exists(),
            "path": str(path),
            "chat": spec.chat,
            "description": spec.description,
        })
    providers = [{"provider": p, "env": env, "key_set": bool(os.environ.get(env))} for p, env in PROVIDER_KEYS.items()]
    return {"local": local, "providers": providers}
