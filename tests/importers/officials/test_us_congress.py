"""refdb import us-congress: members of Congress, Presidents and Vice Presidents with
their terms, over loopback HTTP, from the committed CC0 excerpts (tests/data/us-congress)."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from db_state import state
from loopback import HttpServer
from sqlalchemy import func, select
from sqlmodel import Session

from refdb.audit import Settings, run_audit
from refdb.database import Database
from refdb.errors import RefdbError
from refdb.importers.officials.service import import_us_congress
from refdb.models import Entity, Identifier, Name, Post, Tenure

DATA = Path(__file__).resolve().parents[2] / "data" / "us-congress"
FILES = ("legislators-current.yaml", "executive.yaml")


def publish(server: HttpServer) -> list[str]:
    return [server.publish(DATA / name, f"congress/{name}") for name in FILES]


def entity_with(database: Database, scheme: str, value: str) -> Entity:
    with Session(database.engine) as session:
        return session.scalars(
            select(Entity)
            .join(Identifier, Identifier.entity_id == Entity.id)
            .where(Identifier.scheme == scheme, Identifier.value == value)
        ).one()


def tenures_of(database: Database, entity_id: int) -> list[tuple]:
    with Session(database.engine) as session:
        return session.execute(
            select(Post.title, Tenure.start_on, Tenure.end_on, Tenure.status)
            .join(Post, Post.id == Tenure.post_id)
            .where(Tenure.person_id == entity_id)
            .order_by(Tenure.start_on)
        ).all()


def test_seeded_people_get_identifiers_and_terms_not_duplicates(
    seeded_db: Database, http_server: HttpServer
) -> None:
    result = import_us_congress(seeded_db, urls=publish(http_server))
    assert (result.people, result.people_matched) == (12, 2)  # Pelosi and Biden are seeded
    pelosi = entity_with(seeded_db, "bioguide", "P000197")
    biden = entity_with(seeded_db, "bioguide", "B000444")
    assert (pelosi.key, biden.key) == ("nancy-pelosi", "joe-biden")
    assert entity_with(seeded_db, "wikidata", "Q6279").id == biden.id
    with Session(seeded_db.engine) as session:
        assert session.scalar(select(func.count()).select_from(Name).where(Name.name == "Joe Biden")) == 1
    terms = tenures_of(seeded_db, biden.id)
    assert ("Vice President of the United States", "2009-01-20", "2013-01-20", "ended") in terms
    # The seeded presidency (same post, same start) is the imported term, not a second one.
    assert [t for t in terms if t.title == "President of the United States"] == [
        ("President of the United States", "2021-01-20", "2025-01-20", "ended")
    ]
    assert ("United States Representative for CA-5", "1987-01-06", "1989-01-03", "ended") in tenures_of(
        seeded_db, pelosi.id
    )


def test_posts_and_current_terms(empty_db: Database, http_server: HttpServer) -> None:
    import_us_congress(empty_db, urls=publish(http_server))
    with Session(empty_db.engine) as session:
        titles = set(session.scalars(select(Post.title)))
    assert {
        "United States Senator for Washington",
        "United States Representative for WY at-large",
        "Delegate to the United States House of Representatives from the District of Columbia",
        "Resident Commissioner of Puerto Rico",
        "President of the United States",
    } <= titles
    # Terms that end after today are current, without an end date yet.
    today = date.today().isoformat()
    cantwell = tenures_of(empty_db, entity_with(empty_db, "bioguide", "C000127").id)
    last = cantwell[-1]
    assert last.status == ("current" if today < "2031-01-03" else "ended")
    assert all(t.end_on and t.end_on <= today for t in cantwell if t.status == "ended")


def test_terms_still_held_are_confirmed_by_the_import(empty_db: Database, http_server: HttpServer) -> None:
    """A term the file lists as held carries the import's day, so the audit does not call it
    stale and as-of answers stay certain up to that day."""
    import_us_congress(empty_db, urls=publish(http_server))
    with Session(empty_db.engine) as session:
        held = session.scalars(select(Tenure.confirmed_on).where(Tenure.status != "ended")).all()
        unconfirmed = run_audit(session, ["tenure-unconfirmed"], Settings())
    assert held and set(held) == {date.today().isoformat()}
    assert unconfirmed == []


def _held_confirmations(database: Database) -> set[str | None]:
    with Session(database.engine) as session:
        return set(session.scalars(select(Tenure.confirmed_on).where(Tenure.status != "ended")).all())


def test_a_local_files_terms_are_confirmed_on_its_date_not_the_import_day(
    refdb, db_url: str, tmp_path: Path
) -> None:
    """A downloaded copy may be months old: its terms were true on the file's date, which is
    all refdb knows of it (its modification date), unless --as-of says better."""
    files = []
    for name in FILES:
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
        os.utime(tmp_path / name, (0, datetime(2026, 6, 15, 12, tzinfo=UTC).timestamp()))
        files += ["--file", str(tmp_path / name)]
    assert refdb("init", "--db", db_url).code == 0

    result = refdb("import", "us-congress", *files, "--db", db_url)

    assert result.code == 0, result.err
    assert "posts still held confirmed on 2026-06-15 (the file's modification date" in result.err
    database = Database(db_url)
    held = _held_confirmations(database)  # the seeds' own tenures keep their confirmations
    assert "2026-06-15" in held and date.today().isoformat() not in held
    database.close()


def test_as_of_states_the_files_own_date(refdb, db_url: str) -> None:
    files = [arg for name in FILES for arg in ("--file", str(DATA / name))]
    assert refdb("init", "--db", db_url).code == 0

    result = refdb("import", "us-congress", *files, "--as-of", "2026-05-01", "--db", db_url, "--json")

    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["confirmed_on"], data["confirmed_by"]) == ("2026-05-01", "as of")
    database = Database(db_url)
    held = _held_confirmations(database)
    assert "2026-05-01" in held and date.today().isoformat() not in held
    database.close()


@pytest.mark.parametrize(
    ("as_of", "message"),
    [("2026-05", "give a day, YYYY-MM-DD"), ("2999-01-01", "is in the future"), ("soon", "is not a date")],
)
def test_a_bad_as_of_is_refused_and_nothing_written(refdb, db_url: str, as_of: str, message: str) -> None:
    assert refdb("init", "--db", db_url).code == 0
    database = Database(db_url)
    before = state(database)
    files = [arg for name in FILES for arg in ("--file", str(DATA / name))]

    result = refdb("import", "us-congress", *files, "--as-of", as_of, "--db", db_url)

    assert result.code == 2 and len(result.err_lines) == 1 and message in result.err
    assert state(database) == before
    database.close()


@pytest.mark.parametrize(
    ("as_of", "message"),
    [("2026-05", "give a day, YYYY-MM-DD"), ("2999-01-01", "is in the future"), ("soon", "is not a date")],
)
def test_the_api_refuses_a_bad_as_of_as_the_cli_does(empty_db: Database, as_of: str, message: str) -> None:
    """The whole-day rule is the importer's, not the command line's: a script that passes
    text gets the same refusal, and nothing is written."""
    before = state(empty_db)
    with pytest.raises(RefdbError, match=message):
        import_us_congress(empty_db, files=[DATA / name for name in FILES], as_of=as_of)
    assert state(empty_db) == before
    result = import_us_congress(empty_db, files=[DATA / name for name in FILES], as_of="2026-05-01")
    assert (result.confirmed_on, result.confirmed_by) == ("2026-05-01", "as of")


def test_second_import_asks_conditionally_and_writes_nothing(
    empty_db: Database, http_server: HttpServer
) -> None:
    urls = publish(http_server)
    import_us_congress(empty_db, urls=urls)
    before = state(empty_db)
    again = import_us_congress(empty_db, urls=urls)
    assert again.not_modified and [f["not_modified"] for f in again.files] == [True, True]
    assert state(empty_db) == before
    assert all("If-None-Match" in h for h in http_server.requests_for("congress/executive.yaml")[1:])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"- id: {bioguide: X\n  name: [unclosed\n", "malformed YAML at line"),
        (b"Ent_num,SDN_Name\n36,AEROCARIBBEAN AIRLINES\n", "not a congress-legislators file"),
        (b"<html><body>Rate limited</body></html>", "got an HTML page"),
        (b"", "file is empty"),
        (
            b"- id: {bioguide: X}\n  name: {first: A, last: B}\n"
            b"  terms:\n  - {type: rep, state: CA, district: 1}\n",
            "the term has no start date",
        ),
    ],
)
def test_bad_file_is_one_line_exit_2_nothing_written(
    refdb, db_url: str, tmp_path: Path, content: bytes, message: str
) -> None:
    assert refdb("init", "--db", db_url).code == 0
    bad = tmp_path / "legislators-current.yaml"
    bad.write_bytes(content)
    database = Database(db_url)
    before = state(database)
    result = refdb(
        "import", "us-congress", "--file", str(bad), "--file", str(DATA / "executive.yaml"), "--db", db_url
    )
    assert result.code == 2
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith("refdb: ") and message in result.err
    assert state(database) == before
    database.close()


def test_cli_prints_the_import_as_json(refdb, db_url: str, http_server: HttpServer) -> None:
    urls = publish(http_server)
    assert refdb("init", "--db", db_url).code == 0
    result = refdb("import", "us-congress", "--url", urls[0], "--url", urls[1], "--db", db_url, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["people"], data["people_matched"]) == (12, 2)
    assert [f["file"] for f in data["files"]] == list(FILES)


def test_full_files(shared_data: Path, empty_db: Database) -> None:
    folder = shared_data / "us-congress"
    result = import_us_congress(empty_db, files=[folder / name for name in FILES])
    assert [f["people"] for f in result.files] == [537, 80]
    assert result.people == result.people_added == 617
    with Session(empty_db.engine) as session:
        assert session.scalar(select(func.count()).select_from(Tenure)) == result.tenures_added == 2923
    assert entity_with(empty_db, "wikidata", "Q170581").id == entity_with(empty_db, "bioguide", "P000197").id
    before = state(empty_db)
    again = import_us_congress(empty_db, files=[folder / name for name in FILES])
    assert state(empty_db) == before and again.tenures_unchanged == 2923
