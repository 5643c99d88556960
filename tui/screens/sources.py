"""Sources: the documents and datasets that citations point to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import BackScreen, PaletteEntry, ShowScreen
from refdb_tui.screens.form import ConfirmScreen
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import fill_table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from refdb.services import curation

SOURCE_CAP = 200
COLUMNS = ("title", "kind", "publisher", "published", "verified")


@dataclass
class SourcesReady(Message):
    query: str
    sources: list[dict[str, Any]]


class SourcesScreen(BackScreen):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+n", "new_source", "New source"),
        Binding("ctrl+e", "edit_source", "Edit"),
        Binding("ctrl+d", "delete_source", "Delete"),
        Binding("down", "focus_table", "Sources", show=False),
    ]

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("source: edit", "Edit the selected source", "edit_source"),
        ("source: delete", "Delete the selected source", "delete_source"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter sources by title…", id="filter")
        yield Static("", id="sources-status")
        table: DataTable[Any] = DataTable(id="sources", cursor_type="row", zebra_stripes=True)
        fill_table(table, COLUMNS, [])
        yield table
        yield Static("", id="detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "sources"
        self.query_one("#filter", Input).focus()
        self.action_reload()

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.fetch(self.query_one("#filter", Input).value)

    @work(thread=True, exclusive=True, group="sources", exit_on_error=False)
    def fetch(self, query: str) -> None:
        rows = self.read(lambda s: curation.list_sources(s, query, limit=SOURCE_CAP + 1))
        self.post_message(SourcesReady(query, rows))

    @on(SourcesReady)
    def show_sources(self, message: SourcesReady) -> None:
        if message.query != self.query_one("#filter", Input).value:
            return
        self.sources = message.sources[:SOURCE_CAP]
        table = self.query_one("#sources", DataTable)
        fill_table(
            table,
            COLUMNS,
            [
                (
                    source["title"],
                    source["kind"],
                    source["publisher"] or "",
                    source["published_on"] or "",
                    "yes" if source["verified"] else "",
                )
                for source in self.sources
            ],
        )
        status = self.query_one("#sources-status", Static)
        if not self.sources:
            status.update(
                f"no source matches {message.query!r}" if message.query else "no sources yet: ctrl+n adds one"
            )
        elif len(message.sources) > SOURCE_CAP:
            status.update(f"{SOURCE_CAP} of >{SOURCE_CAP} sources: type to narrow")
        else:
            status.update(f"{len(self.sources)} source(s): enter or ctrl+e edits one")
        self.show_detail()

    def selected(self) -> dict[str, Any] | None:
        row = self.query_one("#sources", DataTable).cursor_row
        return self.sources[row] if self.sources and 0 <= row < len(self.sources) else None

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        source = self.selected()
        text = Text("")
        if source is not None:
            text = Text("\n").join(
                Text(line)
                for line in (
                    source["url"] or "no URL",
                    source["notes"] or "",
                    f"sha256 {source['sha256']}" if source["sha256"] else "",
                )
                if line
            )
        self.query_one("#detail", Static).update(text)

    def action_focus_table(self) -> None:
        self.query_one("#sources", DataTable).focus()

    def action_new_source(self) -> None:
        self.app.push_screen(forms.source_form(self.database), self.after_edit)

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_edit_source()

    @work(thread=True, group="source-form", exit_on_error=False)
    def action_edit_source(self) -> None:
        source = self.selected()
        if source is None:
            return
        row = self.read(lambda s: curation.read_row(s, "source", source["id"]))
        self.post_message(ShowScreen(forms.source_form(self.database, row), self.after_edit))

    def action_delete_source(self) -> None:
        source = self.selected()
        if source is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete(source["id"], source["version"])

        question = f"Delete the source {source['title']!r}? Citations of it must be deleted first."
        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, group="source-delete", exit_on_error=False)
    def delete(self, source_id: int, version: int) -> None:
        with self.database.editing() as editor:
            curation.delete_row(editor, "source", source_id, expected_version=version)
        self.app.call_from_thread(self.action_reload)
