"""UN Security Council consolidated XML on a committed excerpt of the 2026-02-27 list."""

from __future__ import annotations

import pytest
from excerpts import EXCERPTS

from refdb.importers import ParsedIdentifier, ParsedName
from refdb.importers.un import parse


@pytest.fixture(scope="module")
def entries() -> dict:
    parsed = parse(EXCERPTS["un"])
    assert parsed.published_on == "2026-02-27"
    return {e.record_id: e for e in parsed.entries}


def test_individuals_and_entities_keep_reference_numbers(entries: dict) -> None:
    kinds = [e.target_kind for e in entries.values()]
    assert (kinds.count("person"), kinds.count("organization")) == (8, 3)
    badege = entries["CDi.001"]
    assert (badege.name, badege.birth_dates, badege.listed_on) == ("ERIC BADEGE", ("1971",), "2012-12-31")
    assert badege.programs == ("DRC",)


def test_alias_quality_and_original_script(entries: dict) -> None:
    saddam = entries["IQi.001"]
    assert ParsedName("Abu Ali", "weak_alias") in saddam.names  # QUALITY Low
    assert ParsedName("صدام حسين التكريتي", "original_script", script="Arab") in saddam.names
    assert saddam.birth_dates == ("1937-04-28",)
    adf = entries["CDe.001"]
    assert ParsedName("NALU", "former") in adf.names  # QUALITY f.k.a.
    assert ParsedName("Allied Democratic Forces", "alias") in adf.names


def test_between_dates_documents_and_designation(entries: dict) -> None:
    assert entries["CDi.030"].birth_dates[0].isdigit()  # BETWEEN FROM_YEAR/TO_YEAR: years
    assert len(entries["CDi.030"].birth_dates) >= 2
    assert any(i.scheme == "Passport" for i in entries["CDi.021"].identifiers)
    assert entries["KPi.001"].title == "Director of Namchongang Trading Corporation"
    assert len(entries["CFi.001"].nationalities) >= 2
    assert all(isinstance(i, ParsedIdentifier) for e in entries.values() for i in e.identifiers)


def test_raw_keeps_the_published_record(entries: dict) -> None:
    raw = entries["CDi.001"].raw["INDIVIDUAL"]
    assert raw["REFERENCE_NUMBER"] == ["CDi.001"]
    assert raw["INDIVIDUAL_DATE_OF_BIRTH"][0]["YEAR"] == ["1971"]
