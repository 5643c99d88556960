"""TUI tests run on a seeded SQLite file.

The UI adds nothing back-end specific (every query and write is a service call, and
the services are tested on SQLite and PostgreSQL elsewhere), so PostgreSQL runs would
only repeat those. A file, not :memory:, because thread workers open their own
connections.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from refdb import bootstrap
from refdb.database import Database


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate and seed once; each test gets a copy (seeding is most of a test's time)."""
    path = tmp_path_factory.mktemp("tui-template") / "refdb.db"
    database = Database(f"sqlite:///{path}")
    bootstrap.initialize(database, announce=lambda _message: None)
    database.close()
    return path


@pytest.fixture
def tui_db(seeded_file: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "refdb.db"
    shutil.copyfile(seeded_file, path)
    database = Database(f"sqlite:///{path}", actor="tui-tester")
    yield database
    database.close()
