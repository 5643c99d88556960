"""What differs between SQLite and PostgreSQL, behind one small interface.

Code that needs a dialect-specific statement or setting asks the ``Backend`` of its
connection (``backend_of``) or URL (``backend_for_url``) instead of testing the
dialect's name itself: ``sqlite.py`` and ``postgresql.py`` hold every such difference,
so adding or changing one is one method in two files (as yente's SearchProvider keeps
its search engines apart); ``row_json.py`` holds the SQL both build with SQLAlchemy's
expression language, imported only when asked for. Nothing heavier than ``sqlite3`` is
imported here: `refdb search` on a SQLite file reaches this module without SQLAlchemy.
No module outside this package tells the databases apart
(``tests/backends/test_dialect_branches.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from refdb.errors import RefdbError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table


class UnsupportedDatabase(RefdbError):
    """A URL or connection for a database refdb does not run on."""


class WriteLockBusy(RefdbError):
    """The write lock was not free within the wait ``take_write_lock`` was given."""


IndexDoc = tuple[int, int, str, list[str]]  # a search document: (id, owner, forms, keys)


class SearchIndexStore(Protocol):
    """Where the search index (``refdb/search/index.py``) keeps which documents hold
    each key: an FTS5 table on SQLite; on PostgreSQL a GIN-indexed ``text[]`` column and
    each key's ids in ``search_posting``. ``search_doc`` (id, owner, forms, keys) and
    ``search_term`` (term, docs) exist on both; what the index computes from them (keys,
    weights, ranking) is not here."""

    def write(self, connection: Connection, docs: Sequence[IndexDoc]) -> None:
        """Add documents (their ids not in the index)."""
        ...

    def delete(self, connection: Connection, ids: str) -> list[tuple[int, list[str]]]:
        """Remove the documents whose ids ``ids`` lists (SQL, comma-separated);
        returns (id, keys) of each of them."""
        ...

    def move_postings(
        self, connection: Connection, added: Mapping[str, list[int]], removed: Mapping[str, list[int]]
    ) -> None:
        """Bring each key's documents up to date after ``write`` and ``delete`` (key ->
        ids written, key -> ids deleted); once for many writes, and not after a bulk
        load, which ``rebuild_keys`` follows instead."""
        ...

    def clear(self, connection: Connection) -> None:
        """Empty the index: every document and every key count."""
        ...

    def rebuild_keys(self, connection: Connection) -> None:
        """Make what is kept per key anew from the documents: insert into ``search_term``
        each key with how many documents hold it (and, on PostgreSQL, rewrite the
        postings whole)."""
        ...

    def compact(self, connection: Connection) -> None:
        """Tidy the storage after a rebuild from scratch."""
        ...

    def postings_query(
        self, keys: Sequence[str], pairs: Sequence[tuple[Sequence[str], Sequence[str]]]
    ) -> tuple[str, list[Any]]:
        """One statement and its parameters selecting, for each of ``keys`` and then
        each pair of key lists (documents holding one of each side), a row
        (its position, the ids of those documents as one comma-separated text)."""
        ...

    def holds_key(self, key: str) -> tuple[str, Any]:
        """A condition on a ``search_doc`` row true when its document holds ``key``,
        and the parameter it binds."""
        ...


class Backend(Protocol):
    """The statements and settings that differ between the databases refdb runs on."""

    name: str  # the SQLAlchemy dialect's name
    placeholder: str  # the DB-API driver's parameter marker in plain SQL
    # Whether bulk inserts run faster on a second thread (importers.bulk.BackgroundInserts):
    # when the database works in another process while this one builds the next rows.
    inserts_in_background: bool

    @property
    def search_index(self) -> SearchIndexStore:
        """Where the search index keeps its keys on this database."""
        ...

    def make_engine(self, url: str) -> Engine:
        """The SQLAlchemy engine for ``url``, its connections set up as refdb needs."""
        ...

    def shared(self, url: str) -> bool:
        """Whether another process opening ``url`` sees this database (not an in-memory one)."""
        ...

    def date_param(self, day: date) -> Any:
        """A date as plain SQL (``Raw.rows``) binds it against a date column."""
        ...

    def tune_for_search(self, dbapi: Any) -> None:
        """Settings that keep a reading connection's index pages warm (once per connection)."""
        ...

    def free_ids(self, connection: Connection, table: str) -> Iterator[int]:
        """Ids for rows of ``table`` inserted in bulk in this transaction, known before
        the INSERT, taken after the write lock (``take_write_lock``)."""
        ...

    def insert_rows(
        self, connection: Connection, table: Table, columns: list[str], rows: list[tuple]
    ) -> None:
        """Insert many rows (values as the driver binds them, in ``columns``' order) the
        fastest way the database has."""
        ...

    def row_json(self, columns: list[Any]) -> Any:
        """A SQL expression writing a row's ``columns`` as the JSON object its change record
        holds (``changelog.canonical_json``), or NULL where it cannot be sure to
        (``audit/snapshots.py``)."""
        ...

    def waiting_at_most(self, connection: Connection, wait_ms: int) -> AbstractContextManager[None]:
        """A transaction on ``connection`` whose waits for another process's locks give
        up after ``wait_ms`` (SQLite: busy, PostgreSQL: lock_timeout, SQLSTATE 55P03)."""
        ...

    def read_snapshot(self, session: Any) -> None:
        """Make the session's following SELECTs read one snapshot of the database."""
        ...

    def take_write_lock(self, connection: Connection, lock_id: int, wait_ms: int) -> None:
        """Take the database's write lock for the rest of the transaction, waiting up to
        ``wait_ms`` where the database lets a wait be bounded (WriteLockBusy when it runs
        out). ``lock_id`` names the lock where the database
        has many (PostgreSQL's advisory locks); SQLite has one writer at a time."""
        ...

    def serialize_writers(self, connection: Connection, lock_id: int) -> None:
        """Make concurrent writers of the same thing (e.g. the change log's head) take
        turns for the rest of the transaction, without taking the whole write lock."""
        ...


def table_columns(connection: Connection, table: Table, columns: list[str]) -> str:
    """``table (column, ...)``, quoted as the connection's dialect quotes them."""
    preparer = connection.dialect.identifier_preparer
    return f"{preparer.format_table(table)} ({', '.join(preparer.quote(c) for c in columns)})"


def backend_named(name: str) -> Backend:
    """The backend for a SQLAlchemy dialect name ("sqlite", "postgresql")."""
    if name == "sqlite":
        from refdb.backends.sqlite import SQLITE

        return SQLITE
    if name == "postgresql":
        from refdb.backends.postgresql import POSTGRESQL

        return POSTGRESQL
    raise UnsupportedDatabase(f"refdb runs on SQLite and PostgreSQL, not {name}")


def backend_for_url(url: str) -> Backend:
    """The backend of a database URL, read without SQLAlchemy ("postgresql+psycopg://...")."""
    return backend_named(url.partition("://")[0].split("+")[0])


def backend_of(bound: Any) -> Backend:
    """The backend of an engine, connection or session (anything with a dialect or a bind)."""
    dialect = getattr(bound, "dialect", None) or bound.get_bind().dialect
    return backend_named(dialect.name)


__all__ = [
    "Backend",
    "IndexDoc",
    "SearchIndexStore",
    "UnsupportedDatabase",
    "WriteLockBusy",
    "backend_for_url",
    "backend_named",
    "backend_of",
    "table_columns",
]
