"""The FCDO UK Sanctions List CSV, the UK's official list since OFSI's consolidated list
was retired on 28 January 2026: one row per name of a designation, grouped by Unique ID.

Line 1 is "Report Date: dd-Mon-yyyy", line 2 the header (58 columns in the published
format guide: Last Updated, Unique ID, OFSI Group ID, UN Reference Number, Name 6,
Name 1-5, Name type, Alias strength, ..., Regime Name, Designation Type, ..., Date
Designated, D.O.B, ...). Columns are read by header name. Dates are dd/mm/yyyy with 00
for unknown parts.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from refdb.importers.inputs import capped_csv_reader
from refdb.importers.records import ParsedEntry, ParsedList
from refdb.importers.uk_rows import Layout, cell, entry, grouped_rows

REPORT_DATE = "Report Date:"  # line 1, which tells this layout from OFSI's
OFSI_GROUP_ID = "OFSI Group ID"  # the column, and the scheme of the identifier it becomes
_REQUIRED = ("Unique ID", "Name 6", "Name type", "Regime Name", "Designation Type")
_ADDRESS = (*(f"Address Line {n}" for n in range(1, 7)), "Address Postal Code", "Address Country")
_IDS = (
    ("Passport number", "Passport"),
    ("National Identifier number", "National Identification Number"),
    ("Business registration number (s)", "Business Registration Number"),
    ("IMO number", "IMO"),
    (OFSI_GROUP_ID, OFSI_GROUP_ID),
    ("UN Reference Number", "UN Reference Number"),
)


def parse_text(text: str, source: str) -> ParsedList:
    """The list from its decoded text, whose line 1 uk.parse has seen start "Report Date:"."""
    reader = capped_csv_reader(io.StringIO(text))
    first = next(reader, [""])
    groups = grouped_rows(reader, source, _REQUIRED, "Unique ID", _id_problem)
    entries = [entry(_LAYOUT, unique_id, rows) for unique_id, rows in groups.items()]
    return ParsedList(source=source, published_on=_report_date(first[0]), entries=entries)


def ofsi_group_id(entry: ParsedEntry) -> str | None:
    """The Group ID that keyed this designation in OFSI's retired list (None for an entry
    read from OFSI's own layout, keyed by that id already, or designated after it)."""
    return next((i.value for i in entry.identifiers if i.scheme == OFSI_GROUP_ID), None)


def _id_problem(unique_id: str) -> str | None:
    return None if re.fullmatch(r"[A-Z]{2,4}\d{3,6}", unique_id) else "is not like 'RUS0001'"


def _report_date(line: str) -> str | None:
    """'Report Date: 13-Feb-2026' → '2026-02-13'."""
    try:
        return datetime.strptime(line.removeprefix(REPORT_DATE).strip(), "%d-%b-%Y").date().isoformat()
    except ValueError:
        return None


def _is_primary(row: dict[str, str]) -> bool:
    return (cell(row, "Name type") or "").lower() == "primary name"


def _name_kind(row: dict[str, str]) -> str:
    return "weak_alias" if (cell(row, "Alias strength") or "").lower().startswith("low") else "alias"


_LAYOUT = Layout(
    is_primary=_is_primary,
    name_kind=_name_kind,
    non_latin=("Name non-latin script", "Non-latin script language"),
    kind="Designation Type",
    birth_date="D.O.B",
    birth_place=("Town of birth", "Country of birth"),
    nationality="Nationality(/ies)",
    nationality_separator=r"\s*(?:\d+\)|\|)\s*",
    address=_ADDRESS,
    identifiers=_IDS,
    regime="Regime Name",
    listed_on="Date Designated",
    remarks=("Other Information", "UK Statement of Reasons"),
)
