"""The on-a-date screens (F2, F3) at 80 columns: prompts and placeholders whole, clear errors."""

from __future__ import annotations

from pilot_helpers import settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.asof import ActiveSanctionsScreen
from textual.widgets import Input, Static

from refdb.database import Database


async def test_active_sanctions_fits_80_columns_and_asks_for_a_date(tui_db: Database) -> None:
    async with RefdbApp(tui_db).run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ActiveSanctionsScreen)
        for field in screen.query(Input):
            assert len(field.placeholder) <= field.content_size.width, field.placeholder
        status = screen.query_one("#status", Static)
        assert len(str(status.render())) <= status.content_size.width
        await pilot.press("enter")
        await settle(pilot)
        assert str(status.render()) == "a date is needed: YYYY, YYYY-MM or YYYY-MM-DD"
