"""Sources: the documents and datasets that citations point to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import PaletteEntry, ShowScreen
from refdb_tui.screens.filtered import FilteredListScreen
from refdb_tui.screens.form import ConfirmScreen
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Static

from refdb.services import curation
from refdb.services.edits import editing

if TYPE_CHECKING:
    from sqlmodel import Session

SOURCE_COLUMNS = ("title", "kind", "publisher", "published", "verified")


class SourcesScreen(FilteredListScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("ctrl+n", "new_source", "New source"),
        Binding("ctrl+e", "edit_source", "Edit"),
        Binding("ctrl+d", "delete_source", "Delete"),
        Binding("down", "focus_table", "Sources", show=False),
    ]

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("source: edit", "Edit the selected source", "edit_source"),
        ("source: delete", "Delete the selected source", "delete_source"),
    )

    NOUN = "source"
    COLUMNS = SOURCE_COLUMNS
    FLEXIBLE = ("title", "publisher")
    OPTIONAL = ("publisher", "verified")
    ENTER_HINT = "enter shows one and what cites it, ctrl+e edits it"

    def below_table(self) -> Iterator[Widget]:
        yield Static("", id="detail", markup=False)

    def list_rows(self, session: Session, query: str, limit: int) -> list[dict[str, Any]]:
        return curation.list_sources(session, query, limit=limit)

    def cells(self, row: dict[str, Any]) -> tuple[object, ...]:
        return (
            row["title"],
            row["kind"],
            row["publisher"] or "",
            row["published_on"] or "",
            "yes" if row["verified"] else "",
        )

    def rows_shown(self) -> None:
        self.show_detail()

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

    def action_new_source(self) -> None:
        self.app.push_screen(forms.source_form(self.database), self.after_edit)

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        source = self.selected()
        if source is not None:
            self.app.open_source(source["id"])

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
        with editing(self.database) as editor:
            curation.delete_row(editor, "source", source_id, expected_version=version)
        self.app.call_from_thread(self.action_reload)
