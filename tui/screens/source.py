"""One source: where it came from (file or URL, fetched, published, sha256) and the facts
that cite it; enter opens the entity or list record a citing fact belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import BackScreen, PaletteEntry, ShowScreen
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import FitTable
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from refdb.services import curation
from refdb.services.sources import source_detail

COLUMNS = ("fact", "of", "locator", "quote")

# What a kind of fact is called, one and many, in "14 facts cite it: 3 entities, ...".
FACTS = {
    "entity": ("entity", "entities"),
    "name": ("name", "names"),
    "identifier": ("identifier", "identifiers"),
    "post": ("post", "posts"),
    "tenure": ("tenure", "tenures"),
    "relation": ("relation", "relations"),
    "authority": ("authority", "authorities"),
    "program": ("program", "programs"),
    "sanction_entry": ("list entry", "list entries"),
    "link": ("link", "links"),
}


@dataclass
class SourceReady(Message):
    source: dict[str, Any]


class SourceScreen(BackScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("enter", "open", "Open", tooltip="Open the entity or list record of the selected fact"),
        Binding("e", "edit_source", "Edit", tooltip="Edit this source (e.g. mark it verified)"),
        Binding("r", "reload", "Reload", show=False),
    ]
    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("source: edit", "Edit this source (title, URL, verified, ...)", "edit_source"),
    )
    AUTO_FOCUS = "#cited"

    def __init__(self, source_id: int) -> None:
        super().__init__()
        self.source_id = source_id
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("loading…", id="source-summary", markup=False)
        yield Static("", id="source-status", markup=False)
        table = FitTable(
            id="cited", flexible=("fact", "of", "quote", "locator"), optional=("quote", "locator")
        )
        table.fill(COLUMNS, [])
        yield table
        yield Static("", id="detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"source {self.source_id}"
        self.load()

    @work(thread=True, exclusive=True, group="source", exit_on_error=False)
    def load(self) -> None:
        self.post_message(SourceReady(self.read(lambda s: source_detail(s, self.source_id))))

    def action_reload(self) -> None:
        self.load()

    @on(SourceReady)
    def show_source(self, message: SourceReady) -> None:
        source = message.source
        self.rows = source["cited_by"]
        self.query_one("#source-summary", Static).update(Text("\n").join(summary_lines(source)))
        self.query_one("#source-status", Static).update(cited_line(source))
        self.query_one("#cited", FitTable).fill(
            COLUMNS,
            [
                (row["what"], row["entity"] or "", row["locator"] or "", row["quote"] or "")
                for row in self.rows
            ],
        )
        self.show_detail()

    def selected(self) -> dict[str, Any] | None:
        row = self.query_one("#cited", DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        row = self.selected()
        detail = self.query_one("#detail", Static)
        if row is None:
            detail.update(Text("no fact cites this source", "italic"))
            return
        lines = [Text(row["what"] + (f" — {row['entity']}" if row["entity"] else ""), "bold")]
        if row["locator"]:
            lines.append(Text(f"at {row['locator']}"))
        if row["quote"]:
            lines.append(Text(f"“{row['quote']}”", "italic"))
        if row["entity_id"] is not None or row["entry_id"] is not None:
            lines.append(
                Text(
                    "enter: open " + ("the entity" if row["entity_id"] is not None else "the list record"),
                    "dim",
                )
            )
        detail.update(Text("\n").join(lines))

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row["entity_id"] is not None:
            self.app.open_entity(row["entity_id"])
        elif row["entry_id"] is not None:
            self.app.open_entry(row["entry_id"])
        else:
            self.notify(f"{row['what']} belongs to no entity or list record", severity="warning")

    @work(thread=True, group="source-form", exit_on_error=False)
    def action_edit_source(self) -> None:
        row = self.read(lambda s: curation.read_row(s, "source", self.source_id))
        self.post_message(ShowScreen(forms.source_form(self.database, row), self.after_edit))


def summary_lines(source: dict[str, Any]) -> list[Text]:
    """The source's title, what and whose it is, where it came from and when."""
    lines = [Text(source["title"], "bold")]
    about = [source["kind"].replace("_", " "), source["publisher"] or ""]
    if source["published_on"]:
        about.append(f"published {source['published_on']}")
    about.append("verified" if source["verified"] else "not verified")
    lines.append(Text(" · ".join(part for part in about if part)))
    where = []
    if source["url"]:
        where.append(f"file {source['file']}" if source["url"].startswith("file:") else source["url"])
    else:
        where.append("no URL or file recorded")
    if source["fetched_at"]:
        where.append(f"fetched {source['fetched_at'][:16].replace('T', ' ')}")
    if source["size"] is not None:
        where.append(f"{source['size']:,} bytes")
    lines.append(Text(" · ".join(where)))
    if source["sha256"]:
        lines.append(Text(f"sha256 {source['sha256']}", "dim"))
    if source["notes"]:
        lines.append(Text(source["notes"], "dim"))
    return lines


def cited_line(source: dict[str, Any]) -> str:
    """How much rests on the source: "14 facts cite it: 3 entities, 2 links; ..."."""
    parts = []
    if source["citations"]:
        kinds = ", ".join(f"{n:,} {FACTS.get(t, (t, t))[n != 1]}" for t, n in source["by_table"].items())
        parts.append(f"{source['citations']:,} fact(s) cite it: {kinds}")
    else:
        parts.append("no fact cites it")
    if source["entries_imported"]:
        parts.append(f"{source['entries_imported']:,} list entries imported from it")
    if len(source["cited_by"]) < source["citations"]:
        parts.append(f"the first {len(source['cited_by'])} listed")
    return "; ".join(parts)
