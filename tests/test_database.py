"""Opening a database: where it is, first-run creation, and refusing out-of-date schemas."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, inspect, text
from sqlmodel import select

from refdb import bootstrap, connection, migrate
from refdb import database as database_module
from refdb.database import Database
from refdb.errors import DatabaseNotReady, ExitCode
from refdb.models import Change, Entity
from refdb.services.edits import editing


@pytest.fixture
def default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the per-user database at a fresh folder."""
    path = tmp_path / "user-data" / "refdb" / "refdb.db"
    monkeypatch.setattr(connection, "default_database_path", lambda: path)
    monkeypatch.delenv(connection.URL_VARIABLE, raising=False)
    return path


def _table_names(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def _revision_rows(database: Database) -> list[str]:
    with database.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


# --------------------------------------------------------------------------- where


def test_the_default_database_is_a_per_user_sqlite_file(default_path, monkeypatch):
    assert connection.resolve_url() == f"sqlite:///{default_path}"
    assert connection.is_default_url(connection.resolve_url())


def test_refdb_url_overrides_the_default_and_the_option_overrides_both(default_path, monkeypatch):
    monkeypatch.setenv("REFDB_URL", "sqlite:////srv/team.db")
    assert connection.resolve_url() == "sqlite:////srv/team.db"
    assert connection.resolve_url("sqlite:////tmp/mine.db") == "sqlite:////tmp/mine.db"


def test_a_bare_path_is_a_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert connection.resolve_url("team.db") == f"sqlite:///{tmp_path / 'team.db'}"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgresql_urls_use_psycopg_3(scheme):
    url = connection.resolve_url(f"{scheme}://refdb@db.example/refdb")
    assert url == "postgresql+psycopg://refdb@db.example/refdb"


def test_the_password_is_hidden_when_the_url_is_shown():
    database = Database("postgresql://refdb:s3cret@db.example/refdb")
    assert "s3cret" not in database.display_url
    assert "refdb@db.example" in database.display_url.replace(":***", "")


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    database.close()


# --------------------------------------------------------------------------- first run


def test_the_first_run_creates_and_seeds_the_default_database_and_says_so(default_path):
    said: list[str] = []
    database = bootstrap.open_database(announce=said.append)
    try:
        assert default_path.is_file()
        assert migrate.current_revision(database.engine) == migrate.head_revision()
        assert any("creating a new database" in line for line in said)
        assert any("loaded the seed data" in line for line in said)
        with database.session() as session:
            assert session.exec(select(Entity).where(Entity.key == "li-shangfu")).first()
            changes = session.exec(select(func.count()).select_from(Change)).one()
    finally:
        database.close()

    # The second run finds it ready: nothing announced, nothing loaded again.
    said.clear()
    again = bootstrap.open_database(announce=said.append)
    try:
        assert said == []
        with again.session() as session:
            assert session.exec(select(func.count()).select_from(Change)).one() == changes
    finally:
        again.close()


def test_a_missing_explicit_sqlite_file_is_an_error_and_is_not_created(tmp_path, default_path):
    missing = tmp_path / "typo.db"
    with pytest.raises(DatabaseNotReady) as raised:
        bootstrap.open_database(f"sqlite:///{missing}", announce=pytest.fail)
    assert "refdb init" in str(raised.value)
    assert raised.value.exit_code == ExitCode.BAD_INPUT
    assert not missing.exists()
    assert not default_path.exists()


# --------------------------------------------------------------------------- not ready


def test_an_empty_database_is_refused_with_the_command_that_creates_it(db_url):
    database = Database(db_url)
    try:
        with pytest.raises(DatabaseNotReady, match="refdb init"):
            database.ensure_ready()
        assert _table_names(database) == set()
    finally:
        database.close()


def test_a_database_of_another_application_is_refused(db_url):
    database = Database(db_url)
    try:
        with database.engine.begin() as conn:
            conn.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
        with pytest.raises(DatabaseNotReady, match="not a refdb database"):
            database.ensure_ready()
        assert _table_names(database) == {"invoices"}
    finally:
        database.close()


def test_a_database_downgraded_to_base_asks_for_init_not_for_another_application(empty_db):
    migrate.downgrade(empty_db.engine, "base")
    with pytest.raises(DatabaseNotReady) as raised:
        empty_db.ensure_ready()
    assert "not a refdb database" not in str(raised.value)
    assert "refdb init" in str(raised.value)
    assert migrate.current_revision(empty_db.engine) is None


def test_a_revision_this_code_does_not_know_is_refused_and_left_alone(empty_db):
    migrate.downgrade(empty_db.engine, "base")
    with empty_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('ffff0000')"))
    with pytest.raises(DatabaseNotReady, match="ffff0000") as raised:
        empty_db.ensure_ready()
    assert "upgrade refdb" in str(raised.value)
    assert _revision_rows(empty_db) == ["ffff0000"]
    assert _table_names(empty_db) == {"alembic_version"}


def test_a_database_at_an_older_revision_is_refused_never_upgraded(empty_db, monkeypatch):
    """Pretend the code has moved on to a newer head: the database at 0001 is now behind."""
    old_head = migrate.head_revision()
    known = migrate.revisions()
    monkeypatch.setattr(database_module, "SCHEMA_REVISION", "9999")
    monkeypatch.setattr(migrate, "revisions", lambda: [*known, ("9999", "a later change")])
    with pytest.raises(DatabaseNotReady) as raised:
        empty_db.ensure_ready()
    message = str(raised.value)
    assert old_head in message and "9999" in message
    assert "refdb db upgrade" in message
    assert _revision_rows(empty_db) == [old_head]


def test_a_database_at_head_opens_without_a_word(empty_db):
    opened = bootstrap.open_database(empty_db.url, announce=pytest.fail)
    try:
        assert opened.url == empty_db.url
    finally:
        opened.close()


# --------------------------------------------------------------------------- transactions


def test_edits_in_one_transaction_commit_together_or_roll_back_together(empty_db):
    with editing(empty_db) as editor:
        editor.create(Entity(kind="person", name="Kept Person"))
    with pytest.raises(RuntimeError), editing(empty_db) as editor:
        editor.create(Entity(kind="person", name="Dropped Person"))
        raise RuntimeError("the caller fails halfway")
    with empty_db.session() as session:
        names = session.exec(select(Entity.name)).all()
        actors = set(session.exec(select(Change.actor)).all())
    assert names == ["Kept Person"]
    assert actors == {"tester"}
