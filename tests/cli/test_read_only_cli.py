"""A database that can only be read (issue 13, item 11): searched and shown, and a
write is one line and exit 2. The tests run as root, whom file permissions do not
stop, so the database's folder is mounted read-only (a bind mount in a mount
namespace of the command's own, gone when it exits)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from refdb import bootstrap
from refdb.database import Database

DATA = Path(__file__).resolve().parents[1] / "data"
IN_READ_ONLY_MOUNT = 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && shift 2 && exec "$@"'


def _mounts_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not _mounts_work(), reason="needs unshare --mount (root or user namespaces) for a read-only mount"
)


@pytest.fixture
def read_only(tmp_path: Path):
    """A seeded SQLite database whose folder is read-only to the commands run through
    the returned function, which gives (exit code, stdout, stderr)."""
    folder, mount = tmp_path / "db", tmp_path / "ro"
    folder.mkdir()
    mount.mkdir()
    database = Database(f"sqlite:///{folder / 'refdb.db'}", actor="tester")
    bootstrap.initialize(database, announce=lambda _message: None)
    with database.reading() as reader:  # index the seeds, as a first search does
        from refdb.search.service import find

        find(reader, "li shangfu")
    database.close()

    def run(*args: str) -> tuple[int, str, str]:
        command = [sys.executable, "-c", "from refdb.cli import main; main()", *args]
        command += ["--db", str(mount / "refdb.db")]
        done = subprocess.run(
            ["unshare", "--mount", "sh", "-c", IN_READ_ONLY_MOUNT, "sh", str(folder), str(mount), *command],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        return done.returncode, done.stdout, done.stderr

    run.database = database  # type: ignore[attr-defined]
    return run


def test_a_read_only_database_can_be_searched_and_shown(read_only) -> None:
    code, out, err = read_only("search", "li shangfu", "--json")
    assert code == 0, err
    assert "Li Shangfu" in out
    code, out, err = read_only("show", "li-shangfu")
    assert code == 0, err
    assert "Minister of National Defense" in out


def test_a_write_to_it_is_one_line_and_exit_2(read_only) -> None:
    code, out, err = read_only("import", "ofac-sdn", "--file", str(DATA / "ofac" / "russia" / "sdn.csv"))
    assert (code, out) == (2, "")
    (line,) = err.strip().splitlines()
    assert line.startswith("refdb: ") and "read-only" in line, line


def test_names_written_before_it_became_read_only_are_still_found(read_only) -> None:
    with read_only.database.engine.begin() as connection:
        entry = connection.execute(text("SELECT min(id) FROM sanction_entry")).scalar_one()
        connection.execute(
            text("INSERT INTO entry_name (entry_id, name, kind, normalized) VALUES (:e, :n, 'alias', :n)"),
            {"e": entry, "n": "quennington zorblatt"},
        )
    read_only.database.close()
    code, out, err = read_only("search", "Quennington Zorblatt", "--json")
    assert code == 0, err
    assert "quennington zorblatt" in out
