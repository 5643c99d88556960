"""The full published files in ../shared/data parse to the counts measured in its PROVENANCE.md."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from refdb.database import Database
from refdb.importers import SOURCES, ImportFormatError
from refdb.importers.service import import_list
from refdb.models import Link, SanctionEntry

pytestmark = pytest.mark.shared_data


def kinds(entries: list) -> Counter:
    return Counter(e.target_kind for e in entries)


def test_ofac_sdn_2024(shared_data: Path) -> None:
    entries = list(SOURCES["ofac-sdn"].parse(shared_data / "ofac" / "sdn.csv").entries)
    assert len(entries) == 14_965
    assert kinds(entries) == {"person": 6_854, "vessel": 851, "aircraft": 376, "organization": 6_884}
    assert len({p for e in entries for p in e.programs}) == 75
    li = next(e for e in entries if e.record_id == "24838")
    assert (li.name, li.birth_dates) == ("LI, Shangfu", ("1958-02",))


def test_ofac_sdn_2021_with_all_companions(shared_data: Path) -> None:
    entries = list(SOURCES["ofac-sdn"].parse(shared_data / "ofac" / "2021-07-07" / "sdn.csv").entries)
    assert len(entries) == 8_976
    assert kinds(entries) == {"person": 4_620, "vessel": 406, "aircraft": 277, "organization": 3_673}
    assert sum(len(e.raw["alt"]) for e in entries) == 11_910
    assert sum(len(e.raw["add"]) for e in entries) == 13_837
    assert sum(len(e.raw["comments"]) for e in entries) == 5


def test_ofac_non_sdn_consolidated(shared_data: Path) -> None:
    path = shared_data / "ofac" / "non_sdn_consolidated" / "cons_prim.csv"
    entries = list(SOURCES["ofac-cons"].parse(path).entries)
    assert kinds(entries) == {"person": 79, "organization": 363}
    assert sum(len(e.raw["alt"]) for e in entries) == 1_073
    assert sum(len(e.raw["add"]) for e in entries) == 574
    assert sum(len(e.raw["comments"]) for e in entries) == 10


def test_un_consolidated(shared_data: Path) -> None:
    parsed = SOURCES["un"].parse(shared_data / "un" / "consolidated.xml")
    entries = list(parsed.entries)
    assert kinds(entries) == {"person": 730, "organization": 273}
    assert parsed.published_on == "2026-02-27"
    assert len({e.record_id for e in entries}) == 1_003


def test_uk_conlist_2018(shared_data: Path) -> None:
    parsed = SOURCES["uk"].parse(shared_data / "uk" / "sanctionsconlist_2018-04-13.csv")
    entries = list(parsed.entries)
    assert len(entries) == 2_106
    assert sum(len(e.raw["rows"]) for e in entries) == 9_487
    rows = Counter(r["Group Type"] for e in entries for r in e.raw["rows"])
    assert rows == {"Individual": 6_857, "Entity": 2_630}


def test_eu_legacy_whole_file_is_refused(shared_data: Path) -> None:
    with pytest.raises(ImportFormatError, match="legacy FSD 'WHOLE'"):
        SOURCES["eu"].parse(shared_data / "eu" / "legacy_fsd_whole_2016-02-11_partial.xml")


def test_2021_set_then_2024_file_delta_on_the_database(seeded_db: Database, shared_data: Path) -> None:
    """The issue's acceptance run: 2021-07-07 SDN with alt/add/comments, then the 2024 sdn.csv."""
    ofac = shared_data / "ofac"
    first = import_list(seeded_db, "ofac-sdn", file=ofac / "2021-07-07" / "sdn.csv")
    assert (first.entries, first.added, first.changed) == (8_976, 8_974, 2)  # 24837, 24838 seeded

    second = import_list(seeded_db, "ofac-sdn", file=ofac / "sdn.csv")

    # Measured on the files: 881 records of 2021 are gone by 2024, 6,870 are new and 745 of the
    # 8,095 carried over have a different sdn.csv row. The 2024 set has no alt/add/comments
    # files, so aliases and addresses are kept from 2021 rather than counted as removed.
    assert (second.entries, second.added, second.changed, second.unchanged, second.delisted) == (
        14_965,
        6_870,
        745,
        7_350,
        881,
    )
    with seeded_db.session() as session:
        total = session.exec(select(func.count()).select_from(SanctionEntry)).one()[0]
        delisted = session.exec(
            select(func.count()).select_from(SanctionEntry).where(SanctionEntry.delisted_on.is_not(None))
        ).one()[0]
        confirmed = session.exec(
            select(func.count()).select_from(Link).where(Link.status == "confirmed")
        ).one()[0]
    assert (total, delisted) == (8_976 + 6_870, 881)  # nothing deleted
    assert confirmed >= 2
    assert any(p["record_id"] == "18782" and p["score"] >= 0.9 for p in first.proposals)
