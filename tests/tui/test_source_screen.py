"""A source's own screen, from the sources list (F5): where it came from and what cites it."""

from __future__ import annotations

from pilot_helpers import screen_lines, settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.form import FormScreen
from refdb_tui.screens.source import SourceScreen

from refdb.database import Database


async def test_enter_on_a_source_shows_it_and_e_edits_it(tui_db: Database) -> None:
    """Enter in the sources list opened the edit form: reading a source meant risking an edit."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", *"sdn")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SourceScreen)
        text = "\n".join(screen_lines(app))
        assert "OFAC SDN list, legacy CSV set" in text
        assert "list file · " in text
        assert "fact(s) cite it" in text
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
