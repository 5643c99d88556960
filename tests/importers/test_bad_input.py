"""What a broken download looks like to each parser: one specific ImportFormatError each.

The broken files are built here from the committed excerpts, so each test shows what it breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from excerpts import EXCERPTS

from refdb.importers import SOURCES, ImportFormatError

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>"
    b"<body><h1>Service Unavailable</h1></body></html>\n"
)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol3;</FIRST_NAME></INDIVIDUAL>
</INDIVIDUALS></CONSOLIDATED_LIST>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE export [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity>&xxe;</sanctionEntity></export>
"""


def parse_all(source: str, path: Path) -> list:
    """Parse and drain the entries: streaming parsers report late errors while iterating."""
    return list(SOURCES[source].parse(path).entries)


def broken_copy(tmp_path: Path, source: str, data: bytes) -> Path:
    target = tmp_path / EXCERPTS[source].name
    target.write_bytes(data)
    return target


@pytest.mark.parametrize("source", list(SOURCES))
def test_truncated_download(tmp_path: Path, source: str) -> None:
    data = EXCERPTS[source].read_bytes()
    path = broken_copy(tmp_path, source, data[: len(data) * 2 // 3])
    with pytest.raises(ImportFormatError, match=rf"^{source}: .*truncated"):
        parse_all(source, path)


@pytest.mark.parametrize("source", list(SOURCES))
def test_html_error_page_instead_of_the_list(tmp_path: Path, source: str) -> None:
    path = broken_copy(tmp_path, source, HTML_PAGE)
    with pytest.raises(ImportFormatError, match=rf"^{source}: got an HTML page instead"):
        parse_all(source, path)


@pytest.mark.parametrize("source", list(SOURCES))
def test_empty_file(tmp_path: Path, source: str) -> None:
    with pytest.raises(ImportFormatError, match=rf"^{source}: file is empty$"):
        parse_all(source, broken_copy(tmp_path, source, b"\r\n"))


@pytest.mark.parametrize(
    ("source", "other", "message"),
    [
        ("ofac-sdn", "uk", r"is not an OFAC CSV: line 1 starts with 'Last Updated"),
        ("ofac-cons", "un", r"is not an OFAC CSV \(file starts with '<\?xml"),
        ("un", "eu", r"not a UN consolidated list \(root element is <export>"),
        ("eu", "un", r"not an EU FSF XML 1.1 export \(root element is <CONSOLIDATED_LIST>"),
        ("uk", "ofac-sdn", r"not a UK sanctions list CSV \(line 1 should be FCDO's 'Report Date"),
        ("un", "uk", r"not an XML file"),
    ],
)
def test_wrong_file_for_the_source(tmp_path: Path, source: str, other: str, message: str) -> None:
    path = broken_copy(tmp_path, source, EXCERPTS[other].read_bytes())
    with pytest.raises(ImportFormatError, match=rf"^{source}: .*{message}"):
        parse_all(source, path)


@pytest.mark.parametrize("source", ["un", "eu"])
def test_malformed_xml_names_the_position(tmp_path: Path, source: str) -> None:
    data = EXCERPTS[source].read_bytes().replace(b"</", b"</x", 40)
    with pytest.raises(
        ImportFormatError,
        match=rf"^{source}: malformed XML: mismatched tag "
        r"at line \d+, column \d+$",
    ):
        parse_all(source, broken_copy(tmp_path, source, data))


def test_malformed_uk_row(tmp_path: Path) -> None:
    lines = EXCERPTS["uk"].read_bytes().split(b"\n")
    lines[5] = b"extra," + lines[5]
    with pytest.raises(ImportFormatError, match=r"^uk: line 6 has 30 columns, expected 29$"):
        parse_all("uk", broken_copy(tmp_path, "uk", b"\n".join(lines)))


def test_unclosed_quote_in_ofac_csv(tmp_path: Path) -> None:
    data = EXCERPTS["ofac-sdn"].read_bytes().rstrip(b"\x1a").rstrip(b"\r\n")
    data = data[: data.rindex(b'"')] + b"\r\n"  # drop the closing quote of the last Remarks
    with pytest.raises(ImportFormatError, match=r"^ofac-sdn: sdn.csv is truncated \(a quoted"):
        parse_all("ofac-sdn", broken_copy(tmp_path, "ofac-sdn", data))


@pytest.mark.parametrize("source", ["un", "eu"])
def test_entity_expansion_bomb_is_refused(tmp_path: Path, source: str) -> None:
    with pytest.raises(
        ImportFormatError,
        match=rf"^{source}: XML entity declarations are refused "
        r"\(possible entity-expansion attack\)$",
    ):
        parse_all(source, broken_copy(tmp_path, source, BILLION_LAUGHS))


def test_external_entity_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match=r"^eu: XML entity declarations are refused"):
        parse_all("eu", broken_copy(tmp_path, "eu", EXTERNAL_ENTITY))


def test_windows_1252_is_accepted_but_an_unknown_encoding_is_not(tmp_path: Path) -> None:
    data = EXCERPTS["uk"].read_bytes()
    assert b"\x91" in data  # a Windows-1252 left quote: the real file is not UTF-8
    assert len(parse_all("uk", broken_copy(tmp_path, "uk", data))) == 4
    # 0x81 is undefined in Windows-1252 and invalid as a lone UTF-8 byte
    bad = data.replace(b"AL-QAHTANI", b"AL-QAHT\x81NI", 1)
    with pytest.raises(
        ImportFormatError,
        match=r"^uk: unknown text encoding: byte 0x81 on line 3 "
        r"is valid in neither UTF-8 nor Windows-1252$",
    ):
        parse_all("uk", broken_copy(tmp_path, "uk", bad))


@pytest.mark.parametrize("source", ["uk", "ofac-sdn"])
def test_utf16_file_is_an_unknown_encoding(tmp_path: Path, source: str) -> None:
    data = EXCERPTS[source].read_bytes().decode("cp1252").encode("utf-16")
    with pytest.raises(ImportFormatError, match=rf"^{source}: unknown text encoding \(NUL bytes"):
        parse_all(source, broken_copy(tmp_path, source, data))


def test_undeclared_xml_encoding_is_reported(tmp_path: Path) -> None:
    data = EXCERPTS["un"].read_bytes().replace(b'encoding="UTF-8"', b'encoding="x-klingon"', 1)
    with pytest.raises(ImportFormatError, match=r"^un: unknown encoding declared in the XML"):
        parse_all("un", broken_copy(tmp_path, "un", data))
