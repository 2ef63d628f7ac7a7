"""Tournament configuration: a YAML or TOML file validated by pydantic.

Every problem is reported with the file, the line and the field path, and all problems in a
file are reported together. Keys are never stored in a config: a contestant names the
environment variable that holds its key (`api_key_env`), so configs and the database rows
copied from them stay free of secrets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from debate.core.errors import ConfigError, Problem
from debate.core.formats import BUILTIN_FORMATS, Format
from debate.core.loading import LineMap, Loaded, load_file, problem_at
from debate.core.secrets import register_env_secret
from debate.core.transcript import MotionText

if TYPE_CHECKING:
    from judges.rubric import Rubric

LOCAL_INSTRUCT = "local/qwen2.5-0.5b-instruct"
LOCAL_BASE = "local/gemma-3-270m"

_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,47}$"
_SECRET_WORDS = re.compile(
    r"^(.*api[_-]?key.*|.*secret.*|.*password.*|((access|auth|bearer|refresh|api)[_-]?)?token|authorization)$",
    re.IGNORECASE,
)

Name = Annotated[str, Field(pattern=_NAME, description="letters, digits, '.', '_' or '-'; at most 48")]


# Seeds are stored as SQL integers: 64 bits, signed.
MAX_SEED = 2**63 - 1


class ModelSpec(BaseModel):
    """What the gateway needs to call one model, shared by contestants and judges."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    model: str = Field(min_length=3, description="litellm model string, e.g. openai/gpt-4o or local/gemma-3-270m")
    family: str | None = Field(default=None, description="vendor or lineage; defaults from the model string")
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    max_tokens: int | None = Field(default=None, ge=1, le=100_000)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    api_base: str | None = None
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    params: dict[str, Any] = Field(default_factory=dict, description="extra provider parameters")
    concurrency: int | None = Field(default=None, ge=1, le=1024, description="parallel calls to this model")

    @field_validator("params")
    @classmethod
    def _no_secrets_in_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        if key := _credential_key(params):
            raise ValueError(
                f"'{key}' looks like a credential; set it in an environment variable and name "
                "the variable with api_key_env"
            )
        return params

    @model_validator(mode="after")
    def _mask_key(self) -> "ModelSpec":
        # As soon as the settings exist, before any call: an error that echoes the key is then
        # masked wherever it is stored or printed, whatever the variable's name or the key's shape.
        if self.api_key_env:
            register_env_secret(self.api_key_env)
        return self

    @property
    def lineage(self) -> str:
        return self.family or family_of(self.model)

    def sampling(self) -> dict[str, Any]:
        """The sampling parameters sent with each call (unset ones are left to the provider)."""
        chosen = {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "seed": self.seed,
        }
        return {k: v for k, v in chosen.items() if v is not None} | dict(self.params)


class Contestant(ModelSpec):
    persona: str | None = Field(default=None, max_length=2000, description="extra system prompt")


class Judge(ModelSpec):
    """A judge model: the same settings as a contestant, without a persona."""

    logprobs: bool | None = Field(
        default=None,
        description="read the verdict's token probabilities (default: on for local/ and fake/ models, off for hosted ones)",
    )

    def wants_logprobs(self) -> bool:
        if self.logprobs is not None:
            return self.logprobs
        return self.model.startswith(("local/", "fake/"))


class Concurrency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    debates: int = Field(default=16, ge=1, le=100_000, description="debates in flight at once")
    per_model: int = Field(default=4, ge=1, le=1024, description="parallel calls per hosted model")
    local_per_model: int = Field(default=1, ge=1, le=8, description="parallel calls per local model")


class GatewaySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout_s: float = Field(default=180.0, gt=0, le=3600)
    max_attempts: int = Field(default=4, ge=1, le=20)
    backoff_s: float = Field(default=1.0, ge=0, le=60)
    backoff_max_s: float = Field(default=30.0, ge=0, le=600)
    unavailable_after: int = Field(
        default=3, ge=1, le=1000,
        description="failed speech calls in a row (each after its retries) that make a contestant unavailable; "
        "an authentication error does at once. Its remaining debates are forfeits, won by the opponent",
    )


