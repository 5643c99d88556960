"""A sanction list record as published, and every entity linked to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import BackScreen, PaletteEntry, ShowScreen
from refdb_tui.widgets.details import citation_lines, link_lines
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import fill_table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from refdb.services import curation

COLUMNS = ("entity", "kind", "link", "score", "basis", "decided by")


@dataclass
class EntryReady(Message):
    entry: dict[str, Any]


class EntryScreen(BackScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("c", "decide('confirmed')", "Confirm", tooltip="Confirm the selected link"),
        Binding("x", "decide('rejected')", "Reject", tooltip="Reject the selected link"),
        Binding("p", "propose_link", "+Link", tooltip="Propose linking an entity to this record"),
        Binding("e", "edit_entry", "Edit"),
        Binding("s", "cite", "Cite", tooltip="Cite a source for this record"),
        Binding("r", "reload", "Reload", show=False),
    ]

    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("link: confirm", "Confirm the selected link, with a reason", "decide('confirmed')"),
        ("link: reject", "Reject the selected link, with a reason", "decide('rejected')"),
        ("link: propose", "Propose linking an entity to this list record", "propose_link"),
        ("entry: edit", "Edit this sanction entry", "edit_entry"),
        ("citation: add", "Cite a source for this sanction entry", "cite"),
    )

    def __init__(self, entry_id: int) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.entry: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        # The entry as published can be long (OFAC remarks, many aliases): it scrolls (the
        # wheel, or tab to it and the arrows) instead of being cut at ten lines.
        with VerticalScroll(id="entry-scroll"):
            yield Static("loading…", id="entry-summary", markup=False)
        yield Static("Linked entities (enter opens one)", classes="section-title")
        table: DataTable[Any] = DataTable(id="links", cursor_type="row", zebra_stripes=True)
        fill_table(table, COLUMNS, [])
        yield table
        yield Static("", id="detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="entry", exit_on_error=False)
    def load(self) -> None:
        self.post_message(EntryReady(self.read(lambda s: curation.entry_detail(s, self.entry_id))))

    def action_reload(self) -> None:
        self.load()

    @on(EntryReady)
    def show_entry(self, message: EntryReady) -> None:
        entry = self.entry = message.entry
        self.sub_title = f"{entry['list']} {entry['record_id']}"
        programs = ", ".join(
            p["code"] + (f" ({p['legal_basis']})" if p["legal_basis"] else "") for p in entry["programs"]
        )
        aliases = [n["name"] for n in entry["names"] if n["kind"] != "primary"]
        status_style = "bold red" if entry["status"] == "active" else "dim"
        summary = [
            Text.assemble(
                (entry["name"], "bold"), f"  {entry['target_kind']}  ", (entry["status"], status_style)
            ),
            Text(f"{entry['authority']} · {entry['list_name']} · record {entry['record_id']}"),
            Text(f"programs: {programs or 'none'}"),
            Text(
                f"listed {entry['listed_on'] or '?'}"
                + (f" · delisted {entry['delisted_on']}" if entry["delisted_on"] else "")
            ),
        ]
        if entry["title"]:
            summary.append(Text(f"title: {entry['title']}"))
        if aliases:
            summary.append(Text("aka " + "; ".join(aliases)))
        if entry["birth_dates"]:
            summary.append(Text("born " + ", ".join(entry["birth_dates"])))
        if entry["remarks"]:
            summary.append(Text(f"remarks: {entry['remarks']}", "dim"))
        summary += citation_lines(entry["citations"])
        self.query_one("#entry-summary", Static).update(Text("\n").join(summary))
        table = self.query_one("#links", DataTable)
        cursor = table.cursor_row
        fill_table(
            table,
            COLUMNS,
            [
                (
                    link["entity"],
                    link["entity_kind"],
                    link["status"],
                    f"{link['score']:.2f}" if link["score"] is not None else "",
                    link["basis"] or "",
                    link["decided_by"] or "",
                )
                for link in entry["links"]
            ],
            keys=[str(link["id"]) for link in entry["links"]],
        )
        if entry["links"]:
            table.move_cursor(row=min(cursor, len(entry["links"]) - 1))
        table.focus()
        self.show_detail()

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one("#links", DataTable)
        links = (self.entry or {}).get("links", [])
        return links[table.cursor_row] if links and 0 <= table.cursor_row < len(links) else None

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        link = self.selected()
        detail = self.query_one("#detail", Static)
        if link is None:
            detail.update(Text("no entity is linked to this record: press p to propose one", "italic"))
        else:
            detail.update(Text("\n").join(link_lines(link)))

    @on(DataTable.RowSelected)
    def open_entity(self) -> None:
        link = self.selected()
        if link is not None:
            self.app.open_entity(link["entity_id"])

    def action_decide(self, status: str) -> None:
        link, entry = self.selected(), self.entry
        if link is None or entry is None:
            self.notify("no link selected", severity="warning")
            return
        about = f"{link['entity']} ↔ {entry['list']} {entry['record_id']} {entry['name']}"
        self.app.push_screen(forms.decision_form(self.database, link, status, about), self.after_edit)

    @work(thread=True, group="entry-form", exit_on_error=False)
    def action_propose_link(self) -> None:
        lists = self.read(curation.list_sanction_lists)
        entry = self.entry or {}
        form = forms.propose_form(
            self.database, lists, list_key=entry.get("list"), record_id=entry.get("record_id")
        )
        self.post_message(ShowScreen(form, self.after_edit))

    @work(thread=True, group="entry-form", exit_on_error=False)
    def action_edit_entry(self) -> None:
        row = self.read(lambda s: curation.read_row(s, "sanction_entry", self.entry_id))
        self.post_message(ShowScreen(forms.entry_form(self.database, [], row), self.after_edit))

    @work(thread=True, group="entry-form", exit_on_error=False)
    def action_cite(self) -> None:
        sources = self.read(curation.list_sources)
        form = forms.citation_form(self.database, sources, ("sanction_entry", self.entry_id))
        self.post_message(ShowScreen(form, self.after_edit))
