"""The main screen: search as you type over every name, in any script."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from refdb_tui.screens.base import PaletteEntry, RefdbScreen
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.results import ResultList, header_line
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, Input, OptionList, Static
from textual.worker import get_current_worker

from refdb import phrases
from refdb.search.freshness import IndexBusy
from refdb.search.service import MAX_QUERY_LENGTH, catch_up, indexing_notice, search
from refdb.services.lists import coverage, coverage_note

RESULT_CAP = 50
"""Rows shown per search: results are capped (every row shown is a widget's memory and
render time) and one extra row is asked for to know whether there are more ("50 of >50")."""

SLOW_SEARCH_S = 0.3  # a search not answered by then says it is searching
BUSY_RETRY_S = 3.0  # while another process holds the database, search again this often


@dataclass
class SearchResults(Message):
    query: str
    rows: list[dict[str, Any]]
    more: bool
    covered: str = ""  # with no rows: the lists searched and those never imported


@dataclass
class SearchBusy(Message):
    """Another process holds the database and the index could not be brought up to date."""

    query: str
    reason: str
    read_only: bool


class SearchScreen(RefdbScreen):
    BINDINGS: ClassVar[list[Binding]] = [
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
        """The query whose results the list shows (None before the first search)."""
        self.results: list[dict[str, Any]] = []
        self.status_query: str | None = None
        """The query the status line speaks of: a newer one says "searching" if slow."""
        # One search at a time: a worker superseded by a keystroke still runs its thread,
        # and after an import the first search indexes the new names; searches beside it
        # would wait for the index and fail as if another process held the database.
        self.searching = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Search names in any script: li shang, 李尚福, rosoboronexport…",
            id="search",
            max_length=MAX_QUERY_LENGTH,  # a longer query is refused by the service
        )
        yield Static(
            "Type a name to search officials, organizations and list records.",
            id="search-status",
            markup=False,
        )
        yield Static("", id="results-header", markup=False)
        yield ResultList(id="results")
        yield Static("", id="search-detail", markup=False)
        yield KeyBar()

    @on(Input.Changed, "#search")
    def query_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)
        self.set_timer(SLOW_SEARCH_S, self.say_searching)

    def say_searching(self) -> None:
        query = self.query_one("#search", Input).value
        if query.strip() and self.status_query != query:
            self.show_status(f"searching for {query.strip()!r}…", query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, query: str) -> None:
        rows: list[dict[str, Any]] = []
        covered = ""
        with self.searching:
            if get_current_worker().is_cancelled:
                return  # typed over while an earlier search ran
            if query.strip():
                try:
                    rows, covered = self.search_now(query)
                except IndexBusy as busy:
                    self.post_message(SearchBusy(query, str(busy), busy.read_only))
                    return
        if not get_current_worker().is_cancelled:
            self.post_message(SearchResults(query, rows[:RESULT_CAP], len(rows) > RESULT_CAP, covered))

    @on(SearchBusy)
    def database_busy(self, message: SearchBusy) -> None:
        """Say so, and search again until the other process lets go (an import can take
        minutes); the notice and the results of an earlier query would be stale. An
        earlier query's answer says the same of the current one, which waits its turn."""
        query = self.query_one("#search", Input).value
        self.results = []
        self.query_one("#results", ResultList).show([])
        self.query_one("#search-detail", Static).update("")
        if message.read_only:  # waiting will not help
            self.show_status(message.reason, query)
            return
        self.show_status(
            f"database busy: another process (an import?) is writing to it; nothing searched "
            f"for {query.strip()!r} yet, trying again every {BUSY_RETRY_S:g} s",
            query,
        )
        if message.query == query:
            self.set_timer(BUSY_RETRY_S, lambda: self.search_again(query))

    def search_again(self, query: str) -> None:
        if query == self.query_one("#search", Input).value:
            self.run_search(query)

    def search_now(self, query: str) -> tuple[list[dict[str, Any]], str]:
        """One more row than shown, to know whether there are more; with none, what the
        search covered ("no match" means no match only in the lists behind it)."""
        # reading(), not a session: the first search then waits for no ORM import.
        with self.database.reading() as reader:
            if notice := indexing_notice(reader):  # after an import: say why this one waits
                self.app.call_from_thread(self.show_status_of, query, str(notice))
            waiting = "database busy: another process (an import?) is writing to it; waiting to search…"
            unindexed = catch_up(
                reader, lambda: self.app.call_from_thread(self.show_status_of, query, waiting)
            )
            rows = search(reader, query, limit=RESULT_CAP + 1, sync=False, unindexed=unindexed)
            return rows, "" if rows else coverage_note(coverage(reader))

    @on(SearchResults)
    def show_results(self, message: SearchResults) -> None:
        if message.query != self.query_one("#search", Input).value:
            return  # an older query's answer arriving late
        self.shown_query = message.query
        self.results = message.rows
        self.query_one("#results", ResultList).show(message.rows)
        query = message.query.strip()
        if not query:
            status = "Type a name to search officials, organizations and list records."
        elif not message.rows:
            status = f"no match for {query!r}; {message.covered}"
        elif message.more:
            status = f"{len(message.rows)} of >{len(message.rows)} matches for {query!r}: type more to narrow"
        else:
            status = f"{len(message.rows)} match(es) for {query!r}: ↓ to choose, enter to open"
        self.show_status(status, message.query)
        self.explain()

    @on(ResultList.LaidOut)
    def align_header(self) -> None:
        results = self.query_one("#results", ResultList)
        self.query_one("#results-header", Static).update(header_line(results.hits, results.widths))

    def show_status(self, text: str, query: str) -> None:
        self.status_query = query
        self.query_one("#search-status", Static).update(text)

    def show_status_of(self, query: str, text: str) -> None:
        """What a worker says of its query, unless it has since been typed over."""
        if query == self.query_one("#search", Input).value:
            self.show_status(text, query)

    @on(OptionList.OptionHighlighted, "#results")
    def explain(self) -> None:
        """Why the highlighted result matters (a curated entity's posts and sanctions),
        then why it matched, as the search service explains it."""
        index = self.query_one("#results", ResultList).highlighted
        hit = self.results[index] if index is not None and index < len(self.results) else None
        lines = [phrases.standing(hit), hit.get("explanation", "")] if hit else []
        self.query_one("#search-detail", Static).update("\n".join(line for line in lines if line))

    @on(Input.Submitted, "#search")
    def open_first(self) -> None:
        results = self.query_one("#results", ResultList)
        if results.highlighted is not None:
            self.open_row(results.get_option_at_index(results.highlighted).id or "")

    @on(OptionList.OptionSelected, "#results")
    def row_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_row(event.option.id or "")

    def open_row(self, key: str) -> None:
        kind, row_id = key.split(":")
        if kind == "entity":
            self.app.open_entity(int(row_id))
        else:
            self.app.open_entry(int(row_id))

    def action_focus_results(self) -> None:
        results = self.query_one("#results", ResultList)
        if results.option_count:
            results.focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_new_entity(self) -> None:
        self.app.action_new_entity()
