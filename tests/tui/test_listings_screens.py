"""The officials and links lists (F8, F9), driven through Textual's Pilot on the seeds."""

from __future__ import annotations

import pytest
from pilot_helpers import settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.entity import EntityScreen
from refdb_tui.screens.listings import LinksScreen, OfficialsScreen
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from refdb.database import Database

SIZE = (100, 30)


def column(pilot: Pilot, label: str) -> list[str]:
    screen = pilot.app.screen
    table = screen.query_one(DataTable)
    index = screen.COLUMNS.index(label)  # type: ignore[attr-defined]
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


def status(pilot: Pilot, noun: str) -> str:
    return str(pilot.app.screen.query_one(f"#{noun}-status", Static).render())


async def test_officials_list_steps_to_the_sanctioned_and_opens_one(tui_db: Database) -> None:
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OfficialsScreen)
        everyone = column(pilot, "name")
        assert "Li Shangfu" in everyone and "Nancy Pelosi" in everyone
        assert status(pilot, "officials").startswith(f"{len(everyone)} official(s)")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert column(pilot, "name") == ["Li Shangfu"]
        assert pilot.app.screen.sub_title == "officials sanctioned today"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EntityScreen)
        assert pilot.app.screen.entity_id == first_id_of(tui_db, "li-shangfu")


def first_id_of(database: Database, key: str) -> int:
    from refdb.services import lookup

    with database.session() as session:
        return lookup.find_entity(session, key).id  # type: ignore[return-value]


async def test_officials_filter_by_name_as_you_type(tui_db: Database) -> None:
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press(*"pelo")
        await settle(pilot)
        assert column(pilot, "name") == ["Nancy Pelosi"]
        pilot.app.screen.query_one("#filter", Input).value = "zzqx"
        await settle(pilot)
        assert status(pilot, "officials") == "no officials with 'zzqx' in the name"


async def test_a_capped_list_says_how_many_match_in_all(
    tui_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(OfficialsScreen, "CAP", 3)
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f8")
        await settle(pilot)
        assert len(column(pilot, "name")) == 3
        assert status(pilot, "officials") == "3 of 11 officials: type to narrow"


async def test_links_list_steps_through_statuses(tui_db: Database) -> None:
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, LinksScreen)
        assert "Li Shangfu" in column(pilot, "entity")
        await pilot.press("ctrl+t")  # proposed: the seeds propose none
        await settle(pilot)
        assert column(pilot, "entity") == []
        assert status(pilot, "links") == "no links proposed"
        await pilot.press("ctrl+t")  # confirmed
        await settle(pilot)
        assert "Li Shangfu" in column(pilot, "entity")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EntityScreen)
