"""The fault suite: refdb import attacked as a hostile server, a full disk or a kill would.

Every fault runs against a SQLite database already holding the OFAC 2021 excerpt (13
entries), and must end in one line on stderr (``refdb: <reason>``), exit 2 (or the code
docs/faults.md names) and the database exactly as it was: no rows lost or half-written.
Timeouts are made tiny through the environment, so the whole suite takes seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from refdb import migrate
from refdb.database import Database
from refdb.importers.service import import_list
from tests.conftest import Result
from tests.importers.db_state import state
from tests.importers.excerpts import DATA
from tests.importers.loopback import HttpServer, serve

OFAC_2021 = DATA / "ofac" / "2021-07-07"


@dataclass
class Victim:
    """A database holding the 2021 OFAC excerpt, and its state before the fault."""

    path: Path
    database: Database
    before: dict[str, str]

    def entries(self) -> int:
        with self.database.engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM sanction_entry")).scalar_one()

    def assert_refused(self, result: Result, *words: str) -> None:
        """One line on stderr naming the problem, exit 2, nothing on stdout, nothing written."""
        assert "Traceback" not in result.err
        assert result.code == 2, result.err
        [line] = result.err_lines
        assert line.startswith("refdb: ")
        for word in words:
            assert word in line, line
        assert result.out == ""
        self.assert_intact()

    def assert_intact(self) -> None:
        self.database.engine.dispose()
        assert state(self.database) == self.before
        with self.database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"


@pytest.fixture
def victim(tmp_path: Path) -> Iterator[Victim]:
    path = tmp_path / "refdb.db"
    database = Database(f"sqlite:///{path}", actor="tester")
    migrate.upgrade(database.engine)
    import_list(database, "ofac-sdn", file=OFAC_2021 / "sdn.csv")
    yield Victim(path, database, state(database))
    database.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[HttpServer]:
    with serve(tmp_path / "www") as running:
        yield running


@pytest.fixture(autouse=True)
def tiny_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFDB_FETCH_DEADLINE", "1.5")
    monkeypatch.setenv("REFDB_LOCK_WAIT", "0.5")
