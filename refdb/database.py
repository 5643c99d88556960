"""Opening a refdb database: checks its migration revision (creating one is ``refdb.bootstrap``).

Nothing heavier than ``sqlite3`` is imported up front: SQLAlchemy when the engine is
first used, sessions and the ORM models when first asked for, so that
`refdb search` on a SQLite file and the TUI's first screen start without them.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from refdb.backends.sqlite import connect as connect_sqlite
from refdb.connection import lock_wait, make_engine, postgres_uri, resolve_url, sqlite_path
from refdb.errors import DatabaseNotReady
from refdb.reading import ConnectionReader, DriverReader, Raw, Reader, open_postgres, open_sqlite
from refdb.schema_revision import SCHEMA_REVISION

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

ACTOR_VARIABLE = "REFDB_ACTOR"


def unusable_sqlite(path: str | os.PathLike[str], error: Exception) -> str:
    """Why a SQLite file cannot be used, in words, from the driver's error."""
    reason = str(getattr(error, "orig", None) or error)
    if "locked" in reason:
        return (
            f"{path} is locked: another process has been writing to it for over "
            f"{lock_wait():g} s; try again when it has finished"
        )
    if "not a database" in reason or "malformed" in reason:
        return f"{path} is not a SQLite database, or is damaged ({reason})"
    if "full" in reason or "I/O error" in reason:  # SQLite reports a file-size limit as I/O
        return f"cannot write to {path}: the disk is full or failing ({reason}); nothing was written"
    if "readonly" in reason or "read-only" in reason:
        return f"cannot write to {path}: it is read-only ({reason}); nothing was written"
    return f"cannot use {path}: {reason}"


def default_actor() -> str:
    return os.environ.get(ACTOR_VARIABLE) or getpass.getuser()


class Database:
    """A connection to one refdb database, and the actor whose edits it records."""

    def __init__(self, url: str | None = None, *, actor: str | None = None) -> None:
        self.url = resolve_url(url)
        self.actor = actor or default_actor()
        # Idle driver connections of reading(): kept for SQLite's warm page cache, and
        # so that a command on PostgreSQL connects once (schema check, then reads).
        self._idle_readers: list[Raw] = []

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.url)

    @property
    def sqlite_file(self) -> str | None:
        """The SQLite file ``sqlite3`` can open as is (no URL options), else None."""
        path = sqlite_path(self.url)
        return str(path) if path is not None and "?" not in self.url else None

    @property
    def display_url(self) -> str:
        if self.sqlite_file:
            return self.url
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    def ensure_ready(self) -> None:
        """Refuse a database that is missing or not at the code's migration head, saying
        what to do (``refdb.bootstrap`` creates the default one on first use)."""
        path = sqlite_path(self.url)
        if path is not None and path.is_dir():
            raise DatabaseNotReady(f"{path} is a directory, not a database file")
        if path is not None and not path.exists():
            raise DatabaseNotReady(f"no database at {path}: create it with `refdb init --db {path}`")
        current, head = self.schema_revision(), SCHEMA_REVISION
        if current == head:
            return
        if current is None:
            if self.holds_other_tables():
                raise DatabaseNotReady(f"{self.display_url} holds tables but is not a refdb database")
            raise DatabaseNotReady(
                f"{self.display_url} has no refdb schema yet: run `refdb init` to create it"
            )
        from refdb import migrate

        known = {revision for revision, _ in migrate.revisions()}
        if current not in known:
            raise DatabaseNotReady(
                f"{self.display_url} is at revision {current}, newer than this refdb knows "
                f"(head {head}): upgrade refdb"
            )
        raise DatabaseNotReady(
            f"{self.display_url} is at revision {current}; this refdb needs {head}. "
            "Back it up, then run `refdb db upgrade`"
        )

    def holds_other_tables(self) -> bool:
        from sqlalchemy import inspect

        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            return False  # nor could SQLite open it while its folder does not exist yet
        # A refdb database downgraded to base keeps an empty alembic_version table.
        return bool(set(inspect(self.engine).get_table_names()) - {"alembic_version"})

    def schema_revision(self) -> str | None:
        """The database's Alembic revision, read directly: importing Alembic costs ~0.3 s
        (and on a SQLite file, SQLAlchemy ~0.2 s)."""
        sql = "SELECT version_num FROM alembic_version"
        if path := self.sqlite_file:
            if not os.path.exists(path):
                return None  # nothing there yet (perhaps not even its folder)
            try:
                with closing(connect_sqlite(path, timeout=lock_wait())) as connection:
                    row = connection.execute(sql).fetchone()
            except sqlite3.Error as error:
                if "no such table" in str(error):
                    return None
                raise DatabaseNotReady(unusable_sqlite(path, error)) from None
            return row[0] if row else None
        uri = postgres_uri(self.url)
        if uri is None:
            return self._schema_revision_through_engine(sql)
        import psycopg

        try:
            raw = self._idle_readers.pop() if self._idle_readers else open_postgres(uri)
        except psycopg.Error as error:  # no server there, wrong credentials, no such database
            reason = " ".join(str(error).split())
            raise DatabaseNotReady(f"cannot connect to {self.display_url}: {reason}") from None
        try:
            row = raw.rows(sql)
        except psycopg.Error:  # no alembic_version table: not a refdb database (yet)
            row = []
        raw.dbapi.rollback()
        self._idle_readers.append(raw)  # reading() goes on with it: one connection a command
        return row[0][0] if row else None

    def _schema_revision_through_engine(self, sql: str) -> str | None:
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            bound = self.engine.connect()
        except DBAPIError as error:  # no server there, wrong credentials, no such database
            reason = " ".join(str(error.orig).split())
            raise DatabaseNotReady(f"cannot connect to {self.display_url}: {reason}") from None
        with bound:
            try:
                return bound.execute(text(sql)).scalar()
            except DBAPIError:  # no alembic_version table: not a refdb database (yet)
                return None

    @contextmanager
    def session(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """A read-only stand-in for ``session()`` for the plain-SQL readers (search, the
        listings): a connection of the driver itself (``sqlite3``, ``psycopg``), reused."""
        path, uri = self.sqlite_file, postgres_uri(self.url)
        if self._idle_readers:
            raw = self._idle_readers.pop()
        elif path is not None:
            raw = open_sqlite(path)
        elif uri is not None:
            raw = open_postgres(uri)
        else:  # in-memory SQLite, a SQLite URL with options
            with self.engine.connect() as connection:
                yield ConnectionReader(connection)
            return
        try:
            yield DriverReader(raw, lambda: self.engine)
        finally:
            raw.dbapi.rollback()  # nothing to undo; ends any transaction left open
            self._idle_readers.append(raw)

    def close(self) -> None:
        while self._idle_readers:
            self._idle_readers.pop().dbapi.close()
        if "engine" in self.__dict__:  # not created just to be disposed of
            self.engine.dispose()
