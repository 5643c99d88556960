"""The synthetic database the audit benchmark builds: its change log must read as the
Editor's own, on both back ends, or the benchmark would time findings no user sees."""

from __future__ import annotations

from sqlmodel import Session

from benchmarks import synthetic
from refdb.audit import Settings, run_audit
from refdb.changelog import verify_chain
from refdb.database import Database


def test_create_records_chain_every_row_as_the_editor_would(db_url: str) -> None:
    database = Database(db_url, actor="tester")
    counts = synthetic.fill(database.engine, 300, entries=200, cited=True, change_records=True, index=False)
    records = counts.pop("change")
    with Session(database.engine) as session:
        report = verify_chain(session)
        findings = run_audit(
            session, ["change-log-broken", "unlogged-change"], Settings(today=synthetic.NOW.date())
        )
    database.close()
    assert report.intact
    assert report.records == records == sum(counts.values())
    assert findings == []


def test_the_ftm_officials_are_valid_ftm_and_read_back_as_generated(tmp_path) -> None:
    from refdb.importers.officials import ftm as ftm_reader
    from tests.ftm_checks import problems

    entities = list(synthetic.iter_ftm_officials(300, tenures_per_person=3))
    assert list(problems(entities)) == []
    assert entities == list(synthetic.iter_ftm_officials(300, tenures_per_person=3))  # deterministic
    path = tmp_path / "officials.ftm.json"
    assert synthetic.write_ftm_officials(path, 300) == len(entities)
    people = ftm_reader.parse(path)
    assert len(people) == 300
    assert sum(len(p.tenures) for p in people) == 900
    assert all(len({t.post for t in p.tenures}) == 3 for p in people)  # distinct posts per person
