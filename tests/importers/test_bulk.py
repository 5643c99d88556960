"""bulk_insert stores every value exactly as SQLAlchemy's own INSERT stores it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert
from sqlmodel import Session

from refdb.database import Database
from refdb.importers.bulk import bulk_insert
from refdb.models import Authority, SanctionEntry, SanctionList
from refdb.services.edits import editing

_ENTRY = SanctionEntry.__table__  # type: ignore[attr-defined]


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
