"""`debate` imports only the module of the command it is given: the map from command to module
must name every command, and each module must register the commands mapped to it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from debate.cli import COMMAND_MODULES, MODULES, load_commands
from debate.cli.common import app


def _registered_names() -> set[str]:
    load_commands()
    commands = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands if c.callback is not None}
    groups = {g.name or g.typer_instance.info.name for g in app.registered_groups}
    return commands | groups


def test_every_command_is_mapped_to_a_module() -> None:
    assert set(COMMAND_MODULES) == _registered_names()
    assert set(COMMAND_MODULES.values()) == set(MODULES)


# In a fresh process: which commands the module alone registers.
PROBE = """
import importlib, json, sys
from debate.cli.common import app
importlib.import_module("debate.cli." + sys.argv[1])
names = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]
print(json.dumps(names + [g.name for g in app.registered_groups]))
"""


@pytest.mark.parametrize("module", MODULES)
def test_a_module_alone_registers_its_commands(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, module], capture_output=True, text=True, timeout=120, check=True)
    registered = set(json.loads(done.stdout))
    assert {name for name, owner in COMMAND_MODULES.items() if owner == module} <= registered


def test_a_lone_command_runs_with_only_its_module_loaded() -> None:
    # `models` is the only command its module registers: typer would make an app of one
    # command that command itself, and take "models" for an argument it does not have.
    probe = "import sys; sys.argv = ['debate', 'models', '--format', 'json']; from debate.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["local"]
