"""The TUI audit screen, driven through Pilot on a seeded SQLite file (workers need a file)."""

from __future__ import annotations

from pilot_helpers import screen_lines, settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.audit import AuditScreen
from refdb_tui.screens.entity import EntityScreen
from refdb_tui.screens.form import FormScreen
from refdb_tui.screens.source import SourceScreen
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
        headings = [str(table.get_row_at(i)[2]) for i, f in enumerate(screen.rows) if f is None]
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


async def test_a_finding_about_a_source_opens_the_source_and_what_cites_it(tui_db: Database) -> None:
    """Enter on a fact-unverified finding (subject source:N) opened nothing."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_audit(pilot)
        select_finding(screen, "fact-unverified", "U.S. Department of State announcement")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SourceScreen)
        text = "\n".join(screen_lines(app))
        assert "U.S. Department of State announcement of 20 September 2018" in text
        assert "press release · U.S. Department of State · published 2018-09-20 · not verified" in text
        assert "14 fact(s) cite it: 1 authority, 3 entities, 2 links" in text
        assert all(len(line.rstrip()) <= 80 for line in screen_lines(app))
        # From a citing fact to the entity it is about.
        cited = app.screen.query_one("#cited", DataTable)
        row = next(i for i, fact in enumerate(app.screen.rows) if fact["entity"] == "Li Shangfu")
        cited.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen)
        assert str(app.screen.query_one("#entity-title", Static).render()).startswith("Li Shangfu")


async def test_findings_fit_80_columns(tui_db: Database) -> None:
    """The rule's heading in the subject column made it 70 cells wide: at 80 columns
    the findings themselves were out of sight."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_audit(pilot)
        table = screen.query_one("#findings", DataTable)
        assert table.virtual_size.width <= table.size.width
        text = "\n".join(screen_lines(app))
        assert "source:" in text and "U.S. Department of State announcement" in text
