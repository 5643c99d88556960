"""The FCDO UK Sanctions List CSV, the UK's official list since OFSI's consolidated list
was retired on 28 January 2026: one row per name of a designation, grouped by Unique ID.

Line 1 is "Report Date: dd-Mon-yyyy", line 2 the header (58 columns in the published
format guide: Last Updated, Unique ID, OFSI Group ID, UN Reference Number, Name 6,
Name 1-5, Name type, Alias strength, ..., Regime Name, Designation Type, ..., Date
Designated, D.O.B, ...). Columns are read by header name. Dates are dd/mm/yyyy with 00
for unknown parts.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from refdb.importers import dates
from refdb.importers.inputs import guess_script
from refdb.importers.records import ParsedEntry, ParsedIdentifier, ParsedList, ParsedName, unique
from refdb.importers.uk_rows import cell, full_name, grouped_rows

REPORT_DATE = "Report Date:"  # line 1, which tells this layout from OFSI's
_REQUIRED = ("Unique ID", "Name 6", "Name type", "Regime Name", "Designation Type")
_KINDS = {"individual": "person", "entity": "organization", "ship": "vessel"}
_ADDRESS = (*(f"Address Line {n}" for n in range(1, 7)), "Address Postal Code", "Address Country")
_IDS = (
    ("Passport number", "Passport"),
    ("National Identifier number", "National Identification Number"),
    ("Business registration number (s)", "Business Registration Number"),
    ("IMO number", "IMO"),
    ("OFSI Group ID", "OFSI Group ID"),
    ("UN Reference Number", "UN Reference Number"),
)


def parse_text(text: str, source: str) -> ParsedList:
    """The list from its decoded text, whose line 1 uk.parse has seen start "Report Date:"."""
    reader = csv.reader(io.StringIO(text), strict=True)
    first = next(reader, [""])
    groups = grouped_rows(reader, source, _REQUIRED, "Unique ID", _id_problem)
    entries = [_entry(unique_id, rows) for unique_id, rows in groups.items()]
    return ParsedList(source=source, published_on=_report_date(first[0]), entries=entries)


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


def _entry(unique_id: str, rows: list[dict[str, str]]) -> ParsedEntry:
    primary = next((r for r in rows if _is_primary(r)), rows[0])
    name = full_name(primary)
    names = [ParsedName(n, _name_kind(r)) for r in rows if (n := full_name(r)) and n != name]
    for row in rows:
        if original := cell(row, "Name non-latin script"):
            lang = cell(row, "Non-latin script language")
            names.append(ParsedName(original, "original_script", lang, guess_script(original)))
    reasons = (cell(primary, "Other Information"), cell(primary, "UK Statement of Reasons"))
    remarks = "\n".join(unique(reasons))
    return ParsedEntry(
        record_id=unique_id,
        target_kind=_KINDS.get((cell(primary, "Designation Type") or "").lower(), "unknown"),
        name=name,
        names=tuple(dict.fromkeys(names)),
        birth_dates=unique(dates.from_dmy(r.get("D.O.B")) for r in rows),
        birth_places=unique(
            ", ".join(filter(None, (cell(r, "Town of birth"), cell(r, "Country of birth")))) for r in rows
        ),
        nationalities=unique(
            part for r in rows for part in re.split(r"\s*(?:\d+\)|\|)\s*", cell(r, "Nationality(/ies)") or "")
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
        programs=unique(cell(r, "Regime Name") for r in rows),
        listed_on=dates.from_dmy(primary.get("Date Designated")),
        remarks=remarks or None,
        title="; ".join(unique(cell(r, "Position") for r in rows)) or None,
        raw={"rows": rows},
    )
