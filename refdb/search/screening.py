"""Screening a batch of names: the one function the CLI and the API screen with
(``screening``), and reading a screening file (CSV or JSON lines) into the names to
screen, reporting the rows that cannot be."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refdb.errors import RefdbError
from refdb.search.filters import NO_FILTERS, SearchFilters
from refdb.search.service import (
    SCREENING_THRESHOLD,
    QueryTooLong,
    ScreeningInput,
    ScreeningResult,
    check_length,
    screen,
    screen_in_parallel,
)

if TYPE_CHECKING:
    from refdb.database import Database


@contextmanager
def screening(
    database: Database,
    inputs: Iterable[ScreeningInput],
    *,
    threshold: float = SCREENING_THRESHOLD,
    limit: int = 5,
    filters: SearchFilters = NO_FILTERS,
    workers: int = 1,
) -> Iterator[Iterator[ScreeningResult]]:
    """The results of screening ``inputs``, one per input, in order, lazily (memory stays
    flat), over ``workers`` processes when more than one. ``filters`` apply to every
    input, with each row's own birth date, nationality and kind. The index is brought up
    to date on entering, so ``IndexBusy`` is raised before anything is written."""
    options: dict[str, Any] = {"threshold": threshold, "limit": limit, "filters": filters}
    if workers > 1:
        yield screen_in_parallel(database.url, inputs, workers=workers, **options)
        return
    with database.reading() as reader:
        yield screen(reader, inputs, **options)


COLUMNS = ("name", "birth_date", "nationality", "kind")
# Headers that mean one of COLUMNS under another name. Read as unknown, they would be
# ignored and the names screened without the evidence they carry: the scores would be
# lower or higher than the file warrants, and nobody told.
SYNONYMS = {
    **dict.fromkeys(("dob", "date_of_birth", "birthdate", "birth date", "born", "birthday"), "birth_date"),
    **dict.fromkeys(("citizenship", "nationality_code", "country", "nation"), "nationality"),
    **dict.fromkeys(("full_name", "fullname", "full name", "surname", "last_name", "entity"), "name"),
    **dict.fromkeys(("type", "entity_type", "schema"), "kind"),
}


def misnamed_columns(columns: Iterable[str]) -> str | None:
    """Why columns meaning a field refdb reads, under another name and with that field
    absent, are refused; or None."""
    present = {column.strip().lower() for column in columns}
    misnamed = {
        column: SYNONYMS[column]
        for column in sorted(present)
        if column in SYNONYMS and SYNONYMS[column] not in present
    }
    if not misnamed:
        return None
    looks = ", ".join(f"'{column}' looks like '{field}'" for column, field in misnamed.items())
    return (
        f"{looks}, which refdb would otherwise screen without: rename it, or remove it if it "
        f"means something else (refdb reads {', '.join(COLUMNS)})"
    )


class BadScreeningFile(RefdbError):
    """The input file cannot be read as names to screen."""


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that cannot be screened: reported, and the rest screened."""

    row: int
    line: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "line": self.line, "reason": self.reason}

    def __str__(self) -> str:
        return f"row {self.row} (line {self.line}): {self.reason}"


MAX_REPORTED = 100  # bad rows named on stderr and in the receipt; all are counted


def _is_json_lines(path: Path, content: bytes) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return True
    return content[:1024].decode("utf-8-sig", errors="replace").lstrip().startswith("{")


def _lines(path: Path, content: bytes) -> Iterator[tuple[int, str]]:
    """(line number, text) of the file's non-blank lines; a file that is not UTF-8 is
    refused whole (one line, exit 2), before anything is screened."""
    with io.BytesIO(content) as handle:
        for number, data in enumerate(handle, start=1):
            try:
                text = data.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise BadScreeningFile(
                    f"{path}: line {number} is not UTF-8 (byte 0x{data[error.start]:02x}): "
                    "save the file as UTF-8"
                ) from None
            if text.strip():
                yield number, text


def _csv_fields(line: str) -> list[str]:
    """One line's fields. Each line is read on its own: a name never spans lines, and an
    unclosed quote would otherwise swallow every row after it into one field."""
    try:
        return next(csv.reader([line], strict=True))
    except csv.Error as error:
        raise ValueError(f"cannot be read as CSV ({error}): an unclosed quote?") from None


def _rows(path: Path, content: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, the row's fields by column, or why it cannot be read)."""
    lines = _lines(path, content)
    first = next(lines, None)
    if first is None:
        raise BadScreeningFile(
            f"{path}: the file is empty: refdb screens a CSV with a 'name' column, or JSON lines"
        )
    if _is_json_lines(path, content):
        for number, line in chain([first], lines):
            try:
                row = json.loads(line)
            except ValueError:
                yield number, "not a JSON object"
                continue
            if not isinstance(row, dict):
                yield number, "not a JSON object"
                continue
            yield number, misnamed_columns(row) or row
        return
    header = [f.strip().lower() for f in _csv_fields(first[1])]
    if why := misnamed_columns(header):
        raise BadScreeningFile(f"{path}: {why}")
    if "name" not in header:
        separator = next((s for s in ";\t|" if s in first[1]), None)
        hint = f"; the header holds {separator!r}: refdb reads comma-separated CSV" if separator else ""
        raise BadScreeningFile(
            f"{path}: the CSV header needs a 'name' column (and may have {', '.join(COLUMNS[1:])}){hint}"
        )
    for number, line in lines:
        try:
            yield number, dict(zip(header, _csv_fields(line), strict=False))
        except ValueError as error:
            yield number, str(error)


def read_rows(path: Path, content: bytes) -> Iterator[ScreeningInput | BadRow]:
    """Each row of the file, as a name to screen or as why it cannot be."""
    for number, (line, row) in enumerate(_rows(path, content), start=1):
        if isinstance(row, str):
            yield BadRow(number, line, row)
            continue
        name = str(row.get("name") or "").strip()
        if not name:
            yield BadRow(number, line, "no name")
            continue
        try:
            check_length(name)
        except QueryTooLong as error:
            yield BadRow(number, line, str(error))
            continue
        birth_date = str(row.get("birth_date") or "").strip() or None
        nationality = str(row.get("nationality") or "").strip() or None
        item = ScreeningInput(
            name=name,
            birth_date=birth_date,
            nationality=nationality.lower() if nationality else None,
            kind=str(row.get("kind") or "").strip().lower() or None,
            row=number,
        )
        try:
            item.filters()  # a bad birth date, nationality or kind, as a search reports it
        except RefdbError as error:
            yield BadRow(number, line, str(error))
            continue
        yield item


def names_to_screen(path: Path, content: bytes) -> Iterator[ScreeningInput]:
    return (item for item in read_rows(path, content) if isinstance(item, ScreeningInput))


def check_file(path: Path, content: bytes) -> tuple[int, int, list[BadRow]]:
    """How many names the file holds, how many rows are bad, and the first of those: every
    row is read before the first result is written. A file without a name to screen is
    refused whole: screening nothing would pass for a run that found no match."""
    good, bad, reported = 0, 0, list[BadRow]()
    for item in read_rows(path, content):
        if isinstance(item, BadRow):
            bad += 1
            if len(reported) < MAX_REPORTED:
                reported.append(item)
        else:
            good += 1
    if not good and not bad:
        raise BadScreeningFile(f"{path}: no names to screen: the file holds a header and no rows")
    if not good:
        # A file of another shape (e.g. FtM JSON lines): one line, not a hundred repeating it.
        raise BadScreeningFile(f"{path}: none of its {bad:,} row(s) can be screened; {reported[0]}")
    return good, bad, reported
