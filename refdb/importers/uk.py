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

import io
from pathlib import Path

from refdb.importers import dates, fcdo
from refdb.importers.inputs import capped_csv_reader, check_complete_text, check_head, decode
from refdb.importers.records import (
    ImportFormatError,
    ParsedList,
)
from refdb.importers.uk_rows import Layout, cell, entry, grouped_rows

_REQUIRED = ("Name 6", "Group Type", "Group ID", "Alias Type", "Regime")
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
    reader = capped_csv_reader(io.StringIO(text))
    first = next(reader, [])
    groups = grouped_rows(reader, source, _REQUIRED, "Group ID", _id_problem)
    published = dates.from_dmy(first[1] if len(first) > 1 else None)
    entries = [entry(_LAYOUT, group, rows) for group, rows in groups.items()]
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


_LAYOUT = Layout(
    is_primary=lambda row: (cell(row, "Alias Type") or "").lower() in _PRIMARY,
    name_kind=_name_kind,
    non_latin=("Name Non-Latin Script", "Non-Latin Script Language"),
    kind="Group Type",
    birth_date="DOB",
    birth_place=("Town of Birth", "Country of Birth"),
    nationality="Nationality",
    nationality_separator=r"\s*\d+\)\s*",
    address=_ADDRESS,
    identifiers=_IDS,
    regime="Regime",
    listed_on="Listed On",
    remarks=("Other Information",),
)
