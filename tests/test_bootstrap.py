"""`refdb init` killed or failing midway (issue 13, item 12) leaves no database that
later commands would accept half made for ever: the SQLite file is built beside its
place and renamed into it when complete; on PostgreSQL the schema, the seeds and the
index are one transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from refdb import bootstrap, seeding
from refdb.database import Database
from refdb.errors import DatabaseNotReady
from refdb.search.service import find
from tests.conftest import _database_url

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


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """An empty schema on the PostgreSQL server (skipped without one)."""
    with _database_url("postgresql", tmp_path) as url:
        yield url


def _finds_li_shangfu(url: str) -> bool:
    database = Database(url)
    try:
        with database.reading() as reader:
            return any(hit.name == "Li Shangfu" for hit in find(reader, "li shangfu"))
    finally:
        database.close()


def test_a_creation_failing_midway_leaves_nothing_and_the_next_init_completes(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = seeding.load_seeds

    def fail_after_seeding(*args: object, **kwargs: object) -> dict[str, int]:
        loaded(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("the server went away")

    monkeypatch.setattr(seeding, "load_seeds", fail_after_seeding)
    database = Database(db_url, actor="tester")
    with pytest.raises(RuntimeError, match="went away"):
        bootstrap.create(database, announce=lambda _message: None)
    assert database.schema_revision() is None
    assert not database.holds_other_tables(), "no half-made schema is left behind"
    with pytest.raises(DatabaseNotReady, match="refdb init"):
        database.ensure_ready()

    monkeypatch.undo()
    counts = bootstrap.create(database, announce=lambda _message: None)
    assert counts["created"] > 0
    database.close()
    assert _finds_li_shangfu(db_url)


@pytest.mark.postgres
@pytest.mark.parametrize("delay", [0.0, 0.5, 1.0, 2.0, 4.0])
def test_an_init_killed_midway_on_postgresql_leaves_no_schema(pg_url: str, delay: float) -> None:
    init = subprocess.Popen([*REFDB, "init", "--db", pg_url], stderr=subprocess.PIPE, text=True)
    assert init.stderr is not None
    assert "creating a new database" in init.stderr.readline()
    time.sleep(delay)
    init.send_signal(signal.SIGKILL)
    init.wait()
    search = _refdb("search", "li shangfu", "--db", pg_url)
    if search.returncode == 0:  # the run had finished: then the database is whole
        assert "Li Shangfu" in search.stdout
        return
    assert search.returncode == 2, search.stderr
    assert search.stderr.count("\n") == 1 and "no refdb schema yet: run `refdb init`" in search.stderr
    again = _refdb("init", "--db", pg_url)
    assert again.returncode == 0, again.stderr
    assert _finds_li_shangfu(pg_url)
