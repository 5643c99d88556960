"""Database fixtures: every test that takes ``db_url`` runs on SQLite and on PostgreSQL.

PostgreSQL runs need REFDB_TEST_PG_URL (``.ci/run`` starts a server and sets it); each
test gets its own schema on that server, dropped afterwards. Without the variable the
PostgreSQL runs are skipped, saying why, unless REFDB_REQUIRE_PG=1 (as in CI).
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from refdb import bootstrap, migrate
from refdb.cli import main
from refdb.cli.output import console, error_console
from refdb.database import Database

# The change log's key (refdb.changelog.log_key): one per test session, never the user's.
os.environ.pop("REFDB_LOG_KEY", None)
os.environ["REFDB_LOG_KEY_FILE"] = str(Path(tempfile.mkdtemp(prefix="refdb-test-key-")) / "log.key")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PG_VARIABLE = "REFDB_TEST_PG_URL"


def _pg_base_url() -> str:
    url = os.environ.get(PG_VARIABLE)
    if not url:
        if os.environ.get("REFDB_REQUIRE_PG") == "1":
            pytest.fail(f"{PG_VARIABLE} is not set but REFDB_REQUIRE_PG=1")
        pytest.skip(f"{PG_VARIABLE} not set: no PostgreSQL server to test against")
    return url


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def _database_url(backend: str, folder: Path) -> Iterator[str]:
    """An empty database on ``backend``: a file in ``folder``, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'refdb.db'}"
        return
    base = _pg_base_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}?options=-csearch_path%3D{schema},public"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty database on each back end (a file, or a fresh PostgreSQL schema)."""
    with _database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def empty_db(db_url: str) -> Iterator[Database]:
    """A database at the migration head, with no data."""
    database = Database(db_url, actor="tester")
    migrate.upgrade(database.engine)
    yield database
    database.close()


@pytest.fixture
def seeded_db(db_url: str) -> Iterator[Database]:
    """A database at the migration head holding the seed data, as `refdb init` makes it."""
    database = Database(db_url, actor="tester")
    bootstrap.initialize(database, announce=lambda _message: None)
    yield database
    database.close()


@pytest.fixture
def queue_entry_names() -> Callable[[Database, int], None]:
    """``queue_entry_names(database, n)`` writes n names of a seeded entry with plain SQL,
    as an import does: the search index then has n names to catch up on."""

    def write(database: Database, count: int) -> None:
        with database.engine.begin() as connection:
            entry_id = connection.execute(text("SELECT min(id) FROM sanction_entry")).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO entry_name (entry_id, name, kind, normalized) "
                    "VALUES (:e, :n, 'weak_alias', :n)"
                ),
                [{"e": entry_id, "n": f"alias number {i}"} for i in range(count)],
            )

    return write


@pytest.fixture
def shared_data() -> Path:
    """The full-size published lists; only on the team's machines."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent: full-size list files are only on the team's machines")
    return SHARED_DATA


@pytest.fixture(scope="module", params=BACKENDS)
def shared_seeded_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """One seeded database per test module and back end, for tests that only read.

    Loading the seeds takes about a second; tests that write use ``seeded_db`` instead.
    """
    with _database_url(request.param, tmp_path_factory.mktemp("shared_seeded")) as url:
        database = Database(url, actor="tester")
        bootstrap.initialize(database, announce=lambda _message: None)
        yield database
        database.close()


@pytest.fixture(scope="module", params=BACKENDS)
def listing_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """One database per test module and back end holding ``tests/listing_world.py``."""
    from tests.listing_world import build

    with _database_url(request.param, tmp_path_factory.mktemp("listing_world")) as url:
        database = Database(url, actor="tester")
        migrate.upgrade(database.engine)
        build(database)
        yield database
        database.close()


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


Run = Callable[..., Result]


@pytest.fixture
def refdb(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``refdb("show", "li-shangfu", "--json")`` -> Result(code, stdout, stderr)."""
    monkeypatch.delenv("REFDB_URL", raising=False)

    def run(*args: str) -> Result:
        capsys.readouterr()
        # As in a new process: the consoles read the terminal width (COLUMNS) when made.
        console.cache_clear()
        error_console.cache_clear()
        monkeypatch.setattr(sys, "argv", ["refdb", *args])
        code = 0
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
