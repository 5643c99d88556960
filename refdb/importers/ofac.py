"""OFAC legacy CSV lists: the SDN list (sdn.csv) and the non-SDN consolidated list (cons_prim.csv).

Both come as a main file plus optional companions beside it, all without headers:
alternate names (alt.csv), addresses (add.csv) and the overflow of the Remarks column, which
OFAC caps at 1000 characters and continues mid-word in sdn_comments.csv.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from refdb.importers import dates
from refdb.importers.inputs import capped_csv_reader, check_head, head_of, text_encoding
from refdb.importers.records import (
    ImportFormatError,
    ParsedEntry,
    ParsedIdentifier,
    ParsedList,
    ParsedName,
    unique,
)

SDN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks")
COMMENT_COLUMNS = ("ent_num", "remarks_continuation")
_COMPANION_COLUMNS = {"alt": ALT_COLUMNS, "add": ADD_COLUMNS, "comments": COMMENT_COLUMNS}

_KINDS = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", None: "organization"}
_ALT_KINDS = {"aka": "alias", "fka": "former", "nka": "alias"}
_REMARK_NAME_KINDS = {"a.k.a.": "weak_alias", "f.k.a.": "former", "n.k.a.": "alias"}
# Identifier labels OFAC uses in Remarks (measured on the 2024 sdn.csv); longest first so that
# "Registration Number" is not read as "Registration" plus a value.
_ID_SCHEMES = sorted(
    (
        "Passport",
        "National ID No.",
        "Tax ID No.",
        "Registration Number",
        "Registration ID",
        "Vessel Registration Identification",
        "Identification Number",
        "C.U.R.P.",
        "Cedula No.",
        "R.F.C.",
        "Government Gazette Number",
        "Business Registration Number",
        "Business Registration Document #",
        "NIT #",
        "SWIFT/BIC",
        "MMSI",
        "Folio Mercantil No.",
        "Company Number",
        "Commercial Registry Number",
        "RUC #",
        "Unified Social Credit Code (USCC)",
        "Legal Entity Number",
        "V.A.T. Number",
        "Economic Register Number (CBLS)",
        "C.R. No.",
        "Aircraft Manufacturer's Serial Number (MSN)",
        "Aircraft Tail Number",
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "Trade License No.",
        "Matricula Mercantil No",
        "D.N.I.",
        "Chamber of Commerce Number",
        "D-U-N-S Number",
        "Driver's License No.",
        "SSN",
        "Birth Certificate Number",
        "Kenyan ID No.",
        "Residency Number",
        "Personal ID Card",
        "Stateless Person ID Card",
        "Website",
        "Email Address",
        "Public Security and Immigration No.",
        "Refugee ID Card",
    ),
    key=len,
    reverse=True,
)
_ID = re.compile(
    r"^(?P<scheme>"
    + "|".join(re.escape(s) for s in _ID_SCHEMES)
    + r"|Digital Currency Address - \w+)\s+(?P<value>[^()]+?)\s*(?:\((?P<country>[^()]+)\))?"
    r"(?:\s+(?:issued|expires)\b.*)?$"
)
# The first word of each label: a segment starting with any other word is no identifier,
# which spares most segments the long alternation above.
_ID_FIRST_WORDS = frozenset(scheme.split()[0] for scheme in (*_ID_SCHEMES, "Digital"))
_SEGMENT = re.compile(r";\s+")
_ALT_PREFIX = re.compile(r"^alt\.\s+")
_CIRCA = re.compile(r"^circa\s+")
_YEAR_RANGE = re.compile(r"(\d{4})\s*-\s*(\d{4})")
_ALIAS = re.compile(r"^(?P<kind>[afn]\.k\.a\.)\s+'(?P<name>.+)'$")


def companion_names(main_name: str) -> dict[str, str]:
    """File names of the optional companions of an OFAC main file, by role."""
    if main_name.lower().startswith("cons_"):
        return {"alt": "cons_alt.csv", "add": "cons_add.csv", "comments": "cons_comments.csv"}
    return {"alt": "alt.csv", "add": "add.csv", "comments": "sdn_comments.csv"}


def parse(path: Path, source: str = "ofac-sdn") -> ParsedList:
    path = Path(path)
    # None for a companion file that is not there: its facts are unknown, not empty.
    related: dict[str, dict[str, list[list[str]]] | None] = {}
    for role, name in companion_names(path.name).items():
        related[role] = None
        if (path.parent / name).is_file():
            grouped: dict[str, list[list[str]]] = defaultdict(list)
            for row in read_rows(source, path.parent / name, _COMPANION_COLUMNS[role]):
                grouped[row[0]].append(row)
            related[role] = grouped

    def beside(role: str, ent_num: str) -> list[list[str]] | None:
        rows = related[role]
        return None if rows is None else rows.get(ent_num, [])

    entries = (
        _entry(row, beside("alt", row[0]), beside("add", row[0]), beside("comments", row[0]))
        for row in read_rows(source, path, SDN_COLUMNS)
    )
    # The legacy CSVs carry no publication date; the import takes it from the HTTP headers.
    return ParsedList(source=source, published_on=None, entries=entries)


def read_rows(source: str, path: Path, columns: tuple[str, ...]) -> Iterator[list[str]]:
    """The rows of one headerless OFAC CSV, each checked for its column count and ent_num.

    Streamed: the file is read once to find its encoding and that it ends with a line
    break, then parsed row by row, so memory does not grow with the file's size.
    """
    with path.open("rb") as handle:
        head = handle.read(4096)
    check_head(source, head)
    if head.lstrip()[:1] in (b"<", b"{", b"["):
        raise ImportFormatError(
            f"{source}: {path.name} is not an OFAC CSV (file starts with {head_of(head)})"
        )
    encoding, _ = text_encoding(source, path, ("utf-8-sig", "cp1252"))
    with path.open(encoding=encoding, newline="") as text:
        reader = capped_csv_reader(text)
        first = True
        try:
            for row in reader:
                if not row or row == [""] or row == ["\x1a"]:  # OFAC ends with a DOS end-of-file byte
                    continue
                if len(row) != len(columns):
                    if first and not row[0].strip().isdigit():
                        raise _not_ofac(source, path, row)
                    raise ImportFormatError(
                        f"{source}: {path.name} line {reader.line_num} has {len(row)} columns, "
                        f"expected {len(columns)}"
                    )
                if not row[0].strip().isdigit():
                    if first:
                        raise _not_ofac(source, path, row)
                    raise ImportFormatError(
                        f"{source}: {path.name} line {reader.line_num}: ent_num {row[0]!r} is not a number"
                    )
                row[0] = row[0].strip()
                first = False
                yield row
        except csv.Error as exc:
            if "end of data" in str(exc):
                raise ImportFormatError(
                    f"{source}: {path.name} is truncated "
                    f"(a quoted field is never closed, line {reader.line_num})"
                ) from exc
            raise ImportFormatError(
                f"{source}: {path.name} is malformed CSV at line {reader.line_num}: {exc}"
            ) from exc


def _not_ofac(source: str, path: Path, row: list[str]) -> ImportFormatError:
    start = ",".join(row)[:40]
    return ImportFormatError(
        f"{source}: {path.name} is not an OFAC CSV: line 1 starts with {start!r} "
        "where a numeric ent_num is expected"
    )


def _cell(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "-0-") else value


def _entry(
    row: list[str],
    alts: list[list[str]] | None,
    adds: list[list[str]] | None,
    comments: list[list[str]] | None,
) -> ParsedEntry:
    ent_num, name, sdn_type, program, title, call_sign = map(_cell, row[:6])
    vessel_flag = _cell(row[9])
    published = row[11] if _cell(row[11]) else None  # as written: a continuation may follow mid-word
    remarks = "".join(filter(None, [published, *(c[1] for c in comments or ())])) or None
    facts = _RemarkFacts(remarks or "")
    names = [
        ParsedName(alt_name, _ALT_KINDS.get((_cell(a[2]) or "aka").lower(), "alias"))
        for a in alts or ()
        if (alt_name := _cell(a[3]))
    ]
    addresses = [", ".join(filter(None, (_cell(a[2]), _cell(a[3]), _cell(a[4])))) for a in adds or ()]
    identifiers = list(facts.identifiers)
    if call_sign:
        identifiers.append(ParsedIdentifier("Call Sign", call_sign))
    return ParsedEntry(
        record_id=ent_num or "",
        target_kind=_KINDS.get(sdn_type.lower() if sdn_type else None, "unknown"),
        name=name or "",
        names=tuple(dict.fromkeys(names + facts.names)),
        birth_dates=unique(facts.birth_dates),
        birth_places=unique(facts.birth_places),
        nationalities=unique([*facts.nationalities, vessel_flag]),
        addresses=unique(addresses),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programs=split_programs(program),
        listed_on=None,
        remarks=remarks.strip() if remarks else None,
        title=title,
        raw={
            "sdn": dict(zip(SDN_COLUMNS, row, strict=True)),
            "alt": None if alts is None else [dict(zip(ALT_COLUMNS, a, strict=True)) for a in alts],
            "add": None if adds is None else [dict(zip(ADD_COLUMNS, a, strict=True)) for a in adds],
            "comments": None if comments is None else [c[1] for c in comments],
        },
    )


def carry_over(entry: ParsedEntry, previous_raw: dict) -> ParsedEntry:
    """Fill in what this import's missing companion files would have said from the entry's
    previous import: its aliases and addresses, and its remarks continuation as long as the
    Remarks cell it continues is unchanged. Without this, importing sdn.csv alone would
    report every entry with an alias or address as changed."""
    raw = entry.raw
    merged = dict(raw)
    for role in ("alt", "add"):
        if raw.get(role) is None and previous_raw.get(role) is not None:
            merged[role] = previous_raw[role]
    if (
        raw.get("comments") is None
        and previous_raw.get("comments") is not None
        and previous_raw.get("sdn", {}).get("Remarks") == raw["sdn"]["Remarks"]
    ):
        merged["comments"] = previous_raw["comments"]
    return entry if merged == raw else entry_from_raw(merged)


def entry_from_raw(raw: dict) -> ParsedEntry:
    """Parse an entry again from the raw record stored for it."""
    row = [raw["sdn"][column] for column in SDN_COLUMNS]

    def rows(role: str, columns: tuple[str, ...]) -> list[list[str]] | None:
        return None if raw.get(role) is None else [[item[c] for c in columns] for item in raw[role]]

    comments = None if raw.get("comments") is None else [[row[0], text] for text in raw["comments"]]
    return _entry(row, rows("alt", ALT_COLUMNS), rows("add", ADD_COLUMNS), comments)


def split_programs(program: str | None) -> tuple[str, ...]:
    """'SYRIA] [UKRAINE-EO13662' → ('SYRIA', 'UKRAINE-EO13662'): OFAC joins codes with '] ['."""
    if not program:
        return ()
    return unique(part.strip("[] ") for part in program.split("] ["))


class _RemarkFacts:
    """Facts OFAC writes into Remarks as '; '-separated 'Label value' segments."""

    def __init__(self, remarks: str) -> None:
        self.birth_dates: list[str] = []
        self.birth_places: list[str] = []
        self.nationalities: list[str] = []
        self.names: list[ParsedName] = []
        self.identifiers: list[ParsedIdentifier] = []
        for segment in _SEGMENT.split(remarks.strip().rstrip(".")):
            segment = segment.strip()
            self._read(_ALT_PREFIX.sub("", segment) if segment.startswith("alt.") else segment)

    def _read(self, segment: str) -> None:
        label, _, value = segment.partition(" ")
        if label == "DOB":
            self.birth_dates.extend(_dob(value))
        elif label == "POB":
            self.birth_places.append(value)
        elif label in ("nationality", "citizen"):
            self.nationalities.append(value)
        elif match := _ALIAS.match(segment):
            self.names.append(ParsedName(match["name"], _REMARK_NAME_KINDS[match["kind"]]))
        elif segment and segment.split(None, 1)[0] in _ID_FIRST_WORDS and (match := _ID.match(segment)):
            self.identifiers.append(
                ParsedIdentifier(match["scheme"], match["value"].strip(), match["country"])
            )


def _dob(value: str) -> tuple[str, ...]:
    """'01 Feb 1958 to 28 Feb 1958' → ('1958-02',); 'circa 1979-1982' → the four years."""
    value = _CIRCA.sub("", value.strip())
    if match := _YEAR_RANGE.fullmatch(value):
        value = f"{match[1]} to {match[2]}"
    start, _, end = value.partition(" to ")
    first, last = dates.from_text(start), dates.from_text(end) if end else None
    if first and last:
        return dates.covering(first, last)
    return (first,) if first else ()
