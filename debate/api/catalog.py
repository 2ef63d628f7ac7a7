"""What can be called: the local models on this machine and the hosted providers' keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LocalModelStatus(BaseModel):
    model_config = ConfigDict(frozen=True)

    model: str  # as a config names it: local/<name>
    installed: bool
    assembled: bool
    path: str
    chat: bool
    description: str


class ProviderKey(BaseModel):
    model_config = ConfigDict(frozen=True)

    provider: str
    env: str  # the environment variable litellm reads
    key_set: bool


class ModelCatalog(BaseModel):
    """`model_dump()` is the document `debate models --format json` prints."""

    model_config = ConfigDict(frozen=True)

    local: list[LocalModelStatus]
    providers: list[ProviderKey]


def available_models() -> ModelCatalog:
    from debate.catalog import available

    return ModelCatalog.model_validate(available())


def local_model_names() -> list[str]:
    """The local models a config can name, as `local/<name>`."""
    from debate.localmodels import LOCAL_MODELS

    return [f"local/{name}" for name in LOCAL_MODELS]
