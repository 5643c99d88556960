"""The seeded database as a new user meets it: clean but for the reports it should give,
and tampering behind refdb's back named exactly."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from refdb.audit import Settings, run_audit
from refdb.database import Database
from refdb.models import Change, Citation, EntryName, Post, Tenure
from refdb.services.lookup import find_entity


def _li_tenures(database: Database) -> dict[str, int]:
    with database.session() as session:
        li = find_entity(session, "li-shangfu")
        rows = session.exec(
            select(Post.key, Tenure.id).join(Post, Post.id == Tenure.post_id).where(Tenure.person_id == li.id)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def test_seeded_audit_gives_only_the_reports_and_unverified_sources(seeded_db: Database, refdb) -> None:
    with seeded_db.session() as session:
        findings = run_audit(session)
    assert {f.rule for f in findings} == {
        "fact-unverified",
        "in-office-while-sanctioned",
        "tenure-unconfirmed",
    }
    # The seeds confirm the two tenures still held only as of the July 2023 article.
    stale = {f.explanation.split(":")[0] for f in findings if f.rule == "tenure-unconfirmed"}
    assert stale == {
        "Ambassador of the People's Republic of China to the United States",
        "Spokesperson, U.S. Department of Defense",
    }
    assert all(f.severity == "info" for f in findings if f.rule != "tenure-unconfirmed")
    tenures = _li_tenures(seeded_db)
    in_office = {f.subject: f.explanation for f in findings if f.rule == "in-office-while-sanctioned"}
    minister = tenures["prc-minister-of-national-defense"]
    assert set(in_office) == {f"tenure:{tenures[post]}+link:1" for post in tenures}
    assert in_office[f"tenure:{minister}+link:1"] == (
        "Li Shangfu held Minister of National Defense (2023-03-12..2023-10-24) "
        "while on ofac-sdn 24838 (listed 2018-09-20)"
    )
    assert refdb("audit", "--db", seeded_db.url).code == 1  # the two unconfirmed tenures
    result = refdb("audit", "--db", seeded_db.url, "--stale-days", "100000")
    assert result.code == 0, result.err
    assert "in-office-while-sanctioned" in result.out
    assert "0 unacknowledged at or above warning" in result.err
    assert refdb("audit", "--db", seeded_db.url, "--severity", "info").code == 1


def test_deleted_citation_and_altered_change_record_are_named(seeded_db: Database, refdb) -> None:
    minister = _li_tenures(seeded_db)["prc-minister-of-national-defense"]
    with seeded_db.session() as session:
        citation = session.exec(
            select(Citation.id).where(Citation.subject_table == "tenure", Citation.subject_id == minister)
        ).first()
        altered = session.exec(select(Change.id).where(Change.table_name == "post")).first()
    with seeded_db.engine.begin() as connection:
        connection.execute(text("DELETE FROM citation WHERE id = :id"), {"id": citation})
        connection.execute(text("UPDATE change SET reason = 'tidied up' WHERE id = :id"), {"id": altered})

    result = refdb("audit", "--db", seeded_db.url, "--json", "--stale-days", "100000")
    assert result.code == 1
    serious = {
        (f["rule"], f["subject"]) for f in json.loads(result.out)["findings"] if f["severity"] != "info"
    }
    assert serious == {
        ("unlogged-change", f"citation:{citation}"),
        ("change-log-broken", f"change:{altered}"),
    }

    verify = refdb("log", "verify", "--db", seeded_db.url)
    assert verify.code == 1
    assert f"change {altered} was altered" in verify.out
    report = json.loads(refdb("log", "verify", "--db", seeded_db.url, "--json").out)
    assert (report["intact"], report["first_bad_id"], report["problem"]) == (False, altered, "altered")


def test_acknowledged_finding_is_shown_and_logged(seeded_db: Database, refdb) -> None:
    minister = _li_tenures(seeded_db)["prc-minister-of-national-defense"]
    subject = f"tenure:{minister}+link:1"
    reason = "the report the audit exists to give"
    ack = refdb(
        "audit", "ack", "in-office-while-sanctioned", subject, "--reason", reason,
        "--db", seeded_db.url, "--actor", "auditor",
    )  # fmt: skip
    assert ack.code == 0, ack.err
    result = json.loads(
        refdb("audit", "--db", seeded_db.url, "--json", "--rule", "in-office-while-sanctioned").out
    )
    (shown,) = [f for f in result["findings"] if f["subject"] == subject]
    assert shown["acknowledged"] and shown["ack"]["reason"] == reason and shown["ack"]["actor"] == "auditor"
    assert result["summary"]["acknowledged"] == 1

    again = refdb(
        "audit", "ack", "in-office-while-sanctioned", subject, "--reason", "x", "--db", seeded_db.url
    )
    assert again.code == 2 and "already acknowledged by auditor" in again.err
    missing = refdb("audit", "ack", "link-pending", "link:1", "--reason", "x", "--db", seeded_db.url)
    assert missing.code == 1 and "finds nothing" in missing.err

    with seeded_db.session() as session:
        last = session.exec(select(Change).order_by(Change.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and (last.table_name, last.actor, last.reason) == (
        "finding_ack",
        "auditor",
        reason,
    )
    assert refdb("log", "verify", "--db", seeded_db.url).code == 0
    with seeded_db.session() as session:
        settled = run_audit(
            session, settings=Settings(stale_days=10**5)
        )  # not the seeds' unconfirmed tenures
        assert not [f for f in settled if f.severity != "info"]


def test_an_import_is_logged_as_the_importers_log_it(seeded_db: Database, refdb) -> None:
    """Imported entries log their names and programs inside the entry's record: no
    unlogged rows after an import, and a name deleted behind refdb's back is named."""
    data = Path(__file__).parents[1] / "data" / "ofac" / "2021-07-07" / "sdn.csv"
    imported = refdb("import", "ofac-sdn", "--file", str(data), "--db", seeded_db.url)
    assert imported.code == 0, imported.err
    with seeded_db.session() as session:
        assert not [f for f in run_audit(session, ["unlogged-change", "change-log-broken"])]
        last_name = select(EntryName.id, EntryName.entry_id).order_by(EntryName.id.desc())  # type: ignore[union-attr]
        name_id, entry_id = session.exec(last_name).first()  # type: ignore[misc]
    with seeded_db.engine.begin() as connection:
        connection.execute(text("DELETE FROM entry_name WHERE id = :id"), {"id": name_id})
    with seeded_db.session() as session:
        found = [(f.subject, f.explanation) for f in run_audit(session, ["unlogged-change"])]
    assert [subject for subject, _ in found] == [f"sanction_entry:{entry_id}"]
    assert "its names differ from change" in found[0][1]
