"""The TUI audit screen, driven through Pilot on a seeded SQLite file (workers need a file)."""

from __future__ import annotations

from pilot_helpers import settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.audit import AuditScreen
from refdb_tui.screens.entity import EntityScreen
from refdb_tui.screens.form import FormScreen
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from refdb.database import Database
from refdb.models import FindingAck


async def open_audit(pilot: Pilot) -> AuditScreen:
    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AuditScreen)
    return screen


def select_finding(screen: AuditScreen, rule: str, explanation_start: str) -> None:
    row = next(
        i
        for i, f in enumerate(screen.rows)
        if f is not None and f.rule == rule and f.explanation.startswith(explanation_start)
    )
    screen.query_one("#findings", DataTable).move_cursor(row=row)


async def test_findings_grouped_by_rule_and_acknowledged(tui_db: Database) -> None:
    app = RefdbApp(tui_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_audit(pilot)
        table = screen.query_one("#findings", DataTable)
        headings = [str(table.get_row_at(i)[1]) for i, f in enumerate(screen.rows) if f is None]
        assert [h.split(" — ")[0] for h in headings] == [
            "fact-unverified",
            "in-office-while-sanctioned",
            "tenure-unconfirmed",
        ]
        status = str(screen.query_one("#audit-status", Static).render())
        assert "2 warning(s) or error(s) not acknowledged" in status  # the seeds' two unconfirmed tenures

        select_finding(screen, "in-office-while-sanctioned", "Li Shangfu held Minister")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-reason", Input).value = "the report the audit is for"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        (acknowledged,) = [f for f in screen.rows if f is not None and f.acknowledged]
        assert acknowledged.ack_reason == "the report the audit is for"
        assert acknowledged.ack_actor == "tui-tester"

        select_finding(screen, "in-office-while-sanctioned", "Li Shangfu held Minister")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert app.screen.entity_id == acknowledged.entity_id
    with tui_db.session() as session:
        assert session.exec(select(FindingAck.subject)).all() == [acknowledged.subject]


async def test_deciding_a_findings_link_opens_its_decision_form(tui_db: Database) -> None:
    # The screen reads the link through the service layer (curation.read_row), not the ORM.
    app = RefdbApp(tui_db)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_audit(pilot)
        select_finding(screen, "in-office-while-sanctioned", "Li Shangfu held Minister")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "now confirmed, score 1.00" in " ".join(
            str(widget.render()) for widget in app.screen.query(Static)
        )
