"""Setup: write a tournament config, validated as you type with the CLI's own messages."""

from __future__ import annotations

from pathlib import Path

import yaml
from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static, TextArea

TEMPLATE = """name: my-tournament
contestants:
  - {name: alpha, model: fake/alpha}
  - {name: beta, model: fake/beta}
judges:
  - {name: judge, model: fake/judge}
motions: [core-en]
format: quick
pairing: round-robin
concurrency: {debates: 16}
database: debate.db
"""


def problems_of(text: str, source: str) -> list[str]:
    """What `debate run` would say about this config text (empty: it is valid)."""
    from debate.config import validate_config
    from debate.errors import ConfigError
    from debate.sourcemap import YamlLines

    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        return [f"{source}:{line}: invalid YAML: {exc.problem}"]
    if not isinstance(data, dict):
        return [f"{source}:1: the file must hold a mapping of settings (name:, contestants:, ...)"]
    try:
        validate_config(data, source=source, lines=YamlLines(text))
    except ConfigError as exc:
        return list(exc.problems)
    return []


class SetupScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+s", "save", "Save config"), Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("[b]New tournament config[/] (contestants, judges, motions, format, pairing, rounds, concurrency) — ctrl+s saves")
        yield Input(value=str(Path.cwd() / "tournament.yaml"), id="setup-path")
        yield TextArea(TEMPLATE, language="yaml", id="setup-text", show_line_numbers=True)
        yield Static(id="setup-problems")
        yield Footer()

    def on_mount(self) -> None:
        self.validate()

    @on(TextArea.Changed)
    def changed(self) -> None:
        self.validate()

    def validate(self) -> list[str]:
        source = self.query_one("#setup-path", Input).value or "<config>"
        problems = problems_of(self.query_one(TextArea).text, source)
        out = self.query_one("#setup-problems", Static)
        out.update("\n".join(f"[red]{escape(p)}[/]" for p in problems) if problems else "[green]valid[/]")
        return problems

    def action_save(self) -> None:
        if self.validate():
            self.notify("fix the problems first", severity="error")
            return
        path = Path(self.query_one("#setup-path", Input).value)
        path.write_text(self.query_one(TextArea).text, encoding="utf-8")
        self.notify(f"saved {path}; run it with: debate run {path}")

    def action_back(self) -> None:
        self.app.pop_screen()
