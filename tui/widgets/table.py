"""Fill a DataTable with its column widths fixed from the content, in one step.

Textual's DataTable sizes an auto-width column (``add_column`` without ``width``) later,
on an idle pass after rows arrive. A cell painted before that pass is cached at the
header's width and the cache key holds no column width, so on a busy machine a table
could keep showing columns cut to their headers (Textual issue #3533 is the same cache
seen through ``update_cell``). Here each column is added with ``width=`` its widest cell,
so what is painted first is already the final layout, and a refill with narrower rows
narrows the columns again (``clear()`` alone keeps the old widths).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable


def cell_width(cell: object) -> int:
    """Cells a value takes in a one-line DataTable cell (a str as plain text)."""
    if isinstance(cell, Text):
        text = cell
    elif isinstance(cell, str):
        text = Text(cell)
    elif isinstance(cell, float):
        text = Text(f"{cell:.2f}")
    else:
        text = Text(str(cell))
    return max((cell_len(line) for line in text.plain.splitlines()), default=0)


def fill_table(
    table: DataTable[Any],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    keys: Sequence[str] | None = None,
) -> None:
    """Replace the table's columns and rows; each column is as wide as its widest cell.

    Rows are keyed by ``keys``, or by their index as a string. The cursor goes back to
    the first row, as with ``DataTable.clear()``.
    """
    widths = [cell_width(label) for label in columns]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], cell_width(cell))
    table.clear(columns=True)
    for label, width in zip(columns, widths, strict=True):
        table.add_column(label, width=width)
    for index, row in enumerate(rows):
        # A str cell is markup to a DataTable: list data with brackets ("[SDGT]") is not.
        cells = [Text(cell) if isinstance(cell, str) else cell for cell in row]
        table.add_row(*cells, key=keys[index] if keys is not None else str(index))
