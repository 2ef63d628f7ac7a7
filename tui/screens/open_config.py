"""Open a config file: type a path or pick one from the folder tree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label

CONFIG_SUFFIXES = (".yaml", ".yml", ".toml")


class ConfigTree(DirectoryTree):
    """Folders and config files only."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in CONFIG_SUFFIXES)]


class OpenConfigScreen(ModalScreen[Path | None]):
    CSS_PATH = "open_config.tcss"
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="open-box"):
            yield Label("[b]Open a tournament config[/] (.yaml, .yml or .toml): type a path and press enter, or pick one")
            yield Input(placeholder=str(self.folder / "tournament.yaml"), id="open-path")
            yield ConfigTree(self.folder, id="open-tree")
            yield Label("", id="open-problem")

    @on(Input.Submitted, "#open-path")
    def typed(self, event: Input.Submitted) -> None:
        self.choose(Path(event.value.strip()).expanduser())

    @on(DirectoryTree.FileSelected)
    def picked(self, event: DirectoryTree.FileSelected) -> None:
        self.choose(event.path)

    def choose(self, path: Path) -> None:
        problem = self.problem_with(path)
        if problem:
            self.query_one("#open-problem", Label).update(f"[red]{problem}[/]")
            return
        self.dismiss(path)

    @staticmethod
    def problem_with(path: Path) -> str | None:
        if path.suffix.lower() not in CONFIG_SUFFIXES:
            return f"{path}: a config must end in .yaml, .yml or .toml"
        if not path.is_file():
            return f"{path}: no such file"
        try:
            path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return f"{path}: cannot read: {exc}"
        return None

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
