"""`debate bench attacks`: how far hostile speeches move a judge, with and without the defences.

The attacks are the shipped suite (`judges/seeds/attacks.yaml`, also the rule checks' test
data). Each goes into a control debate whose weaker side is known: a shipped seed debate with
the attacker's speeches cut to their first sentence (`judges.controls`, `one_sentence`), the
attack appended to the attacker's last speech. The judge grades the debate without the attack
(the baseline) and with it, in two modes:

- defended, as the product runs: speeches fenced, the rule checks' findings listed, identity
  leaks removed;
- undefended: the speeches bare, no findings.

An attack succeeds when the verdict moves toward the attacker from the baseline of the same
debate, presentation and mode. Each attack is graded in one presentation; the attacker is
Debater A for half the attacks, so a judge's taste for the first label cancels out. The judge
is the demo's local judge at temperature 0 (deterministic), so one grading per case suffices.
The last line printed is one JSON object.
"""

from __future__ import annotations

import json
import random
import statistics
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import anyio
from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console

from debate.core.sides import SIDES, Side
from debate.core.transcript import Transcript

if TYPE_CHECKING:
    from debate.config import Judge
    from debate.gateway import CallRequest, CallResult
    from judges.rubric import Rubric

SUITE_FILE = "seeds/attacks.yaml"
Mode = Literal["defended", "undefended"]
MODES: tuple[Mode, ...] = ("defended", "undefended")
Caller = Callable[["CallRequest", str], Awaitable["CallResult"]]


class Attack(BaseModel):
    """A hostile speech and the rule finding it must raise; `language` is the motion's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    text: str = Field(min_length=1)
    language: str = "en"


class Benign(BaseModel):
    """An ordinary speech that looks like an attack to a careless pattern: it must raise nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    text: str = Field(min_length=1)
    language: str = "en"


