"""What a table shows the moment it is filled: columns already fit their rows."""

from __future__ import annotations

import pytest
from pilot_helpers import screen_lines, settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.asof import AnswerReady, HoldersScreen
from refdb_tui.screens.entity import TABS, EntityScreen, ProfileReady
from test_app import SIZE, open_entity
from textual.widgets import DataTable

from refdb.database import Database
from refdb.services import curation, lookup


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
        assert "Director of the Equipment Develop" in painted(table)[1]
        assert isinstance(app.screen, EntityScreen)


@pytest.mark.parametrize(("size", "shown"), [((80, 24), ["post"]), ((120, 40), ["post", "organization"])])
async def test_entity_tabs_fit_the_terminal(
    tui_db: Database, size: tuple[int, int], shown: list[str]
) -> None:
    """At 80 columns the tables ran off the right edge: post titles cut mid-word, the
    sanctions' status and every column after the posts' out of sight."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=size) as pilot:
        screen = await open_entity(pilot, tui_db, "li-shangfu")
        for tab in ("posts", "sanctions", "names", "sources"):
            await pilot.press(str(list(TABS).index(tab) + 1))
            await settle(pilot)
            table = screen.query_one(f"#table-{tab}", DataTable)
            assert table.virtual_size.width <= table.size.width, f"{tab} scrolls sideways"
            assert all(len(line.rstrip()) <= size[0] for line in screen_lines(app))
        await pilot.press("1")
        await settle(pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if line.split()[:2] == ["start", "end"])
        assert [label for label in ("post", "organization") if label in header.split()] == shown
        assert any("Minister of National Defense" in line for line in lines)
        # What a narrow table leaves out, the detail panel says.
        assert "Ministry of National Defense" in str(screen.query_one("#detail").render())
        await pilot.press("2")
        await settle(pilot)
        lines = screen_lines(app)
        assert "status" in next(line for line in lines if line.split()[:2] == ["link", "score"]).split()
        assert any("CAATSA - RUSSIA" in line and "active" in line for line in lines)


async def test_change_log_fits_80_columns_and_says_the_reason_whole(tui_db: Database) -> None:
    """The log's reasons ran off the right edge at 80 columns, with nowhere to read them."""
    app = RefdbApp(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one("#changes", DataTable)
        assert table.virtual_size.width <= table.size.width
        [change] = curation_changes(tui_db)
        detail = str(app.screen.query_one("#detail").render())
        assert detail.startswith(f"#{change['id']} by {change['actor']}: {change['reason']}")


def curation_changes(database: Database) -> list[dict]:
    with database.session() as session:
        return curation.recent_changes(session, limit=1)
