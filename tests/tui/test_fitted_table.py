"""Tables filled with widths fixed up front: the header never lags the cells under it."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tui.markup import escape
from tui.widgets.fitted_table import fill


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class _TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()


@pytest.mark.anyio
async def test_columns_are_as_wide_as_their_widest_cell_as_shown() -> None:
    app = _TableApp()
    async with app.run_test(size=(100, 10)) as pilot:
        table = app.query_one(DataTable)
        fill(table, [("#", "rank"), ("contestant", "name"), ("cost", "cost")], [])
        assert [c.width for c in table.ordered_columns] == [1, 10, 4]

        name = "llama[instruct]-with-a-long-name"
        fill(table, [("#", "rank"), ("contestant", "name"), ("cost", "cost")], [("a", ["1", escape(name), "[b]$0.0123[/]"]), ("b", ["2", "x", "$0"])])
        await pilot.pause()
        widths = {c.key.value: (c.width, c.auto_width) for c in table.ordered_columns}
        # The escaped name counts as shown (no backslash), the bold markup not at all.
        assert widths == {"rank": (1, False), "name": (len(name), False), "cost": (len("$0.0123"), False)}
        assert Text.from_markup(table.get_cell("a", "name")).plain == name
        assert table.row_count == 2
        # A redraw after the idle pass keeps the widths: nothing is left to grow.
        assert [c.get_render_width(table) for c in table.ordered_columns] == [1 + 2, len(name) + 2, len("$0.0123") + 2]


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        fill(DataTable(), [("a", "a"), ("b", "b"), ("c", "c")], [("r", ["1", "2"])])
