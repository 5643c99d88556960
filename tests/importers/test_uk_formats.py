"""Importing `uk` in either layout over loopback HTTP, and across the change from OFSI's
Group IDs to FCDO's Unique IDs (every record id changes)."""

from __future__ import annotations

import pytest
from db_state import state
from excerpts import DATA, EXCERPTS
from loopback import HttpServer

from refdb.database import Database
from refdb.importers.delta import ShrinkRefused
from refdb.importers.service import import_list
from refdb.importers.sources import SOURCES

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
