"""Model and user text inside Textual markup is shown exactly as written."""

from __future__ import annotations

import pytest
from textual.markup import to_content

from tui.markup import escape


@pytest.mark.parametrize("text", ["see [Citation] here", "x [A-Z] y", "[bold]not bold[/]", "a\\[b]", "C:\\dir\\", "[1] and [red]", "plain"])
def test_escaped_text_renders_as_written(text: str) -> None:
    shown = to_content(f"[red]{escape(text)}[/]")
    assert shown.plain.replace("\u200b", "") == text
    assert all(span.style == "red" for span in shown.spans)  # the caller's own tags still work
