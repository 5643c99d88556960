"""`unlogged-change` compares rows with their records through snapshot texts the database
writes: those must be exactly the Editor's, and anything else must only send a row to
the slow comparison, never hide a change."""

from __future__ import annotations

from planting import Base
from sqlalchemy import select

from refdb import changelog
from refdb.audit import run_audit
from refdb.audit.snapshots import SnapshotQuery
from refdb.backends import backend_of
from refdb.models import FindingAck, Link, SanctionEntry
from refdb.services.edits import editing
from refdb.services.validation import VALIDATORS

MODELS = (*VALIDATORS, FindingAck)  # the tables unlogged-change reads


def test_the_database_writes_every_row_as_the_editor_recorded_it(base: Base) -> None:
    with editing(base.db) as editor:  # a float that is not whole, JSON with an object
        editor.update(Link, base.ids["link"], {"score": 0.93})
        editor.update(SanctionEntry, base.ids["entry"], {"raw": {"b": ["é", 1], "a": None}})
    with base.db.session() as session:
        backend = backend_of(session)
        for model in MODELS:
            table = model.__table__  # type: ignore[attr-defined]
            query = SnapshotQuery(table, backend)
            rows = session.execute(select(table.c.id, *query.columns))
            written = {row[0]: query.text(row[1:]) for row in rows}
            for row in session.execute(select(model)).scalars():
                assert written[row.id] == changelog.canonical_json(changelog.snapshot(row)), table.name


def test_raw_changes_to_every_kind_of_column_are_found(base: Base) -> None:
    link, entry, wang = base.ids["link"], base.ids["entry"], base.ids["wang"]
    with editing(base.db) as editor:
        editor.update(Link, link, {"score": 0.3})
    # 0.30000000000000004 reads "0.3" at SQLite's 15 digits.
    base.raw("UPDATE link SET score = :s WHERE id = :id", s=0.1 + 0.2, id=link)
    base.raw("UPDATE entity SET created_at = '2020-01-01 00:00:00' WHERE id = :id", id=wang)
    base.raw("UPDATE sanction_entry SET birth_dates = '[\"1960-05-02\"]' WHERE id = :id", id=entry)
    base.raw("UPDATE name SET name = name")  # no change
    with base.db.session() as session:
        found = {f.subject: f.explanation for f in run_audit(session, ["unlogged-change"])}
    assert found.keys() == {f"link:{link}", f"entity:{wang}", f"sanction_entry:{entry}"}
    assert found[f"link:{link}"].startswith("score differ")
    assert found[f"entity:{wang}"].startswith("created_at differ")
    assert found[f"sanction_entry:{entry}"].startswith("birth_dates differ")
