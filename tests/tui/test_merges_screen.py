"""The merge proposals screen (F10), driven through Textual's Pilot: an officials import
unsure whether its Nancy Pelosi is the seeded one proposes a merge, reviewed here."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import propose_pelosi, settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens.entity import EntityScreen
from refdb_tui.screens.form import FormScreen
from refdb_tui.screens.merges import MergesScreen
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from refdb.database import Database
from refdb.services import lookup, merges

SIZE = (100, 32)


def waiting(database: Database) -> list[int | None]:
    with database.session() as session:
        return [p.id for p in merges.merge_proposals(session)]


def text_of(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


def ids_listed(pilot: Pilot) -> list[str]:
    table = pilot.app.screen.query_one(DataTable)
    return [str(table.get_row_at(row)[0]) for row in range(table.row_count)]


async def test_no_proposal_says_so(tui_db: Database) -> None:
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MergesScreen)
        assert pilot.app.screen.sub_title == "merge proposals waiting"
        assert ids_listed(pilot) == []
        assert (
            text_of(pilot, "#merge-proposals-status")
            == "no merge proposals waiting (imports add one when unsure)"
        )
        assert not pilot.app.screen.query_one("#merge-sides").display


async def test_a_proposal_shows_both_entities_side_by_side(tui_db: Database, tmp_path: Path) -> None:
    proposal = propose_pelosi(tui_db, tmp_path)
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        assert ids_listed(pilot) == [str(proposal["merge_id"])]
        assert text_of(pilot, "#merge-why").startswith(f"why proposed: {proposal['explanation']}")
        kept, other = text_of(pilot, "#merge-kept"), text_of(pilot, "#merge-other")
        assert f"keep: Nancy Pelosi ({proposal['entity_id']}" in kept
        assert f"merge into it: Nancy Pelosi ({proposal['other_id']}" in other
        assert "born: 1940-03-26" in kept and "born: not known" in other
        assert "bioguide P000197" in other and "bioguide" not in kept
        assert "Test officials" in other  # the imported file, cited for its facts
        await pilot.press("down", "o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EntityScreen)
        assert pilot.app.screen.entity_id == proposal["other_id"]


async def test_accepting_needs_a_reason_and_merges_the_two(tui_db: Database, tmp_path: Path) -> None:
    proposal = propose_pelosi(tui_db, tmp_path)
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(pilot, "#error-decision_reason") == "say why you decide so"
        assert waiting(tui_db) == [proposal["merge_id"]]  # nothing decided
        pilot.app.screen.query_one("#field-decision_reason", Input).value = "same bioguide member"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, MergesScreen)
        assert ids_listed(pilot) == []
        assert text_of(pilot, "#merge-proposals-status").startswith("no merge proposals waiting")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert pilot.app.screen.sub_title == "merge proposals accepted"
        assert ids_listed(pilot) == [str(proposal["merge_id"])]
        assert "accepted by tui-tester: same bioguide member" in text_of(pilot, "#merge-why")
    with tui_db.session() as session:
        assert lookup.find_entity(session, proposal["other_id"]).id == proposal["entity_id"]
        identifiers = lookup.entity_profile(session, proposal["entity_id"])["identifiers"]
        assert ("bioguide", "P000197") in {(i["scheme"], i["value"]) for i in identifiers}


async def test_rejecting_keeps_them_apart(tui_db: Database, tmp_path: Path) -> None:
    proposal = propose_pelosi(tui_db, tmp_path)
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("down", "x")
        await settle(pilot)
        pilot.app.screen.query_one("#field-decision_reason", Input).value = "a namesake"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ids_listed(pilot) == []
        await pilot.press("ctrl+t", "ctrl+t")  # rejected
        await settle(pilot)
        assert ids_listed(pilot) == [str(proposal["merge_id"])]
        await pilot.press("down", "a")  # decided: not decided again
        await settle(pilot)
        assert isinstance(pilot.app.screen, MergesScreen)
    with tui_db.session() as session:
        assert lookup.find_entity(session, proposal["other_id"]).id == proposal["other_id"]
        [rejected] = merges.merge_proposals(session, "rejected")
        assert (rejected.decided_by, rejected.decision_reason) == ("tui-tester", "a namesake")


async def test_the_filter_finds_either_name(tui_db: Database, tmp_path: Path) -> None:
    propose_pelosi(tui_db, tmp_path)
    async with RefdbApp(tui_db).run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press(*"pelo")
        await settle(pilot)
        assert len(ids_listed(pilot)) == 1
        pilot.app.screen.query_one("#filter", Input).value = "zzqx"
        await settle(pilot)
        assert text_of(pilot, "#merge-proposals-status") == "no merge proposals waiting with 'zzqx' in a name"


async def test_a_long_side_scrolls_into_view_at_80x24(tui_db: Database, tmp_path: Path) -> None:
    """The seeded Pelosi's sources run past the panel at 80x24: it scrolls to show them all."""
    propose_pelosi(tui_db, tmp_path)
    async with RefdbApp(tui_db).run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await settle(pilot)
        screen = pilot.app.screen
        sides, kept = screen.query_one("#merge-sides"), screen.query_one("#merge-kept", Static)
        assert kept.region.bottom > sides.region.bottom  # more than the room
        sides.scroll_end(animate=False)
        await pilot.pause()
        assert kept.region.bottom <= sides.region.bottom
        assert screen.query_one(DataTable).region.height >= 4  # the table keeps a few rows
