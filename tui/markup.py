"""Putting text people or models wrote inside Textual markup, shown exactly as written."""

from __future__ import annotations


def escape(text: str) -> str:
    """Escape every '[' so no part of `text` is read as a tag.

    Textual's own `escape` (like Rich's) leaves "[Citation]" or "[A-Z]" alone because tags
    start with a lower-case letter, yet Textual's parser still swallows them: a speech that
    wrote "[Opening statement]" lost those words on screen. A trailing backslash would
    escape the caller's closing tag, so a zero-width space stands between them.
    """
    escaped = text.replace("[", "\\[")
    return escaped + "\u200b" if escaped.endswith("\\") else escaped
