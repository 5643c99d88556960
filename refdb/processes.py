"""Worker processes for the audit and for screening: spawned, never forked.

Spawned, because a forked child would inherit the parent's open database connections.
"""

from __future__ import annotations

import multiprocessing
import sys
from contextlib import redirect_stderr
from multiprocessing import resource_tracker
from multiprocessing.context import SpawnContext


def spawn_context() -> SpawnContext:
    """The spawn context, with multiprocessing's resource tracker started first.

    Starting a pool starts the tracker and hands it ``sys.stderr``; under the TUI that
    is Textual's capture, whose file descriptor is -1 ("bad value(s) in fds_to_keep").
    The tracker gets this process's own stderr instead, swapped in only while it starts.
    """
    if sys.stderr is not sys.__stderr__:
        with redirect_stderr(sys.__stderr__):
            resource_tracker.ensure_running()
    return multiprocessing.get_context("spawn")
