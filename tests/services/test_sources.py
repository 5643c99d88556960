"""One source in full (what the audit's source:N findings are about) and what cites it."""

from __future__ import annotations

from pathlib import Path

import pytest

from refdb.errors import NotFound
from refdb.importers.service import import_list
from refdb.services import curation
from refdb.services.sources import source_detail

DATA = Path(__file__).parent.parent / "data"


def _source_id(database, title_part: str) -> int:
    with database.session() as session:
        return curation.list_sources(session, title_part)[0]["id"]


def test_a_press_release_with_the_facts_citing_it(shared_seeded_db) -> None:
    source_id = _source_id(shared_seeded_db, "announcement of 20 September 2018")
    with shared_seeded_db.session() as session:
        detail = source_detail(session, source_id)
    assert (detail["kind"], detail["published_on"], detail["verified"]) == (
        "press_release",
        "2018-09-20",
        False,
    )
    assert detail["file"] is None
    assert detail["citations"] == sum(detail["by_table"].values()) == len(detail["cited_by"])
    assert detail["by_table"]["link"] == 2
    links = [fact for fact in detail["cited_by"] if fact["table"] == "link"]
    assert {fact["entity"] for fact in links} == {
        "Li Shangfu",
        "Equipment Development Department of the Central Military Commission",
    }
    assert all(fact["what"].startswith("confirmed link to ofac-sdn 2483") for fact in links)
    assert all(fact["entry_id"] is not None for fact in links)


def test_a_list_file_read_from_disk_names_its_file_and_entries(seeded_db) -> None:
    sdn = DATA / "ofac" / "2021-07-07" / "sdn.csv"
    import_list(seeded_db, "ofac-sdn", file=sdn)
    with seeded_db.session() as session:
        [imported] = [s for s in curation.list_sources(session) if (s["url"] or "").startswith("file:")]
        detail = source_detail(session, imported["id"], limit=3)
    assert detail["file"] == str(sdn.resolve())
    assert detail["fetched_at"] and detail["sha256"]
    assert detail["entries_imported"] > 0
    assert len(detail["cited_by"]) <= 3


def test_no_such_source(shared_seeded_db) -> None:
    with shared_seeded_db.session() as session, pytest.raises(NotFound, match="no source 999999"):
        source_detail(session, 999_999)
