"""The back ends: what differs between SQLite and PostgreSQL, asked of one interface."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from refdb import migrate
from refdb.backends import backend_for_url, backend_of
from refdb.database import Database
from refdb.importers import bulk
from refdb.importers.service import import_list

OFSI = Path(__file__).resolve().parents[1] / "data" / "uk" / "sanctionsconlist_2018-04-13.csv"


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


def test_an_import_that_cannot_take_the_sqlite_write_lock_in_time_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "refdb.db"
    database = Database(f"sqlite:///{path}", actor="tester")
    migrate.upgrade(database.engine)
    monkeypatch.setattr(bulk, "SQLITE_WAIT_MS", 1000)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding on
    try:
        with pytest.raises(bulk.ImportBusy, match="writing to this database for over 1 s; try again"):
            import_list(database, "uk", file=OFSI)
    finally:
        holder.rollback()
        holder.close()
        database.close()


def test_only_a_database_another_process_can_open_is_shared() -> None:
    sqlite = backend_for_url("sqlite://")
    assert not sqlite.shared("sqlite://") and not sqlite.shared("sqlite:///:memory:")
    assert sqlite.shared("sqlite:////tmp/refdb.db")
    assert backend_for_url("postgresql+psycopg://refdb@host/refdb").shared(
        "postgresql+psycopg://refdb@host/refdb"
    )


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_plans_each_statement_with_its_own_values(db_url: str) -> None:
    # A cached generic plan made the re-import of 100k people quadratic (docs/benchmarks.md):
    # refdb's statements are never prepared, however often they run.
    lookup = "SELECT count(*) FROM pg_class WHERE relkind = %s AND relname = ANY(%s)"
    prepared = "SELECT count(*) FROM pg_prepared_statements"
    database = Database(db_url, actor="tester")
    try:
        with database.engine.connect() as connection:
            for _ in range(10):
                connection.exec_driver_sql(lookup, ("r", ["entity", "name"]))
            assert connection.exec_driver_sql(prepared).scalar() == 0
            assert connection.exec_driver_sql("SHOW search_path").scalar().startswith("test_")
        with database.reading() as reader:
            for _ in range(10):
                reader.raw.rows(lookup, ("r", ["entity", "name"]))
            assert reader.raw.rows(prepared) == [(0,)]
    finally:
        database.close()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_keeps_the_cached_plans_of_its_own_checks(db_url: str) -> None:
    # plan_cache_mode=force_custom_plan also re-planned every foreign-key check and trigger,
    # row by row: twice the server's time for a bulk import.
    database = Database(db_url, actor="tester")
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "auto"
        with database.reading() as reader:
            assert reader.raw.rows("SHOW plan_cache_mode") == [("auto",)]
    finally:
        database.close()


def _compiled(dbapi_connection: Any, statement: str, params: list[Any]) -> bool:
    """Whether the server JIT-compiles ``statement`` once it counts as costly."""
    dbapi_connection.execute("SET jit_above_cost = 0")  # as a search at 1,000,000 entities is
    try:
        explained = dbapi_connection.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", params)
        ((plan,),) = explained.fetchall()
    finally:
        dbapi_connection.execute("RESET jit_above_cost")
    return "JIT" in plan[0]


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_does_not_compile_a_search_statement_however_costly(db_url: str) -> None:
    # Compiling the postings statement took a search's time at 1M (docs/benchmarks.md).
    database = Database(db_url, actor="tester")
    try:
        migrate.upgrade(database.engine)
        with database.engine.connect() as connection:
            connection.exec_driver_sql("SET LOCAL jit = on")  # pg_jit_available() is false when off
            available = connection.exec_driver_sql("SELECT pg_jit_available()").scalar()
            connection.rollback()
            if not available:
                pytest.skip("this PostgreSQL server cannot JIT-compile: nothing to turn off")
            postings = backend_of(connection).search_index.postings_query(["li"], [(["li"], ["shangfu"])])
            assert not _compiled(connection.connection.dbapi_connection, *postings)
        with database.reading() as reader:
            assert not _compiled(reader.raw.dbapi, *postings)
    finally:
        database.close()
