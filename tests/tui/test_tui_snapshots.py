"""Snapshots of the main screens at 80x24 (update with `pytest --snapshot-update`, then review)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from pilot_helpers import propose_pelosi
from refdb_tui.app import RefdbApp
from textual.pilot import Pilot
from textual.widgets import Input

from refdb.database import Database
from refdb.services import lookup

SIZE = (80, 24)


async def steady(pilot: Pilot) -> None:
    """Wait for the workers, then freeze what changes between runs (blink, database path)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.sub_title = "test database"
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    # A DataTable sizes its columns on an idle pass after new rows; give it one.
    await pilot.pause(0.1)


def then(*steps: Callable[[Pilot], Awaitable[None]]) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        await steady(pilot)  # the app has mounted its first screen
        for step in steps:
            await step(pilot)
            await steady(pilot)

    return run


def opening(database: Database, key: str) -> Callable[[Pilot], Awaitable[None]]:
    async def step(pilot: Pilot) -> None:
        with database.session() as session:
            pilot.app.open_entity(lookup.find_entity(session, key).id)  # type: ignore[attr-defined]

    return step


def pressing(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def step(pilot: Pilot) -> None:
        await pilot.press(*keys)

    return step


def test_search_results(snap_compare, tui_db: Database) -> None:
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=then(pressing(*"li shang")))


def test_search_empty_state(snap_compare, tui_db: Database) -> None:
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=then(pressing(*"zzqxw")))


def test_entity_timeline(snap_compare, tui_db: Database) -> None:
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=then(opening(tui_db, "li-shangfu")))


def test_entity_sanctions(snap_compare, tui_db: Database) -> None:
    run_before = then(opening(tui_db, "li-shangfu"), pressing("2"))
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=run_before)


def test_list_record(snap_compare, tui_db: Database) -> None:
    run_before = then(opening(tui_db, "li-shangfu"), pressing("2", "enter"))
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=run_before)


def test_tenure_form_with_errors(snap_compare, tui_db: Database) -> None:
    async def bad_dates(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#field-start_on", Input).value = "2023-13"
        pilot.app.screen.query_one("#field-end_on", Input).value = "2022"
        await pilot.press("ctrl+s")

    run_before = then(opening(tui_db, "li-shangfu"), pressing("t"), bad_dates)
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, tui_db: Database) -> None:
    run_before = then(opening(tui_db, "li-shangfu"), pressing("f1"))
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=run_before)


def test_post_holders(snap_compare, tui_db: Database) -> None:
    run_before = then(opening(tui_db, "li-shangfu"), pressing("enter"))
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=run_before)


def test_holders_on_date(snap_compare, tui_db: Database) -> None:
    async def ask(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#post", Input).value = "minister of national defense"
        pilot.app.screen.query_one("#date", Input).value = "2023-05"
        pilot.app.screen.query_one("#date", Input).focus()
        await pilot.press("enter")

    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=then(pressing("f2"), ask))


def test_officials_sanctioned_today(snap_compare, tui_db: Database) -> None:
    run_before = then(pressing("f8"), pressing("ctrl+t"))
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=run_before)


def test_links_list(snap_compare, tui_db: Database) -> None:
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=then(pressing("f9")))


def test_merge_proposal_side_by_side(snap_compare, tui_db: Database, tmp_path: Path) -> None:
    propose_pelosi(tui_db, tmp_path)
    run_before = then(pressing("f10"), pressing("down"))
    assert snap_compare(RefdbApp(tui_db), terminal_size=SIZE, run_before=run_before)
