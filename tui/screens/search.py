"""The main screen: search as you type over every name, in any script."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from refdb_tui.screens.base import PaletteEntry, RefdbScreen
from refdb_tui.widgets.keybar import KeyBar
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import get_current_worker

from refdb.services.search import search

RESULT_CAP = 50
"""Rows shown per search: the table keeps every row in memory, so results are capped and
one extra row is asked for to know whether there are more ("50 of >50")."""


@dataclass
class SearchResults(Message):
    query: str
    rows: list[dict[str, Any]]
    more: bool


class SearchScreen(RefdbScreen):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("down", "focus_results", "Results", show=False),
        Binding("ctrl+f", "focus_search", "Search", tooltip="Back to the search box"),
        Binding("ctrl+n", "new_entity", "New entity", tooltip="Create an entity"),
        Binding("f2", "app.holders", "Holders", tooltip="Who held a post on a date"),
        Binding("f3", "app.active", "Active", tooltip="Sanctions active on a date"),
        Binding("slash", "focus_search", "Search", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("search: focus", "Put the cursor in the search box", "focus_search"),
        ("entity: new", "Create an entity (person, organization, ...)", "new_entity"),
    )

    AUTO_FOCUS = "#search"

    def __init__(self) -> None:
        super().__init__()
        self.shown_query: str | None = None
        """The query whose results the table shows (None before the first search)."""
        self.results: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search names in any script: li shang, 李尚福, rosoboronexport…", id="search")
        yield Static("Type a name to search officials, organizations and list records.", id="search-status")
        table: DataTable[Any] = DataTable(id="results", cursor_type="row", zebra_stripes=True)
        table.add_columns("score", "type", "name", "kind", "matched name", "list record")
        yield table
        yield Static("", id="search-detail")
        yield KeyBar()

    @on(Input.Changed, "#search")
    def query_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        rows = self.read(lambda s: search(s, query, limit=RESULT_CAP + 1)) if query.strip() else []
        if not get_current_worker().is_cancelled:
            self.post_message(SearchResults(query, rows[:RESULT_CAP], len(rows) > RESULT_CAP))

    @on(SearchResults)
    def show_results(self, message: SearchResults) -> None:
        if message.query != self.query_one("#search", Input).value:
            return  # an older query's answer arriving late
        self.shown_query = message.query
        self.results = message.rows
        table = self.query_one("#results", DataTable)
        table.clear()
        for row in message.rows:
            record = ""
            if row["type"] == "sanction_entry":
                delisted = " (delisted)" if row.get("status") == "delisted" else ""
                record = f"{row['list']} {row['record_id']}{delisted}"
            table.add_row(
                f"{row['score']:.2f}",
                "list record" if row["type"] == "sanction_entry" else "entity",
                row["name"],
                row["kind"],
                row["matched_name"] if row["matched_name"] != row["name"] else "",
                record,
                key=f"{row['type']}:{row['id']}",
            )
        status = self.query_one("#search-status", Static)
        query = message.query.strip()
        if not query:
            status.update("Type a name to search officials, organizations and list records.")
        elif not message.rows:
            status.update(f"no match for {query!r}")
        elif message.more:
            status.update(
                f"{len(message.rows)} of >{len(message.rows)} matches for {query!r}: type more to narrow"
            )
        else:
            status.update(f"{len(message.rows)} match(es) for {query!r}: ↓ to choose, enter to open")
        self.explain()

    @on(DataTable.RowHighlighted, "#results")
    def explain(self) -> None:
        """Why the highlighted result matched, as the search service explains it."""
        row = self.query_one("#results", DataTable).cursor_row
        hit = self.results[row] if 0 <= row < len(self.results) else None
        self.query_one("#search-detail", Static).update(hit.get("explanation", "") if hit else "")

    @on(Input.Submitted, "#search")
    def open_first(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            self.open_row(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    @on(DataTable.RowSelected, "#results")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(str(event.row_key.value))

    def open_row(self, key: str) -> None:
        kind, row_id = key.split(":")
        if kind == "entity":
            self.app.open_entity(int(row_id))
        else:
            self.app.open_entry(int(row_id))

    def action_focus_results(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            table.focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_new_entity(self) -> None:
        self.app.action_new_entity()