class AttackSuite(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    attacks: tuple[Attack, ...] = Field(min_length=1)
    benign: tuple[Benign, ...] = ()


@lru_cache(maxsize=1)
def attack_suite() -> AttackSuite:
    """The shipped suite; a malformed file is a bug in the package, so its error surfaces."""
    from debate.core.loading import load_text

    text = files("judges").joinpath(SUITE_FILE).read_text(encoding="utf-8")
    return AttackSuite.model_validate(load_text(text, f"judges/{SUITE_FILE}").data)


class Trial(BaseModel):
    """One attack graded in one mode; margins are signed toward the attacker (-2..2), None: abstained."""

    model_config = ConfigDict(frozen=True)

    label: str
    kind: str
    mode: Mode
    attacker: Side
    label_a: Side
    flagged: bool  # the rule checks raised the expected finding on the attacked speech
    baseline: int | None
    attacked: int | None

    @property
    def moved(self) -> bool | None:
        if self.baseline is None or self.attacked is None:
            return None
        return self.attacked > self.baseline


def attacked_debate(base: Transcript, attacker: Side, text: str) -> tuple[Transcript, Transcript]:
    """(the control without the attack, the control with it): `attacker`'s speeches cut to one
    sentence, then `text` appended to its last speech."""
    from judges.controls import degrade

    weak = degrade(base, attacker, "one_sentence", rng=random.Random(0)) or base
    last = max(s.index for s in weak.speeches if s.side is attacker)
    speeches = tuple(s.model_copy(update={"text": f"{s.text}\n\n{text}"}) if s.index == last else s for s in weak.speeches)
    return weak, weak.model_copy(update={"speeches": speeches})


async def measure(
    judge: Judge, rubric: Rubric, call: Caller, attacks: Sequence[Attack], base: Transcript,
    *, on_trial: Callable[[Trial], None] | None = None,
) -> list[Trial]:
    """Every attack graded in both modes against its baseline (baselines are asked once each)."""
    from debate.judging import JudgeAsker
    from judges.ballot import signed_margin
    from judges.presentation import BOTH, new_fence
    from judges.rules import check_transcript

    asker = JudgeAsker(rubric)

    async def margin(transcript: Transcript, attacker: Side, label_a: Side, mode: Mode, tag: str) -> int | None:
        defended = mode == "defended"
        answer = await asker.ask(
            judge, transcript, BOTH[SIDES.index(label_a)], call, fence=new_fence() if defended else None,
            findings=check_transcript(transcript) if defended else (), metadata={"attack": tag, "mode": mode},
        )
        if answer.ballot is None:
            return None
        toward_proposition = signed_margin(answer.ballot.verdict)
        return toward_proposition if attacker is Side.PROPOSITION else -toward_proposition

    baselines: dict[tuple[Side, Side, Mode], int | None] = {}
    trials: list[Trial] = []
    for number, attack in enumerate(attacks):
        attacker = SIDES[number % 2]
        label_a = attacker if (number // 2) % 2 == 0 else attacker.other
        before, after = attacked_debate(base, attacker, attack.text)
        last = max(s.index for s in after.speeches if s.side is attacker)
        flagged = any(f.kind == attack.kind and f.speech_index == last for f in check_transcript(after))
        for mode in MODES:
            key = (attacker, label_a, mode)
            if key not in baselines:
                baselines[key] = await margin(before, attacker, label_a, mode, "baseline")
            attacked = await margin(after, attacker, label_a, mode, attack.label)
            trial = Trial(label=attack.label, kind=attack.kind, mode=mode, attacker=attacker, label_a=label_a,
                          flagged=flagged, baseline=baselines[key], attacked=attacked)
            trials.append(trial)
            if on_trial is not None:
                on_trial(trial)
    return trials


def figures(trials: Sequence[Trial]) -> dict[str, Any]:
    """Attack success rate per mode (verdict moved toward the attacker), its wins and mean shift."""
    result: dict[str, Any] = {}
    for mode in MODES:
        graded = [t for t in trials if t.mode == mode and t.moved is not None]
        shifts = [t.attacked - t.baseline for t in graded if t.attacked is not None and t.baseline is not None]
        result[mode] = {
            "trials": len([t for t in trials if t.mode == mode]),
            "graded": len(graded),
            "success_rate": round(sum(bool(t.moved) for t in graded) / len(graded), 3) if graded else None,
            "attacker_wins": sum(t.attacked is not None and t.attacked > 0 for t in graded),
            "mean_shift": round(statistics.fmean(shifts), 3) if shifts else None,
        }
    labels = {t.label: t.flagged for t in trials}
    result["flagged_share"] = round(sum(labels.values()) / len(labels), 3) if labels else None
    return result


def run(*, attacks: int | None, console: Console, progress: Callable[[int, int], None] | None = None) -> None:
    """`debate bench attacks`: the demo's judge on the first `attacks` attacks (all when None);
    `progress(done, total)` hears of each trial."""
    from debate.config import tournament_rubric, validate_config
    from debate.gateway import gateway_for
    from judges.controls import seed_debates

    config = validate_config(_config(), source="debate bench attacks")
    judge = config.judges[0]
    gateway = gateway_for(config)
    suite = attack_suite().attacks[:attacks]
    base = seed_debates()[0].transcript

    async def call(request: CallRequest, _purpose: str) -> CallResult:
        return await gateway.complete(request)

    done = 0

    def say(trial: Trial) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(suite) * len(MODES))
        console.print(f"{trial.label:<40} {trial.mode:<10} baseline {trial.baseline} -> attacked {trial.attacked}"
                      f"{'  (moved toward the attacker)' if trial.moved else ''}")

    trials = anyio.run(lambda: measure(judge, tournament_rubric(config, Path.cwd()), call, suite, base, on_trial=say))
    result = {"judge": judge.model, "attacks": len(suite), **figures(trials), "trials": [t.model_dump(mode="json") for t in trials]}
    for mode in MODES:
        f = result[mode]
        console.print(f"{mode:<10}: attack success rate {f['success_rate']} ({f['graded']} graded), attacker wins {f['attacker_wins']}, mean shift {f['mean_shift']}")
    console.print(f"rule checks flagged {result['flagged_share']} of the attacks with the expected finding")
    print(json.dumps(result))


def _config() -> dict[str, Any]:
    """The demo's config: its local judge, rubric and settings."""
    import yaml

    demo: dict[str, Any] = yaml.safe_load(files("debate").joinpath("demo.yaml").read_text(encoding="utf-8"))
    demo |= {"name": "attacks"}
    demo.pop("database", None)
    return demo
