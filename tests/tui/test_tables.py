"""What a table shows the moment it is filled: columns already fit their rows."""

from __future__ import annotations

from pilot_helpers import settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.asof import AnswerReady, HoldersScreen
from refdb_tui.screens.entity import EntityScreen, ProfileReady
from test_app import SIZE, open_entity
from textual.widgets import DataTable

from refdb.database import Database
from refdb.services import lookup


def painted(table: DataTable) -> list[str]:
    """The table's lines as they would be painted now (header first), without waiting."""
    return [table.render_line(y).text.rstrip() for y in range(table.row_count + 1)]


async def test_holders_table_columns_fit_the_rows_as_soon_as_they_are_shown(tui_db: Database) -> None:
    """No idle pass, paint or pause between filling the table and painting it: the columns
    are already as wide as their widest cell, however busy the machine is."""
    with tui_db.session() as session:
        rows = lookup.holders(session, "minister of national defense", "2023-05")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HoldersScreen)
        screen.show(AnswerReady(rows, "status"))
        table = screen.query_one("#answers", DataTable)
        lines = painted(table)
        assert lines[0].split()[:3] == ["holder", "post", "organization"]
        assert "Li Shangfu  Minister of National Defense  Ministry of National Defense" in lines[1]


async def test_entity_tables_fit_rows_as_soon_as_shown_and_narrow_again(tui_db: Database) -> None:
    with tui_db.session() as session:
        profile = lookup.entity_profile(session, "li-shangfu")
    app = RefdbApp(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entity(pilot, tui_db, "li-shangfu")
        screen.show_profile(ProfileReady(profile))
        table = screen.query_one("#table-posts", DataTable)
        assert "Minister of National Defense" in painted(table)[1]
        widest = [column.get_render_width(table) for column in table.ordered_columns]
        # A reload with fewer tenures narrows the columns again (clear() alone would not).
        screen.show_profile(ProfileReady({**profile, "tenures": profile["tenures"][-1:]}))
        assert [column.get_render_width(table) for column in table.ordered_columns] != widest
        assert "Director of the Equipment Development Department" in painted(table)[1]
        assert isinstance(app.screen, EntityScreen)
