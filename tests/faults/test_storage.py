"""A database or disk refdb cannot use: one line and exit 2, never a traceback."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.faults.conftest import OFAC_2021, Victim
from tests.importers.db_state import state

SDN = str(OFAC_2021 / "sdn.csv")
ROOT = os.geteuid() == 0


def test_db_is_a_directory(refdb: Run, tmp_path: Path) -> None:
    result = refdb("import", "ofac-sdn", "--file", SDN, "--db", str(tmp_path))

    assert result.code == 2 and result.err_lines == [f"refdb: {tmp_path} is a directory, not a database file"]


def test_db_is_a_damaged_file(refdb: Run, tmp_path: Path) -> None:
    damaged = tmp_path / "refdb.db"
    damaged.write_bytes(os.urandom(64 * 1024))

    result = refdb("import", "ofac-sdn", "--file", SDN, "--db", str(damaged))

    assert result.code == 2
    assert result.err_lines == [
        f"refdb: {damaged} is not a SQLite database, or is damaged (file is not a database)"
    ]


def test_db_locked_by_another_process(refdb: Run, victim: Victim) -> None:
    """Another program holds an exclusive lock (outside WAL mode, so readers wait too)."""
    victim.database.engine.dispose()
    holder = sqlite3.connect(victim.path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(5, holder.rollback)
    release.start()
    try:
        result = refdb("import", "ofac-sdn", "--file", SDN, "--db", str(victim.path), "--force")
    finally:
        release.cancel()
        holder.rollback()
        holder.close()

    victim.assert_refused(result, "is locked", "try again")


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then writes fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_while_writing(victim: Victim, tmp_path: Path) -> None:
    bigger = tmp_path / "bigger"
    bigger.mkdir()
    # Every entry under a new ent_num: thousands of rows to write, more than the disk takes.
    lines = (OFAC_2021 / "sdn.csv").read_bytes().rstrip(b"\x1a").splitlines()
    body = [
        str(500_000 + copy * 13 + i).encode() + line[line.index(b",") :]
        for copy in range(300)
        for i, line in enumerate(lines[:13])
    ]
    (bigger / "sdn.csv").write_bytes(b"\r\n".join(body) + b"\r\n")
    limit = victim.path.stat().st_size + 64 * 1024
    victim.database.engine.dispose()

    command = ["import", "ofac-sdn", "--file", str(bigger / "sdn.csv"), "--db", str(victim.path)]
    result = subprocess.run(
        [sys.executable, "-c", "from refdb.cli import main; main()", *command, "--allow-shrink"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_file_size_limit(limit),
    )

    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"refdb: cannot write to {victim.path}: the disk is full or failing")
    victim.assert_intact()


def test_no_writable_folder_for_the_download(refdb: Run, victim: Victim, monkeypatch, server) -> None:
    monkeypatch.setattr("tempfile.tempdir", "/proc/refdb-nowhere")  # /proc refuses folders, even to root
    url = server.publish(OFAC_2021 / "sdn.csv")

    result = refdb("import", "ofac-sdn", "--url", url, "--db", str(victim.path))

    victim.assert_refused(result, "cannot make a folder for the download", "TMPDIR")


@pytest.mark.skipif(ROOT, reason="file permissions do not bind root, which these tests run as here")
def test_a_read_only_database_file(refdb: Run, victim: Victim) -> None:
    victim.database.engine.dispose()
    victim.path.chmod(0o444)
    try:
        result = refdb("import", "ofac-sdn", "--file", SDN, "--db", str(victim.path), "--force")
    finally:
        victim.path.chmod(0o644)

    victim.assert_refused(result, "read-only")


@pytest.mark.skipif(ROOT, reason="file permissions do not bind root, which these tests run as here")
def test_an_unreadable_list_file(refdb: Run, victim: Victim, tmp_path: Path) -> None:
    locked = tmp_path / "locked" / "sdn.csv"
    locked.parent.mkdir()
    locked.write_bytes((OFAC_2021 / "sdn.csv").read_bytes())
    locked.chmod(0)

    result = refdb("import", "ofac-sdn", "--file", str(locked), "--db", str(victim.path))

    victim.assert_refused(result, "cannot read", "Permission denied")
    assert state(victim.database) == victim.before
