"""The back ends: what differs between SQLite and PostgreSQL, asked of one interface."""

from __future__ import annotations

import pytest

from refdb.backends import backend_for_url, backend_of
from refdb.database import Database


def test_a_database_refdb_does_not_run_on_is_one_line_and_exit_2(refdb) -> None:
    result = refdb("search", "Li Shangfu", "--db", "mysql://someone@localhost/refdb")

    assert result.code == 2
    assert result.err_lines == ["refdb: refdb runs on SQLite and PostgreSQL, not mysql"]


def test_each_url_gets_its_own_back_end() -> None:
    assert backend_for_url("sqlite:////tmp/refdb.db").placeholder == "?"
    assert backend_for_url("postgresql+psycopg://refdb@host/refdb").placeholder == "%s"


def test_a_bounded_wait_leaves_the_connection_waiting_as_long_as_before(
    empty_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if empty_db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's lock_timeout is SET LOCAL: it ends with the transaction")
    monkeypatch.setenv("REFDB_LOCK_WAIT", "3")
    with empty_db.engine.connect() as connection:
        with backend_of(connection).waiting_at_most(connection, 25):
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 25
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 3000
