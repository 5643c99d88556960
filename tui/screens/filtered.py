"""A list screen filtered as you type: posts, sources, officials and links share it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from refdb_tui.screens.base import BackScreen
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import FitTable
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Header, Input, Static

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass
class ListReady(Message):
    query: str
    rows: list[dict[str, Any]]
    total: int | None = None  # every matching row, when the screen counts them


class FilteredListScreen(BackScreen):
    """A filter input, a status line and a table of at most ``CAP`` matching rows.

    Subclasses name what they list (``NOUN``: the widgets' ids and the status line use
    its plural) and what the input filters on (``FILTER_BY``), give the columns, read
    the rows (``list_rows``, or ``list_page`` with the count of every matching row, for
    "200 of 5,617") and say how a row reads.
    """

    NOUN: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    FLEXIBLE: ClassVar[tuple[str, ...]] = ()  # columns cut to fit a narrow terminal: see FitTable
    OPTIONAL: ClassVar[tuple[str, ...]] = ()  # columns left out, in this order, when that is not enough
    CAP: ClassVar[int] = 200
    ENTER_HINT: ClassVar[str] = ""  # the status line's end when rows are shown
    FILTER_BY: ClassVar[str] = "title"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    @property
    def plural(self) -> str:
        return f"{self.NOUN}s"

    @property
    def list_id(self) -> str:
        """The table's id, and with "-status" its status line's ("merge-proposals")."""
        return self.plural.replace(" ", "-")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=f"Filter {self.plural} by {self.FILTER_BY}…", id="filter")
        yield Static("", id=f"{self.list_id}-status", markup=False)
        table = FitTable(id=self.list_id, flexible=self.FLEXIBLE, optional=self.OPTIONAL)
        table.fill(self.COLUMNS, [])
        yield table
        yield from self.below_table()
        yield KeyBar()

    def below_table(self) -> Iterator[Widget]:
        """Widgets between the table and the key bar; none unless a subclass adds them."""
        yield from ()

    def list_rows(self, session: Session, query: str, limit: int) -> list[dict[str, Any]]:
        """At most ``limit`` rows whose title matches ``query``."""
        raise NotImplementedError

    def list_page(self, session: Session, query: str, limit: int) -> tuple[list[dict[str, Any]], int | None]:
        """At most ``limit`` rows and how many match in all (None: not counted)."""
        return self.list_rows(session, query, limit), None

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        """One row as the table shows it, a cell per column of ``COLUMNS``."""
        raise NotImplementedError

    def step_title(self) -> str:
        """What the list shows now, as the subtitle says it."""
        return self.plural

    def empty_state(self, query: str) -> str:
        """The status line when no row matches ``query``."""
        return f"no {self.NOUN} matches {query!r}" if query else f"no {self.plural} yet: ctrl+n adds one"

    def rows_shown(self) -> None:
        """Called once the table holds fresh rows."""

    def on_mount(self) -> None:
        self.sub_title = self.step_title()
        self.query_one("#filter", Input).focus()
        self.action_reload()

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.fetch(self.query_one("#filter", Input).value)

    @work(thread=True, exclusive=True, group="filtered-list", exit_on_error=False)
    def fetch(self, query: str) -> None:
        # One more than the cap tells the status line that there are more.
        rows, total = self.read(lambda s: self.list_page(s, query, self.CAP + 1))
        self.post_message(ListReady(query, rows, total))

    @on(ListReady)
    def show_rows(self, message: ListReady) -> None:
        if message.query != self.query_one("#filter", Input).value:
            return  # an answer to a filter since typed over
        self.rows = message.rows[: self.CAP]
        self.table.fill(self.COLUMNS, [self.cells(row) for row in self.rows])
        status = self.query_one(f"#{self.list_id}-status", Static)
        if not self.rows:
            status.update(self.empty_state(message.query))
        elif message.total is not None and message.total > len(self.rows):
            status.update(f"{len(self.rows)} of {message.total:,} {self.plural}: type to narrow")
        elif len(message.rows) > self.CAP:
            status.update(f"{self.CAP} of >{self.CAP} {self.plural}: type to narrow")
        else:
            status.update(f"{len(self.rows)} {self.NOUN}(s): {self.ENTER_HINT}")
        self.rows_shown()

    @property
    def table(self) -> FitTable:
        return self.query_one(f"#{self.list_id}", FitTable)

    def selected(self) -> dict[str, Any] | None:
        row = self.table.cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def action_focus_table(self) -> None:
        self.table.focus()
