"""The change log: who changed what, when and why (newest first)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from refdb_tui.screens.base import BackScreen
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import FitTable
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from refdb.services import curation

COLUMNS = ("#", "at (UTC)", "actor", "action", "row", "reason")


@dataclass
class ChangesReady(Message):
    changes: list[dict[str, Any]]


class ChangesScreen(BackScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, entity_id: int | None = None) -> None:
        super().__init__()
        self.entity_id = entity_id
        self.changes: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="changes-status", markup=False)
        # Narrow: the reason is cut (the panel below says it whole), the change's number goes.
        table = FitTable(id="changes", flexible=("row", "reason"), optional=("#",))
        table.fill(COLUMNS, [])
        yield table
        yield Static("", id="detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "change log" + (f" of entity {self.entity_id}" if self.entity_id else "")
        self.action_reload()

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False)
    def action_reload(self) -> None:
        self.post_message(
            ChangesReady(self.read(lambda s: curation.recent_changes(s, entity_id=self.entity_id)))
        )

    @on(ChangesReady)
    def show_changes(self, message: ChangesReady) -> None:
        self.changes = message.changes
        table = self.query_one("#changes", FitTable)
        table.fill(
            COLUMNS,
            [
                (
                    str(change["id"]),
                    change["at"][:19].replace("T", " "),
                    change["actor"],
                    change["action"],
                    f"{change['table']} {change['row_id']}",
                    change["reason"] or "",
                )
                for change in self.changes
            ],
        )
        self.query_one("#changes-status", Static).update(
            f"{len(self.changes)} most recent change(s)" if self.changes else "no changes recorded yet"
        )
        table.focus()
        self.show_detail()

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        row = self.query_one("#changes", DataTable).cursor_row
        if not self.changes or not 0 <= row < len(self.changes):
            self.query_one("#detail", Static).update("")
            return
        change = self.changes[row]
        why = Text(f"#{change['id']} by {change['actor']}: {change['reason'] or 'no reason given'}", "italic")
        self.query_one("#detail", Static).update(Text("\n").join([why, _difference(change)]))


def _difference(change: dict[str, Any]) -> Text:
    """The fields a change touched, before → after."""
    before = json.loads(change["before"]) if change["before"] else {}
    after = json.loads(change["after"]) if change["after"] else {}
    lines = []
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old != new and field != "version":
            lines.append(
                Text.assemble((f"{field}: ", "bold"), (repr(old), "red"), " → ", (repr(new), "green"))
            )
    return Text("\n").join(lines) if lines else Text("no field changed", "dim")
