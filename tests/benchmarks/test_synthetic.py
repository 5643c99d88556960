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


def test_officials_database_lists_who_the_generator_sanctioned(db_url: str) -> None:
    """The listings benchmark's database: three tenures per official, and `refdb officials
    --sanctioned yes` finds exactly the officials the generator gave a confirmed link to
    an entry in force today."""
    from datetime import date

    from refdb.services import listings
    from refdb.services.listings import OfficialFilters

    n = 400
    database = Database(db_url, actor="tester")
    counts = synthetic.fill(database.engine, n, make=synthetic.make_official, index=False)
    officials = [synthetic.make_official(i, n) for i in range(synthetic.public_body_count(n), n)]
    today = date.today().isoformat()
    expected = {
        o.id
        for o in officials
        for e in o.entries
        if e["link_status"] == "confirmed"
        and e["listed_on"] <= today
        and (e["delisted_on"] is None or e["delisted_on"] > today)
    }
    with Session(database.engine) as session:
        everyone = listings.officials(session, limit=1)
        sanctioned = listings.officials(session, OfficialFilters(sanctioned="yes"), limit=1000)
    database.close()
    assert counts["tenure"] == synthetic.TENURES_PER_OFFICIAL * len(officials)
    assert everyone["total"] == len(officials)
    assert expected and {o["id"] for o in sanctioned["items"]} == expected
