"""Reading FollowTheMoney JSON lines as officials (refdb/importers/officials/ftm.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from refdb.database import Database
from refdb.importers.officials import OfficialsDocument, OfficialsSource, apply_officials
from refdb.importers.officials.ftm import parse
from refdb.importers.records import ImportFormatError
from refdb.importers.service import local_download
from refdb.models import Change, Entity, Identifier, Tenure

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "ftm" / "officials.ftm.json"
SOURCE = OfficialsSource("ftm", "FollowTheMoney entities", "handcrafted test file")


def _people() -> dict[str, object]:
    return {person.record_id: person for person in parse(FIXTURE)}


def test_people_with_names_identifiers_and_facts():
    people = _people()
    assert list(people) == ["Q170581", "hc-person-testova"]  # Address, Sanction, bodies left aside
    testova = people["hc-person-testova"]
    assert testova.name == "Ivana Testova"
    assert {(n.name, n.kind) for n in testova.names} == {
        ("Ивана Тестова", "original_script"),
        ("I. Testova", "alias"),
        ("Vana", "weak_alias"),
    }
    assert {(i.scheme, i.value, i.country) for i in testova.identifiers} == {
        ("ftm", "hc-person-testova", None),
        ("passport", "P0000001", None),
        ("national id", "XK-123-456", "xk"),
    }
    assert (testova.birth_date, testova.gender, testova.nationality) == ("1971", "female", "xk")
    # OpenSanctions names PEPs by their Wikidata QID: the id is also a wikidata identifier.
    assert {(i.scheme, i.value) for i in people["Q170581"].identifiers} == {
        ("ftm", "Q170581"),
        ("wikidata", "Q170581"),
    }


def test_occupancies_become_tenures_at_their_precision():
    testova = _people()["hc-person-testova"]
    tenures = {t.start: t for t in testova.tenures}
    assert (tenures["2019-05"].end, tenures["2019-05"].status, tenures["2019-05"].acting) == (
        None,
        "current",
        False,
    )
    # An end date means the tenure ended, whatever the status says; "acting" is kept.
    assert (tenures["2015"].end, tenures["2015"].status, tenures["2015"].acting) == ("2016-02", "ended", True)
    post = tenures["2015"].post
    assert (post.title, post.organization, post.country) == (
        "Minister of Handcrafted Fixtures",
        "Ministry of Handcrafted Fixtures",
        "xk",
    )
    speaker = _people()["Q170581"].tenures[0].post
    assert speaker.key == "wikidata-Q912994"
    assert tenures["2015"].locator.startswith("line 10: Occupancy hc-occupancy-testova-2; line 8: Position")


def _apply(database: Database) -> None:
    apply_officials(database, SOURCE, [OfficialsDocument(local_download(FIXTURE), parse(FIXTURE))])


def _count(database: Database, model: type, *where: object) -> int:
    with Session(database.engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))  # type: ignore[return-value]


def test_a_seeded_official_gains_identifiers_not_a_twin_and_a_reimport_writes_nothing(seeded_db):
    pelosis = _count(seeded_db, Entity, Entity.name == "Nancy Pelosi")
    _apply(seeded_db)
    assert _count(seeded_db, Entity, Entity.name == "Nancy Pelosi") == pelosis == 1
    with Session(seeded_db.engine) as session:
        pelosi = session.scalars(select(Entity).where(Entity.key == "nancy-pelosi")).one()
        schemes = set(session.scalars(select(Identifier.scheme).where(Identifier.entity_id == pelosi.id)))
        testova = session.scalars(select(Entity).where(Entity.name == "Ivana Testova")).one()
    assert {"ftm", "wikidata"} <= schemes
    assert _count(seeded_db, Tenure, Tenure.person_id == testova.id) == 2
    changes = _count(seeded_db, Change)
    _apply(seeded_db)
    assert _count(seeded_db, Change) == changes


def _lines(*entities: dict) -> str:
    return "".join(json.dumps(e) + "\n" for e in entities)


PERSON = {"id": "p1", "schema": "Person", "properties": {"name": ["A Person"]}}
POSITION = {"id": "pos1", "schema": "Position", "properties": {"name": ["Mayor"]}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_lines(PERSON) + '{"id": "x", "schema": \n', "line 2 is not JSON (Expecting value, column 23)"),
        (
            _lines(PERSON, {"id": "x", "schema": "Persn", "properties": {}}),
            "line 2: unknown FtM schema 'Persn'",
        ),
        (
            _lines(
                PERSON,
                {"id": "o1", "schema": "Occupancy", "properties": {"holder": ["p1"], "post": ["gone"]}},
            ),
            "line 2: Occupancy o1 refers to gone (post), which is not in the file",
        ),
        (
            _lines(
                PERSON,
                POSITION,
                {"id": "o1", "schema": "Occupancy", "properties": {"holder": ["pos1"], "post": ["pos1"]}},
            ),
            "line 3: Occupancy o1: holder pos1 is a Position, not a Person",
        ),
        (
            _lines(
                PERSON,
                POSITION,
                {
                    "id": "o1",
                    "schema": "Occupancy",
                    "properties": {"holder": ["p1"], "post": ["pos1"], "startDate": ["soon"]},
                },
            ),
            "line 3: Occupancy o1: startDate 'soon' is not a date",
        ),
        (_lines(POSITION), "the file holds no Person entities"),
        ('["a list"]\n', 'line 1 is not an FtM entity (no "id")'),
        ("<!DOCTYPE html><html><body>Not found</body></html>\n", "got an HTML page instead of the list"),
    ],
)
def test_bad_files_are_refused_with_the_line(tmp_path, content, message):
    path = tmp_path / "bad.ftm.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError) as refused:
        parse(path)
    assert str(refused.value).startswith("ftm bad.ftm.json: ")
    assert message in str(refused.value)


def test_a_line_json_reads_beyond_strict_json_is_still_read(tmp_path):
    # orjson reads the lines, and refuses NaN and a lone surrogate escape; json reads them.
    path = tmp_path / "loose.ftm.json"
    path.write_text(
        '{"id": "p1", "schema": "Person", "properties": {"name": ["A Person"]}, "score": NaN}\n'
        '{"id": "p2", "schema": "Person", "properties": {"name": ["B Person"], "notes": ["\\ud800"]}}\n',
        encoding="utf-8",
    )
    assert [(person.record_id, person.name) for person in parse(path)] == [
        ("p1", "A Person"),
        ("p2", "B Person"),
    ]
