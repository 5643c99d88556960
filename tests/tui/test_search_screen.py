"""The search screen's workers: one search at a time, the last query's answer shown."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from pilot_helpers import settle
from refdb_tui.app import RefdbApp
from refdb_tui.screens import search as search_screen
from textual.widgets import Static

from refdb.database import Database


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
