"""The audit after ordinary imports: an import's bulk "seen" update is no tampering, and a
list file refdb fetched itself is verified evidence."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import text

from refdb.audit import run_audit
from refdb.database import Database
from refdb.importers.service import import_list
from refdb.models import Source
from tests.importers.excerpts import DATA
from tests.importers.loopback import serve

OFAC_2021 = DATA / "ofac" / "2021-07-07"
FAST = {"backoff": 0.01}


def findings(database: Database) -> Counter[tuple[str, str]]:
    """(rule, table of the subject) -> how many findings."""
    with database.session() as session:
        found = run_audit(session, ["unlogged-change", "fact-unverified", "fact-uncited"])
    return Counter((f.rule, f.subject.split(":")[0]) for f in found)


def test_a_re_import_leaves_nothing_for_the_audit_to_report(empty_db: Database, tmp_path: Path) -> None:
    with serve(tmp_path / "www") as server:
        for path in OFAC_2021.glob("*.csv"):
            server.publish(path, f"ofac/{path.name}")
        url = server.url("ofac/sdn.csv")
        first = import_list(empty_db, "ofac-sdn", url=url, fetch_options=FAST)
        again = import_list(empty_db, "ofac-sdn", url=url, force=True, fetch_options=FAST)

    assert again.unchanged == 13
    with empty_db.session() as session:
        assert session.get(Source, first.source_id).verified  # type: ignore[union-attr]
    assert findings(empty_db) == Counter()


def test_last_seen_altered_outside_refdb_is_still_found(empty_db: Database) -> None:
    import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv")
    import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv")
    with empty_db.engine.begin() as connection:
        entry_id = connection.execute(text("SELECT min(id) FROM sanction_entry")).scalar_one()
        connection.execute(
            text("UPDATE sanction_entry SET last_seen = first_seen - interval '1 day' WHERE id = :id")
            if connection.dialect.name == "postgresql"
            else text("UPDATE sanction_entry SET last_seen = '2020-01-01 00:00:00.000000' WHERE id = :id"),
            {"id": entry_id},
        )

    with empty_db.session() as session:
        found = run_audit(session, ["unlogged-change"])

    assert [(f.subject, f.explanation.split(" differ")[0]) for f in found] == [
        (f"sanction_entry:{entry_id}", "last_seen")
    ]


def test_a_list_file_read_from_disk_is_not_called_verified(empty_db: Database) -> None:
    result = import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv")

    with empty_db.session() as session:
        assert not session.get(Source, result.source_id).verified  # type: ignore[union-attr]
    assert findings(empty_db)[("fact-unverified", "sanction_entry")] == 13
