"""OFAC SDN and non-SDN CSV parsing on committed excerpts of the real files."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from excerpts import DATA, EXCERPTS

from refdb.importers import ImportFormatError, ParsedIdentifier, ParsedName
from refdb.importers.delta import content_hash
from refdb.importers.ofac import carry_over, parse, split_programs


@pytest.fixture(scope="module")
def sdn_2021() -> dict:
    return {e.record_id: e for e in parse(EXCERPTS["ofac-sdn"]).entries}


def test_li_shangfu_facts_come_out_of_the_remarks(sdn_2021: dict) -> None:
    li = sdn_2021["24838"]
    assert (li.name, li.target_kind) == ("LI, Shangfu", "person")
    assert li.birth_dates == ("1958-02",)  # "DOB 01 Feb 1958 to 28 Feb 1958"
    assert li.birth_places == ("Chengdu, Sichuan Province, China",)
    assert li.nationalities == ("China",)
    assert li.programs == ("CAATSA - RUSSIA",)
    assert li.title == "Director of Equipment Development Department"
    assert li.listed_on is None  # the legacy CSV carries no listing date


def test_rosoboronexport_gets_aliases_address_and_identifiers(sdn_2021: dict) -> None:
    roe = sdn_2021["18782"]
    assert roe.target_kind == "organization"
    assert ParsedName("ROSOBORONEXPORT", "alias") in roe.names
    assert roe.addresses == ("27 Stromynka ul., Moscow 107076, Russia",)
    assert ParsedIdentifier("Tax ID No.", "7718852163") in roe.identifiers
    assert ParsedIdentifier("Website", "www.roe.ru") in roe.identifiers
    assert roe.programs == ("SYRIA", "UKRAINE-EO13662")


def test_names_kinds_from_alt_file_and_remarks(sdn_2021: dict) -> None:
    assert ParsedName("GENERAL ARMAMENT DEPARTMENT", "former") in sdn_2021["24837"].names
    assert ParsedName("BNC", "weak_alias") in sdn_2021["306"].names  # "a.k.a. 'BNC'."


def test_comments_file_continues_the_remarks_mid_word(sdn_2021: dict) -> None:
    entry = sdn_2021["28263"]
    assert entry.remarks is not None
    assert entry.remarks.endswith("hn'; Linked To: LAZARUS GROUP.")
    assert len(entry.raw["comments"]) == 1
    cifuentes = sdn_2021["12300"]
    assert ParsedIdentifier("Passport", "AL720622", "Colombia") in cifuentes.identifiers
    assert "Medellin, Colombia" in cifuentes.birth_places


def test_vessels_and_aircraft_keep_their_kind(sdn_2021: dict) -> None:
    assert sdn_2021["4238"].target_kind == "vessel"
    assert sdn_2021["15431"].target_kind == "aircraft"


def test_raw_record_is_json_and_as_published(sdn_2021: dict) -> None:
    raw = json.loads(json.dumps(sdn_2021["24837"].raw))
    assert raw["sdn"]["SDN_Type"] == "-0- "
    assert raw["alt"][0]["alt_type"] == "fka"


def test_main_file_alone_parses_without_companions(tmp_path) -> None:
    (tmp_path / "sdn.csv").write_bytes(EXCERPTS["ofac-sdn"].read_bytes())
    roe = {e.record_id: e for e in parse(tmp_path / "sdn.csv").entries}["18782"]
    assert roe.names == () and roe.addresses == ()


def test_missing_companions_are_unknown_and_carried_over_from_the_previous_import(sdn_2021: dict) -> None:
    alone = {e.record_id: e for e in parse(DATA / "ofac" / "2024-05-03" / "sdn.csv").entries}
    assert alone["18782"].raw["alt"] is None  # not published in this import, rather than none

    roe = carry_over(alone["18782"], sdn_2021["18782"].raw)
    assert ParsedName("ROSOBORONEXPORT JSC", "alias") in roe.names  # from the 2021 alt.csv
    assert roe.addresses == ("27 Stromynka ul., Moscow 107076, Russia",)
    assert "RUSSIA-EO14024" in roe.programs  # from the 2024 sdn.csv
    # an entry whose sdn.csv row did not change is, with its companions kept, unchanged
    edd = carry_over(alone["24837"], sdn_2021["24837"].raw)
    assert content_hash(edd) == content_hash(sdn_2021["24837"])


def test_non_sdn_list_uses_cons_companions() -> None:
    entries = {e.record_id: e for e in parse(DATA / "ofac" / "cons" / "cons_prim.csv", "ofac-cons").entries}
    roe = entries["18782"]
    assert roe.name == "ROSOBORONEKSPORT OAO"
    assert "UKRAINE-EO13662" in roe.programs
    assert ParsedName("ROSOBORONEXPORT JSC", "alias") in roe.names
    assert any(e.raw["comments"] for e in entries.values())


def test_program_codes_split_on_bracket_separator() -> None:
    assert split_programs("SYRIA] [UKRAINE-EO13662] [RUSSIA-EO14024") == (
        "SYRIA",
        "UKRAINE-EO13662",
        "RUSSIA-EO14024",
    )
    assert split_programs(None) == ()


def test_column_count_error_names_the_line(tmp_path) -> None:
    lines = EXCERPTS["ofac-sdn"].read_bytes().split(b"\r\n")
    lines[4] = lines[4].replace(b",-0- ", b"", 3)
    (tmp_path / "sdn.csv").write_bytes(b"\r\n".join(lines))
    with pytest.raises(
        ImportFormatError,
        match=r"^ofac-sdn: sdn.csv line 5 has 9 columns, "
        r"expected 12$",
    ):
        list(parse(tmp_path / "sdn.csv").entries)  # entries stream: errors surface as they are read


def test_a_large_file_is_read_as_a_stream(tmp_path: Path) -> None:
    """Memory stays flat: the whole file was held as bytes, text and rows at once (200 MB
    of junk took 1.3 GB); a bad line 2 is now found after reading a megabyte at a time."""
    first = EXCERPTS["ofac-sdn"].read_bytes().splitlines(keepends=True)[0]
    path = tmp_path / "sdn.csv"
    path.write_bytes(first + b"junk,junk\r\n" * 2_000_000)  # 22 MB
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError, match="line 2 has 2 columns"):
            list(parse(path).entries)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 8_000_000
