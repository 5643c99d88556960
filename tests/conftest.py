"""Database fixtures: every test that takes ``db_url``, ``empty_db`` or ``seeded_db`` runs
on SQLite and on PostgreSQL.

PostgreSQL runs need REFDB_TEST_PG_URL (``.ci/run`` starts a server and sets it); each
test gets its own schema on that server (``db_url``), or its own database copied from a
template (``empty_db``, ``seeded_db``: the role needs CREATEDB), dropped afterwards.
Without the variable the PostgreSQL runs are skipped, saying why, unless
REFDB_REQUIRE_PG=1 (as in CI).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

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
        yield _in_schema(base, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _in_schema(url: str, schema: str) -> str:
    return f"{url}?options=-csearch_path%3D{schema},public"


Build = Callable[[Database], object]


class Templates:
    """Databases built once per session, copied for each test that asks for one.

    Built from scratch, each test's database cost 0.1 s (SQLite) or 0.7 s (PostgreSQL) to
    migrate and 3 to 4 s to seed. A copy costs a file copy on SQLite; on PostgreSQL it
    is a database made by CREATE DATABASE ... TEMPLATE (about 0.1 s), its tables in a
    schema of their own as before, so that nothing relies on ``public``. The tests of
    migrations and of `refdb init` still build theirs from scratch (``db_url``).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.schema = f"test_{uuid.uuid4().hex[:12]}"  # the templates' schema, and their copies'
        self.made: dict[tuple[str, str], str] = {}  # (backend, name) -> a file or a database
        self.databases: list[str] = []  # every PostgreSQL template, dropped at the end
        self._admin: Engine | None = None

    @contextmanager
    def copy(self, backend: str, name: str, build: Build, folder: Path) -> Iterator[Database]:
        """A copy of template ``name`` (``build`` run on an empty database), opened."""
        with self._copy_url(backend, self._template(backend, name, build), folder) as url:
            database = Database(url, actor="tester")
            yield database
            database.close()

    @contextmanager
    def _copy_url(self, backend: str, template: str, folder: Path) -> Iterator[str]:
        if backend == "sqlite":
            shutil.copyfile(template, folder / "refdb.db")
            yield f"sqlite:///{folder / 'refdb.db'}"
            return
        copy = f"refdb_test_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
        try:
            yield self._pg_url(copy)
        finally:
            # FORCE: connections the test left open did not keep its schema either.
            self._execute(f'DROP DATABASE "{copy}" WITH (FORCE)')

    def _template(self, backend: str, name: str, build: Build) -> str:
        if (backend, name) in self.made:
            return self.made[backend, name]
        if backend == "sqlite":
            where = str(self.folder / f"{name}.db")
            url = f"sqlite:///{where}"
        else:
            where = f"refdb_template_{uuid.uuid4().hex[:12]}"
            self._execute(f'CREATE DATABASE "{where}"')
            self.databases.append(where)
            url = self._pg_url(where)
            schema_maker = create_engine(url)
            with schema_maker.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            schema_maker.dispose()
        database = Database(url, actor="tester")
        try:
            build(database)
        finally:
            database.close()  # a template must have no connections (and SQLite no WAL) to copy
        if backend == "sqlite":
            assert not Path(f"{where}-wal").exists(), "a connection to the template was left open"
        self.made[backend, name] = where
        return where

    def _pg_url(self, database: str) -> str:
        url = make_url(_pg_base_url()).set(database=database)
        return _in_schema(url.render_as_string(hide_password=False), self.schema)

    def _execute(self, statement: str) -> None:
        if self._admin is None:
            self._admin = create_engine(_pg_base_url(), isolation_level="AUTOCOMMIT")
        with self._admin.connect() as connection:
            connection.execute(text(statement))

    def close(self) -> None:
        for database in self.databases:
            self._execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        if self._admin is not None:
            self._admin.dispose()


def _quiet(_message: str) -> None:
    pass


def _migrate(database: Database) -> None:
    migrate.upgrade(database.engine)


def _seed(database: Database) -> None:
    bootstrap.initialize(database, announce=_quiet)


def _listing_world(database: Database) -> None:
    from tests.listing_world import build

    migrate.upgrade(database.engine)
    build(database)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty database on each back end (a file, or a fresh PostgreSQL schema)."""
    with _database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A database at the migration head, with no data."""
    with templates.copy(request.param, "migrated", _migrate, tmp_path) as database:
        yield database


@pytest.fixture(params=BACKENDS)
def seeded_db(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A database at the migration head holding the seed data, as `refdb init` makes it."""
    with templates.copy(request.param, "seeded", _seed, tmp_path) as database:
        yield database


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
    request: pytest.FixtureRequest, templates: Templates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """One seeded database per test module and back end, for tests that only read
    (tests that write use ``seeded_db``)."""
    folder = tmp_path_factory.mktemp("shared_seeded")
    with templates.copy(request.param, "seeded", _seed, folder) as database:
        yield database


@pytest.fixture(scope="module", params=BACKENDS)
def listing_db(
    request: pytest.FixtureRequest, templates: Templates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """One database per test module and back end holding ``tests/listing_world.py``."""
    folder = tmp_path_factory.mktemp("listing_world")
    with templates.copy(request.param, "listing_world", _listing_world, folder) as database:
        yield database


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
