"""A table for counters that change many times a second: only the rows that change repaint.

Textual's DataTable keys its cell render cache on one table-wide update count, so updating
any cell re-renders every visible cell (550 of them for a round of 50 debates, several times a
second). Here each row keeps its parsed cells and its rendered line; `update_row` re-parses
the cells that changed and asks Textual to repaint that one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import ClassVar

from rich.errors import MarkupError
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

Column = tuple[str, str, int | None]  # key, label, width (None: as wide as its widest cell)
PADDING = 1  # blank cells either side of every column, as DataTable does


def parse(markup: str) -> Content:
    """A cell's markup as Content; text that is not valid markup shows as written.

    Rich's markup, as DataTable reads it: there "green" is the terminal's ANSI green (the
    theme decides the shade), where Textual's markup would give CSS #008000.
    """
    try:
        return Content.from_rich_text(Text.from_markup(markup, end=""))
    except MarkupError:
        return Content(markup)


class LiveTable(ScrollView, can_focus=True):
    """Rows keyed by str, cells in Rich markup (as DataTable reads them), a header that stays
    on top, a row cursor."""

    DEFAULT_CSS = Path(__file__).with_name("live_table.tcss").read_text(encoding="utf-8")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "live-table--header", "live-table--cursor", "live-table--even-row", "live-table--odd-row",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Select", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First row", show=False),
        Binding("end", "last", "Last row", show=False),
    ]

    class _RowMessage(Message):
        def __init__(self, table: LiveTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> LiveTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor is on another row (`key`), by key, mouse or a change of rows."""

    class RowSelected(_RowMessage):
        """Enter on the cursor row, or a click on it."""

    def __init__(self, columns: Iterable[Column], *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: tuple[Column, ...] = tuple(columns)
        self._labels = tuple(Content(label) for _, label, _ in self.columns)
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._values: dict[str, tuple[str, ...]] = {}
        self._cells: dict[str, tuple[Content, ...]] = {}
        self._strips: dict[str, tuple[object, Strip]] = {}
        self._header: tuple[object, Strip] | None = None
        # A cell's segments by (value, width, style): most cells of a changed row did not
        # change, and many values ("—", "running") recur across rows.
        self._segments: LRUCache[tuple[str, int, Style, bool], list[Segment]] = LRUCache(4096)
        self._widths: tuple[int, ...] = self._measure_all()
        self._cursor = 0
        self._announced: str | None = None
        self.renders = 0  # rows rendered afresh (strip cache misses); tests count them

    # --- reading ------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        return self._keys[self._cursor] if self._keys else None

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    @property
    def widths(self) -> tuple[int, ...]:
        """Each column's width in cells, padding excluded."""
        return self._widths

    def get_row(self, key: str) -> tuple[str, ...]:
        return self._values[key]

    # --- changing columns and rows ------------------------------------------------------------

    def set_columns(self, columns: Iterable[Column]) -> None:
        """Other columns: every row goes too, to be given again with `set_rows`."""
        self.columns = tuple(columns)
        self._labels = tuple(Content(label) for _, label, _ in self.columns)
        self._keys, self._index, self._values, self._cells, self._strips = [], {}, {}, {}, {}
        self._header = None
        self._widths = self._measure_all()
        self._resize()
        self.refresh()

    def set_rows(self, rows: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Replace every row; the cursor keeps its index (clamped). Rows whose values did not
        change keep their parsed cells and rendered line."""
        checked = [(key, self._check(values)) for key, values in rows]
        self._keys = [key for key, _ in checked]
        self._index = {key: n for n, key in enumerate(self._keys)}
        values = dict(checked)
        self._cells = {key: self._cells[key] if self._values.get(key) == v else tuple(map(parse, v)) for key, v in values.items()}
        self._values = values
        self._strips = {key: strip for key, strip in self._strips.items() if key in values}
        self._cursor = max(0, min(self._cursor, len(self._keys) - 1))
        self._widths = self._measure_all()
        self._resize()
        self.refresh()
        self._scroll_to_row(self._cursor)
        self._announce()

    def update_row(self, key: str, values: Sequence[str]) -> None:
        """New values for one row; repaints that row alone unless a column's width changes."""
        self.update_rows([(key, values)])

    def update_rows(self, rows: Iterable[tuple[str, Sequence[str]]]) -> None:
        """New values for some rows, repainted in one refresh (each refresh has a fixed cost)."""
        widths = self._widths
        changed = [key for key, values in rows if self._store(key, self._check(values))]
        if not changed:
            return
        if self._widths != widths:
            self._resize()
            self.refresh()
            return
        scroll_y = self.scroll_offset.y
        width = max(self.virtual_size.width, self.size.width)
        top, bottom = scroll_y, scroll_y + self._page
        lines = [Region(0, 1 + row - scroll_y, width, 1) for row in sorted(self._index[key] for key in changed) if top <= row < bottom]
        if lines:
            self.refresh(*lines)

    def _store(self, key: str, values: tuple[str, ...]) -> bool:
        """Keep a row's new values and cells; False if nothing changed."""
        before = self._values[key]
        if values == before:
            return False
        old_cells = self._cells[key]
        cells = tuple(old if value == was else parse(value) for value, was, old in zip(values, before, old_cells, strict=True))
        self._values[key] = values
        self._cells[key] = cells
        self._widths = self._remeasure(old_cells, cells)
        return True

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (clamped), scrolling it into view."""
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        if row != self._cursor:
            old, self._cursor = self._cursor, row
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
        self._scroll_to_row(row)
        self._announce()

    def _check(self, values: Sequence[str]) -> tuple[str, ...]:
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        return tuple(values)

    def _announce(self) -> None:
        """Post RowHighlighted when the row under the cursor is another one."""
        key = self.cursor_key
        if key is None:
            self._announced = None
        elif key != self._announced:
            self._announced = key
            self.post_message(self.RowHighlighted(self, key))

    # --- widths ---------------------------------------------------------------------------

    def _measure(self, column: int) -> int:
        fixed = self.columns[column][2]
        if fixed is not None:
            return fixed
        return max([self._labels[column].cell_length, *(cells[column].cell_length for cells in self._cells.values())])

    def _measure_all(self) -> tuple[int, ...]:
        return tuple(self._measure(n) for n in range(len(self.columns)))

    def _remeasure(self, old: tuple[Content, ...], new: tuple[Content, ...]) -> tuple[int, ...]:
        """Widths after one row went from `old` to `new` cells: a sized-to-content column is
        measured again only if this row could have made it wider or narrower."""
        widths = list(self._widths)
        for n, (_, _, fixed) in enumerate(self.columns):
            if fixed is not None or old[n] is new[n]:
                continue
            length, was = new[n].cell_length, old[n].cell_length
            if length > widths[n] or (was == widths[n] and length < was):
                widths[n] = self._measure(n)
        return tuple(widths)

    def _resize(self) -> None:
        width = sum(w + 2 * PADDING for w in self._widths)
        self.virtual_size = Size(width, len(self._keys) + 1)

    # --- cursor and scrolling -----------------------------------------------------------------

    @property
    def _page(self) -> int:
        """Rows in view below the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_row(self, row: int) -> None:
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + self._page:
            self.scroll_to(y=row - self._page + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self._cursor + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self._cursor + step * self._page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._keys) - 1)

    def action_select(self) -> None:
        if self.cursor_key is not None:
            self.post_message(self.RowSelected(self, self.cursor_key))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the header
            return
        row = offset.y - 1 + self.scroll_offset.y
        if row >= len(self._keys):
            return
        event.stop()
        if row == self._cursor:
            self.action_select()
        else:
            self.move_cursor(row)

    # --- painting ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y == 0:
            strip, style = self._header_strip()
        elif (row := y - 1 + scroll_y) < len(self._keys):
            strip, style = self._row_strip(row)
        else:
            return Strip.blank(width, self.visual_style.rich_style)
        return strip.crop_extend(scroll_x, scroll_x + width, style.rich_style)

    def _row_style(self, row: int) -> Style:
        if row == self._cursor:
            return self.get_visual_style("live-table--cursor")
        return self.get_visual_style("live-table--odd-row" if row % 2 else "live-table--even-row")

    def _row_strip(self, row: int) -> tuple[Strip, Style]:
        key = self._keys[row]
        style = self._row_style(row)
        # The values, widths and style decide the line; the style stands for cursor, stripe,
        # focus and theme at once.
        cache_key = (self._values[key], self._widths, style)
        cached = self._strips.get(key)
        if cached is not None and cached[0] == cache_key:
            return cached[1], style
        self.renders += 1
        strip = self._assemble(self._values[key], self._cells[key], style, cursor=row == self._cursor)
        self._strips[key] = (cache_key, strip)
        return strip, style

    def _header_strip(self) -> tuple[Strip, Style]:
        style = self.get_visual_style("live-table--header")
        cache_key = (self._widths, style)
        if self._header is None or self._header[0] != cache_key:
            labels = tuple(label for _, label, _ in self.columns)
            self._header = (cache_key, self._assemble(labels, self._labels, style))
        return self._header[1], style

    def _assemble(self, values: Sequence[str], cells: Sequence[Content], style: Style, *, cursor: bool = False) -> Strip:
        segments: list[Segment] = []
        for value, cell, width in zip(values, cells, self._widths, strict=True):
            segments += self._cell_segments(value, cell, width, style, cursor)
        return Strip(segments, sum(w + 2 * PADDING for w in self._widths))

    def _cell_segments(self, value: str, cell: Content, width: int, style: Style, cursor: bool) -> list[Segment]:
        cache_key = (value, width, style, cursor)
        segments = self._segments.get(cache_key)
        if segments is None:
            pad = " " * PADDING
            padded = Content.assemble(pad, cell.truncate(width, ellipsis=True, pad=True), pad)
            segments = padded.render_segments(style)
            color = style.rich_style.color
            if cursor and color is not None:
                # The cursor's colour wins over the cell's, as in DataTable: green on the
                # cursor's blue would be hard to read.
                segments = list(Segment.apply_style(segments, post_style=RichStyle(color=color)))
            self._segments[cache_key] = segments
        return segments