class BreakSettings(BaseModel):
    """A knockout after the preliminary rounds: the top `size` play elimination rounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int = Field(ge=2, le=256)
    sides: Literal["history", "coin"] = Field(default="history", description="the better seed's side history, or a seeded coin")


class ArenaSettings(BaseModel):
    """Open-ended sampling of pairs until a budget or a target interval width is reached."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    batch: int = Field(default=8, ge=1, le=10_000, description="debates drawn at a time")
    max_debates: int | None = Field(default=None, ge=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_cost: float | None = Field(default=None, gt=0, description="dollars")
    target_width: float | None = Field(default=None, gt=0, description="stop once every 95% interval is this narrow")
    headroom: float = Field(default=1.2, ge=1.0, description="safety factor on the per-debate estimate")

    @model_validator(mode="after")
    def _bounded(self) -> "ArenaSettings":
        if self.max_debates is None and self.max_tokens is None and self.max_cost is None:
            raise ValueError("an arena needs a budget: set max_debates, max_tokens or max_cost")
        return self


class QualificationSettings(BaseModel):
    """The adjudication test: control debates whose better side is known by construction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    before_first_round: bool = Field(default=True, description="test every judge before the tournament's first round")
    controls: int = Field(default=6, ge=2, le=200, description="control debates per judge (each graded in both orders)")
    min_accuracy: float = Field(default=0.8, ge=0, le=1, description="flag a judge whose control accuracy is lower")
    min_position_consistency: float = Field(default=0.7, ge=0, le=1, description="flag a judge whose verdict flips with the order more often")


class PanelSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_self_judging: bool = Field(default=False, description="let a judge grade debates its own model family speaks in")
    deliberation: bool = Field(default=False, description="after independent ballots, judges see each other's verdicts once and may revise")
    orders: Literal["both", "one"] = Field(
        default="both",
        description="both: each judge grades every debate twice, either side shown first (twice the judge calls); one: once, the side shown first chosen by a seeded coin",
    )
    require_qualified: bool = Field(default=False, description="leave judges that fail their qualification on control debates out of the panel")
    qualification: QualificationSettings = Field(default_factory=lambda: QualificationSettings())


class RulesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    exclude_identity_leaks: bool = Field(default=True, description="leave debates with an identity leak out of ratings")


class TournamentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: Name = "tournament"
    contestants: list[Contestant] = Field(min_length=2)
    judges: list[Judge] = Field(
        default_factory=lambda: [Judge(name="local-judge", model=LOCAL_INSTRUCT, temperature=0.0)],
        min_length=1,
    )
    motions: list[str] = Field(default_factory=lambda: ["core-en"], min_length=1)
    format: str | Format = "quick"
    word_factor: float = Field(default=1.0, gt=0, le=10, description="scales every speech length limit")
    pairing: Literal["round-robin", "swiss", "arena"] = "round-robin"
    sides: Literal["both", "once"] = Field(default="both", description="round robin: each pairing on both sides, or once")
    rounds: int | None = Field(default=None, ge=1, le=10_000, description="round robin: default the whole schedule; swiss: required")
    odd: Literal["bye", "pull-up"] = Field(default="bye", description="swiss with an odd field: who sits out")
    break_: BreakSettings | None = Field(default=None, alias="break")
    arena: ArenaSettings | None = None
    motion_assignment: Literal["per-round", "per-debate"] = "per-round"
    tie_breaks: tuple[str, ...] = ("points", "ballots", "score_total", "opponent_strength", "margin")
    bye_counts_as: Literal["win", "none", "average"] | None = Field(
        default=None, description="default: a win in swiss, nothing in a round robin (where everyone sits out equally)"
    )
    rubric: str | dict[str, Any] = Field(default="default", description="a shipped rubric, a file, or an inline rubric")
    panel: PanelSettings = Field(default_factory=PanelSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    blind: bool = Field(default=True, description="hide model names from spectators until a debate is judged")
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description="drives every seeded choice (draws, coins, sampling)")
    database: str = "debate.db"
    rejudges: str | None = Field(default=None, description="set by `debate rejudge`: the tournament whose transcripts this one grades again")
    stream: bool = Field(default=True, description="stream speeches token by token")
    concurrency: Concurrency = Field(default_factory=Concurrency)
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str | Format) -> str | Format:
        if isinstance(value, str) and value not in BUILTIN_FORMATS:
            raise ValueError(f"unknown format '{value}'; shipped formats are {', '.join(sorted(BUILTIN_FORMATS))}")
        return value

    @field_validator("tie_breaks")
    @classmethod
    def _known_tie_breaks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from debate.draws.standings import validate_tie_breaks

        return validate_tie_breaks(value)

    @model_validator(mode="after")
    def _structure(self) -> "TournamentConfig":
        if self.pairing == "swiss" and self.rounds is None:
            raise ValueError("a swiss tournament needs `rounds`")
        if self.pairing == "arena" and self.arena is None:
            raise ValueError("pairing: arena needs an `arena:` section with a budget")
        if self.arena is not None and self.pairing != "arena":
            raise ValueError("an `arena:` section needs pairing: arena")
        if self.break_ is not None:
            if self.pairing == "arena":
                raise ValueError("a knockout break follows round-robin or swiss rounds, not an arena")
            if self.break_.size > len(self.contestants):
                raise ValueError(f"break.size {self.break_.size} is larger than the field of {len(self.contestants)}")
        return self

    @model_validator(mode="after")
    def _unique_names(self) -> "TournamentConfig":
        for field in ("contestants", "judges"):
            seen: set[str] = set()
            for entry in getattr(self, field):
                if entry.name in seen:
                    raise ValueError(f"two {field} are named '{entry.name}'; names must be unique")
                seen.add(entry.name)
        return self

    @property
    def bye_policy(self) -> Literal["win", "none", "average"]:
        if self.bye_counts_as is not None:
            return self.bye_counts_as
        return "win" if self.pairing == "swiss" else "none"

    def resolved_format(self) -> Format:
        base = BUILTIN_FORMATS[self.format] if isinstance(self.format, str) else self.format
        return base.scaled(self.word_factor) if self.word_factor != 1.0 else base

    def public_dict(self) -> dict[str, Any]:
        """The config as stored with the tournament: plain JSON, no secrets by construction."""
        return self.model_dump(mode="json", by_alias=True)


def _credential_key(value: Any) -> str | None:
    """The first key, at any depth, whose name says it holds a credential."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str) and _SECRET_WORDS.search(key):
                return key
            if found := _credential_key(inner):
                return found
    elif isinstance(value, list):
        for inner in value:
            if found := _credential_key(inner):
                return found
    return None


def family_of(model: str) -> str:
    """A model's lineage from its name: `openai/gpt-4o` -> gpt, `local/qwen2.5-0.5b` -> qwen."""
    name = model.split("/")[-1].lower()
    for family in ("gpt", "claude", "gemini", "gemma", "llama", "qwen", "mistral", "mixtral", "deepseek", "phi", "o1", "o3", "o4"):
        if name.startswith(family):
            return "gpt" if family in ("o1", "o3", "o4") else family
    return re.split(r"[-_.:0-9]", name, maxsplit=1)[0] or name


def load_config(path: str | Path) -> TournamentConfig:
    """Read and validate a tournament config; raises ConfigError naming file, line and field."""
    file = Path(path)
    if file.suffix.lower() not in (".yaml", ".yml", ".toml"):
        raise ConfigError([Problem(str(file), None, None, "a config must end in .yaml, .yml or .toml")])
    loaded = load_file(file)
    config = config_from(loaded, default_name=_default_name(file))
    if missing := _missing_references(config, loaded, file.parent):
        raise ConfigError(missing)
    return config


def _missing_references(config: TournamentConfig, loaded: Loaded, base_dir: Path) -> list[Problem]:
    """Motion sets and a rubric the config names that do not exist, at the config's own line
    (what is wrong inside a set or rubric file is reported with that file when it is read)."""
    from judges.rubric import shipped_rubrics
    from motions import shipped_sets

    problems = []
    for index, source in enumerate(_motion_sources(config, base_dir)):
        if isinstance(source, Path) and not source.exists():
            problems.append(loaded.problem_at(("motions", index), f"motion set file not found: {source}"))
        elif isinstance(source, str) and not _path_like(source) and source not in shipped_sets():
            problems.append(loaded.problem_at(("motions", index), f"no shipped motion set named {source!r}; shipped sets: {', '.join(shipped_sets())}"))
        elif isinstance(source, str) and _path_like(source) and not Path(source).exists():
            problems.append(loaded.problem_at(("motions", index), f"motion set file not found: {source}"))
    if isinstance(config.rubric, str):
        rubric = config.rubric
        if _path_like(rubric):
            path = Path(rubric) if Path(rubric).is_absolute() else base_dir / rubric
            if not path.exists():
                problems.append(loaded.problem_at(("rubric",), f"rubric file not found: {path}"))
        elif rubric not in shipped_rubrics():
            problems.append(loaded.problem_at(("rubric",), f"no shipped rubric named {rubric!r}; shipped rubrics: {', '.join(shipped_rubrics())}"))
    return problems


def _path_like(entry: str) -> bool:
    return "/" in entry or entry.endswith((".yaml", ".yml"))


def config_from(loaded: Loaded, *, default_name: str = "tournament") -> TournamentConfig:
    """Validate a parsed config document (a file, or text being edited in the Setup screen)."""
    if not isinstance(loaded.data, dict):
        raise ConfigError([Problem(loaded.source, 1, None, "the file must hold a mapping of settings (name:, contestants:, ...)")])
    if repeated := loaded.duplicate_keys():
        raise ConfigError(repeated)
    data = dict(loaded.data)
    data.setdefault("name", default_name)
    config = validate_config(data, source=loaded.source, lines=loaded.lines)
    if isinstance(config.rubric, dict):
        _check_inline_rubric(config.rubric, loaded)
    return config


def _check_inline_rubric(rubric: dict[str, Any], loaded: Loaded) -> None:
    """An inline rubric's problems at their lines in the config file (the rubric is otherwise
    only built when a run starts, far from the file)."""
    from judges.rubric import rubric_from_data

    try:
        rubric_from_data(rubric, loaded.source, prefix=("rubric",))
    except ConfigError as exc:
        placed = [p if p.line is not None or p.field is None else loaded.problem_at(p.field, p.message) for p in exc.problems]
        raise ConfigError(placed) from None


def validate_config(data: dict[str, Any], *, source: str = "<config>", lines: LineMap | None = None) -> TournamentConfig:
    try:
        return TournamentConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source, lines)) from None


