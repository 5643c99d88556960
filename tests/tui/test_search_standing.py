"""The search screen says why a curated hit matters, above why it matched."""

from __future__ import annotations

from pilot_helpers import settle
from refdb_tui.app import RefdbApp
from textual.widgets import Static

from refdb.database import Database


async def test_the_detail_of_a_hit_names_its_posts_and_sanctions(tui_db: Database) -> None:
    async with RefdbApp(tui_db).run_test(size=(120, 30)) as pilot:
        await pilot.press(*"li shangfu")
        await settle(pilot)
        detail = str(pilot.app.screen.query_one("#search-detail", Static).render())
        first, *rest = detail.splitlines()
        assert first == (
            "Minister of National Defense (former), +4 posts; sanctioned: ofac-sdn 24838 (confirmed)"
        )
        assert rest, "the explanation follows"
