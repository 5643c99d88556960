"""The UK list CSVs: FCDO's UK Sanctions List (official since OFSI's consolidated list was
retired on 28 January 2026; read by refdb/importers/fcdo.py) and OFSI's consolidated list,
still readable for older copies: one row per name, grouped by Group ID.

OFSI's row 1 is "Last Updated,dd/mm/yyyy", row 2 the header. Columns are read by header name. The
pre-2022 layout (the 2018 sample, 29 columns) is what the tests cover; columns of the 2022
ConList.csv layout ("Name Non-Latin Script", "Alias Quality", "Passport Number", ...) are
used when present, but no 2022 file was available to test them. Files are Windows-1252
(older) or UTF-8; both are accepted.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from refdb.importers import dates, fcdo
from refdb.importers.inputs import check_complete_text, check_head, decode, guess_script
from refdb.importers.records import (
    ImportFormatError,
    ParsedEntry,
    ParsedIdentifier,
    ParsedList,
    ParsedName,
    unique,
)
from refdb.importers.uk_rows import cell, full_name, grouped_rows

_REQUIRED = ("Name 6", "Group Type", "Group ID", "Alias Type", "Regime")
_KINDS = {"individual": "person", "entity": "organization", "ship": "vessel"}
_PRIMARY = {"prime alias", "primary name"}
_ADDRESS = (
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
)
_IDS = (
    ("Passport Number", "Passport"),
    ("Passport Details", "Passport"),
    ("NI Number", "National Identification Number"),
    ("National Identification Number", "National Identification Number"),
)


def parse(path: Path, source: str = "uk") -> ParsedList:
    """Either UK layout, told apart by line 1: FCDO's "Report Date: ..." or OFSI's
    "Last Updated,dd/mm/yyyy"."""
    data = Path(path).read_bytes()
    check_head(source, data[:4096])
    text = decode(source, data, ("utf-8-sig", "cp1252"))
    check_complete_text(source, text)
    first_line = text.split("\n", 1)[0].strip()
    if first_line.startswith(fcdo.REPORT_DATE):
        return fcdo.parse_text(text, source)
    if first_line.startswith("Last Updated"):
        return _parse_ofsi(text, source)
    raise ImportFormatError(
        f"{source}: not a UK sanctions list CSV (line 1 should be FCDO's 'Report Date: dd-Mon-yyyy' "
        f"or OFSI's 'Last Updated,dd/mm/yyyy', found {first_line[:40]!r})"
    )


def _parse_ofsi(text: str, source: str) -> ParsedList:
    reader = csv.reader(io.StringIO(text), strict=True)
    first = next(reader, [])
    groups = grouped_rows(reader, source, _REQUIRED, "Group ID", _id_problem)
    published = dates.from_dmy(first[1] if len(first) > 1 else None)
    entries = [_entry(group, rows) for group, rows in groups.items()]
    return ParsedList(source=source, published_on=published, entries=entries)


def _id_problem(group: str) -> str | None:
    return None if group.isdigit() else "is not a number"


def _name_kind(row: dict[str, str]) -> str:
    alias_type = (cell(row, "Alias Type") or "").lower()
    if alias_type == "fka":
        return "former"
    if (cell(row, "Alias Quality") or "").lower() == "low":
        return "weak_alias"
    return "alias"


def _entry(group: str, rows: list[dict[str, str]]) -> ParsedEntry:
    primary = next((r for r in rows if (cell(r, "Alias Type") or "").lower() in _PRIMARY), rows[0])
    name = full_name(primary)
    names = [ParsedName(n, _name_kind(r)) for r in rows if (n := full_name(r)) and n != name]
    for row in rows:
        if original := cell(row, "Name Non-Latin Script"):
            lang = cell(row, "Non-Latin Script Language")
            names.append(ParsedName(original, "original_script", lang, guess_script(original)))
    return ParsedEntry(
        record_id=group,
        target_kind=_KINDS.get((cell(primary, "Group Type") or "").lower(), "unknown"),
        name=name,
        names=tuple(dict.fromkeys(names)),
        birth_dates=unique(dates.from_dmy(r.get("DOB")) for r in rows),
        birth_places=unique(
            ", ".join(filter(None, (cell(r, "Town of Birth"), cell(r, "Country of Birth")))) for r in rows
        ),
        nationalities=unique(
            part for r in rows for part in re.split(r"\s*\d+\)\s*", cell(r, "Nationality") or "")
        ),
        addresses=unique(", ".join(filter(None, (cell(r, c) for c in _ADDRESS))) for r in rows),
        identifiers=tuple(
            dict.fromkeys(
                ParsedIdentifier(scheme, value)
                for r in rows
                for column, scheme in _IDS
                if (value := cell(r, column))
            )
        ),
        programs=unique(cell(r, "Regime") for r in rows),
        listed_on=dates.from_dmy(primary.get("Listed On")),
        remarks=cell(primary, "Other Information"),
        title="; ".join(unique(cell(r, "Position") for r in rows)) or None,
        raw={"rows": rows},
    )
