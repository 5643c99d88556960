"""The UK (HM Treasury / OFSI) consolidated list CSV: one row per name, grouped by Group ID.

Row 1 is "Last Updated,dd/mm/yyyy", row 2 the header. Columns are read by header name. The
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

from refdb.importers import dates
from refdb.importers.inputs import check_complete_text, check_head, decode, guess_script
from refdb.importers.records import (
    ImportFormatError,
    ParsedEntry,
    ParsedIdentifier,
    ParsedList,
    ParsedName,
    unique,
)

_REQUIRED = ("Name 6", "Group Type", "Group ID", "Alias Type", "Regime")
_KINDS = {"individual": "person", "entity": "organization", "ship": "vessel"}
_PRIMARY = {"prime alias", "primary name"}
_GIVEN = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")
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
    data = Path(path).read_bytes()
    check_head(source, data[:4096])
    text = decode(source, data, ("utf-8-sig", "cp1252"))
    check_complete_text(source, text)
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        first = next(reader, [])
        if not first or first[0].strip() != "Last Updated":
            found = ",".join(first)[:40]
            raise ImportFormatError(
                f"{source}: not an OFSI consolidated list CSV (row 1 should be "
                f"'Last Updated,dd/mm/yyyy', found {found!r})"
            )
        header = [column.strip() for column in next(reader, [])]
        if missing := [c for c in _REQUIRED if c not in header]:
            raise ImportFormatError(f"{source}: header row (line 2) lacks the columns {', '.join(missing)}")
        groups: dict[str, list[dict[str, str]]] = {}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ImportFormatError(
                    f"{source}: line {reader.line_num} has {len(row)} columns, expected {len(header)}"
                )
            record = dict(zip(header, row, strict=True))
            group = record["Group ID"].strip()
            if not group.isdigit():
                raise ImportFormatError(
                    f"{source}: line {reader.line_num}: Group ID {group!r} is not a number"
                )
            groups.setdefault(group, []).append(record)
    except csv.Error as exc:
        raise ImportFormatError(f"{source}: malformed CSV at line {reader.line_num}: {exc}") from exc
    if not groups:
        raise ImportFormatError(f"{source}: the list holds no rows after the header")
    published = dates.from_dmy(first[1] if len(first) > 1 else None)
    entries = [_entry(group, rows) for group, rows in groups.items()]
    return ParsedList(source=source, published_on=published, entries=entries)


def _get(row: dict[str, str], column: str) -> str | None:
    value = row.get(column, "").strip()
    return value or None


def _name(row: dict[str, str]) -> str:
    return " ".join(filter(None, [*(_get(row, c) for c in _GIVEN), _get(row, "Name 6")]))


def _name_kind(row: dict[str, str]) -> str:
    alias_type = (_get(row, "Alias Type") or "").lower()
    if alias_type == "fka":
        return "former"
    if (_get(row, "Alias Quality") or "").lower() == "low":
        return "weak_alias"
    return "alias"


def _entry(group: str, rows: list[dict[str, str]]) -> ParsedEntry:
    primary = next((r for r in rows if (_get(r, "Alias Type") or "").lower() in _PRIMARY), rows[0])
    name = _name(primary)
    names = [ParsedName(n, _name_kind(r)) for r in rows if (n := _name(r)) and n != name]
    for row in rows:
        if original := _get(row, "Name Non-Latin Script"):
            lang = _get(row, "Non-Latin Script Language")
            names.append(ParsedName(original, "original_script", lang, guess_script(original)))
    return ParsedEntry(
        record_id=group,
        target_kind=_KINDS.get((_get(primary, "Group Type") or "").lower(), "unknown"),
        name=name,
        names=tuple(dict.fromkeys(names)),
        birth_dates=unique(dates.from_dmy(r.get("DOB")) for r in rows),
        birth_places=unique(
            ", ".join(filter(None, (_get(r, "Town of Birth"), _get(r, "Country of Birth")))) for r in rows
        ),
        nationalities=unique(
            part for r in rows for part in re.split(r"\s*\d+\)\s*", _get(r, "Nationality") or "")
        ),
        addresses=unique(", ".join(filter(None, (_get(r, c) for c in _ADDRESS))) for r in rows),
        identifiers=tuple(
            dict.fromkeys(
                ParsedIdentifier(scheme, value)
                for r in rows
                for column, scheme in _IDS
                if (value := _get(r, column))
            )
        ),
        programs=unique(_get(r, "Regime") for r in rows),
        listed_on=dates.from_dmy(primary.get("Listed On")),
        remarks=_get(primary, "Other Information"),
        title="; ".join(unique(_get(r, "Position") for r in rows)) or None,
        raw={"rows": rows},
    )
