"""The curation service behind the TUI's forms, on SQLite and PostgreSQL (``seeded_db``)."""

from __future__ import annotations

import pytest

from refdb.database import Database
from refdb.errors import Conflict, InvalidInput, StaleEdit
from refdb.search.service import search
from refdb.services import curation, lookup
from refdb.services.edits import editing


def _post_id(database: Database, key: str) -> int:
    with database.session() as session:
        return next(p["id"] for p in curation.list_posts(session) if p["key"] == key)


def test_created_entity_has_a_primary_name_and_is_found(seeded_db: Database) -> None:
    with editing(seeded_db) as editor:
        entity_id = curation.create_entity(editor, kind="person", name="Dong Jun", birth_date="1961-03").id
    with seeded_db.session() as session:
        profile = lookup.entity_profile(session, entity_id)  # type: ignore[arg-type]
        assert [(n["name"], n["kind"]) for n in profile["names"]] == [("Dong Jun", "primary")]
        assert search(session, "dong jun")[0]["id"] == entity_id


def test_renaming_an_entity_renames_its_primary_name(seeded_db: Database) -> None:
    with editing(seeded_db) as editor:
        entity_id = curation.create_entity(editor, kind="person", name="Dong Jnu").id
    with editing(seeded_db) as editor:
        curation.update_row(editor, "entity", entity_id, {"name": "Dong Jun"}, expected_version=1)  # type: ignore[arg-type]
    with seeded_db.session() as session:
        names = lookup.entity_profile(session, entity_id)["names"]  # type: ignore[arg-type]
    assert [n["name"] for n in names] == ["Dong Jun"]


def test_update_row_refuses_a_stale_version(seeded_db: Database) -> None:
    with seeded_db.session() as session:
        row = curation.read_row(session, "entity", lookup.find_entity(session, "li-shangfu").id)  # type: ignore[arg-type]
    with editing(seeded_db) as editor:
        curation.update_row(
            editor, "entity", row["id"], {"birth_place": "Chengdu"}, expected_version=row["version"]
        )
    with pytest.raises(StaleEdit), editing(seeded_db) as editor:
        curation.update_row(editor, "entity", row["id"], {"gender": "x"}, expected_version=row["version"])


def test_tenure_with_partial_dates_and_its_errors(seeded_db: Database) -> None:
    post_id = _post_id(seeded_db, "us-secretary-of-defense")
    with seeded_db.session() as session:
        person = lookup.find_entity(session, "lloyd-austin").id
    with pytest.raises(InvalidInput) as error, editing(seeded_db) as editor:
        curation.add_tenure(editor, person, post_id=post_id, start_on="2021-01", end_on="2020")  # type: ignore[arg-type]
    assert error.value.problems == {"end_on": "2020 is before the start 2021-01"}
    with pytest.raises(InvalidInput) as error, editing(seeded_db) as editor:
        curation.add_tenure(editor, person, post_id=None, start_on="May 2021")  # type: ignore[arg-type]
    assert set(error.value.problems) == {"post_id", "start_on"}


def test_post_errors_come_together(seeded_db: Database) -> None:
    with pytest.raises(InvalidInput) as error, editing(seeded_db) as editor:
        curation.create_post(editor, title="", organization="no-such-body", country="china")
    assert set(error.value.problems) == {"title", "organization", "country"}


def test_post_history_lists_every_holder_latest_first(seeded_db: Database) -> None:
    post_id = _post_id(seeded_db, "prc-minister-of-national-defense")
    with editing(seeded_db) as editor:
        successor = curation.create_entity(editor, kind="person", name="Dong Jun")
        curation.add_tenure(editor, successor.id, post_id=post_id, start_on="2023-12", status="current")  # type: ignore[arg-type]
    with seeded_db.session() as session:
        history = curation.post_history(session, post_id)
    assert [(h["person"], h["start"], h["current"]) for h in history["holders"]] == [
        ("Dong Jun", "2023-12", True),
        ("Li Shangfu", "2023-03-12", False),
    ]


def test_entity_with_tenures_is_not_deleted(seeded_db: Database) -> None:
    with seeded_db.session() as session:
        row = curation.read_row(session, "entity", lookup.find_entity(session, "li-shangfu").id)  # type: ignore[arg-type]
    with pytest.raises(Conflict, match=r"tenures.*links"), editing(seeded_db) as editor:
        curation.delete_row(editor, "entity", row["id"], expected_version=row["version"])


def test_entity_is_deleted_with_its_names_and_logged(seeded_db: Database) -> None:
    with editing(seeded_db) as editor:
        entity_id = curation.create_entity(editor, kind="organization", name="Shell Company Ltd").id
        curation.add_name(editor, entity_id, name="Shell Co", kind="alias")  # type: ignore[arg-type]
    with editing(seeded_db) as editor:
        curation.delete_row(editor, "entity", entity_id, expected_version=1, reason="duplicate")  # type: ignore[arg-type]
    with seeded_db.session() as session:
        assert search(session, "shell company") == []
        changes = curation.recent_changes(session, entity_id=entity_id, limit=10)
    assert [(c["action"], c["table"]) for c in changes[:3]] == [
        ("delete", "entity"),
        ("delete", "name"),
        ("delete", "name"),
    ]
    assert {c["reason"] for c in changes[:3]} == {"duplicate"}


def test_propose_link_by_reference_and_its_errors(seeded_db: Database) -> None:
    with pytest.raises(InvalidInput) as error, editing(seeded_db) as editor:
        curation.propose_link(editor, entity="nobody", list_key="ofac-sdn", record_id="0")
    assert set(error.value.problems) == {"entity", "record_id"}
    with editing(seeded_db) as editor:
        entry_id = curation.propose_link(
            editor, entity="xie-feng", list_key="ofac-sdn", record_id="24838", score=0.4, explanation="test"
        ).entry_id
    with seeded_db.session() as session:
        entry = curation.entry_detail(session, entry_id)
    assert {(x["entity"], x["status"]) for x in entry["links"]} == {
        ("Li Shangfu", "confirmed"),
        ("Xie Feng", "proposed"),
    }


def test_entry_and_source_and_citation(seeded_db: Database) -> None:
    with seeded_db.session() as session:
        lists = curation.list_sanction_lists(session)
    with editing(seeded_db) as editor:
        source_id = curation.create_source(editor, kind="press_release", title="Treasury press release").id
        entry_id = curation.create_entry(
            editor, list_id=lists[0]["id"], record_id="T-1", name="Test Target", listed_on="2024-02"
        ).id
        curation.add_citation(
            editor, source_id=source_id, subject_table="sanction_entry", subject_id=entry_id, locator="p. 2"
        )  # type: ignore[arg-type]
    with seeded_db.session() as session:
        detail = curation.entry_detail(session, entry_id)  # type: ignore[arg-type]
        assert search(session, "test target")[0]["record_id"] == "T-1"
        assert [s["title"] for s in curation.list_sources(session, "treasury press")] == [
            "Treasury press release"
        ]
    assert (detail["listed_on"], detail["status"]) == ("2024-02", "active")
    assert [(c["source"], c["locator"]) for c in detail["citations"]] == [("Treasury press release", "p. 2")]
