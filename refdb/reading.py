"""Read-only access for the search service and the listings: plain SQL over a DB-API connection.

Searching and the listings read with plain SQL, so ``Database.reading()`` opens a SQLite
file with the ``sqlite3`` module and a PostgreSQL database with ``psycopg``: `refdb
search`, the listings and the TUI's first search then never import SQLAlchemy, which
alone took half of `refdb search`'s 0.5 s and 0.7 s of `refdb officials` on PostgreSQL.
Sessions and SQLAlchemy connections are read through the same ``Raw`` interface.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from refdb.backends import Backend, backend_of
from refdb.backends.sqlite import SQLITE, busy_timeout_ms
from refdb.backends.sqlite import connect as connect_sqlite

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


def json_list(value: Any) -> list[Any]:
    """A JSON list column's non-empty items: raw SQL on SQLite hands the column back as text."""
    if isinstance(value, str):
        value = json.loads(value)
    return [v for v in value or () if v]


def sql_date(value: date | str | None) -> date | None:
    """A date column read by raw SQL: SQLite hands back its ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def id_list(values: Sequence[int]) -> str:
    """Integers as a SQL list. Inlined, not bound: they are integers by construction,
    and a list of thousands binds far slower than it parses."""
    return ",".join(str(int(v)) for v in values)


@dataclass(slots=True)
class Raw:
    """A DB-API connection, its back end, and per-connection state."""

    dbapi: Any
    backend: Backend
    state: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, connection: Connection) -> Raw:
        """The DB-API connection under a SQLAlchemy connection, in its transaction."""
        pooled = connection.connection
        return cls(pooled.dbapi_connection, backend_of(connection), pooled.info)

    @property
    def placeholder(self) -> str:
        return self.backend.placeholder

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.dbapi.cursor()
        try:
            # Without values, psycopg does not read "%" as a placeholder.
            if params:
                cursor.execute(sql, params)
            else:
                cursor.execute(sql)
            return cursor.fetchall()
        finally:
            cursor.close()

    def tune_for_search(self) -> None:
        """The back end's settings for searching, once per connection."""
        if not self.state.get("tuned"):
            self.backend.tune_for_search(self.dbapi)
            self.state["tuned"] = True


class Reader(ABC):
    """What the search service reads through (``raw``), and the engine or connection
    it writes the index catch-up through (``get_bind``)."""

    raw: Raw

    @abstractmethod
    def get_bind(self) -> Engine | Connection: ...


class SessionLike(Protocol):
    """What reading asks of a SQLModel ``Session`` (or a SQLAlchemy connection)."""

    def get_bind(self) -> Engine | Connection: ...

    def connection(self) -> Connection: ...


# ``Database.reading()``'s reader spares `refdb search` and the listings importing the
# ORM and SQLAlchemy; the TUI and tests pass their session.
Readable = Reader | SessionLike


def raw_of(readable: Readable) -> Raw:
    """The DB-API connection to read through, in a session's own transaction."""
    return readable.raw if isinstance(readable, Reader) else Raw.of(readable.connection())


class ConnectionReader(Reader):
    """A reader over one SQLAlchemy connection (in-memory SQLite, a URL with options)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.raw = Raw.of(connection)

    def get_bind(self) -> Engine:
        return self._connection.engine


class DriverReader(Reader):
    """A reader over a connection the driver opened itself (``sqlite3``, ``psycopg``);
    the SQLAlchemy engine (and its import) is asked for only when the index has names
    to catch up on."""

    def __init__(self, raw: Raw, engine: Callable[[], Engine]) -> None:
        self.raw = raw
        self._engine = engine

    def get_bind(self) -> Engine:
        return self._engine()


def open_sqlite(path: str) -> Raw:
    """A SQLite file opened for reading, waiting for writers as the engine's
    connections do. Usable from threads other than its own (the TUI searches in
    worker threads); ``Database.reading()`` lends it to one reader at a time."""
    raw = Raw(connect_sqlite(path, check_same_thread=False), SQLITE)
    raw.rows(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    raw.tune_for_search()
    return raw


def open_postgres(uri: str) -> Raw:
    """A psycopg connection to a libpq URI (``connection.postgres_uri``). Like the
    engine's, it reads in transactions at the server's default isolation (read
    committed): each statement sees what was committed before it began."""
    from refdb.backends.postgresql import POSTGRESQL, connect

    return Raw(connect(uri), POSTGRESQL)
