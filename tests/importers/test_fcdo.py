"""The FCDO UK Sanctions List CSV (the official UK list since 28 January 2026), on a fixture
handcrafted from the published layout (tests/data/PROVENANCE.md): not a real excerpt."""

from __future__ import annotations

import pytest
from excerpts import DATA

from refdb.importers import ImportFormatError, ParsedIdentifier, ParsedName
from refdb.importers.uk import parse

FCDO = DATA / "uk" / "uk-sanctions-list_handcrafted.csv"


@pytest.fixture(scope="module")
def entries() -> dict:
    parsed = parse(FCDO)
    assert parsed.published_on == "2026-08-04"  # "Report Date: 04-Aug-2026"
    return {e.record_id: e for e in parsed.entries}


def test_rows_are_grouped_by_unique_id_with_the_primary_name_first(entries: dict) -> None:
    assert list(entries) == ["RUS9001", "RUS9002", "RUS9003"]
    person = entries["RUS9001"]
    assert (person.name, person.target_kind) == ("Ivan Petrovich EXAMPLOV", "person")
    assert ParsedName("Ivan EKZAMPLOV", "weak_alias") in person.names  # "Low quality"
    assert ParsedName("Иван Петрович Экзамплов", "original_script", "Russian", "Cyrl") in person.names
    assert person.birth_dates == ("1961",)  # 00/00/1961
    assert person.listed_on == "2022-03-15"  # Date Designated
    assert person.programs == ("The Russia (Sanctions) (EU Exit) Regulations 2019",)
    assert person.title == "Deputy Minister of Examples"
    assert ParsedIdentifier("OFSI Group ID", "99001") in person.identifiers
    assert "senior officer" in (person.remarks or "")  # the UK Statement of Reasons


def test_entities_and_ships_keep_their_kind_and_identifiers(entries: dict) -> None:
    company, ship = entries["RUS9002"], entries["RUS9003"]
    assert company.target_kind == "organization" and ParsedName("EDH JSC", "alias") in company.names
    assert company.addresses == ("1 Example Street, Moscow, 100000, Russia",)
    assert ship.target_kind == "vessel" and ParsedIdentifier("IMO", "IMO0000000") in ship.identifiers


def test_a_file_with_neither_layout_is_refused(tmp_path) -> None:
    bad = tmp_path / "list.csv"
    bad.write_text("Unique ID,Name 6\nRUS9001,X\n")
    with pytest.raises(ImportFormatError, match="not a UK sanctions list CSV"):
        parse(bad)


def test_a_header_without_the_required_columns_is_refused(tmp_path) -> None:
    bad = tmp_path / "list.csv"
    bad.write_text("Report Date: 04-Aug-2026\nUnique ID,Name 6\nRUS9001,X\n")
    with pytest.raises(ImportFormatError, match="lacks the columns Name type, Regime Name, Designation Type"):
        parse(bad)
