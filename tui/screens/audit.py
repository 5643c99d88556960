"""The audit: every finding grouped by rule; open what it is about, decide its link, or
acknowledge it with a reason (acknowledged findings stay listed, marked)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from refdb_tui import forms
from refdb_tui.screens.base import BackScreen, PaletteEntry, ShowScreen
from refdb_tui.screens.form import Field, FormScreen
from refdb_tui.widgets.keybar import KeyBar
from refdb_tui.widgets.table import FitTable
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from refdb import audit
from refdb.errors import NotFound
from refdb.services import curation
from refdb.services.edits import editing

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}

COLUMNS = ("severity", "subject", "finding", "entity", "acknowledged")


@dataclass
class FindingsReady(Message):
    findings: list[audit.Finding]


def _id_of(finding: audit.Finding, table: str) -> int | None:
    """The id of ``table`` named in a finding's subject ("tenure:9+link:1" -> link 1)."""
    match = re.search(rf"(?:^|\+){table}:(\d+)", finding.subject)
    return int(match.group(1)) if match else None


class AuditScreen(BackScreen):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("enter", "open", "Open", tooltip="Open the entity, list record or source concerned"),
        Binding("c", "decide('confirmed')", "Confirm", tooltip="Confirm the finding's link, with a reason"),
        Binding("x", "decide('rejected')", "Reject", tooltip="Reject the finding's link, with a reason"),
        Binding("a", "acknowledge", "Acknowledge", tooltip="Acknowledge the finding, with a reason"),
        Binding("r", "reload", "Reload"),
    ]
    PALETTE: ClassVar[tuple[PaletteEntry, ...]] = (
        ("finding: open", "Open the entity, list record or source of the selected finding", "open"),
        ("finding: acknowledge", "Acknowledge the selected finding, with a reason", "acknowledge"),
        ("link: confirm", "Confirm the link of the selected finding", "decide('confirmed')"),
        ("link: reject", "Reject the link of the selected finding", "decide('rejected')"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[audit.Finding | None] = []  # None: a rule's heading row

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("running the audit…", id="audit-status", markup=False)
        # At 80 columns the finding, not the entity's id, gets the room (enter opens it).
        table = FitTable(
            id="findings",
            flexible=("finding", "acknowledged"),
            optional=("entity", "acknowledged"),
            share=1 / 2,
        )
        table.fill(COLUMNS, [])
        yield table
        yield Static("", id="detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "audit"
        self.action_reload()

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def action_reload(self) -> None:
        self.post_message(FindingsReady(self.read(partial(audit.run_audit, parallel=True))))

    @on(FindingsReady)
    def show_findings(self, message: FindingsReady) -> None:
        table = self.query_one("#findings", FitTable)
        self.rows = []
        cells: list[tuple[Text | str, ...]] = []
        groups: dict[str, list[audit.Finding]] = {}
        for finding in message.findings:
            groups.setdefault(finding.rule, []).append(finding)
        for name, group in groups.items():
            rule = audit.RULES[name]
            heading = Text(f"{name} — {rule.title} ({len(group)})", "bold")
            cells.append((Text(rule.severity, _STYLE[rule.severity]), "", heading, "", ""))
            self.rows.append(None)
            for finding in group:
                cells.append(
                    (
                        "",
                        finding.subject,
                        finding.explanation,
                        "" if finding.entity_id is None else str(finding.entity_id),
                        f"yes, by {finding.ack_actor}" if finding.acknowledged else "",
                    )
                )
                self.rows.append(finding)
        table.fill(COLUMNS, cells)
        remaining = sum(
            not f.acknowledged and audit.at_least(f.severity, "warning") for f in message.findings
        )
        self.query_one("#audit-status", Static).update(
            f"{len(message.findings)} finding(s) under {len(groups)} rule(s); "
            f"{remaining} warning(s) or error(s) not acknowledged"
        )
        table.focus()
        self.show_detail()

    def selected(self) -> audit.Finding | None:
        row = self.query_one("#findings", DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        finding = self.selected()
        detail = self.query_one("#detail", Static)
        if finding is None:
            detail.update(Text("a rule: its findings follow", "dim"))
            return
        lines = [Text(finding.explanation)]
        if finding.acknowledged:
            when = (finding.ack_at or "")[:10]
            lines.append(Text(f"acknowledged by {finding.ack_actor} on {when}: {finding.ack_reason}"))
        detail.update(Text("\n").join(lines))

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        finding = self.selected()
        if finding is None:
            return
        entry_id = _id_of(finding, "sanction_entry")
        source_id = _id_of(finding, "source")
        if finding.entity_id is not None:
            self.app.open_entity(finding.entity_id)
        elif entry_id is not None:
            self.app.open_entry(entry_id)
        elif source_id is not None:
            self.app.open_source(source_id)
        else:
            self.notify(
                f"{finding.subject} is not an entity, list record or source: nothing to open",
                severity="warning",
            )

    @work(thread=True, group="audit-form", exit_on_error=False)
    def action_decide(self, status: str) -> None:
        finding = self.selected()
        link_id = None if finding is None else _id_of(finding, "link")
        if finding is None or link_id is None:
            self.app.call_from_thread(self.notify, "choose a finding about a link", severity="warning")
            return

        try:
            link = self.read(lambda session: curation.read_row(session, "link", link_id))
        except NotFound:
            self.app.call_from_thread(self.notify, f"link {link_id} is gone", severity="warning")
            return
        form = forms.decision_form(self.database, link, status, finding.explanation)
        self.post_message(ShowScreen(form, self.after_edit))

    def action_acknowledge(self) -> None:
        finding = self.selected()
        if finding is None or finding.acknowledged:
            self.notify("choose a finding not yet acknowledged", severity="warning")
            return
        database = self.database

        def submit(values: dict[str, Any]) -> str:
            with editing(database) as editor:
                audit.acknowledge(editor, finding.rule, finding.subject, values["reason"] or "")
            return finding.subject

        reason = Field("reason", "Reason", placeholder="why this is acceptable (logged)", required=True)
        title = f"Acknowledge {finding.rule} {finding.subject}"
        self.app.push_screen(FormScreen(title, [reason], submit, note=finding.explanation), self.after_edit)
