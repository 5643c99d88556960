"""The search screen's workers: one search at a time, the last query's answer shown."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

import pytest
from pilot_helpers import screen_lines, settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens import search as search_screen
from textual.widgets import Static

from refdb.database import Database
from refdb.search import freshness
from refdb.services import curation, lookup
from refdb.services.edits import editing


async def test_keystrokes_never_search_side_by_side(
    tui_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an import the first search indexes the new names; a search started beside it
    by the next keystroke waited for it and failed as if another process held the
    database, leaving "indexing ..." and no results on screen."""
    real = search_screen.search
    running, most = 0, 0
    lock = threading.Lock()

    def slow_search(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # as indexing does, for longer
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(search_screen, "search", slow_search)
    async with RefdbApp(tui_db).run_test(size=(80, 24)) as pilot:
        await pilot.press(*"li shang")
        await settle(pilot)
        assert most == 1
        status = str(pilot.app.screen.query_one("#search-status", Static).render())
        assert "match(es) for 'li shang'" in status


@pytest.mark.parametrize("width", [80, 120])
async def test_result_columns_fit_the_width_and_the_name_takes_the_slack(
    tui_db: Database, width: int
) -> None:
    """Columns had fixed widths: a long name was cut at 29 cells even at 120 columns."""
    name = "Equipment Development Department of the Central Military Commission"
    async with RefdbApp(tui_db).run_test(size=(width, 24)) as pilot:
        await pilot.press(*"equipment development")
        await settle(pilot)
        lines = screen_lines(pilot.app)
        [entity] = [line for line in lines if "entity" in line and "Equipment" in line]
        [record] = [line for line in lines if " record " in line and "ofac-sdn 24837" in line]
        [header] = [line for line in lines if line.lstrip().startswith("score")]
        assert "EQUIPMENT DEVELOPMENT DEPARTMENT" in record
        if width == 120:
            assert name in entity
            assert header.rstrip().endswith("record / name matched")
        else:  # cut with an ellipsis, the columns after it still in sight
            assert "Equipment Development Department" in entity and "…" in entity
            assert header.index("kind") == entity.index("public body")
        assert all(len(line.rstrip()) <= width for line in lines)


async def test_a_busy_database_is_said_and_the_search_recovers(
    tui_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the write lock (an import) while the index is behind: the
    search failed in a pop-up and the status line went on with the previous text."""
    monkeypatch.setattr(freshness, "SEARCHED_UNINDEXED", 0)  # no answer without the index
    monkeypatch.setattr(freshness, "SYNC_WAIT_MS", 100)
    monkeypatch.setattr(search_screen, "BUSY_RETRY_S", 0.2)
    with editing(tui_db) as editor:  # a name the index has yet to take in
        curation.add_name(editor, entity_id=_li_shangfu(tui_db), name="Li Shang-fu (general)", kind="alias")
    importer = sqlite3.connect(tui_db.sqlite_file, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # the write lock, as an import holds it
    try:
        async with RefdbApp(tui_db).run_test(size=(80, 24)) as pilot:
            await pilot.press(*"li shang")
            await settle(pilot)
            status = "\n".join(screen_lines(pilot.app))
            assert "database busy: another process (an import?) is writing to it" in status
            assert "'li shang'" in status
            importer.rollback()  # the import ends
            await pilot.pause(0.5)
            await settle(pilot)
            status = str(pilot.app.screen.query_one("#search-status", Static).render())
            assert "match(es) for 'li shang'" in status
    finally:
        importer.close()


def _li_shangfu(database: Database) -> int:
    with database.session() as session:
        return lookup.find_entity(session, "li-shangfu").id  # type: ignore[return-value]
