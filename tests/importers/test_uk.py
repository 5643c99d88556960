"""OFSI consolidated list CSV (pre-2022 layout, Windows-1252) on a committed 33-row excerpt."""

from __future__ import annotations

import pytest
from excerpts import EXCERPTS

from refdb.importers import ParsedName
from refdb.importers.uk import parse


@pytest.fixture(scope="module")
def entries() -> dict:
    parsed = parse(EXCERPTS["uk"])
    assert parsed.published_on == "2018-04-13"
    return {e.record_id: e for e in parsed.entries}


def test_rows_are_grouped_by_group_id(entries: dict) -> None:
    assert list(entries) == ["13349", "13188", "13191", "10894"]
    assert sum(len(e.raw["rows"]) for e in entries.values()) == 33
    hababi = entries["13349"]
    assert hababi.name == "Nayef Salam Muhammad Ujaym AL-HABABI"  # the Prime Alias row
    assert ParsedName("Faruq AL-QAHTANI", "alias") in hababi.names
    assert hababi.birth_dates == ("1980", "1981")  # 00/00/1980, 00/00/1981
    assert hababi.nationalities == ("Saudi Arabia", "Qatar")  # "1) Saudi Arabia 2) Qatar"
    assert hababi.listed_on == "2016-04-01"
    assert entries["13188"].target_kind == "organization"


def test_windows_1252_text_is_decoded(entries: dict) -> None:
    text = str(entries["13191"].raw)
    assert "\x92" not in text and any(ch in text for ch in "‘’“”–´Éé")


def test_fka_rows_become_former_names(entries: dict) -> None:
    assert any(n.kind == "former" for n in entries["10894"].names)


def test_utf8_file_in_the_same_layout_is_read(tmp_path) -> None:
    text = EXCERPTS["uk"].read_bytes().decode("cp1252")
    (tmp_path / "ConList.csv").write_bytes(text.encode("utf-8-sig"))
    assert [e.name for e in parse(tmp_path / "ConList.csv").entries] == [
        e.name for e in parse(EXCERPTS["uk"]).entries
    ]
