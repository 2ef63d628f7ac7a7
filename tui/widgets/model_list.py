"""An editable list of models (contestants or judges): a row of name and model inputs each.

A row keeps the entry it was made from, so settings the form does not show (persona,
temperature, params, ...) survive an edit of the name or the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input


class ModelRow(Horizontal):
    """One contestant or judge: its name and its litellm model string."""

    DEFAULT_CLASSES = "model-row"

    def __init__(self, entry: dict[str, Any], suggestions: list[str]) -> None:
        super().__init__()
        self.extra = {k: v for k, v in entry.items() if k not in ("name", "model")}
        self._name = str(entry.get("name", ""))
        self._model = str(entry.get("model", ""))
        self._suggestions = suggestions

    def compose(self) -> ComposeResult:
        yield Input(self._name, placeholder="name", classes="row-name", compact=True)
        yield Input(self._model, placeholder="provider/model, e.g. local/qwen2.5-0.5b-instruct", classes="row-model", compact=True,
                    suggester=SuggestFromList(self._suggestions, case_sensitive=False))
        yield Button("remove", classes="row-remove", compact=True)

    def entry(self) -> dict[str, Any]:
        name = self.query_one(".row-name", Input).value.strip()
        model = self.query_one(".row-model", Input).value.strip()
        return {"name": name, "model": model, **self.extra}

    def inputs(self) -> dict[str, Input]:
        return {"name": self.query_one(".row-name", Input), "model": self.query_one(".row-model", Input)}


class ModelList(Vertical):
    """Rows of models with add and remove buttons; posts `ModelList.Changed` on either."""

    DEFAULT_CSS = Path(__file__).with_name("model_list.tcss").read_text(encoding="utf-8")

    class Changed(Message):
        """A row came or went (typing in a row arrives as the Input's own Changed)."""

    def __init__(self, entries: list[dict[str, Any]], *, kind: str, new_model: str, suggestions: list[str], id: str) -> None:
        super().__init__(id=id, classes="model-list")
        self.kind = kind
        self.new_model = new_model
        self.suggestions = suggestions
        self._initial = entries

    def compose(self) -> ComposeResult:
        for entry in self._initial:
            yield ModelRow(entry, self.suggestions)
        yield Button(f"add {self.kind}", classes="row-add", compact=True)

    def rows(self) -> list[ModelRow]:
        return list(self.query(ModelRow))

    def entries(self) -> list[dict[str, Any]]:
        return [row.entry() for row in self.rows()]

    async def set_entries(self, entries: list[dict[str, Any]]) -> None:
        await self.query(ModelRow).remove()
        await self.mount_all([ModelRow(e, self.suggestions) for e in entries], before=self.query_one(".row-add", Button))

    def _unused_name(self) -> str:
        taken = {e["name"] for e in self.entries()}
        n = len(taken) + 1
        while f"{self.kind}{n}" in taken:
            n += 1
        return f"{self.kind}{n}"

    @on(Button.Pressed, ".row-add")
    async def add(self, event: Button.Pressed) -> None:
        event.stop()
        row = ModelRow({"name": self._unused_name(), "model": self.new_model}, self.suggestions)
        await self.mount(row, before=self.query_one(".row-add", Button))
        row.query_one(".row-name", Input).focus()
        self.post_message(self.Changed())

    @on(Button.Pressed, ".row-remove")
    async def remove_row(self, event: Button.Pressed) -> None:
        event.stop()
        row = event.button.parent
        if isinstance(row, ModelRow):
            await row.remove()
            self.post_message(self.Changed())
