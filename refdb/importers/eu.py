"""The EU consolidated financial sanctions list, FSF XML 1.1 (namespace .../fpi/fsd/export).

The legacy FSD "WHOLE" XML (published until 2017) is refused with a clear message rather than
read: it is no longer published, and its entity ids cannot be shown to match today's logicalIds,
so importing it would risk delisting and re-adding every entry.
"""

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

NS = "http://eu.europa.ec/fpi/fsd/export"
_KINDS = {
    "person": "person",
    "enterprise": "organization",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
_UNKNOWN_COUNTRY = "00"


def parse(path: Path, source: str = "eu") -> ParsedList:
    root, records = xml_records(source, Path(path), {f"{{{NS}}}sanctionEntity"}, depth=1)
    if root.tag == "WHOLE":
        raise ImportFormatError(
            f"{source}: this is the legacy FSD 'WHOLE' XML format (no longer published since "
            "2017), which refdb does not import; download the current FSF XML 1.1 export"
        )
    if root.tag != f"{{{NS}}}export":
        raise ImportFormatError(
            f"{source}: not an EU FSF XML 1.1 export (root element is <{local_name(root.tag)}>, "
            f'expected <export xmlns="{NS}">)'
        )
    published = dates.from_iso(root.get("generationDate"))
    return ParsedList(source, published, (_entry(record) for record in records))


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _attr(element: Element, name: str) -> str | None:
    value = (element.get(name) or "").strip()
    return value or None


def _country(element: Element) -> str | None:
    if _attr(element, "countryIso2Code") == _UNKNOWN_COUNTRY:
        return None
    return _attr(element, "countryDescription")


def _primary(aliases: list[Element]) -> Element | None:
    """The EU marks no primary name. The alias carrying the function is the one the legal act
    lists first; otherwise prefer a structured name, then an English or unmarked one."""
    for test in (
        lambda a: _attr(a, "function"),
        lambda a: _attr(a, "firstName") and _attr(a, "lastName"),
        lambda a: (_attr(a, "nameLanguage") or "EN") == "EN",
    ):
        for alias in aliases:
            if test(alias) and _attr(alias, "wholeName"):
                return alias
    return next((a for a in aliases if _attr(a, "wholeName")), None)


def _entry(record: Element) -> ParsedEntry:
    aliases = record.findall(_q("nameAlias"))
    primary = _primary(aliases)
    names = []
    for alias in aliases:
        whole = _attr(alias, "wholeName")
        if alias is primary or not whole:
            continue
        script = guess_script(whole)
        kind = "weak_alias" if alias.get("strong") == "false" else "alias"
        if script not in (None, "Latn"):
            kind = "original_script"
        lang = _attr(alias, "nameLanguage")
        names.append(ParsedName(whole, kind, lang.lower() if lang else None, script))
    subject = record.find(_q("subjectType"))
    kind = _KINDS.get(subject.get("code", "") if subject is not None else "", "unknown")
    births = record.findall(_q("birthdate"))
    remark = record.find(_q("remark"))
    return ParsedEntry(
        record_id=record.get("logicalId", ""),
        target_kind=kind,
        name=(_attr(primary, "wholeName") or "") if primary is not None else "",
        names=tuple(dict.fromkeys(names)),
        birth_dates=unique(d for b in births for d in _birth_date(b)),
        birth_places=unique(
            ", ".join(filter(None, (_attr(b, "place"), _city(b), _country(b)))) for b in births
        ),
        nationalities=unique(_country(c) for c in record.findall(_q("citizenship"))),
        addresses=unique(_address(a) for a in record.findall(_q("address"))),
        identifiers=tuple(
            dict.fromkeys(
                ParsedIdentifier(
                    _attr(i, "identificationTypeDescription")
                    or _attr(i, "identificationTypeCode")
                    or "Identification",
                    number,
                    _country(i),
                )
                for i in record.findall(_q("identification"))
                if (number := _attr(i, "number"))
            )
        ),
        programs=unique(r.get("programme") for r in record.findall(_q("regulation"))),
        listed_on=dates.from_iso(record.get("designationDate")),
        remarks=remark.text.strip() if remark is not None and remark.text else None,
        title="; ".join(unique(a.get("function") for a in aliases)) or None,
        raw={"sanctionEntity": element_raw(record)},
    )


def _city(element: Element) -> str | None:
    city = _attr(element, "city")
    return None if city == "-" else city  # the EU writes "-" for an unknown city


def _address(element: Element) -> str:
    parts = ("street", "poBox", "zipCode", "city", "region", "place")
    return ", ".join(filter(None, [*(_attr(element, p) for p in parts), _country(element)]))


def _birth_date(element: Element) -> tuple[str, ...]:
    """'birthdate' is Gregorian even when calendarType is ISLAMIC (year/month/day are then
    Hijri), so it is used first; bare years are used only for Gregorian entries."""
    if exact := dates.from_iso(element.get("birthdate")):
        return (exact,)
    if element.get("calendarType", "GREGORIAN") != "GREGORIAN":
        return ()
    year, month = element.get("year"), element.get("monthOfYear")
    if year and year.isdigit():
        single = dates.iso(int(year), int(month) if month and month.isdigit() else None)
        return (single,) if single else ()
    first = dates.from_iso(element.get("yearRangeFrom"))
    last = dates.from_iso(element.get("yearRangeTo"))
    if first and last:
        return dates.covering(first, last)
    return (first,) if first else ()
