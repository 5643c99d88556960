"""The CPU a local PostgreSQL server spends for a benchmark: its backend processes' own
work, apart from the machine's load and from the client's CPU."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def server_clock(pid: int) -> Callable[[], float] | None:
    """CPU seconds (user and system) a local server process has used so far, from
    /proc; none for a server on another machine."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")

    def seconds() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    return seconds
