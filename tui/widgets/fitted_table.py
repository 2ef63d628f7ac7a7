"""Fill a DataTable with columns as wide as their widest cell, fixed before any row shows.

DataTable's own auto widths grow on idle, after the rows are added, and that does not
invalidate the header row it may already have rendered: a frame painted in between (a busy
machine makes one likely) kept the header at the old widths, labels out of line with the cells
under them. Widths set with the columns leave nothing to grow later.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable


def fill(table: DataTable, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[str, Sequence[str]]]) -> None:
    """Replace the table's columns, given as (label, key), and its rows, as (key, cells) with
    each cell in Rich markup (the table renders it as markup; the width counts what shows)."""
    widths = [Text.from_markup(label).cell_len for label, _ in columns]
    for _, cells in rows:
        if len(cells) != len(columns):
            raise ValueError(f"a row has {len(cells)} cells for {len(columns)} columns")
        widths = [max(width, Text.from_markup(cell).cell_len) for width, cell in zip(widths, cells, strict=True)]
    table.clear(columns=True)
    for (label, key), width in zip(columns, widths, strict=True):
        table.add_column(label, key=key, width=width)
    for key, cells in rows:
        table.add_row(*cells, key=key)
