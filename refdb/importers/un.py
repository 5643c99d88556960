"""The UN Security Council consolidated list (consolidated.xml): individuals and entities."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from refdb.importers import dates
from refdb.importers.inputs import element_raw, guess_script, local_name, xml_records
from refdb.importers.records import (
    ImportFormatError,
    ParsedEntry,
    ParsedIdentifier,
    ParsedList,
    ParsedName,
    unique,
)

_ROOT = "CONSOLIDATED_LIST"
_RECORDS = {"INDIVIDUAL": "person", "ENTITY": "organization"}
_ALIAS_KINDS = {"good": "alias", "a.k.a.": "alias", "low": "weak_alias", "f.k.a.": "former"}


def parse(path: Path, source: str = "un") -> ParsedList:
    root, records = xml_records(source, Path(path), set(_RECORDS), depth=2)
    if local_name(root.tag) != _ROOT:
        raise ImportFormatError(
            f"{source}: not a UN consolidated list (root element is <{local_name(root.tag)}>, "
            f"expected <{_ROOT}>)"
        )
    published = dates.from_iso(root.get("dateGenerated"))
    return ParsedList(source, published, (_entry(record) for record in records))


def _text(element: Element | None, tag: str) -> str | None:
    value = element.findtext(tag) if element is not None else None
    return value.strip() if value and value.strip() else None


def _entry(record: Element) -> ParsedEntry:
    prefix = record.tag  # INDIVIDUAL_ALIAS, ENTITY_ADDRESS, ...
    name = " ".join(
        filter(
            None,
            (_text(record, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")),
        )
    )
    names = [
        ParsedName(alias, _ALIAS_KINDS.get((_text(a, "QUALITY") or "").lower(), "alias"))
        for a in record.iter(f"{prefix}_ALIAS")
        if (alias := _text(a, "ALIAS_NAME"))
    ]
    if original := _text(record, "NAME_ORIGINAL_SCRIPT"):
        names.append(ParsedName(original, "original_script", script=guess_script(original)))
    return ParsedEntry(
        record_id=_text(record, "REFERENCE_NUMBER") or _text(record, "DATAID") or "",
        target_kind=_RECORDS[record.tag],
        name=name,
        names=tuple(dict.fromkeys(names)),
        birth_dates=unique(d for dob in record.iter(f"{prefix}_DATE_OF_BIRTH") for d in _dob(dob)),
        birth_places=unique(_place(p) for p in record.iter(f"{prefix}_PLACE_OF_BIRTH")),
        nationalities=unique(v.text for v in record.iterfind("NATIONALITY/VALUE")),
        addresses=unique(_place(a) for a in record.iter(f"{prefix}_ADDRESS")),
        identifiers=tuple(
            dict.fromkeys(
                ParsedIdentifier(
                    _text(doc, "TYPE_OF_DOCUMENT") or "Document",
                    number,
                    _text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE"),
                )
                for doc in record.iter(f"{prefix}_DOCUMENT")
                if (number := _text(doc, "NUMBER"))
            )
        ),
        programs=unique([_text(record, "UN_LIST_TYPE")]),
        listed_on=dates.from_iso(_text(record, "LISTED_ON")),
        remarks=_text(record, "COMMENTS1"),
        title="; ".join(unique(v.text for v in record.iterfind("DESIGNATION/VALUE"))) or None,
        raw={record.tag: element_raw(record)},
    )


def _place(element: Element) -> str:
    parts = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE")
    return ", ".join(filter(None, (_text(element, part) for part in parts)))


def _dob(element: Element) -> tuple[str, ...]:
    """EXACT/APPROXIMATELY with DATE or YEAR; BETWEEN with FROM_YEAR and TO_YEAR."""
    if exact := dates.from_iso(_text(element, "DATE") or _text(element, "YEAR")):
        return (exact,)
    first = dates.from_iso(_text(element, "FROM_YEAR"))
    last = dates.from_iso(_text(element, "TO_YEAR"))
    if first and last:
        return dates.covering(first, last)
    return (first,) if first else ()
