"""`refdb import ftm FILE|URL`: over real HTTP (loopback), conditional, idempotent, atomic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from db_state import state
from loopback import Reply

from refdb.errors import RefdbError
from refdb.importers.officials.service import import_ftm

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "ftm" / "officials.ftm.json"


def test_import_over_http_then_not_modified_then_forced_unchanged(seeded_db, http_server):
    url = http_server.publish(FIXTURE)
    first = import_ftm(seeded_db, url)
    assert (first.people, first.people_added, first.people_matched) == (2, 1, 1)  # Pelosi is seeded
    assert first.tenures_added == 2  # Testova's; Pelosi's Speaker terms are seeded already
    again = import_ftm(seeded_db, url)
    assert again.not_modified
    assert http_server.requests_for("officials.ftm.json")[-1].get("If-None-Match")
    before = state(seeded_db)
    forced = import_ftm(seeded_db, url, force=True)
    assert (forced.people_added, forced.tenures_added, forced.tenures_changed) == (0, 0, 0)
    assert forced.tenures_unchanged == 4
    assert state(seeded_db) == before


def test_a_changed_file_updates_only_what_changed(seeded_db, tmp_path):
    import_ftm(seeded_db, FIXTURE)
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    changed = [
        line.replace(
            '"startDate":["2019-05"],"status":["current"]',
            '"startDate":["2019-05"],"endDate":["2026-10"],"status":["ended"]',
        )
        for line in lines
    ]
    assert changed != lines
    path = tmp_path / "officials.ftm.json"
    path.write_text("\n".join(changed) + "\n", encoding="utf-8")
    result = import_ftm(seeded_db, path)
    assert (result.people_added, result.tenures_added, result.tenures_changed) == (0, 0, 1)


def test_a_bad_file_over_http_writes_nothing(seeded_db, http_server):
    url = http_server.publish(FIXTURE)
    http_server.script(
        "officials.ftm.json", Reply(body=FIXTURE.read_bytes() + b'{"id": "x", "schema": "Persn"}\n')
    )
    before = state(seeded_db)
    with pytest.raises(RefdbError, match=r"line 14: unknown FtM schema 'Persn'"):
        import_ftm(seeded_db, url)
    assert state(seeded_db) == before


def test_cli_one_line_error_exit_2_and_nothing_written(seeded_db, refdb, tmp_path):
    bad = tmp_path / "bad.ftm.json"
    bad.write_text(
        '{"id":"p","schema":"Person","properties":{"name":["A"]}}\n'
        '{"id":"o","schema":"Occupancy","properties":{"holder":["p"],"post":["nowhere"]}}\n',
        encoding="utf-8",
    )
    before = state(seeded_db)
    result = refdb("import", "ftm", str(bad), "--db", seeded_db.url)
    assert result.code == 2
    assert result.err_lines == [
        "refdb: ftm bad.ftm.json: line 2: Occupancy o refers to nowhere (post), which is not in the file"
    ]
    assert state(seeded_db) == before


def test_cli_imports_a_file_and_prints_json(seeded_db, refdb):
    result = refdb("import", "ftm", str(FIXTURE), "--db", seeded_db.url, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["source"], data["people_added"], data["tenures_added"]) == ("ftm", 1, 2)


def test_cli_counts_agree_with_their_nouns(seeded_db, refdb):
    """The summary line is English at one as at many: "1 post added", not "1 posts"."""
    result = refdb("import", "ftm", str(FIXTURE), "--db", seeded_db.url)
    assert result.code == 0, result.err
    assert result.err_lines[0].startswith("ftm: 2 people — 1 added, 1 already known")
    assert result.err_lines[0].endswith("2 tenures added, 0 changed, 2 unchanged; 1 post added")


def test_a_new_persons_record_is_canonical_json_of_its_rows(seeded_db):
    """The writer writes a new person's record text with orjson (changelog.plain_json); it
    must be what canonical_json makes of the same values, or the audit's comparisons would
    drift. plain_json is not for floats: the tables it writes have no float column. And
    it is written by orjson, not the fallback: the rows' keys are plain str, not SQLAlchemy's."""
    from sqlalchemy import Float
    from sqlmodel import select

    from refdb.changelog import PARTS, canonical_json
    from refdb.importers.officials.writer import _BLANK, _TABLES
    from refdb.models import Change

    assert not [c for table in _TABLES.values() for c in table.columns if isinstance(c.type, Float)]
    assert {type(key) for row in _BLANK.values() for key in row} == {str}

    import_ftm(seeded_db, FIXTURE)
    with seeded_db.session() as session:
        records = session.exec(select(Change.after).where(Change.after.contains(f'"{PARTS}":'))).all()
    assert records
    for after in records:
        assert after == canonical_json(json.loads(after))
        assert set(json.loads(after)[PARTS]) >= {"citation", "name", "identifier", "tenure"}
