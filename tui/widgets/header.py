"""Textual's Header, safe to leave mid-mount.

Textual's own Header (8.2) updates its title from a watcher that raises NoMatches when its
screen is dismissed before the title widget is mounted (a fast key press, a screen switched
right after opening, a loaded machine); the error then ends the app. This one ignores that
moment: a title for a screen no longer shown does not matter.
"""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widgets import Header as TextualHeader
from textual.widgets._header import HeaderTitle


class Header(TextualHeader):
    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # in place of Textual's handler, which registers the unsafe watcher

        async def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title())
            except (NoScreen, NoMatches):
                pass

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
