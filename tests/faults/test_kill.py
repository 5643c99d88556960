"""`refdb import` killed with SIGKILL while it writes: the database is as before, and the
next import works."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import Run
from tests.faults.conftest import OFAC_2021, Victim


def many_entries(folder: Path, copies: int) -> Path:
    """The excerpt's 13 records again and again under fresh ent_nums: thousands to write."""
    lines = (OFAC_2021 / "sdn.csv").read_bytes().rstrip(b"\x1a").splitlines()[:13]
    body = [
        str(500_000 + copy * 13 + i).encode() + line[line.index(b",") :]
        for copy in range(copies)
        for i, line in enumerate(lines)
    ]
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(b"\r\n".join(body) + b"\r\n")
    return folder / "sdn.csv"


def test_sigkill_while_writing_loses_nothing(refdb: Run, victim: Victim, tmp_path: Path) -> None:
    big = many_entries(tmp_path / "big", copies=400)  # 5,200 entries
    victim.database.engine.dispose()
    wal = victim.path.with_name(victim.path.name + "-wal")
    started = wal.stat().st_size if wal.exists() else 0
    command = ["import", "ofac-sdn", "--file", str(big), "--db", str(victim.path), "--allow-shrink"]
    child = subprocess.Popen([sys.executable, "-c", "from refdb.cli import main; main()", *command])
    try:
        deadline = time.monotonic() + 60
        # Kill once the write transaction is well under way: its pages pile up in the WAL.
        while (wal.stat().st_size if wal.exists() else 0) < started + 500_000:
            assert child.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    victim.assert_intact()
    after = refdb(
        "import", "ofac-sdn", "--file", str(big), "--db", str(victim.path), "--allow-shrink", "--json"
    )
    assert after.code == 0, after.err
    assert victim.entries() == 13 + 5_200
