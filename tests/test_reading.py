"""Database.reading(): what the search service reads through, on both back ends."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from refdb.connection import sqlite_path
from refdb.database import Database
from refdb.models import Entity, Name
from refdb.reading import DriverReader
from refdb.search.filters import SearchFilters
from refdb.search.service import find
from refdb.services.edits import editing


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///x.db",
        "sqlite:///rel/dir/x.db",
        "sqlite:////tmp/a%20b.db",
        "sqlite+pysqlite:////tmp/x.db?mode=ro",
        "sqlite://",
        "sqlite:///:memory:",
        "postgresql+psycopg://u@h/db",
    ],
)
def test_sqlite_files_are_found_in_urls_as_sqlalchemy_finds_them(url: str):
    parsed = make_url(url)
    expected = parsed.database if parsed.get_backend_name() == "sqlite" else None
    found = sqlite_path(url)
    assert (str(found) if found else None) == (expected if expected not in ("", ":memory:") else None)


def test_the_driver_reads_and_its_connection_is_reused(seeded_db: Database):
    # sqlite3 or psycopg itself, not an engine's connection: `refdb officials` on
    # PostgreSQL spent 0.7 s importing SQLAlchemy to read through it.
    with seeded_db.reading() as first:
        first_connection = first.raw.dbapi
    with seeded_db.reading() as second:
        assert isinstance(second, DriverReader)
        assert second.raw.dbapi is first_connection
        assert type(first_connection).__module__.split(".")[0] in {"sqlite3", "psycopg"}


def test_a_reader_finds_what_was_written_since_it_last_searched(seeded_db: Database):
    with seeded_db.reading() as reader:
        assert not find(reader, "Ximen Chuixue", threshold=0.9)
    with editing(seeded_db) as editor:
        entity_id = editor.create(Entity(kind="person", name="Ximen Chuixue")).id
        editor.create(Name(entity_id=entity_id, name="Ximen Chuixue", kind="primary", normalized=""))
    with seeded_db.reading() as reader:
        hits = find(reader, "Ximen Chuixue", threshold=0.9)
    assert [(h.type, h.id) for h in hits] == [("entity", entity_id)]


def test_a_search_through_a_reader_answers_as_through_a_session(seeded_db: Database):
    filters = SearchFilters(birth_date="1958", list_key="ofac-sdn", active_on="2020-01-01")
    with seeded_db.reading() as reader:
        read = [(h.type, h.id, h.score) for h in find(reader, "li shangfu", filters)]
    with seeded_db.session() as session:
        assert read == [(h.type, h.id, h.score) for h in find(session, "li shangfu", filters)]
    assert read, "the seed's listing of Li Shangfu is active in 2020"
