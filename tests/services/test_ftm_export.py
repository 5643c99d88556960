"""`refdb export ftm` and RefDB.export_ftm: what followthemoney itself accepts, and what it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from refdb.api import RefDB
from refdb.database import Database
from refdb.importers.service import import_list
from refdb.models import Entity, Identifier, Post, Tenure
from refdb.services import ftm_export
from tests.ftm_checks import problems

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def full_db(shared_seeded_db: Database) -> Database:
    """The seeds, two real list excerpts (persons, companies, vessels, identifiers) and an
    official with identifiers and a tenure known to the month; built once per back end,
    as the tests only read it."""
    seeded_db = shared_seeded_db
    import_list(seeded_db, "ofac-sdn", file=DATA / "ofac" / "2021-07-07" / "sdn.csv")
    import_list(seeded_db, "uk", file=DATA / "uk" / "sanctionsconlist_2018-04-13.csv")
    with seeded_db.editing() as editor:
        li = editor.session.exec(select(Entity).where(Entity.key == "li-shangfu")).one()
        editor.create(Identifier(entity_id=li.id, scheme="wikidata", value="Q10890613"))
        editor.create(Identifier(entity_id=li.id, scheme="passport", value="G123", country="cn"))
        post = editor.create(Post(title="State Councilor", country="cn"))
        editor.create(Tenure(person_id=li.id, post_id=post.id, start_on="2023-03", status="unknown"))
    return seeded_db


def _export(database: Database) -> list[dict]:
    return list(RefDB(database).export_ftm())


def test_followthemoney_accepts_every_exported_entity(full_db):
    entities = _export(full_db)
    assert list(problems(entities)) == []
    ids = [item["id"] for item in entities]
    assert len(ids) == len(set(ids))
    kinds = {item["schema"] for item in entities}
    for schema in ("Person", "Organization", "PublicBody", "Vessel", "Position", "Occupancy"):
        assert schema in kinds
    for schema in ("Sanction", "Identification", "Similar"):
        assert schema in kinds


def test_the_checks_catch_what_followthemoney_refuses():
    bad = [
        {"id": "a", "schema": "Occupancy", "properties": {"holder": ["b"], "post": ["c"]}},
        {"id": "b", "schema": "Person", "properties": {"name": ["X"], "birthDate": ["23 May 1960"]}},
        {"id": "c", "schema": "Person", "properties": {"name": ["Y"], "shoeSize": ["44"]}},
    ]
    found = " | ".join(problems(bad))
    assert "post refers to c, a Person, not a Position" in found
    assert "birthDate" in found
    assert "no property shoeSize" in found


def _by_id(entities: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in entities}


def _li(database: Database) -> int:
    with database.session() as session:
        return session.exec(select(Entity.id).where(Entity.key == "li-shangfu")).one()


def test_tenures_are_occupancies_with_their_status_and_partial_dates(full_db):
    entities = _export(full_db)
    holder = f"refdb-entity-{_li(full_db)}"
    held = {
        _by_id(entities)[item["properties"]["post"][0]]["properties"]["name"][0]: item["properties"]
        for item in entities
        if item["schema"] == "Occupancy" and item["properties"]["holder"] == [holder]
    }
    assert held["State Councilor"] == {
        "holder": [holder],
        "post": held["State Councilor"]["post"],
        "startDate": ["2023-03"],
        "status": ["unknown"],
    }
    assert held["Minister of National Defense"]["startDate"] == ["2023-03-12"]
    assert held["Minister of National Defense"]["endDate"] == ["2023-10-24"]
    assert held["Minister of National Defense"]["status"] == ["ended"]


def test_identifiers_and_names_of_an_official(full_db):
    entities = _export(full_db)
    holder = f"refdb-entity-{_li(full_db)}"
    li = _by_id(entities)[holder]["properties"]
    assert li["name"] == ["Li Shangfu"]
    assert "李尚福" in li["alias"]
    assert li["wikidataId"] == ["Q10890613"]
    papers = {
        item["properties"]["type"][0]: item["properties"]
        for item in entities
        if item["schema"] == "Identification" and item["properties"]["holder"] == [holder]
    }
    assert papers["passport"]["number"] == ["G123"]
    assert papers["passport"]["country"] == ["cn"]


def test_a_sanction_names_its_listed_target_and_the_confirmed_official(full_db):
    entities = _export(full_db)
    official = f"refdb-entity-{_li(full_db)}"
    [sanction] = [
        item
        for item in entities
        if item["schema"] == "Sanction" and item["properties"].get("authorityId") == ["24838"]
    ]
    targets = sanction["properties"]["entity"]
    assert official in targets
    [listed] = [t for t in targets if t != official]
    assert _by_id(entities)[listed]["schema"] == "Person"
    assert "LI, Shangfu" in _by_id(entities)[listed]["properties"]["name"]
    assert sanction["properties"]["listingDate"] == ["2018-09-20"]
    [similar] = [
        item
        for item in entities
        if item["schema"] == "Similar" and item["properties"]["candidate"] == [official]
    ]
    assert similar["properties"]["match"] == [listed]


def test_batches_do_not_change_the_export(full_db, monkeypatch):
    whole = _export(full_db)
    monkeypatch.setattr(ftm_export, "BATCH", 7)
    assert _export(full_db) == whole


def test_progress_counts_every_row_read(full_db):
    calls: list[tuple[int, int]] = []
    list(RefDB(full_db).export_ftm(lambda done, total: calls.append((done, total))))
    done, total = calls[-1]
    assert done == total > 0
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_cli_writes_the_file_and_stdout_alike(full_db, refdb, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "refdb.ftm.json"
    result = refdb("export", "ftm", "--db", full_db.url, "-o", str(target), "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert summary["entities"] == len(lines)
    assert summary["schemata"]["Occupancy"] == sum('"schema":"Occupancy"' in line for line in lines)
    printed = refdb("export", "ftm", "--db", full_db.url)
    assert printed.code == 0
    assert printed.out.splitlines() == lines
    assert [target] == list(target.parent.iterdir())  # no temporary file left


def test_cli_refuses_a_directory_as_output(seeded_db, refdb, tmp_path):
    result = refdb("export", "ftm", "--db", seeded_db.url, "-o", str(tmp_path))
    assert result.code == 2
    assert result.err_lines == [f"refdb: {tmp_path} is a directory; give a file name"]
