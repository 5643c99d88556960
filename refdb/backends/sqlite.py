"""SQLite: a file, one writer at a time (``BEGIN IMMEDIATE``), waits bounded by busy_timeout."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from refdb.backends import IndexDoc, WriteLockBusy, table_columns
from refdb.connection import lock_wait, sqlite_path

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table


def busy_timeout_ms() -> int:
    """How long a connection waits for another process's lock before giving up."""
    return int(lock_wait() * 1000)


def read_only(path: str | Path) -> bool:
    """Whether a SQLite file can only be read: it, or the folder where SQLite keeps its
    WAL and shared-memory files, cannot be written (a read-only file system, no write
    permission)."""
    path = Path(path)
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def connect(path: str | Path, **options: Any) -> sqlite3.Connection:
    """A ``sqlite3`` connection to a file; to one that can only be read, read-only:
    ``mode=ro`` where SQLite can still share the WAL, else ``immutable=1`` (no locks:
    a file nobody can write meanwhile, as on a read-only file system)."""
    if not read_only(path):
        return sqlite3.connect(path, **options)
    uri = f"file:{quote(str(Path(path).resolve()))}"
    try:
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, **options)
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        return connection
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, **options)


WRITE_CACHE_KIB = 262_144  # the page cache of a connection that took the write lock (an import)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers (the TUI's
    # workers, a second CLI) run while an import writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _fts_any(keys: Sequence[str]) -> str:
    return " OR ".join(f'"{k}"' for k in keys)


class SqliteSearchIndex:
    """The keys in a contentless FTS5 table, ``search_fts`` (``detail=none``: only which
    documents hold a key is needed), its rowid the document's id; ``search_doc.keys``
    holds them as one space-separated text."""

    def write(self, connection: Connection, docs: Sequence[IndexDoc]) -> None:
        connection.exec_driver_sql(
            "INSERT INTO search_doc (id, owner, forms, keys) VALUES (?, ?, ?, ?)",
            [(d, o, f, " ".join(k)) for d, o, f, k in docs],
        )
        connection.exec_driver_sql(
            "INSERT INTO search_fts (rowid, keys) VALUES (?, ?)", [(d, " ".join(k)) for d, _, _, k in docs]
        )

    def delete(self, connection: Connection, ids: str) -> list[tuple[int, list[str]]]:
        rows = connection.exec_driver_sql(f"SELECT id, keys FROM search_doc WHERE id IN ({ids})").all()
        if rows:
            # A contentless FTS5 table forgets a row when told the exact keys it held.
            connection.exec_driver_sql(
                "INSERT INTO search_fts (search_fts, rowid, keys) VALUES ('delete', ?, ?)",
                [(d, k) for d, k in rows],
            )
        connection.exec_driver_sql(f"DELETE FROM search_doc WHERE id IN ({ids})")
        return [(doc, keys.split()) for doc, keys in rows]

    def move_postings(
        self, connection: Connection, added: Mapping[str, list[int]], removed: Mapping[str, list[int]]
    ) -> None:
        """Nothing to do: the FTS5 table changed with each write and delete."""

    def clear(self, connection: Connection) -> None:
        connection.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
        connection.exec_driver_sql("DELETE FROM search_doc")
        connection.exec_driver_sql("DELETE FROM search_term")

    def rebuild_keys(self, connection: Connection) -> None:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab(main, search_fts, 'row')"
        )
        connection.exec_driver_sql(
            "INSERT INTO search_term (term, docs) SELECT term, doc FROM temp.search_vocab"
        )
        connection.exec_driver_sql("DROP TABLE temp.search_vocab")

    def compact(self, connection: Connection) -> None:
        connection.exec_driver_sql("INSERT INTO search_fts (search_fts) VALUES ('optimize')")

    def postings_query(
        self, keys: Sequence[str], pairs: Sequence[tuple[Sequence[str], Sequence[str]]]
    ) -> tuple[str, list[Any]]:
        params = [f'"{key}"' for key in keys]
        params += [f"({_fts_any(a)}) AND ({_fts_any(b)})" for a, b in pairs]
        selects = [
            f"SELECT {part}, group_concat(rowid) FROM search_fts WHERE search_fts MATCH ?"
            for part in range(len(params))
        ]
        return " UNION ALL ".join(selects), params

    def holds_key(self, key: str) -> tuple[str, Any]:
        return "instr(' ' || keys || ' ', ?) > 0", f" {key} "


class SqliteBackend:
    name = "sqlite"
    placeholder = "?"
    # SQLite works inside this process and lets go of Python's GIL for each row inserted: a
    # second thread then waits for it again row by row (a 10k-person import took twice as long).
    inserts_in_background = False
    search_index = SqliteSearchIndex()

    def make_engine(self, url: str) -> Engine:
        from sqlalchemy import create_engine, event

        path = sqlite_path(url)
        if path is not None and "?" not in url and read_only(path):
            # Reads work; any write fails with SQLite's "readonly database" (one line, exit 2).
            return create_engine("sqlite://", creator=lambda: connect(path, check_same_thread=False))
        engine = create_engine(url)
        event.listen(engine, "connect", _on_connect)
        return engine

    def shared(self, url: str) -> bool:
        return sqlite_path(url) is not None  # a file, not ":memory:"

    def date_param(self, day: date) -> Any:
        return day.isoformat()  # SQLite keeps dates as ISO text

    def tune_for_search(self, dbapi: Any) -> None:
        # The default page cache (2 MB) makes every search re-read the index; 64 MB and
        # memory-mapped reads keep the hot postings in memory.
        cursor = dbapi.cursor()
        for pragma in ("cache_size=-65536", "mmap_size=1073741824"):
            cursor.execute(f"PRAGMA {pragma}").fetchall()
        cursor.close()

    def free_ids(self, connection: Connection, table: str) -> Iterator[int]:
        # The write lock makes this the only writer: the ids after the largest are free.
        largest = connection.exec_driver_sql(f'SELECT max(id) FROM "{table}"').scalar()
        yield from count((largest or 0) + 1)

    def insert_rows(
        self, connection: Connection, table: Table, columns: list[str], rows: list[tuple]
    ) -> None:
        markers = ", ".join("?" * len(columns))
        connection.exec_driver_sql(
            f"INSERT INTO {table_columns(connection, table, columns)} VALUES ({markers})", rows
        )

    def row_json(self, columns: list[Any]) -> Any:
        from refdb.backends.row_json import sqlite_row_json

        return sqlite_row_json(columns)

    @contextmanager
    def waiting_at_most(self, connection: Connection, wait_ms: int) -> Iterator[None]:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
        connection.commit()  # SQLAlchemy autobegins on the PRAGMA
        try:
            with connection.begin():
                yield
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={busy_timeout_ms()}")
            connection.commit()

    def read_snapshot(self, session: Any) -> None:
        session.connection().exec_driver_sql("BEGIN")  # pysqlite would run each SELECT on its own

    def take_write_lock(self, connection: Connection, lock_id: int, wait_ms: int) -> None:
        from sqlalchemy.exc import OperationalError

        connection.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
        # A bulk write touches index pages all over (names, hashes): a page cache of
        # WRITE_CACHE_KIB keeps them, instead of spilling them to the WAL and reading them
        # back (the default is 2 MB); memory is taken only as pages are used.
        connection.exec_driver_sql(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            raise WriteLockBusy(str(error.orig)) from error

    def serialize_writers(self, connection: Connection, lock_id: int) -> None:
        """Nothing to do: SQLite lets one transaction write at a time."""


SQLITE = SqliteBackend()
