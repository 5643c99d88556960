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
