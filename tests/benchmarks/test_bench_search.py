"""The search benchmark's reuse of a loaded database (bench_precision reuses it too)."""

from __future__ import annotations

from benchmarks import bench_search, synthetic
from refdb import migrate
from refdb.database import Database
from refdb.schema_revision import SCHEMA_REVISION


def test_a_reused_database_at_an_older_revision_is_migrated_not_measured_as_it_is(db_url, capsys) -> None:
    """A synthetic database loaded by an older refdb is brought to this code's schema
    before it is measured, without loading it again: `refdb search` (timed as a whole
    process afterwards) refuses a database behind the code's head."""
    synthetic.load(db_url, 60)
    database = Database(db_url, actor="tester")
    migrate.downgrade(database.engine, "-1")
    database.close()

    bench_search._prepare(db_url, 60, synthetic.SEED, "sqlite")

    database = Database(db_url, actor="tester")
    try:
        assert database.schema_revision() == SCHEMA_REVISION
        database.ensure_ready()  # what `refdb search` checks first
    finally:
        database.close()
    printed = capsys.readouterr().out
    assert "migrated the reused database" in printed
    assert "reusing the loaded database (60 entities)" in printed
    assert "loaded {" not in printed  # not loaded a second time
