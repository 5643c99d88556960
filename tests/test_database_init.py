"""`refdb init` killed midway (issue 13, item 12): the SQLite file is built beside its
place and renamed into it when complete, so a killed run leaves no database that
later commands would accept empty for ever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REFDB = [sys.executable, "-c", "from refdb.cli import main; main()"]


def _refdb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*REFDB, *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8, 1.5])
def test_an_init_killed_midway_leaves_no_database(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "refdb.db"
    init = subprocess.Popen([*REFDB, "init", "--db", str(path)], stderr=subprocess.PIPE, text=True)
    assert init.stderr is not None
    assert "creating a new database" in init.stderr.readline()
    time.sleep(delay)
    init.send_signal(signal.SIGKILL)
    init.wait()
    search = _refdb("search", "li shangfu", "--db", str(path))
    if path.exists():  # the run had finished: then the database is whole
        assert search.returncode == 0, search.stderr
        assert "Li Shangfu" in search.stdout
        return
    assert search.returncode == 2
    assert f"no database at {path}" in search.stderr
    again = _refdb("init", "--db", str(path))
    assert again.returncode == 0, again.stderr
    assert sorted(os.listdir(tmp_path)) == ["refdb.db"], "the killed run's file is removed"
    assert "Li Shangfu" in _refdb("search", "li shangfu", "--db", str(path)).stdout
