"""An import killed with SIGKILL midway leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from db_state import state
from excerpts import DATA
from sqlalchemy import text

from refdb import changelog
from refdb.database import Database
from refdb.importers.delta import BATCH
from refdb.importers.service import import_list

# Runs the import in a child process; its progress callback says when entries are being
# written (inside the transaction) and pauses, so the parent's SIGKILL lands midway.
CHILD = """
import sys, time
from pathlib import Path
from refdb.database import Database
from refdb.importers.service import import_list

def progress(stage, done, total):
    if stage == "write":
        print(f"written {done} of {total}", flush=True)
        time.sleep(0.5)

import_list(
    Database(sys.argv[1], actor="doomed"), "ofac-sdn", file=Path(sys.argv[2]), progress=progress,
    allow_shrink=True,
)
print("finished", flush=True)
"""


def big_sdn_file(folder: Path, copies: int) -> Path:
    """A valid SDN CSV many batches long: the 2024 excerpt's records under fresh ent_nums."""
    lines = (DATA / "ofac" / "2024-05-03" / "sdn.csv").read_bytes().rstrip(b"\x1a").splitlines()
    body = [
        str(100_000 + copy * len(lines) + i).encode() + line[line.index(b",") :]
        for copy in range(copies)
        for i, line in enumerate(lines)
    ]
    folder.mkdir()
    path = folder / "sdn.csv"
    path.write_bytes(b"\r\n".join(body) + b"\r\n\x1a")
    return path


def test_sigkill_midway_leaves_the_database_as_before(empty_db: Database, tmp_path: Path) -> None:
    import_list(empty_db, "ofac-sdn", file=DATA / "ofac" / "2021-07-07" / "sdn.csv")
    before = state(empty_db)
    big = big_sdn_file(tmp_path / "big", copies=BATCH // 12 * 4)

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, empty_db.url, str(big)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first.startswith("written ") and not first.startswith(f"written {BATCH * 4}")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    empty_db.engine.dispose()  # reopen as a new process would
    reopened = Database(empty_db.url)
    reopened.ensure_ready()
    with reopened.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert state(reopened) == before
    with reopened.session() as session:
        assert changelog.verify_chain(session).intact
    reopened.close()
