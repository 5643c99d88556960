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
from refdb.services.edits import editing
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
    with editing(seeded_db) as editor:
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


def test_an_entity_merged_into_another_is_exported_as_that_one(seeded_db):
    from refdb.models import Name
    from refdb.services.lookup import find_entity
    from refdb.services.merges import decide_merge, propose_merge

    with editing(seeded_db) as editor:
        twin = editor.create(Entity(kind="person", name="Joseph Biden"))
        editor.create(Name(entity_id=twin.id, name="Joseph Biden", kind="primary", normalized=""))
        kept = find_entity(editor.session, "joe-biden").id
        proposal = propose_merge(editor, kept, twin.id, score=0.9, explanation="same name")
        decide_merge(editor, proposal.id, "accepted", "same man")
        twin_id = twin.id
    entities = _by_id(_export(seeded_db))
    assert f"refdb-entity-{twin_id}" not in entities
    assert "Joseph Biden" in entities[f"refdb-entity-{kept}"]["properties"]["alias"]
    assert list(problems(list(entities.values()))) == []


def test_every_fact_carries_the_sources_it_is_cited_to(full_db):
    """proof names the cited sources' Documents (or Articles); sourceUrl, publisher and
    retrievedAt repeat what each fact's reader needs without following it."""
    entities = _by_id(_export(full_db))
    documents = {key for key, item in entities.items() if item["schema"] in ("Document", "Article")}
    occupancies = [item for item in entities.values() if item["schema"] == "Occupancy"]
    uncited = [o for o in occupancies if "proof" not in o["properties"]]
    # Only the tenure full_db adds by hand, without a citation, cites nothing.
    assert [entities[o["properties"]["post"][0]]["properties"]["name"] for o in uncited] == [
        ["State Councilor"]
    ]
    assert all(set(o["properties"].get("proof", [])) <= documents for o in occupancies)
    holder = f"refdb-entity-{_li(full_db)}"
    [edd] = [
        o["properties"]
        for o in occupancies
        if o["properties"]["holder"] == [holder]
        and entities[o["properties"]["post"][0]]["properties"]["name"]
        == ["Director of the Equipment Development Department"]
    ]
    titles = {entities[p]["properties"]["title"][0] for p in edd["proof"]}
    assert "Specially Designated Nationals and Blocked Persons List (legacy SDN.CSV)" in titles
    assert "U.S. Department of the Treasury, Office of Foreign Assets Control" in edd["publisher"]
    # An imported list entry cites the list file it was read from.
    [sanction] = [
        item["properties"]
        for item in entities.values()
        if item["schema"] == "Sanction" and item["properties"].get("authorityId") == ["18782"]
    ]
    files = [entities[p]["properties"] for p in sanction["proof"] if entities[p]["schema"] == "Document"]
    imported = [f for f in files if f.get("notes", [""])[0].startswith("sha256 ")]
    assert imported and imported[0]["fileName"] == ["sdn.csv"] and imported[0]["retrievedAt"]
    assert all("proof" in item["properties"] for item in entities.values() if item["schema"] == "Sanction")