def _default_name(file: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.\-]", "-", file.stem).strip("-.") or "tournament"
    return stem[:48]


def _describe(exc: ValidationError, source: str, lines: LineMap | None) -> list[Problem]:
    problems = []
    errors = [e for e in exc.errors() if not _wrong_union_branch(e)]
    locs = [tuple(part for part in e["loc"] if not _is_union_tag(part)) for e in errors]
    for error, loc in zip(errors, locs, strict=True):
        if error["type"] == "too_short" and any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs):
            continue  # "too few items" only because an item failed: the item's error says it all
        problems.append(problem_at(source, lines, loc, _message(error, loc)))
    return problems


def _wrong_union_branch(error: Any) -> bool:
    # `format` is a name or a mapping; a mapping's mistakes should not also say "not a string".
    return "str" in error["loc"] and error["type"] == "string_type" and isinstance(error.get("input"), dict)


def _is_union_tag(part: int | str) -> bool:
    # pydantic puts the union member's type name in the path ("str", "Format"); people never wrote it.
    return isinstance(part, str) and (part in ("str", "Format") or "[" in part)


def _message(error: Any, loc: tuple[int | str, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        if isinstance(key, str) and _SECRET_WORDS.search(key):
            return "keys do not belong in a config file; set the key in an environment variable and name it with api_key_env"
        return f"unknown setting '{key}'"
    if kind == "missing":
        return "required setting is missing"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


# --- what a config names -------------------------------------------------------------------
# Here rather than in the engine so that checking a config (the Setup screen does it on every
# keystroke) loads the motion library and the rubric, not the orchestrator.


def tournament_motions(config: TournamentConfig, base_dir: Path) -> list[MotionText]:
    """The config's motion sets, paths taken relative to the config file's folder."""
    from motions import load_sets

    return [
        MotionText(key=m.id, text=m.text, category=m.category, language=m.language, info_slide=m.info_slide)
        for m in load_sets(_motion_sources(config, base_dir))
    ]


def _motion_sources(config: TournamentConfig, base_dir: Path) -> list[str | Path]:
    """The config's motion sets: shipped names as they are, files relative to `base_dir`."""
    sources: list[str | Path] = []
    for entry in config.motions:
        sources.append(base_dir / entry if _path_like(entry) and not Path(entry).is_absolute() else entry)
    return sources


def tournament_canaries(config: TournamentConfig, base_dir: Path) -> list[str]:
    """The canaries of every shipped motion set and of the config's own sets."""
    from motions import known_canaries

    return known_canaries(_motion_sources(config, base_dir))


def tournament_rubric(config: TournamentConfig, base_dir: Path, source: str = "config") -> Rubric:
    """The config's rubric: a shipped name, a file (relative to the config's folder), or inline."""
    from judges.rubric import load_rubric, rubric_from_data

    if isinstance(config.rubric, dict):
        return rubric_from_data(config.rubric, source, prefix=("rubric",))
    if _path_like(config.rubric) and not Path(config.rubric).is_absolute():
        return load_rubric(base_dir / config.rubric)
    return load_rubric(config.rubric)
