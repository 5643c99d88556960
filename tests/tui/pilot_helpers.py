"""Helpers shared by the Pilot-driven TUI tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from refdb.database import Database
from refdb.importers.officials import (
    OfficialIdentifier,
    OfficialPerson,
    OfficialPost,
    OfficialsDocument,
    OfficialsSource,
    OfficialTenure,
    apply_officials,
)
from refdb.importers.service import local_download


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their messages reach the screen.

    A key press reaches the handler that starts a worker through a few message hops; on
    a loaded machine one pause may return before the worker exists, so wait in rounds.
    """
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


SOURCE = OfficialsSource("test-officials", "Test officials", "The test suite")
CA_11 = OfficialPost("United States Representative for CA-11", "United States House of Representatives", "us")


def propose_pelosi(database: Database, tmp_path: Path) -> dict[str, Any]:
    """Import a Nancy Pelosi without a birth date: maybe the seeded one, so a proposal."""
    person = OfficialPerson(
        record_id="P000197",
        name="Nancy Pelosi",
        identifiers=(OfficialIdentifier("bioguide", "P000197"),),
        tenures=(OfficialTenure(CA_11, "2023-01-03", None, status="current", locator="terms[18]"),),
        locator="bioguide P000197",
    )
    path = tmp_path / "legislators.yaml"
    path.write_text("Nancy Pelosi, bioguide P000197\n")
    [proposal] = apply_officials(
        database, SOURCE, [OfficialsDocument(local_download(path), [person])]
    ).merge_proposals
    return proposal


def screen_lines(app: App[object]) -> list[str]:
    """The screen's text as the terminal shows it now, line by line (Textual keeps no
    public text render; the compositor's strips are what is painted)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
