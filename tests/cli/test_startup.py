"""Start-up cost: each command imports only what it needs (issue 3: `refdb search` under 0.5 s)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer.main

from refdb.cli import COMMANDS, app

# Each of these would add 0.05-0.5 s to the start of `refdb search`.
NOT_FOR_SEARCH = (
    "sqlmodel",
    "sqlalchemy.orm",
    "refdb.models",
    "refdb.audit",
    "refdb.importers",
    "refdb.services.edits",
    "alembic",
    "httpx",
    "textual",
    "pypinyin",
)
# SQLAlchemy on either back end (the driver reads); pydantic, which Typer's own
# conversion of option values imports (refdb.cli.coercion).
NOT_FOR_LISTINGS = ("sqlalchemy", "sqlmodel", "refdb.models", "alembic", "httpx", "textual", "pydantic")
LOADED = """
import json, sys
from refdb.cli import main
sys.argv = ["refdb", *sys.argv[1:]]
try:
    main()
finally:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_loaded_by(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stderr.splitlines()[-1]))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m in names or m.startswith(tuple(f"{n}." for n in names)))


def test_search_loads_neither_the_orm_nor_other_commands(refdb, shared_seeded_db):
    # The first search after writes indexes the new names (Han ones with pypinyin).
    refdb("search", "li shang-fu", "--db", shared_seeded_db.url)
    modules = _modules_loaded_by("search", "li shang-fu", "--json", "--db", shared_seeded_db.url)
    assert _loaded(modules, NOT_FOR_SEARCH) == []
    assert _loaded(modules, ("sqlalchemy",)) == [], "read with sqlite3 or psycopg itself"
    assert _loaded(modules, ("rich",)) == [], "--json output needs no rich"
    assert {f"refdb.cli.{m}" for m in COMMANDS.values()} & modules == {"refdb.cli.search"}


def test_screening_without_a_receipt_loads_no_orm(refdb, shared_seeded_db, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("name\nli shang-fu\n", encoding="utf-8")
    refdb("search", "li shang-fu", "--db", shared_seeded_db.url)  # index the seed names first
    modules = _modules_loaded_by("screen", str(names), "--db", shared_seeded_db.url)
    assert _loaded(modules, ("sqlmodel", "sqlalchemy.orm", "refdb.models")) == []


@pytest.mark.parametrize(
    "args",
    [
        ("officials", "--sanctioned", "yes", "--json"),
        ("officials", "--post", "minister", "--in-office-on", "2023", "--csv"),
        ("links", "--status", "confirmed", "--json"),
        ("posts", "--title", "minister"),
    ],
)
def test_listings_load_no_orm(refdb, shared_seeded_db, args):
    # Importing the ORM, SQLModel and the models cost `refdb officials` 1.2 of its 1.5 CPU s.
    modules = _modules_loaded_by(*args, "--db", shared_seeded_db.url)
    assert _loaded(modules, NOT_FOR_LISTINGS) == []


def test_help_lists_every_command(refdb):
    result = refdb("--help")
    assert result.code == 0, result.err
    # A row starts "│ name"; its wrapped help continues on rows starting "│   ".
    listed = [line.split()[1] for line in result.out.splitlines() if line.startswith("│ ") and line[2] != " "]
    assert [name for name in listed if name in COMMANDS] == list(COMMANDS)


def test_the_command_table_names_every_registered_command():
    for module in set(COMMANDS.values()):
        __import__(f"refdb.cli.{module}")
    registered = typer.main.get_group(app).commands
    assert set(registered) == set(COMMANDS)


def test_show_loads_the_orm_but_not_the_write_side_or_other_commands(refdb, shared_seeded_db):
    # A profile is read through the ORM (0.7-0.9 s of its start); these were ~0.15 s more:
    # the edit layer (merging's survivor), the change-log replay (--on), the matcher's
    # tables (a name that is no id) and `refdb posts`'s module (a shared option).
    modules = _modules_loaded_by("show", "li-shangfu", "--db", shared_seeded_db.url)
    unneeded = ("refdb.services.edits", "refdb.services.merging", "refdb.changelog", "refdb.services.history")
    assert _loaded(modules, (*unneeded, "refdb.matching", "refdb.importers", "refdb.audit")) == []
    assert {f"refdb.cli.{m}" for m in COMMANDS.values()} & modules == {"refdb.cli.lookup"}
