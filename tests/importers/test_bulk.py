"""bulk_insert stores every value exactly as SQLAlchemy's own INSERT stores it; on a second
thread (BackgroundInserts) its rows are there for the next statement, and a failure is raised;
ids for the next rows are taken without waiting for those in flight."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from refdb.database import Database
from refdb.importers import bulk
from refdb.importers.bulk import BackgroundInserts, IdPool, bulk_insert
from refdb.models import Authority, Entity, SanctionEntry, SanctionList
from refdb.services.edits import editing

_ENTRY = SanctionEntry.__table__  # type: ignore[attr-defined]
_ENTITY = Entity.__table__  # type: ignore[attr-defined]


def test_bulk_insert_stores_values_as_sqlalchemy_does(empty_db: Database) -> None:
    with editing(empty_db) as editor:
        authority = editor.create(Authority(key="test", name="Test authority"))
        list_id = editor.create(SanctionList(key="test", authority_id=authority.id, name="Test list")).id
    seen = datetime(2024, 5, 3, 18, 43, 23, 123456, tzinfo=UTC)
    values = {
        "list_id": list_id,
        "target_kind": "person",
        "name": "ČEBOTAREV, Ivan «Vanya»",
        "birth_dates": ["1958-02"],
        "birth_places": [],
        "nationalities": ["Россия"],
        "addresses": [],
        "identifiers": [{"scheme": "Passport", "value": '12 34\t"5"', "country": None}],
        "measures": [],
        "raw": {"sdn": {"ent_num": "1", "Remarks": "a.k.a. 'Ч'"}, "alt": None, "ratio": 0.5},
        "listed_from": date(2020, 1, 31),
        "first_seen": seen,
        "last_seen": seen,
        "version": 1,
    }
    with Session(empty_db.engine) as session, session.begin():
        session.execute(insert(_ENTRY), [{**values, "record_id": "orm"}])
        bulk_insert(session, _ENTRY, [{**values, "record_id": f"bulk-{n}"} for n in range(2)])
    with empty_db.engine.connect() as connection:
        # Untyped SQL: the stored text (SQLite) or value (PostgreSQL), not re-read through the types.
        rows = connection.exec_driver_sql("SELECT * FROM sanction_entry ORDER BY id").all()
    stored = [dict(row._mapping) for row in rows]
    for row in stored:
        del row["id"], row["record_id"]
    assert len(stored) == 3
    assert stored[1] == stored[0] and stored[2] == stored[0]


def _people(count: int, start: int = 1, **values: object) -> list[dict[str, object]]:
    made = datetime(2026, 12, 3, tzinfo=UTC)
    return [
        {"id": n, "kind": "person", "name": f"Person {n}", "created_at": made, "version": 1, **values}
        for n in range(start, start + count)
    ]


def test_a_statement_after_background_inserts_sees_every_row_handed_over(empty_db: Database) -> None:
    with Session(empty_db.engine) as session, session.begin(), BackgroundInserts(session) as inserts:
        for start in range(1, 6001, 2000):
            inserts.insert(session, _ENTITY, _people(2000, start))
        # Run while the rows may still be on their way: it waits for them.
        counted = session.execute(select(func.count()).select_from(_ENTITY)).scalar()
    assert counted == 6000
    with Session(empty_db.engine) as session:
        assert session.execute(select(func.count()).select_from(_ENTITY)).scalar() == 6000


def test_a_failed_background_insert_is_raised_and_nothing_is_written(empty_db: Database) -> None:
    with (
        pytest.raises(DBAPIError),
        Session(empty_db.engine) as session,
        session.begin(),
        BackgroundInserts(session) as inserts,
    ):
        inserts.insert(session, _ENTITY, _people(2000))
        inserts.insert(session, _ENTITY, _people(10, 2001, merged_into_id=999_999))  # no such entity
        inserts.insert(session, _ENTITY, _people(2000, 3001))
    with Session(empty_db.engine) as session:
        assert session.execute(select(func.count()).select_from(_ENTITY)).scalar() == 0


def test_ids_are_taken_without_waiting_for_the_inserts_in_flight(
    empty_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a block of ids comes from the sequence on a connection of its own: on
    the import's connection it waited for every insert handed over, stalling both threads."""
    if empty_db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writes each insert when handed over: nothing is in flight")
    release = threading.Event()
    insert_values = bulk._insert_values

    def held(*args: object) -> None:  # the server still busy with the rows handed over
        release.wait(30)
        insert_values(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "_insert_values", held)
    with Session(empty_db.engine) as session, session.begin(), BackgroundInserts(session) as inserts:
        inserts.insert(session, _ENTITY, _people(10, 1_000_000))
        pool = IdPool(session, _ENTITY)
        started = time.perf_counter()
        ids = [pool.take() for _ in range(2500)]  # three blocks of the sequence
        waited = time.perf_counter() - started
        release.set()
    assert waited < 10
    assert len(set(ids)) == 2500
    with Session(empty_db.engine) as session:  # the rows in flight were written all the same
        assert session.execute(select(func.count()).select_from(_ENTITY)).scalar() == 10
