"""The audit after ordinary imports: an import's bulk "seen" update is no tampering, and a
list file refdb fetched itself is verified evidence."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import text

from refdb.audit import run_audit
from refdb.database import Database
from refdb.importers.officials.service import import_ftm
from refdb.importers.service import import_list
from refdb.models import Entity, Source, Tenure
from refdb.services import history, lookup
from refdb.services.edits import editing
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
        fetched = session.get(Source, first.source_id)
        assert fetched.verified  # type: ignore[union-attr]
        assert "sdn.csv fetched 20" in fetched.title  # type: ignore[union-attr]
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


def test_a_list_file_read_from_disk_is_not_called_verified(empty_db: Database, refdb) -> None:
    result = import_list(empty_db, "ofac-sdn", file=OFAC_2021 / "sdn.csv")

    with empty_db.session() as session:
        read = session.get(Source, result.source_id)
        assert not read.verified  # type: ignore[union-attr]
        assert "sdn.csv read from disk 20" in read.title  # type: ignore[union-attr]
    assert findings(empty_db) == Counter({("fact-unverified", "source"): 1})
    with empty_db.session() as session:
        (finding,) = run_audit(session, ["fact-unverified"])
    assert finding.subject == f"source:{result.source_id}"
    assert finding.figures["facts"] == 13  # type: ignore[index]
    assert "read from a local file" in finding.explanation
    assert str(OFAC_2021 / "sdn.csv") in finding.explanation
    shown = refdb("audit", "--rule", "fact-unverified", "--json", "--db", empty_db.url)
    (listed,) = json.loads(shown.out)["findings"]
    assert listed["figures"]["by_table"] == {"sanction_entry": 13}


FTM = Path(__file__).resolve().parents[1] / "data" / "ftm" / "officials.ftm.json"


def _imported_person(database: Database) -> tuple[int, int, int]:
    """Ivana Testova (new in the FtM fixture; logged in one record): her entity, a
    tenure and a name."""
    import_ftm(database, FTM)
    with database.engine.begin() as connection:
        entity_id = connection.execute(
            text("SELECT id FROM entity WHERE name = 'Ivana Testova'")
        ).scalar_one()
        tenure_id = connection.execute(
            text("SELECT min(id) FROM tenure WHERE person_id = :id"), {"id": entity_id}
        ).scalar_one()
        name_id = connection.execute(
            text("SELECT id FROM name WHERE entity_id = :id AND name = 'Vana'"), {"id": entity_id}
        ).scalar_one()
    return entity_id, tenure_id, name_id


def test_an_imported_person_is_one_record_and_the_audit_finds_nothing(seeded_db: Database) -> None:
    entity_id, _, _ = _imported_person(seeded_db)

    with seeded_db.engine.begin() as connection:
        tables = (
            connection.execute(text("SELECT table_name FROM change WHERE entity_id = :id"), {"id": entity_id})
            .scalars()
            .all()
        )
    # Her entity and its rows in one record; the link proposed to the file's Sanction of her in another.
    assert tables == ["entity", "link"]
    assert _unlogged(seeded_db) == []


def _unlogged(database: Database) -> list[tuple[str, str]]:
    with database.session() as session:
        return [(f.subject, f.explanation) for f in run_audit(session, ["unlogged-change"])]


def test_an_imported_tenure_altered_outside_refdb_is_found(seeded_db: Database) -> None:
    _, tenure_id, _ = _imported_person(seeded_db)
    with seeded_db.engine.begin() as connection:
        connection.execute(text("UPDATE tenure SET start_on = '1999' WHERE id = :id"), {"id": tenure_id})

    assert [(subject, why.split(" differ")[0]) for subject, why in _unlogged(seeded_db)] == [
        (f"tenure:{tenure_id}", "start_on")
    ]


def test_an_imported_name_deleted_or_a_tenure_inserted_outside_refdb_is_found(seeded_db: Database) -> None:
    _, tenure_id, name_id = _imported_person(seeded_db)
    with seeded_db.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM citation WHERE subject_table = 'name' AND subject_id = :id"), {"id": name_id}
        )
        connection.execute(text("DELETE FROM name WHERE id = :id"), {"id": name_id})
        connection.execute(
            text(
                "INSERT INTO tenure (id, person_id, post_id, start_on, status, acting, version) "
                "SELECT :new, person_id, post_id, '1990', 'ended', acting, 1 FROM tenure WHERE id = :id"
            ),
            {"new": tenure_id + 1000, "id": tenure_id},
        )

    found = dict(_unlogged(seeded_db))
    assert found[f"name:{name_id}"].startswith("missing, though change")
    assert found[f"tenure:{tenure_id + 1000}"].startswith("present, but no change record created it")


def test_an_imported_person_edited_later_is_judged_by_the_later_record(seeded_db: Database) -> None:
    entity_id, tenure_id, _ = _imported_person(seeded_db)
    with editing(seeded_db) as editor:
        editor.update(Tenure, tenure_id, {"end_on": "2026-11", "status": "ended"})
        editor.update(Entity, entity_id, {"gender": "other"})

    assert _unlogged(seeded_db) == []


def test_an_imported_person_as_of_now_is_rebuilt_from_its_one_record(seeded_db: Database) -> None:
    entity_id, _, _ = _imported_person(seeded_db)

    with seeded_db.session() as session:
        then = history.entity_as_of(session, entity_id, "2100")
        now = lookup.entity_profile(session, entity_id)
    assert len(now["names"]) == 4 and len(now["tenures"]) == 2
    assert (then["names"], then["tenures"], then["identifiers"]) == (
        now["names"],
        now["tenures"],
        now["identifiers"],
    )
