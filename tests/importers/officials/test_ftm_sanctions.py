"""`refdb import ftm`: the file's Sanctions become entries of a list of their authority,
cited to the file and logged; what the file does not say stays empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from db_state import state
from sqlalchemy import select
from sqlmodel import Session, col

from refdb.api import RefDB
from refdb.errors import RefdbError
from refdb.importers.officials.service import import_ftm
from refdb.models import Change, EntryName, EntryProgram, Link, Program, SanctionEntry, SanctionList, Source
from tests.ftm_checks import problems

DATA = Path(__file__).resolve().parents[2] / "data" / "ftm"
SANCTIONS = DATA / "sanctions.ftm.json"
OFFICIALS = DATA / "officials.ftm.json"


def _entries(session: Session) -> dict[str, SanctionEntry]:
    statement = select(SanctionEntry).join(SanctionList).where(col(SanctionList.key).startswith("ftm-"))
    return {entry.record_id: entry for entry in session.scalars(statement)}


def test_sanctions_become_entries_of_their_authority_s_list(seeded_db):
    result = import_ftm(seeded_db, SANCTIONS)
    assert result.sanctions_added == 2  # the third names a person not in the file: nothing to list
    with Session(seeded_db.engine) as session:
        entries = _entries(session)
        assert set(entries) == {"hc-sanction-fixturov", "hc-sanction-bank"}
        person, bank = entries["hc-sanction-fixturov"], entries["hc-sanction-bank"]
        listing = session.get(SanctionList, person.list_id)
        assert listing is not None and listing.key == "ftm-handcrafted-sanctions-office"
        assert bank.list_id == person.list_id
        source = session.get(Source, person.source_id)
        assert source is not None and source.key is not None and "sanctions.ftm.json" in source.key
        assert listing.last_source_id == source.id
        assert (person.target_kind, person.name, person.birth_dates, person.nationalities) == (
            "person",
            "Pavel Fixturov",
            ["1962-07-14"],
            ["xk"],
        )
        assert (person.listed_on, person.delisted_on, person.remarks) == (
            "2021-03",
            None,
            "Invented for a test fixture",
        )
        names = session.scalars(select(EntryName.name).where(EntryName.entry_id == person.id)).all()
        assert sorted(names) == ["Pavel Fixturov", "Павел Фикстуров"]
        programs = session.scalars(
            select(Program.code).join(EntryProgram).where(EntryProgram.entry_id == person.id)
        ).all()
        assert programs == ["HC-FIX"]
        # The bank's Sanction has no listing date: none is made up from its start date.
        assert (bank.target_kind, bank.name, bank.listed_on, bank.delisted_on) == (
            "organization",
            "Handcrafted Test Bank",
            None,
            "2023-06-30",
        )
        assert bank.birth_dates == [] and bank.status == "delisted"
        logged = session.scalars(
            select(Change.row_id).where(Change.table_name == "sanction_entry", Change.action == "create")
        ).all()
        assert {person.id, bank.id} <= set(logged)


def test_the_target_s_identifiers_and_addresses_go_onto_its_entry(seeded_db):
    """As the list importers fill them: identifier properties under FtM's label, then the
    target's Identifications and Passports; ``address`` texts, then its Address entities."""
    import_ftm(seeded_db, SANCTIONS)
    with Session(seeded_db.engine) as session:
        entries = _entries(session)
        person, bank = entries["hc-sanction-fixturov"], entries["hc-sanction-bank"]
        assert person.identifiers == [
            {"scheme": "Passport number", "value": "HC1234567", "country": None},
            {"scheme": "INN", "value": "770000000001", "country": None},
            {"scheme": "Diplomatic passport", "value": "HC7654321", "country": "xk"},  # a Passport entity
        ]
        assert person.addresses == ["12 Invented Avenue, Fixture City", "3 Handcrafted Lane, Fixture City"]
        assert bank.identifiers == [
            {"scheme": "Registration number", "value": "HC-REG-0042", "country": None},
            {"scheme": "SWIFT/BIC", "value": "HCTBXKPR", "country": None},
            {"scheme": "Tax ID", "value": "HC-TAX-99", "country": "xk"},  # an Identification
        ]
        assert bank.addresses == ["1 Handcrafted Square, Testburg, 00000, XK"]  # no "full": its parts
        names = session.scalars(select(EntryName.name).where(EntryName.entry_id == bank.id)).all()
        assert sorted(names) == ["HC Test Bank", "Handcrafted Test Bank"]
        # The shared passport numbers are evidence for the link proposed to the official.
        (link,) = session.scalars(select(Link).where(Link.entry_id == person.id)).all()
        assert link.status == "proposed"
        assert "same identifier hc1234567, hc7654321" in (link.explanation or "")


def test_a_sanctioned_official_gets_a_proposed_link_never_a_confirmed_one(seeded_db):
    import_ftm(seeded_db, OFFICIALS)
    with Session(seeded_db.engine) as session:
        (entry,) = _entries(session).values()
        assert (entry.record_id, entry.name, entry.listed_on) == (
            "hc-sanction-testova",
            "Ivana Testova",
            "2020-01-01",
        )
        links = session.scalars(select(Link).where(Link.entry_id == entry.id)).all()
        assert [link.status for link in links] == ["proposed"]


def test_a_re_import_adds_no_second_entry_and_changes_nothing(seeded_db):
    import_ftm(seeded_db, SANCTIONS)
    before = state(seeded_db)
    again = import_ftm(seeded_db, SANCTIONS, force=True)
    assert again.sanctions_added == 0
    assert state(seeded_db) == before


def test_a_sanction_ending_before_its_listing_is_refused_and_nothing_written(seeded_db, tmp_path):
    path = tmp_path / "bad.ftm.json"
    path.write_text(
        SANCTIONS.read_text(encoding="utf-8").replace(
            '"endDate":["2023-06-30"]', '"endDate":["2010"],"listingDate":["2019"]'
        ),
        encoding="utf-8",
    )
    before = state(seeded_db)
    with pytest.raises(
        RefdbError, match=r"line 4: Sanction hc-sanction-bank ends \(2010\) before it is listed"
    ):
        import_ftm(seeded_db, path)
    assert state(seeded_db) == before


def test_the_export_of_the_imported_sanctions_is_valid_ftm(seeded_db):
    import_ftm(seeded_db, SANCTIONS)
    entities = list(RefDB(seeded_db).export_ftm())
    assert list(problems(entities)) == []
    stated = [
        item
        for item in entities
        if item["schema"] == "Sanction" and item["properties"].get("authorityId") == ["hc-sanction-fixturov"]
    ]
    assert [item["properties"]["listingDate"] for item in stated] == [["2021-03"]]
    target = stated[0]["properties"]["entity"][0]
    papers = {
        (item["properties"]["type"][0], item["properties"]["number"][0])
        for item in entities
        if item["schema"] == "Identification" and item["properties"]["holder"] == [target]
    }
    assert papers == {
        ("Passport number", "HC1234567"),
        ("INN", "770000000001"),
        ("Diplomatic passport", "HC7654321"),
    }
