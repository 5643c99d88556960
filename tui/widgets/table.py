"""Tables whose columns fit their rows at once, and fit the terminal's width.

Textual's DataTable sizes an auto-width column (``add_column`` without ``width``) later,
on an idle pass after rows arrive. A cell painted before that pass is cached at the
header's width and the cache key holds no column width, so on a busy machine a table
could keep showing columns cut to their headers (Textual issue #3533 is the same cache
seen through ``update_cell``). Here each column is added with ``width=`` its widest cell,
so what is painted first is already the final layout, and a refill with narrower rows
narrows the columns again (``clear()`` alone keeps the old widths).

A ``FitTable`` also fits its width: at 80 columns a table of long post titles, list
names and quotes ran off the right edge, its last columns out of sight. Its flexible
columns shrink (their cells cut with "…", the detail panel below shows them whole) and
its optional columns are left out, in the order given, when even that is not enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

FLEXIBLE_MIN = 20
"""Cells a flexible column keeps however narrow the table (its label's, if wider)."""


def cell_width(cell: object) -> int:
    """Cells a value takes in a one-line DataTable cell (a str as plain text)."""
    return max((cell_len(line) for line in _text(cell).plain.splitlines()), default=0)


def _text(cell: object) -> Text:
    if isinstance(cell, Text):
        return cell
    if isinstance(cell, float):
        return Text(f"{cell:.2f}")
    return Text(str(cell))


def fill_table(
    table: DataTable[Any],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    keys: Sequence[str] | None = None,
    widths: Sequence[int] | None = None,
) -> None:
    """Replace the table's columns and rows; each column is as wide as its widest cell,
    or as ``widths`` says (a longer cell is then cut with "…").

    Rows are keyed by ``keys``, or by their index as a string. The cursor goes back to
    the first row, as with ``DataTable.clear()``.
    """
    if widths is None:
        widths = natural_widths(columns, rows)
    table.clear(columns=True)
    for label, width in zip(columns, widths, strict=True):
        table.add_column(label, width=width)
    for index, row in enumerate(rows):
        # A str cell is markup to a DataTable: list data with brackets ("[SDGT]") is not.
        cells = [_cut(cell, width) for cell, width in zip(row, widths, strict=True)]
        table.add_row(*cells, key=keys[index] if keys is not None else str(index))


def natural_widths(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> list[int]:
    """Each column's widest cell, its label included."""
    widths = [cell_width(label) for label in columns]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], cell_width(cell))
    return widths


def _cut(cell: object, width: int) -> object:
    if not isinstance(cell, str | Text):
        return cell
    text = Text(cell) if isinstance(cell, str) else cell
    if cell_width(text) <= width:
        return text
    text = text.copy()
    text.truncate(width, overflow="ellipsis")
    return text


def fit_widths(
    columns: Sequence[str],
    natural: Sequence[int],
    room: int,
    flexible: Sequence[str] = (),
    optional: Sequence[str] = (),
    padding: int = 2,
    share: float = 1 / 3,
) -> dict[str, int]:
    """The columns to show and their widths so that the table fits ``room`` cells.

    Optional columns are left out, in their order, until the first flexible column gets
    its ``share`` of the room (or its widest cell) beside the other flexible ones at
    ``FLEXIBLE_MIN``; the
    flexible columns then share the room, in their order, each up to its widest cell
    (cut with "…" beyond); when even that is too wide, they shrink further, the last
    named first, down to their label. Nothing shrinks or goes when it all fits.
    """
    wanted = dict(zip(columns, natural, strict=True))
    if sum(wanted.values()) + padding * len(wanted) <= room:
        return wanted
    shown = list(columns)

    def least(column: str) -> int:
        if column in flexible:
            return min(wanted[column], max(FLEXIBLE_MIN, cell_width(column)))
        return wanted[column]

    main = next((c for c in flexible if c in shown), None)
    main_least = min(wanted[main], max(FLEXIBLE_MIN, int(room * share))) if main else 0

    def needed() -> int:  # the first flexible column its share of the room, the others their least
        return sum((main_least if c == main else least(c)) + padding for c in shown)

    for column in optional:
        if needed() <= room:
            break
        shown.remove(column)
    widths = {c: least(c) for c in shown}
    free = room - sum(width + padding for width in widths.values())
    for column in (c for c in flexible if c in widths):  # the first named is served first
        grown = min(wanted[column], widths[column] + max(free, 0))
        free -= grown - widths[column]
        widths[column] = grown
    for column in reversed([c for c in flexible if c in widths]):  # still too wide: below the least
        cut = min(max(-free, 0), widths[column] - max(cell_width(column), 6))
        widths[column] -= max(cut, 0)
        free += max(cut, 0)
    return widths


class FitTable(DataTable[Any]):
    """A row-cursor DataTable filled in one step (``fill``) and refitted when its width
    changes: a terminal resized, a tab shown."""

    def __init__(
        self, *, id: str, flexible: Sequence[str] = (), optional: Sequence[str] = (), share: float = 1 / 3
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.flexible = tuple(flexible)
        self.optional = tuple(optional)
        self.share = share  # of the width the first flexible column gets before others are left out
        self._columns: Sequence[str] = ()
        self._rows: Sequence[Sequence[object]] = ()
        self._keys: Sequence[str] | None = None
        self._fitted_to = 0

    def fill(
        self, columns: Sequence[str], rows: Sequence[Sequence[object]], keys: Sequence[str] | None = None
    ) -> None:
        """Show these rows (the cursor goes back to the first) fitted to the width."""
        self._columns, self._rows, self._keys = columns, rows, keys
        self._refit()

    def room(self) -> int:
        """The cells the columns may take: the width less the scroll bar, if rows overflow."""
        overflow = len(self._rows) + 1 > self.size.height
        return self.size.width - (self.styles.scrollbar_size_vertical if overflow else 0)

    def _refit(self) -> None:
        natural = natural_widths(self._columns, self._rows)
        self._fitted_to = room = self.room()
        if room <= 0:  # not laid out yet (a hidden tab): fitted when it is
            widths = dict(zip(self._columns, natural, strict=True))
        else:
            widths = fit_widths(self._columns, natural, room, self.flexible, self.optional, share=self.share)
        shown = [index for index, column in enumerate(self._columns) if column in widths]
        fill_table(
            self,
            [self._columns[i] for i in shown],
            [[row[i] for i in shown] for row in self._rows],
            self._keys,
            [widths[self._columns[i]] for i in shown],
        )

    def on_resize(self, _event: events.Resize) -> None:
        if self._columns and self.room() != self._fitted_to:
            cursor = self.cursor_row
            self._refit()
            if self._rows:
                self.move_cursor(row=min(cursor, len(self._rows) - 1))
