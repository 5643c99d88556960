"""Where the database is and how to connect: SQLite by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from platformdirs import user_data_path

if TYPE_CHECKING:
    from sqlalchemy import Engine

URL_VARIABLE = "REFDB_URL"
LOCK_WAIT_VARIABLE = "REFDB_LOCK_WAIT"


def lock_wait() -> float:
    """Seconds to wait for another process's lock on a SQLite file before giving up."""
    return float(os.environ.get(LOCK_WAIT_VARIABLE) or 10)


def default_database_path() -> Path:
    return user_data_path("refdb", appauthor=False) / "refdb.db"


def resolve_url(url: str | None = None) -> str:
    """The --db option wins, then REFDB_URL, then the per-user SQLite file.

    A bare filesystem path is accepted as a SQLite database; ``postgresql://`` URLs use
    psycopg 3, the driver refdb installs.
    """
    url = url or os.environ.get(URL_VARIABLE) or f"sqlite:///{default_database_path()}"
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_default_url(url: str) -> bool:
    return url == f"sqlite:///{default_database_path()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other back ends and in-memory databases."""
    # Parsed here, as SQLAlchemy does, so that a search need not import it: the
    # path follows "sqlite:///" (absolute paths bring their own "/").
    scheme, _, rest = url.partition("://")
    if scheme.split("+")[0] != "sqlite" or not rest.startswith("/"):
        return None
    database = unquote(rest[1:].split("?", 1)[0])
    return Path(database) if database not in ("", ":memory:") else None


def sqlite_read_only(path: str | Path) -> bool:
    """Whether a SQLite file can only be read: it, or the folder where SQLite keeps its
    WAL and shared-memory files, cannot be written (a read-only file system, no write
    permission)."""
    path = Path(path)
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def connect_sqlite(path: str | Path, **options: Any) -> sqlite3.Connection:
    """A ``sqlite3`` connection to a file; to one that can only be read, read-only:
    ``mode=ro`` where SQLite can still share the WAL, else ``immutable=1`` (no locks:
    a file nobody can write meanwhile, as on a read-only file system)."""
    if not sqlite_read_only(path):
        return sqlite3.connect(path, **options)
    uri = f"file:{quote(str(Path(path).resolve()))}"
    try:
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, **options)
        connection.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        return connection
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, **options)


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    path = sqlite_path(url)
    if path is not None and "?" not in url and sqlite_read_only(path):
        # Reads work; any write fails with SQLite's "readonly database" (one line, exit 2).
        return create_engine("sqlite://", creator=lambda: connect_sqlite(path, check_same_thread=False))
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers (the TUI's
    # workers, a second CLI) run while an import writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(lock_wait() * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
