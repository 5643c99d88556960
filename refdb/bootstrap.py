"""Opening a refdb database, and creating one: the schema at the migrations' head, the
seed data and the search index, all or nothing.

A run killed midway must leave no database that later commands would accept half
made (an empty one would answer every search "no match" for ever). A SQLite file is
built beside its place and renamed into it when complete: a killed run leaves only a
stray ``.NAME.init-PID`` file, which the next run removes. On PostgreSQL, whose DDL is
transactional, the migrations, the seeds and the index are written in one
transaction: a killed run leaves nothing, and the next `refdb init` starts afresh.

The seeds, the editor and the index are imported when first asked for: opening an
existing database (every command) needs none of them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refdb.connection import is_default_url, sqlite_path
from refdb.database import Database
from refdb.errors import DatabaseNotReady
from refdb.reading import raw_of

if TYPE_CHECKING:
    from sqlalchemy import Connection

Announce = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def open_database(
    url: str | None = None, *, actor: str | None = None, announce: Announce = _stderr
) -> Database:
    """A database at the code's migration head. The default per-user database is created
    (migrated and seeded) on first use; any other missing or out-of-date database is an
    error, never altered silently."""
    database = Database(url, actor=actor)
    path = sqlite_path(database.url)
    if path is not None and not path.exists() and not path.is_dir() and is_default_url(database.url):
        initialize(database, announce)
    else:
        database.ensure_ready()
    return database


# What `refdb init` counts in a database that is already there (tables of every revision).
HELD = {
    "entities": "entity",
    "sanction_entries": "sanction_entry",
    "tenures": "tenure",
    "changes": "change",
}


def existing(database: Database) -> dict[str, Any] | None:
    """What a refdb database already at ``database`` holds: its revision and row counts
    (``HELD``); None when there is none yet."""
    revision = database.schema_revision()
    if revision is None:
        return None
    with database.reading() as reader:
        raw = raw_of(reader)
        counts = {label: raw.rows(f"SELECT count(*) FROM {table}")[0][0] for label, table in HELD.items()}
    return {"revision": revision, "holds": counts}


def create(database: Database, announce: Announce = _stderr) -> dict[str, int]:
    """`refdb init`: create and seed a database, refusing one that already holds tables."""
    if database.schema_revision() is not None:
        raise DatabaseNotReady(f"{database.display_url} already holds a refdb database")
    if database.holds_other_tables():
        raise DatabaseNotReady(
            f"{database.display_url} holds tables but is not a refdb database: init needs an empty one"
        )
    return initialize(database, announce)


def initialize(database: Database, announce: Announce = _stderr) -> dict[str, int]:
    """Create the schema at head, load the seeds and index their names, all or nothing
    (see the module's docstring)."""
    file = database.sqlite_file
    announce(f"refdb: creating a new database at {database.display_url}")
    if file is None:
        with database.engine.begin() as connection:
            counts = _create_and_seed(connection, database.actor)
    else:
        path = Path(file)
        path.parent.mkdir(parents=True, exist_ok=True)
        for stray in path.parent.glob(f".{path.name}.init-*"):
            stray.unlink(missing_ok=True)
        built = path.parent / f".{path.name}.init-{os.getpid()}"
        building = Database(f"sqlite:///{built}", actor=database.actor)
        try:
            from refdb import migrate

            # SQLite's migrations switch foreign keys off and on around their transaction.
            migrate.upgrade(building.engine)
            with building.engine.begin() as connection:
                counts = _seed_and_index(connection, building.actor)
            with building.engine.connect() as connection:  # everything into the file itself
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            building.close()
        database.close()  # connections to the file being replaced would read the old one
        os.replace(built, path)
        for companion in ("-wal", "-shm"):
            Path(f"{built}{companion}").unlink(missing_ok=True)
    announce(f"refdb: loaded the seed data ({counts['created']} records)")
    return counts


def _create_and_seed(connection: Connection, actor: str) -> dict[str, int]:
    from refdb import migrate

    migrate.upgrade(connection)
    return _seed_and_index(connection, actor)


def _seed_and_index(connection: Connection, actor: str) -> dict[str, int]:
    """Load the seeds and index their names, in the caller's transaction."""
    from sqlmodel import Session

    from refdb.search import index
    from refdb.seeding import load_seeds
    from refdb.services.edits import Editor

    # The session joins the connection's transaction: the caller commits or rolls back.
    with Session(bind=connection) as session:
        counts = load_seeds(Editor(session, actor))
        session.flush()
    index.rebuild(connection)
    return counts
