"""Opening a refdb database: checks its migration revision, creates the default one on first run.

Only SQLAlchemy Core is imported here: sessions, the ORM models and the editor are
imported when first used, so that `refdb search` and the TUI's first screen start
without them.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from refdb.connection import is_default_url, make_engine, resolve_url, sqlite_path
from refdb.errors import DatabaseNotReady
from refdb.schema_revision import SCHEMA_REVISION

if TYPE_CHECKING:
    from sqlmodel import Session

    from refdb.services.edits import Editor

ACTOR_VARIABLE = "REFDB_ACTOR"


def default_actor() -> str:
    return os.environ.get(ACTOR_VARIABLE) or getpass.getuser()


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


class Reader:
    """The search service's ``Readable`` (``get_bind``, ``connection``) answered by one
    Connection: searching then imports neither SQLModel nor SQLAlchemy's ORM, which
    would add a fifth to `refdb search`'s start."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get_bind(self) -> Engine:
        return self._connection.engine

    def connection(self) -> Connection:
        return self._connection


class Database:
    """A connection to one refdb database, and the actor whose edits it records."""

    def __init__(self, url: str | None = None, *, actor: str | None = None) -> None:
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        self.actor = actor or default_actor()

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        actor: str | None = None,
        announce: Callable[[str], None] = _stderr,
    ) -> Database:
        """Open a database that is at the code's migration head.

        The default per-user database is created (migrated and seeded) on first use;
        any other missing or out-of-date database is an error, never altered silently.
        """
        database = cls(url, actor=actor)
        database.ensure_ready(announce)
        return database

    def ensure_ready(self, announce: Callable[[str], None] = _stderr) -> None:
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            if not is_default_url(self.url):
                raise DatabaseNotReady(f"no database at {path}: create it with `refdb init --db {path}`")
            self.initialize(announce)
            return
        current, head = self.schema_revision(), SCHEMA_REVISION
        if current == head:
            return
        if current is None:
            if self._holds_other_tables():
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

    def _holds_other_tables(self) -> bool:
        # A refdb database downgraded to base keeps an empty alembic_version table.
        return bool(set(inspect(self.engine).get_table_names()) - {"alembic_version"})

    def create(self, announce: Callable[[str], None] = _stderr) -> dict[str, int]:
        """`refdb init`: create and seed a database, refusing one that already holds tables."""
        if self.schema_revision() is not None:
            raise DatabaseNotReady(f"{self.display_url} already holds a refdb database")
        if self._holds_other_tables():
            raise DatabaseNotReady(
                f"{self.display_url} holds tables but is not a refdb database: init needs an empty one"
            )
        return self.initialize(announce)

    def initialize(self, announce: Callable[[str], None] = _stderr) -> dict[str, int]:
        """Create the schema at head and load the seeds."""
        from refdb import migrate
        from refdb.seeding import load_seeds

        path = sqlite_path(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        announce(f"refdb: creating a new database at {self.display_url}")
        migrate.upgrade(self.engine)
        with self.editing() as editor:
            counts = load_seeds(editor)
        announce(f"refdb: loaded the seed data ({counts['created']} records)")
        return counts

    def schema_revision(self) -> str | None:
        """The database's Alembic revision, read directly: importing Alembic costs ~0.3 s."""
        try:
            with self.engine.connect() as connection:
                return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            return None

    @contextmanager
    def session(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """A read-only stand-in for ``session()`` for the search service alone."""
        with self.engine.connect() as connection:
            yield Reader(connection)

    @contextmanager
    def editing(self, actor: str | None = None) -> Iterator[Editor]:
        """One transaction of edits: committed together, or rolled back together."""
        from sqlmodel import Session

        from refdb.services.edits import Editor

        with Session(self.engine) as session, session.begin():
            yield Editor(session, actor or self.actor)

    def close(self) -> None:
        self.engine.dispose()
