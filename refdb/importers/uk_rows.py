"""What the two UK CSV layouts (OFSI's consolidated list, FCDO's UK Sanctions List) share:
a dated first line, a header read by column name, one row per name grouped by an id."""

from __future__ import annotations

import csv
from collections.abc import Callable

from refdb.importers.records import ImportFormatError

GIVEN_NAMES = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")


def grouped_rows(
    reader: csv.reader,  # type: ignore[valid-type]
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
