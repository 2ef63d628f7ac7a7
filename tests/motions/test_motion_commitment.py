"""Motion set commitments: the documented canonical form, commit/verify, and the canary rule."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from debate.core.errors import UserError
from motions import Motion, MotionSet, load_set, shipped_sets
from motions.commitment import (
    MOTION_FIELDS,
    canonical_bytes,
    commitment,
    parse_commitment,
    verify,
)

SETS_DIR = Path(__file__).resolve().parents[2] / "motions" / "sets"


def _by_hand(path: Path) -> str:
    """The commitment rebuilt from the raw YAML by following the documented canonical form."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    strip = lambda v: v.strip() if isinstance(v, str) else v
    motions = [{f: strip(m.get(f)) for f in MOTION_FIELDS} for m in raw["motions"]]
    document = {
        "format": "debate-motion-set/1",
        "set": strip(raw["set"]),
        "title": strip(raw["title"]),
        "canary": strip(raw["canary"]),
        "motions": sorted(motions, key=lambda m: m["id"]),
    }
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("name", shipped_sets())
def test_shipped_sets_commit_as_documented_and_verify(name: str) -> None:
    digest = commitment(name)
    assert len(digest) == 64 and digest == digest.lower()
    assert digest == _by_hand(SETS_DIR / f"{name}.yaml")
    assert commitment(load_set(name)) == digest
    assert commitment(SETS_DIR / f"{name}.yaml") == digest
    assert verify(name, digest)
    assert verify(name, f"  SHA256:{digest.upper()}\n")


def test_non_ascii_text_is_hashed_as_utf8_not_escaped() -> None:
    data = canonical_bytes("core-zh")
    assert "本院".encode() in data and b"\\u" not in data


def _small_set(**changes: object) -> MotionSet:
    motions = [
        Motion(id="m-b", text="This House would b", category="policy", language="en"),
        Motion(id="m-a", text="This House would a", category="ethics", language="en", info_slide="slide", source="src"),
    ]
    base = MotionSet(name="small", title="Small", canary="CANARY GUID 1", motions=motions, path="/x/small.yaml")
    return base.model_copy(update=changes)


def _with_motion(index: int, **changes: object) -> MotionSet:
    motions = list(_small_set().motions)
    motions[index] = motions[index].model_copy(update=changes)
    return _small_set(motions=motions)


def test_order_and_path_do_not_count() -> None:
    base = _small_set()
    assert commitment(_small_set(motions=list(reversed(base.motions)))) == commitment(base)
    assert commitment(_small_set(path="elsewhere.yaml")) == commitment(base)


@pytest.mark.parametrize(
    "changed",
    [
        _small_set(name="other"),
        _small_set(title="Small!"),
        _small_set(canary="CANARY GUID 2"),
        _with_motion(0, text="This House would c"),
        _with_motion(0, id="m-c"),
        _with_motion(0, category="ethics"),
        _with_motion(0, language="zh"),
        _with_motion(1, info_slide="other slide"),
        _with_motion(1, info_slide=None),
        _with_motion(1, source="elsewhere"),
        _small_set(motions=_small_set().motions[:1]),
    ],
)
def test_any_change_breaks_the_commitment(changed: MotionSet) -> None:
    published = commitment(_small_set())
    assert commitment(changed) != published
    assert not verify(changed, published)
    assert verify(_small_set(), published)


def test_every_motion_field_is_committed() -> None:
    # A new Motion field must get a new canonical format version, not be silently left out.
    assert MOTION_FIELDS == tuple(Motion.model_fields)


@pytest.mark.parametrize("canary", [None, "", "   "])
def test_a_set_without_a_canary_is_refused(canary: str | None) -> None:
    unmarked = _small_set(canary=canary)
    with pytest.raises(UserError, match="no canary") as caught:
        commitment(unmarked)
    assert "small" in str(caught.value) and "canary:" in str(caught.value)
    with pytest.raises(UserError, match="no canary"):
        verify(unmarked, "0" * 64)


def test_a_set_file_without_a_canary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text(
        "set: bare\ntitle: Bare\nmotions:\n  - id: b-1\n    text: This House would\n    category: policy\n    language: en\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError, match="no canary"):
        commitment(str(path))
    path.write_text(path.read_text(encoding="utf-8").replace("title: Bare\n", "title: Bare\ncanary: GUID-x\n"), encoding="utf-8")
    digest = commitment(str(path))
    assert digest == _by_hand(path)
    assert verify(str(path), digest)


@pytest.mark.parametrize("bad", ["", "abc", "g" * 64, "0" * 63, "0" * 65, "sha1:" + "0" * 64])
def test_malformed_commitments_are_user_errors(bad: str) -> None:
    with pytest.raises(UserError, match="not a SHA-256 commitment"):
        verify(_small_set(), bad)
    with pytest.raises(UserError):
        parse_commitment(bad)


def test_wrong_commitment_does_not_verify() -> None:
    digest = commitment(_small_set())
    flipped = ("1" if digest[0] == "0" else "0") + digest[1:]
    assert not verify(_small_set(), flipped)
