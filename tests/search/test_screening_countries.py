"""Screening with a nationality as a two-letter code against list data that writes the
country out ("Russia", "China"): the code agrees with the name (issue 13, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from refdb.database import Database
from refdb.importers.service import import_list
from refdb.search.filters import SearchFilters
from refdb.search.service import ScreeningInput, find, screen

DATA = Path(__file__).resolve().parents[1] / "data" / "ofac"


@pytest.fixture
def ofac_db(empty_db: Database, tmp_path: Path) -> Database:
    """OFAC's SDN records of Igor Sechin (nationality Russia) and of Tian Yinyin and Li
    Jiadong (nationality China): the committed excerpts, joined into one list file."""
    sdn = tmp_path / "sdn.csv"
    main = (DATA / "2024-05-03" / "sdn.csv").read_bytes().removesuffix(b"\x1a")
    sdn.write_bytes(main + (DATA / "russia" / "sdn.csv").read_bytes())
    import_list(empty_db, "ofac-sdn", file=sdn)
    return empty_db


def test_screening_sechin_with_ru_finds_the_sdn_entry_at_088(ofac_db: Database) -> None:
    with ofac_db.reading() as reader:
        (result,) = screen(reader, [ScreeningInput("Igor Sechin", "1960", "ru", row=1)], threshold=0.88)
    assert [h.record_id for h in result.hits] == ["16692"]
    reasons = [a.reason for a in result.hits[0].match.adjustments]
    assert "nationality ru agrees" in reasons, reasons


@pytest.mark.parametrize("nationality", ["cn", "CN", "China", "chinese"])
def test_a_nationality_agrees_with_the_country_the_list_writes(ofac_db: Database, nationality: str) -> None:
    with ofac_db.reading() as reader:
        hit = find(reader, "Tian Yinyin", SearchFilters(nationality=nationality, list_key="ofac-sdn"))[0]
    assert hit.record_id == "28263"
    assert [(a.fact, a.delta > 0) for a in hit.match.adjustments] == [("nationality", True)]


def test_another_nationality_still_conflicts(ofac_db: Database) -> None:
    with ofac_db.reading() as reader:
        hit = find(reader, "Tian Yinyin", SearchFilters(nationality="ru", list_key="ofac-sdn"), threshold=0)[
            0
        ]
    assert [(a.fact, a.delta < 0) for a in hit.match.adjustments] == [("nationality", True)]
