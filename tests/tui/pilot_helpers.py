"""Helpers shared by the Pilot-driven TUI tests."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their messages reach the screen.

    A key press reaches the handler that starts a worker through a few message hops; on
    a loaded machine one pause may return before the worker exists, so wait in rounds.
    """
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
