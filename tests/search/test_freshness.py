"""A search while another process holds the database: it never answers from a stale
index without saying so (issue 13, item 1). The other process is a real second
connection, indexing in a transaction it has not committed, on both back ends."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from refdb.database import Database
from refdb.search import freshness, index
from refdb.search.filters import SearchFilters
from refdb.search.service import find, screen

NEW_ALIAS = "Quennington Zorblatt Holdings"


def _queue_alias(database: Database, name: str = NEW_ALIAS) -> None:
    """A list entry gains an alias, written with plain SQL as an import writes it."""
    with database.engine.begin() as connection:
        entry_id = connection.execute(text("SELECT min(id) FROM sanction_entry")).scalar_one()
        connection.execute(
            text("INSERT INTO entry_name (entry_id, name, kind, normalized) VALUES (:e, :n, 'alias', :n)"),
            {"e": entry_id, "n": name.lower()},
        )


@contextmanager
def _another_process_indexing(database: Database, release_after: float = 30.0) -> Iterator[None]:
    """A second connection indexing the queued names, not yet committed: it holds the
    database (SQLite) or the index rows (PostgreSQL). Released after ``release_after``
    seconds at the latest, so that a search that waits for it cannot hang the suite."""
    connection = database.engine.connect()
    transaction = connection.begin()
    index.sync(connection)
    timer = threading.Timer(release_after, transaction.rollback)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if transaction.is_active:
            transaction.rollback()
        connection.close()


def _catch_up_now(database: Database) -> None:
    with database.reading() as reader:
        find(reader, "anything")


def test_a_search_finds_names_the_index_could_not_take_in(seeded_db: Database) -> None:
    _catch_up_now(seeded_db)
    _queue_alias(seeded_db)
    with _another_process_indexing(seeded_db), seeded_db.reading() as reader:
        started = time.monotonic()
        hits = find(reader, NEW_ALIAS, SearchFilters(types=("sanction_entry",)))
        elapsed = time.monotonic() - started
    assert hits and hits[0].matched_name == NEW_ALIAS.lower(), "the queued name is searched too"
    assert elapsed < 5, f"it searched the queued names instead of waiting ({elapsed:.1f} s)"
    # Once the other process has gone, the index takes the name in.
    with seeded_db.reading() as reader:
        assert (
            find(reader, NEW_ALIAS, SearchFilters(types=("sanction_entry",)))[0].matched_name
            == NEW_ALIAS.lower()
        )
        assert freshness.behind(reader.raw) is None


def test_a_screening_finds_names_the_index_could_not_take_in(
    seeded_db: Database, refdb, tmp_path: Path
) -> None:
    _catch_up_now(seeded_db)
    _queue_alias(seeded_db)
    names = tmp_path / "names.csv"
    names.write_text(f"name\n{NEW_ALIAS}\n", encoding="utf-8")
    with _another_process_indexing(seeded_db):
        result = refdb("screen", str(names), "--db", seeded_db.url)
        with seeded_db.reading() as reader:
            (screened,) = list(screen(reader, [freshness_input(NEW_ALIAS)]))
    assert result.code == 0, result.err
    assert "1 with a match" in result.err, result.err
    assert screened.hits, "the service's screening searches the queued name too"


def freshness_input(name: str):
    from refdb.search.service import ScreeningInput

    return ScreeningInput(name=name, row=1)


def test_a_search_that_cannot_catch_up_fails_rather_than_answer_from_a_stale_index(
    seeded_db: Database, refdb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too many queued names to search beside the index: it waits, then fails, exit 2."""
    monkeypatch.setattr(freshness, "SEARCHED_UNINDEXED", 0)
    monkeypatch.setattr(freshness, "SYNC_WAIT_MS", 500)
    _catch_up_now(seeded_db)
    _queue_alias(seeded_db)
    with _another_process_indexing(seeded_db):
        started = time.monotonic()
        result = refdb("search", NEW_ALIAS, "--db", seeded_db.url)
        elapsed = time.monotonic() - started
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    assert result.err_lines == [
        "refdb: the search index is 1 name(s) behind, and another process (an import, an edit or "
        "another search indexing) held the database for 0.5 s: nothing was searched; try again "
        "when it has finished"
    ]
    assert elapsed < 10


def test_a_search_waits_for_another_process_that_finishes_in_time(
    seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built by another version must be rebuilt whole: the search waits."""
    monkeypatch.setattr(freshness, "SYNC_WAIT_MS", 8000)
    _catch_up_now(seeded_db)
    _queue_alias(seeded_db)
    with seeded_db.engine.begin() as connection:
        connection.execute(text("UPDATE search_term SET docs = 0 WHERE term = '#keys'"))
    with _another_process_indexing(seeded_db, release_after=1.0), seeded_db.reading() as reader:
        hits = find(reader, NEW_ALIAS, SearchFilters(types=("sanction_entry",)))
    assert hits and hits[0].matched_name == NEW_ALIAS.lower()
