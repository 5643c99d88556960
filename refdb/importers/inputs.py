"""Checks every downloaded file gets before parsing: empty, HTML page, encoding, truncation."""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import iterparse

from refdb.importers.records import ImportFormatError

if TYPE_CHECKING:
    from _csv import Reader

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
# Expat error codes that mean "the document stopped early" rather than "bad markup".
_TRUNCATION_CODES = {
    expat.errors.codes[m]
    for m in (
        expat.errors.XML_ERROR_NO_ELEMENTS,
        expat.errors.XML_ERROR_UNCLOSED_TOKEN,
        expat.errors.XML_ERROR_PARTIAL_CHAR,
        expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
}
# Bounds on what a list file may hold. Real lists nest 5 levels deep (EU) and their longest
# field is a few thousand characters (OFAC caps Remarks at 1,000); a field over the cap is
# refused, not cut: a list's text is evidence, and a clipped remark would be a silent change.
MAX_XML_DEPTH = 32
MAX_FIELD_CHARS = 131_072  # csv's default field limit
_SCRIPTS = {
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "CYRILLIC": "Cyrl",
    "CJK": "Hani",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "THAI": "Thai",
    "DEVANAGARI": "Deva",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "MYANMAR": "Mymr",
    "ETHIOPIC": "Ethi",
    "TAMIL": "Taml",
    "BENGALI": "Beng",
}


def head_of(data: bytes) -> str:
    """The first few characters of a file, printable, for error messages."""
    text = data[:60].decode("utf-8", errors="replace")
    return repr(" ".join(text.split())[:40])


def check_head(source: str, head: bytes) -> None:
    """Refuse the inputs a download can go wrong into, whatever the expected format."""
    if not head.strip():
        raise ImportFormatError(f"{source}: file is empty")
    if _HTML_START.match(head):
        raise ImportFormatError(
            f"{source}: got an HTML page instead of the list (file starts with {head_of(head)});"
            " the server probably returned an error or login page"
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise ImportFormatError(
            f"{source}: unknown text encoding (NUL bytes: UTF-16 or a binary file, "
            "expected UTF-8 or Windows-1252 text)"
        )


def decode(source: str, data: bytes, encodings: tuple[str, ...]) -> str:
    """Decode with the first encoding that fits the whole file, or say which byte fits none."""
    if b"\x00" in data:
        raise ImportFormatError(f"{source}: unknown text encoding (NUL byte at offset {data.index(0)})")
    failure: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            failure = failure or exc
    assert failure is not None
    # Report the position in the encoding tried last: cp1252's few undefined bytes are specific.
    bad = failure.object[failure.start]
    line = data.count(b"\n", 0, failure.start) + 1
    names = " nor ".join(_display(e) for e in encodings)
    raise ImportFormatError(
        f"{source}: unknown text encoding: byte 0x{bad:02x} on line {line} is valid in neither {names}"
    )


def text_encoding(source: str, path: Path, encodings: tuple[str, ...]) -> tuple[str, int]:
    """The first of `encodings` that decodes the whole file, and its number of lines, read
    a megabyte at a time; the same errors as ``decode`` and ``check_complete_text``."""
    failure: tuple[int, int] | None = None  # (offset, line) of the first undecodable byte
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = lines = 0
        tail = b""
        with path.open("rb") as handle:
            while True:
                chunk = handle.read(1 << 20)
                if (nul := chunk.find(0)) >= 0:
                    raise ImportFormatError(
                        f"{source}: unknown text encoding (NUL byte at offset {offset + nul})"
                    )
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    start = max(0, min(exc.start, len(chunk)))
                    failure = failure or (offset + start, lines + chunk.count(b"\n", 0, start) + 1)
                    break
                if not chunk:
                    _check_complete_tail(f"{source}: {path.name}", tail, lines)
                    return encoding, lines
                offset += len(chunk)
                lines += chunk.count(b"\n")
                tail = (tail + chunk)[-16:]
    assert failure is not None
    with path.open("rb") as handle:
        handle.seek(min(failure[0], path.stat().st_size - 1))  # a character cut at the very end
        bad = handle.read(1)[0]
    names = " nor ".join(_display(e) for e in encodings)
    raise ImportFormatError(
        f"{source}: unknown text encoding: byte 0x{bad:02x} on line {failure[1]} is valid in neither {names}"
    )


def _check_complete_tail(source: str, tail: bytes, lines: int) -> None:
    """`tail`: the file's last bytes; OFAC ends its files with a DOS end-of-file byte."""
    body = tail.rstrip(b"\x1a")
    if body and not body.endswith(b"\n"):
        raise ImportFormatError(
            f"{source}: file is truncated (it stops inside line {lines + 1}, which has no line break)"
        )


def _display(encoding: str) -> str:
    names = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252"}
    return names.get(encoding, encoding)


def check_complete_text(source: str, text: str) -> None:
    """CSV publishers end every record with a line break; a file that does not was cut off."""
    _check_complete_tail(source, text[-16:].encode(), text.count("\n"))


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def iter_xml(source: str, path: Path) -> Iterator[tuple[str, Element]]:
    """Stream (event, element) pairs with entity declarations refused and errors made specific."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    check_head(source, head)
    if not head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<"):
        raise ImportFormatError(f"{source}: not an XML file (file starts with {head_of(head)})")
    try:
        yield from iterparse(
            str(path),
            events=("start", "end"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
    except EntitiesForbidden as exc:
        raise ImportFormatError(
            f"{source}: XML entity declarations are refused (possible entity-expansion attack)"
        ) from exc
    except LookupError as exc:  # raised by the parser for an encoding Python does not know
        raise ImportFormatError(f"{source}: unknown encoding declared in the XML header ({exc})") from exc
    except (DTDForbidden, DefusedXmlException) as exc:
        raise ImportFormatError(f"{source}: XML refused for safety: {exc}") from exc
    except ParseError as exc:
        line, column = exc.position
        reason = expat.ErrorString(exc.code)
        if exc.code in _TRUNCATION_CODES:
            raise ImportFormatError(
                f"{source}: file is truncated (XML ends early: {reason} at line {line}, column {column})"
            ) from exc
        if exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]:
            raise ImportFormatError(
                f"{source}: unknown encoding declared in the XML header (line {line})"
            ) from exc
        raise ImportFormatError(f"{source}: malformed XML: {reason} at line {line}, column {column}") from exc


def xml_records(source: str, path: Path, tags: set[str], depth: int) -> tuple[Element, Iterator[Element]]:
    """The root element (read at once, so a wrong file is refused before any record) and a
    stream of the record elements `tags` found at `depth` below it (root is depth 0).

    Each record is detached after use, so memory stays flat however long the list is.
    """
    events = iter_xml(source, path)
    _, root = next(events)
    return root, _records(source, root, events, tags, depth)


def _records(
    source: str, root: Element, events: Iterator[tuple[str, Element]], tags: set[str], depth: int
) -> Iterator[Element]:
    stack = [root]
    count = 0
    for event, element in events:
        if event == "start":
            stack.append(element)
            if len(stack) > MAX_XML_DEPTH:
                raise ImportFormatError(
                    f"{source}: elements nested more than {MAX_XML_DEPTH} deep (after {count:,} records); "
                    "no list nests that deep"
                )
            continue
        _check_size(source, element, count)
        stack.pop()
        if len(stack) == depth and element.tag in tags:
            count += 1
            yield element
            stack[-1].remove(element)
    if count == 0:
        names = " or ".join(sorted(f"<{local_name(tag)}>" for tag in tags))
        raise ImportFormatError(f"{source}: the list holds no {names} records")


def capped_csv_reader(lines: Iterable[str]) -> Reader:
    """A strict csv.reader that refuses a field over MAX_FIELD_CHARS. csv's limit is state of
    the whole process, which other libraries change when imported (followthemoney raises it),
    so it is set again for every file read."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    return csv.reader(lines, strict=True)


def _check_size(source: str, element: Element, count: int) -> None:
    longest = max((len(value) for value in (element.text, *element.attrib.values()) if value), default=0)
    if longest > MAX_FIELD_CHARS:
        raise ImportFormatError(
            f"{source}: <{local_name(element.tag)}> in record {count + 1:,} holds {longest:,} characters, "
            f"above the {MAX_FIELD_CHARS:,}-character cap for one field; no list has fields that long"
        )


def element_raw(element: Element) -> dict | str:
    """An element as JSON: attributes as "@name", children as lists by tag, text as "#text"."""
    raw: dict = {f"@{key}": value for key, value in element.attrib.items()}
    for child in element:
        raw.setdefault(local_name(child.tag), []).append(element_raw(child))
    text = (element.text or "").strip()
    if not raw:
        return text
    if text:
        raw["#text"] = text
    return raw


def guess_script(text: str) -> str | None:
    """ISO 15924 code of the first letter's script, e.g. "Arab" for صدام, "Hani" for 李尚福."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            return next((c for prefix, c in _SCRIPTS.items() if name.startswith(prefix)), None)
    return None
