"""Where the database is and how to connect: SQLite by default, any SQLAlchemy URL otherwise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

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


def postgres_uri(url: str) -> str | None:
    """The libpq URI behind a PostgreSQL URL (psycopg, the driver refdb installs), for
    reading with psycopg itself: importing SQLAlchemy would double `refdb officials`'s
    start-up. libpq reads the same user, password, host, port, database and options."""
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme in ("postgresql", "postgresql+psycopg") else None


def make_engine(url: str) -> Engine:
    """The SQLAlchemy engine for a resolved URL, as its back end sets it up."""
    from refdb.backends import backend_for_url

    return backend_for_url(url).make_engine(url)
