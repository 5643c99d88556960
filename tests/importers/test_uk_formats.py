"""Importing `uk` in either layout over loopback HTTP, and across the change from OFSI's
Group IDs to FCDO's Unique IDs (every record id changes)."""

from __future__ import annotations

import json

import pytest
from db_state import state
from excerpts import DATA, EXCERPTS
from loopback import HttpServer
from sqlalchemy import select

from refdb.audit import run_audit
from refdb.database import Database
from refdb.importers.delta import ShrinkRefused
from refdb.importers.service import import_list
from refdb.importers.sources import SOURCES
from refdb.models import Change, Entity, Link, SanctionEntry
from refdb.services.edits import editing
from refdb.services.links import decide_link, propose_link

FCDO = DATA / "uk" / "uk-sanctions-list_handcrafted.csv"
FAST = {"backoff": 0.01}


def test_the_default_url_is_the_fcdo_list() -> None:
    assert SOURCES["uk"].default_url == "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv"


def test_the_fcdo_list_imports_over_http(empty_db: Database, http_server: HttpServer) -> None:
    url = http_server.publish(FCDO, "uk/UK-Sanctions-List.csv")

    result = import_list(empty_db, "uk", url=url, fetch_options=FAST)

    assert (result.entries, result.added, result.delisted) == (3, 3, 0)


def test_a_switch_from_ofsi_to_fcdo_ids_is_refused_saying_the_format_changed(
    empty_db: Database, http_server: HttpServer
) -> None:
    import_list(empty_db, "uk", url=http_server.publish(EXCERPTS["uk"], "uk/ofsi.csv"), fetch_options=FAST)
    fcdo_url = http_server.publish(FCDO, "uk/UK-Sanctions-List.csv")
    before = state(empty_db)

    with pytest.raises(ShrinkRefused) as refused:
        import_list(empty_db, "uk", url=fcdo_url, fetch_options=FAST)
    assert (
        "none of the 4 listed entries' ids is in UK-Sanctions-List.csv: "
        "the list's format changed its record ids" in str(refused.value)
    )
    assert state(empty_db) == before

    accepted = import_list(empty_db, "uk", url=fcdo_url, fetch_options=FAST, allow_shrink=True)
    assert (accepted.added, accepted.delisted) == (3, 4)


FCDO_AFTER_OFSI = DATA / "uk" / "uk-sanctions-list_handcrafted_ofsi-2018-groups.csv"


def test_an_fcdo_import_continues_the_ofsi_entries_by_their_group_id(
    empty_db: Database, http_server: HttpServer
) -> None:
    import_list(empty_db, "uk", url=http_server.publish(EXCERPTS["uk"], "uk/ofsi.csv"), fetch_options=FAST)
    ofsi = {entry.record_id: entry for entry in _entries(empty_db)}
    with editing(empty_db, "curator") as editor:
        person = editor.create(Entity(kind="person", name="Nayef Salam Muhammad Ujaym AL-HABABI"))
        link_id = propose_link(editor, person.id, ofsi["13349"].id, score=0.95, explanation="test").id
        decide_link(editor, link_id, "confirmed", "checked by hand for this test")

    result = import_list(
        empty_db,
        "uk",
        url=http_server.publish(FCDO_AFTER_OFSI, "uk/UK-Sanctions-List.csv"),
        fetch_options=FAST,
    )

    assert (result.added, result.changed, result.rekeyed, result.delisted) == (1, 4, 4, 0)
    fcdo = {entry.record_id: entry for entry in _entries(empty_db)}
    assert set(fcdo) == {"AQD9001", "AQD9002", "YEM9001", "DPR9001", "RUS9004"}
    assert fcdo["AQD9001"].id == ofsi["13349"].id and fcdo["DPR9001"].id == ofsi["10894"].id
    assert fcdo["AQD9001"].delisted_on is None
    with empty_db.session() as session:
        link = session.get(Link, link_id)
        assert link is not None and (link.entry_id, link.status) == (ofsi["13349"].id, "confirmed")
        records = session.scalars(
            select(Change)
            .where(Change.table_name == "sanction_entry", Change.row_id == ofsi["13349"].id)
            .order_by(Change.id)
        ).all()
    assert [record.action for record in records] == ["create", "update", "update"]
    rekey = records[1]
    assert rekey.reason and rekey.reason.startswith("re-keyed from 13349 to AQD9001")
    assert (json.loads(rekey.before)["record_id"], json.loads(rekey.after)["record_id"]) == (
        "13349",
        "AQD9001",
    )
    with empty_db.session() as session:
        assert run_audit(session, ["unlogged-change", "change-log-broken"]) == []


def _entries(database: Database) -> list[SanctionEntry]:
    with database.session() as session:
        return list(session.scalars(select(SanctionEntry)).all())
