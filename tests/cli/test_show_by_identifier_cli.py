"""`refdb show ID`: an auditor names a person by an identifier they carry (a bioguide id,
a Wikidata QID), read from the committed CC0 congress-legislators excerpts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refdb.database import Database
from refdb.importers.officials.service import import_us_congress
from refdb.models import Entity, Identifier
from refdb.services.edits import editing

DATA = Path(__file__).resolve().parents[1] / "data" / "us-congress"
FILES = [DATA / "legislators-current.yaml", DATA / "executive.yaml"]


@pytest.fixture(scope="module")
def congress_db(shared_seeded_db: Database) -> Database:
    import_us_congress(shared_seeded_db, files=FILES)
    return shared_seeded_db


@pytest.mark.parametrize(
    ("identifier", "scheme", "name"),
    [("P000197", "bioguide", "Nancy Pelosi"), ("Q6279", "wikidata", "Joe Biden")],
)
def test_show_finds_a_person_by_an_identifier_and_says_which(refdb, congress_db, identifier, scheme, name):
    as_json = refdb("show", identifier, "--json", "--db", congress_db.url)
    table = refdb("show", identifier, "--db", congress_db.url)

    assert as_json.code == 0, as_json.err
    profile = json.loads(as_json.out)
    assert profile["name"] == name
    assert profile["matched_identifier"] == {"scheme": scheme, "value": identifier}
    assert {"scheme": scheme, "value": identifier} in [
        {"scheme": i["scheme"], "value": i["value"]} for i in profile["identifiers"]
    ]
    assert table.code == 0 and name in table.out
    assert f"{identifier}: the {scheme} identifier of {name} (id {profile['id']})" in table.err_lines


def test_a_key_or_id_is_not_reported_as_an_identifier(refdb, congress_db):
    result = refdb("show", "nancy-pelosi", "--json", "--db", congress_db.url)
    assert result.code == 0, result.err
    assert json.loads(result.out)["matched_identifier"] is None
    assert "identifier" not in result.err


def test_an_identifier_carried_by_two_entities_is_ambiguous_and_names_both(refdb, seeded_db):
    with editing(seeded_db) as editor:
        first = editor.create(Entity(kind="person", name="Test Person One"))
        second = editor.create(Entity(kind="person", name="Test Person Two"))
        editor.create(Identifier(entity_id=first.id, scheme="passport", value="X123"))
        editor.create(Identifier(entity_id=second.id, scheme="national_id", value="X123"))
        ids = (first.id, second.id)

    result = refdb("show", "X123", "--json", "--db", seeded_db.url)

    assert result.code == 2
    answer = json.loads(result.out)
    assert answer["exit_code"] == 2 and "carried by 2 entities" in answer["error"]
    assert [(c["id"], c["scheme"]) for c in answer["candidates"]] == [
        (ids[0], "passport"),
        (ids[1], "national_id"),
    ]
    assert len(result.err_lines) == 1
    assert (
        "passport:X123 of Test Person One" in result.err
        and "national_id:X123 of Test Person Two" in result.err
    )
