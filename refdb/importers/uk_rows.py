"""What the two UK CSV layouts (OFSI's consolidated list, FCDO's UK Sanctions List) share:
a dated first line, a header read by column name, one row per name grouped by an id."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from refdb.importers import dates
from refdb.importers.inputs import guess_script
from refdb.importers.records import ImportFormatError, ParsedEntry, ParsedIdentifier, ParsedName, unique

if TYPE_CHECKING:
    from _csv import Reader

GIVEN_NAMES = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")


def grouped_rows(
    reader: Reader,
    source: str,
    required: tuple[str, ...],
    id_column: str,
    id_problem: Callable[[str], str | None],
) -> dict[str, list[dict[str, str]]]:
    """The rows after the header (the reader's next line), keyed by ``id_column`` in file
    order; ``id_problem`` says what is wrong with an id, or None."""
    try:
        header = [column.strip() for column in next(reader, [])]
        if missing := [c for c in required if c not in header]:
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
            record_id = record[id_column].strip()
            if problem := id_problem(record_id):
                where = f"{source}: line {reader.line_num}"
                raise ImportFormatError(f"{where}: {id_column} {record_id!r} {problem}")
            groups.setdefault(record_id, []).append(record)
    except csv.Error as exc:
        raise ImportFormatError(f"{source}: malformed CSV at line {reader.line_num}: {exc}") from exc
    if not groups:
        raise ImportFormatError(f"{source}: the list holds no rows after the header")
    return groups


def cell(row: dict[str, str], column: str) -> str | None:
    value = row.get(column, "").strip()
    return value or None


def full_name(row: dict[str, str]) -> str:
    """Given names (Name 1-5) then the family or entity name (Name 6)."""
    return " ".join(filter(None, [*(cell(row, c) for c in GIVEN_NAMES), cell(row, "Name 6")]))


_KINDS = {"individual": "person", "entity": "organization", "ship": "vessel"}


@dataclass(frozen=True)
class Layout:
    """The column names (and the two judgements) where the two layouts differ."""

    is_primary: Callable[[dict[str, str]], bool]
    name_kind: Callable[[dict[str, str]], str]
    non_latin: tuple[str, str]  # the name, its language
    kind: str
    birth_date: str
    birth_place: tuple[str, str]  # town, country
    nationality: str
    nationality_separator: str  # a regular expression
    address: tuple[str, ...]
    identifiers: tuple[tuple[str, str], ...]  # (column, scheme)
    regime: str
    listed_on: str
    remarks: tuple[str, ...]


def entry(layout: Layout, record_id: str, rows: list[dict[str, str]]) -> ParsedEntry:
    """One designation from its rows, one row a name."""
    primary = next((r for r in rows if layout.is_primary(r)), rows[0])
    name = full_name(primary)
    names = [ParsedName(n, layout.name_kind(r)) for r in rows if (n := full_name(r)) and n != name]
    for row in rows:
        if original := cell(row, layout.non_latin[0]):
            lang = cell(row, layout.non_latin[1])
            names.append(ParsedName(original, "original_script", lang, guess_script(original)))
    town, country = layout.birth_place
    return ParsedEntry(
        record_id=record_id,
        target_kind=_KINDS.get((cell(primary, layout.kind) or "").lower(), "unknown"),
        name=name,
        names=tuple(dict.fromkeys(names)),
        birth_dates=unique(dates.from_dmy(r.get(layout.birth_date)) for r in rows),
        birth_places=unique(", ".join(filter(None, (cell(r, town), cell(r, country)))) for r in rows),
        nationalities=unique(
            part
            for r in rows
            for part in re.split(layout.nationality_separator, cell(r, layout.nationality) or "")
        ),
        addresses=unique(", ".join(filter(None, (cell(r, c) for c in layout.address))) for r in rows),
        identifiers=tuple(
            dict.fromkeys(
                ParsedIdentifier(scheme, value)
                for r in rows
                for column, scheme in layout.identifiers
                if (value := cell(r, column))
            )
        ),
        programs=unique(cell(r, layout.regime) for r in rows),
        listed_on=dates.from_dmy(primary.get(layout.listed_on)),
        remarks="\n".join(unique(cell(primary, c) for c in layout.remarks)) or None,
        title="; ".join(unique(cell(r, "Position") for r in rows)) or None,
        raw={"rows": rows},
    )
