"""One rule for a list key that names no list, whoever reads: a session or a search reader."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from refdb.database import Database
from refdb.errors import NotFound
from refdb.importers.service import import_list
from refdb.services import lookup
from refdb.services.lists import ListCoverage, age_from, coverage, coverage_note, require_list

OFSI = Path(__file__).resolve().parents[1] / "data" / "uk" / "sanctionsconlist_2018-04-13.csv"
OFSI_RECORDS = 4  # its groups (entries)


def test_a_known_list_passes_through_a_session_and_a_reader(shared_seeded_db: Database) -> None:
    with shared_seeded_db.session() as session:
        require_list(session, "ofac-sdn")
    with shared_seeded_db.reading() as reader:
        require_list(reader, "ofac-sdn")


def test_an_unknown_list_is_named_with_the_lists_there_are(shared_seeded_db: Database) -> None:
    with shared_seeded_db.reading() as reader, pytest.raises(NotFound) as raised:
        require_list(reader, "OFAC-SDN")  # keys are exact: the user is told the right one
    assert str(raised.value) == "no list 'OFAC-SDN'; the lists are ofac-sdn"


def test_an_empty_database_says_it_has_no_lists_yet(empty_db: Database) -> None:
    with empty_db.session() as session:
        with pytest.raises(NotFound, match=r"^no list 'sdn'; the lists are none yet$"):
            require_list(session, "sdn")
        # The lookups refuse through the same rule, before reading any entry.
        with pytest.raises(NotFound, match=r"^list 'ofac-sdn' was never imported"):
            lookup.sanctions(session, list_key="ofac-sdn")


def test_a_list_refdb_imports_but_this_database_never_did_says_how_to_get_it(empty_db: Database) -> None:
    with empty_db.reading() as reader, pytest.raises(NotFound) as raised:
        require_list(reader, "eu")
    assert str(raised.value) == "list 'eu' was never imported: `refdb import eu` fetches it"


def test_coverage_counts_each_list_s_records_and_dates_it_by_its_file(seeded_db: Database) -> None:
    import_list(seeded_db, "uk", file=OFSI)  # published 2018-04-13, fetched today
    with seeded_db.reading() as reader:
        lists = {c.key: c for c in coverage(reader)}
    assert set(lists) == {"eu", "ofac-cons", "ofac-sdn", "uk", "un"}, "every list refdb imports"
    assert lists["uk"].records == OFSI_RECORDS
    assert lists["uk"].age_days == (date.today() - date(2018, 4, 13)).days
    assert lists["eu"] == ListCoverage("eu", 0, None)
    assert lists["ofac-sdn"].age_days is None, "a seeded entry is no import of the list"
    note = coverage_note(list(lists.values()))
    assert f"uk ({OFSI_RECORDS:,} records, {lists['uk'].age_days:,} days old)" in note
    assert note.endswith("; never imported: eu, ofac-cons, ofac-sdn, un")


def test_a_list_is_as_old_as_its_file_s_publication_or_its_fetch_whichever_is_earlier() -> None:
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    assert age_from("2026-12-03 09:00:00", "2026-02-27", now) == 279
    assert age_from(datetime(2026, 12, 1, 9), None, now) == 2, "naive: stored in UTC"
    assert age_from("2026-12-03 09:00:00", "2026-02", now) == 278, "a month: its last day"
    assert age_from(None, None, now) is None
