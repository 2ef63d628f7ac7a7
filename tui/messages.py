"""Messages the app posts to its screens; a leaf, so screens never import the app."""

from __future__ import annotations

from textual.message import Message


class StateChanged(Message):
    """The live state changed: `debates` were touched; `structural` if rows came or went."""

    def __init__(self, debates: set[int], structural: bool) -> None:
        super().__init__()
        self.debates = debates
        self.structural = structural
