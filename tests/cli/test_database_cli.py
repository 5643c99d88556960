"""`refdb init|seed|db ...`, first runs and database errors, as a user meets them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from refdb import migrate
from refdb.database import Database


def _count_changes(url: str) -> int:
    database = Database(url)
    try:
        with database.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM change")).scalar()
    finally:
        database.close()


@pytest.fixture
def initialized(shared_seeded_db) -> str:
    """A database as `refdb init` leaves it, shared by the module: tests must not change it."""
    return shared_seeded_db.url


@pytest.fixture
def migrated(empty_db) -> str:
    """A database at head without the seeds, for tests that alter it."""
    return empty_db.url


def test_init_creates_and_seeds_a_database_and_says_so(refdb, db_url):
    result = refdb("init", "--db", db_url, "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["revision"] == migrate.head_revision()
    assert report["created"] > 0 and report["already_existed"] is False
    assert "creating a new database" in result.err
    assert "loaded the seed data" in result.err
    shown = refdb("show", "li-shangfu", "--json", "--db", db_url)
    assert json.loads(shown.out)["name"] == "Li Shangfu"


def test_init_creates_a_file_in_a_folder_that_does_not_exist_yet(refdb, tmp_path):
    # As `refdb init` on a new machine, where the per-user data folder is not made yet.
    path = tmp_path / "not-yet" / "refdb.db"
    result = refdb("init", "--db", str(path))
    assert result.code == 0, result.err
    assert path.is_file()
    assert refdb("show", "li-shangfu", "--db", str(path)).code == 0


@pytest.mark.parametrize("command", [("init",), ("search", "li"), ("show", "li-shangfu")])
def test_a_server_that_cannot_be_reached_is_one_clear_line(refdb, command):
    # Port 1 on the loopback: refused at once, whether or not a PostgreSQL server runs here.
    result = refdb(*command, "--db", "postgresql://refdb@127.0.0.1:1/refdb")
    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert "cannot connect to postgresql+psycopg://refdb@127.0.0.1:1/refdb" in result.err
    assert "Connection refused" in result.err


def test_init_of_an_existing_database_says_what_it_holds_and_what_to_do(refdb, initialized):
    """Not an error (exit 0), and nothing written: init says the database is there, what
    it holds, and how to load the seeds again or start over."""
    changes = _count_changes(initialized)
    result = refdb("init", "--db", initialized)
    as_json = refdb("init", "--db", initialized, "--json")

    assert (result.code, as_json.code) == (0, 0), result.err
    first, *hints = result.err_lines
    assert first.startswith(f"refdb: {json.loads(as_json.out)['url']} already holds a refdb database")
    assert f"{changes} logged changes; nothing was changed" in first
    report = json.loads(as_json.out)
    # A file as the user named it; a server by its URL, never with a password.
    named = initialized if initialized.startswith("sqlite") else report["url"]
    assert any(f"`refdb seed --db {named}`" in hint for hint in hints)
    assert any("to start over" in hint and f"`refdb init --db {named}`" in hint for hint in hints)
    assert (report["already_existed"], report["revision"]) == (True, migrate.head_revision())
    assert report["holds"]["changes"] == changes and report["holds"]["entities"] > 0
    assert set(report["holds"]) == {"entities", "sanction_entries", "tenures", "changes"}
    assert _count_changes(initialized) == changes


def test_init_of_an_older_database_says_to_upgrade_it(refdb, seeded_db):
    migrate.downgrade(seeded_db.engine, "-1")
    older = seeded_db.schema_revision()

    result = refdb("init", "--db", seeded_db.url)

    assert result.code == 0, result.err
    assert f"(revision {older})" in result.err_lines[0]
    assert any("`refdb db upgrade --db " in line for line in result.err_lines[1:])
    assert seeded_db.schema_revision() == older


@pytest.mark.parametrize("table", ["invoices", "entity"])
def test_init_refuses_a_database_of_another_application(refdb, db_url, table):
    """Never add refdb's tables beside someone else's, nor crash on a clashing name."""
    database = Database(db_url)
    with database.engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)"))
    try:
        result = refdb("init", "--db", db_url)
        assert result.code == 2
        assert len(result.err_lines) == 1
        assert "not a refdb database" in result.err
        assert inspect(database.engine).get_table_names() == [table]
    finally:
        database.close()


def test_seed_after_init_has_nothing_to_do(refdb, initialized):
    changes = _count_changes(initialized)
    first = refdb("seed", "--db", initialized)
    assert first.code == 0, first.err
    assert "nothing to do" in first.err
    second = refdb("seed", "--db", initialized, "--json")
    assert second.code == 0
    counts = json.loads(second.out)
    assert (counts["created"], counts["updated"]) == (0, 0)
    assert counts["unchanged"] > 0
    assert _count_changes(initialized) == changes


def test_db_current_check_and_upgrade_on_an_up_to_date_database(refdb, initialized):
    current = refdb("db", "current", "--db", initialized, "--json")
    assert current.code == 0, current.err
    state = json.loads(current.out)
    assert state["current"] == state["head"] == migrate.head_revision()
    assert state["up_to_date"] is True

    check = refdb("db", "check", "--db", initialized)
    assert check.code == 0, check.err
    assert "models and migrations match" in check.err

    upgrade = refdb("db", "upgrade", "--db", initialized)
    assert upgrade.code == 0, upgrade.err
    assert f"revision {migrate.head_revision()}" in upgrade.err


def test_db_check_reports_drift_with_exit_1(refdb, migrated):
    database = Database(migrated)
    with database.engine.begin() as conn:
        conn.execute(text("ALTER TABLE post ADD COLUMN rank INTEGER"))
    database.close()
    result = refdb("db", "check", "--db", migrated)
    assert result.code == 1
    assert "schema drift" in result.err
    assert "rank" in result.err


def test_a_downgraded_database_is_refused_until_upgraded(refdb, migrated):
    down = refdb("db", "downgrade", "base", "--db", migrated)
    assert down.code == 0, down.err
    assert "base" in down.err

    refused = refdb("show", "li-shangfu", "--db", migrated)
    assert refused.code == 2
    assert len(refused.err_lines) == 1
    assert "refdb init" in refused.err

    current = json.loads(refdb("db", "current", "--db", migrated, "--json").out)
    assert current["current"] is None and current["up_to_date"] is False

    assert refdb("db", "upgrade", "--db", migrated).code == 0
    seeded = refdb("seed", "--db", migrated)
    assert seeded.code == 0, seeded.err
    assert "created" in seeded.err
    assert refdb("show", "li-shangfu", "--db", migrated, "--json").code == 0


def test_a_database_at_an_unknown_revision_is_refused_not_migrated(refdb, migrated):
    database = Database(migrated)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff0000'"))
    database.close()
    result = refdb("holders", "Secretary of Defense", "--on", "2023-07-12", "--db", migrated)
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "ffff0000" in result.err
    assert json.loads(refdb("db", "current", "--db", migrated, "--json").out)["current"] == "ffff0000"


def test_an_unknown_revision_to_migrate_to_is_bad_input(refdb, initialized):
    result = refdb("db", "upgrade", "no-such-revision", "--db", initialized)
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "no-such-revision" in result.err


@pytest.mark.parametrize(
    "command",
    [
        ("show", "li-shangfu"),
        ("seed",),
        ("db", "current"),
        ("db", "check"),
        ("db", "upgrade"),
        ("db", "downgrade", "base"),
    ],
)
def test_a_missing_sqlite_file_is_an_error_and_is_not_created(refdb, tmp_path, command):
    missing = tmp_path / "typo.db"
    result = refdb(*command, "--db", str(missing))
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "refdb init" in result.err
    assert not missing.exists()


def test_refdb_url_names_the_database(refdb, initialized, monkeypatch):
    monkeypatch.setenv("REFDB_URL", initialized)
    result = refdb("holders", "Secretary of Defense", "--on", "2023-07-12", "--json")
    assert result.code == 0, result.err
    assert [a["person"] for a in json.loads(result.out)] == ["Lloyd Austin"]


def test_the_first_run_creates_the_per_user_database(tmp_path: Path):
    """A new user with no database: the first lookup creates and seeds it, saying so on stderr."""
    environment = {key: value for key, value in os.environ.items() if key not in ("REFDB_URL", "PYTHONPATH")}
    environment.update(XDG_DATA_HOME=str(tmp_path / "xdg"), COLUMNS="250")
    command = [str(Path(sys.executable).parent / "refdb")]

    first = subprocess.run(
        [*command, "show", "li-shangfu"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    assert "creating a new database" in first.stderr
    assert str(tmp_path / "xdg" / "refdb" / "refdb.db") in first.stderr
    for fact in (
        "Director of the Equipment Development Department",
        "Minister of National Defense",
        "24838",
        "CAATSA - RUSSIA",
        "2018-09-20",
        "confirmed",
    ):
        assert fact in first.stdout
    assert (tmp_path / "xdg" / "refdb" / "refdb.db").is_file()

    second = subprocess.run(
        [*command, "holders", "Secretary of Defense", "--on", "2023-07-12"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    assert "Lloyd Austin" in second.stdout
