"""`refdb screen` (batch name screening, with an optional receipt) and `refdb receipt verify`."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from refdb import dates
from refdb.cli import app
from refdb.cli.options import ActorOption, DbOption, JsonOption, open_database
from refdb.cli.output import csv_row, emit, error_console, say
from refdb.cli.search import say_if_indexing
from refdb.countries import country_code
from refdb.errors import ExitCode, RefdbError
from refdb.search.service import (
    SCREENING_THRESHOLD,
    SETTINGS,
    QueryTooLong,
    ScreeningInput,
    ScreeningResult,
    check_length,
    default_workers,
    screen,
    screen_in_parallel,
)

receipt_app = typer.Typer(help="Check screening receipts.", no_args_is_help=True)
app.add_typer(receipt_app, name="receipt")

COLUMNS = ("name", "birth_date", "nationality", "kind")
CSV_HEADER = (
    "row", "name", "birth_date", "nationality", "kind", "matches", "best_score", "best_type",
    "best_id", "best_name", "best_list", "best_record_id", "best_explanation", "all_matches",
)  # fmt: skip


class Format(StrEnum):
    csv = "csv"
    json = "json"


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


def _content(path: Path) -> bytes:
    """The whole input, read once: a pipe (``<(...)``, ``-`` for standard input) can be
    read only once, and the file is read for its rows, checked, then screened."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as error:
        raise BadScreeningFile(f"{path}: cannot be read ({error.strerror})") from None


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
    if _is_json_lines(path, content):
        for number, line in lines:
            try:
                row = json.loads(line)
            except ValueError:
                yield number, "not a JSON object"
                continue
            yield number, row if isinstance(row, dict) else "not a JSON object"
        return
    first = next(lines, None)
    header = [f.strip().lower() for f in _csv_fields(first[1])] if first else []
    if "name" not in header:
        raise BadScreeningFile(
            f"{path}: the CSV header needs a 'name' column (and may have {', '.join(COLUMNS[1:])})"
        )
    for number, line in lines:
        try:
            yield number, dict(zip(header, _csv_fields(line), strict=False))
        except ValueError as error:
            yield number, str(error)


def _read(path: Path, content: bytes) -> Iterator[ScreeningInput | BadRow]:
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
        if birth_date:
            try:
                dates.parse_partial(birth_date)
            except dates.InvalidDate as error:
                yield BadRow(number, line, str(error))
                continue
        nationality = str(row.get("nationality") or "").strip() or None
        if nationality and country_code(nationality) is None:
            yield BadRow(number, line, f"nationality {nationality!r} is no country refdb knows")
            continue
        yield ScreeningInput(
            name=name,
            birth_date=birth_date,
            nationality=nationality.lower() if nationality else None,
            kind=str(row.get("kind") or "").strip().lower() or None,
            row=number,
        )


def _inputs(path: Path, content: bytes) -> Iterator[ScreeningInput]:
    return (item for item in _read(path, content) if isinstance(item, ScreeningInput))


def _check(path: Path, content: bytes) -> tuple[int, int, list[BadRow]]:
    """How many names the file holds, how many rows are bad, and the first of those: every
    row is read before the first result is written."""
    good, bad, reported = 0, 0, list[BadRow]()
    for item in _read(path, content):
        if isinstance(item, BadRow):
            bad += 1
            if len(reported) < MAX_REPORTED:
                reported.append(item)
        else:
            good += 1
    return good, bad, reported


def _csv_row(result: ScreeningResult) -> list[Any]:
    item = result.as_dict()
    best = result.hits[0] if result.hits else None
    return [
        item["row"], item["name"], item["birth_date"] or "", item["nationality"] or "",
        item["kind"] or "", len(result.hits),
        best.score if best else "", best.type if best else "", best.id if best else "",
        best.name if best else "", (best.list or "") if best else "",
        (best.record_id or "") if best else "", best.explanation if best else "",
        json.dumps(
            [{k: m[k] for k in ("type", "id", "name", "score", "list", "record_id") if k in m}
             for m in item["matches"]],
            ensure_ascii=False,
        ),
    ]  # fmt: skip


@app.command("screen")
def screen_command(
    file: Annotated[
        Path,
        typer.Argument(
            show_default=False,
            help="CSV with a 'name' column (optional birth_date, nationality, kind), or JSON "
            "lines; - reads standard input.",
        ),
    ],
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Lowest score reported as a match.")
    ] = SCREENING_THRESHOLD,
    output_format: Annotated[
        Format, typer.Option("--format", help="csv: one row per input; json: one JSON object per line.")
    ] = Format.csv,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Most matches per input.")] = 5,
    active_on: Annotated[
        str | None,
        typer.Option(help="Only sanctions active on this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
    ] = None,
    receipt: Annotated[
        Path | None,
        typer.Option(help="Write a receipt of the run here and record its hash in the change log."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Processes screening in parallel, results in order "
            "(default: one per CPU, up to 8, for 500 names or more; else 1).",
        ),
    ] = None,
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """Screen a file of names against entities and sanction-list targets, streaming one
    result per input row to stdout.

    A row that cannot be screened (no name, a bad birth date or nationality,
    an unclosed quote) is named on stderr and in the receipt, the others are
    screened, and the exit status is 2. A file that is not UTF-8 is refused
    whole (exit 2).

    Examples:
      refdb screen customers.csv --threshold 0.85 > results.csv
      refdb screen names.jsonl --format json --receipt run-2026-11-29.json
      refdb screen big.csv --workers 4 > results.csv
      some-export | refdb screen - --format json
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if active_on:
        dates.parse_partial(active_on)
    content = _content(file)
    database = open_database(db, actor)
    total, bad, reported = _check(file, content)
    for row in reported:
        print(f"refdb: {file}: {row}", file=sys.stderr)
    workers = workers or default_workers(total)
    with database.reading() as reader:
        say_if_indexing(reader)
    with ExitStack() as stack:
        # First: screening fails (IndexBusy) before anything is written when its index
        # cannot be brought up to date.
        options: dict[str, Any] = {"threshold": threshold, "limit": limit, "active_on": active_on}
        results = (
            screen_in_parallel(database.url, _inputs(file, content), workers=workers, **options)
            if workers > 1
            else screen(stack.enter_context(database.reading()), _inputs(file, content), **options)
        )
        writer = None
        if receipt is not None:
            from refdb.search import receipts  # the ORM: only a receipt needs it

            # The receipt's header states the database; the screening itself reads through reading().
            session = stack.enter_context(database.session())
            handle = stack.enter_context(receipt.open("w", encoding="utf-8"))
            header = receipts.header(
                session, actor=database.actor, input_name=file.name, content=content, settings=SETTINGS,
                threshold=threshold, limit=limit, active_on=active_on,
            )  # fmt: skip
            header["bad_rows"] = {"count": bad, "first": [row.as_dict() for row in reported]}
            writer = receipts.ReceiptWriter(handle, header)
        # The bar goes to stderr, and only when it is a terminal: stdout stays data.
        progress = stack.enter_context(
            Progress(
                TextColumn("screening"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=error_console(),
                disable=not error_console().is_terminal,
                transient=True,
            )
        )
        task = progress.add_task("screening", total=total)
        matched = 0
        out = csv.writer(sys.stdout) if output_format is Format.csv else None
        if out is not None:
            out.writerow(CSV_HEADER)
        for result in results:
            matched += bool(result.hits)
            if out is not None:
                out.writerow(csv_row(_csv_row(result)))
            else:
                sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, default=str) + "\n")
            if writer is not None:
                writer.add(result.as_dict())
            progress.advance(task)
        digest = writer.finish() if writer is not None else None
    say(f"screened {total} name(s): {matched} with a match at {threshold}")
    if receipt is not None and digest is not None:
        change_id = receipts.record(database, digest, header, total)
        say(f"receipt {receipt} (sha256 {digest}) recorded as change {change_id}")
    if bad:
        named = "named above" if bad == len(reported) else f"the first {len(reported)} named above"
        print(
            f"refdb: {file}: {bad} row(s) could not be screened ({named}); the others were", file=sys.stderr
        )
        raise SystemExit(ExitCode.BAD_INPUT)


@receipt_app.command("verify")
def verify_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Check that a screening receipt is intact and was issued by this database.

    Exit status 0 when both hold, 1 otherwise.

    Example:
      refdb receipt verify run-2026-11-29.json
    """
    from refdb.search import receipts

    database = open_database(db)
    with database.session() as session:
        result = receipts.verify(session, file)
    emit(result.as_dict(), json, lambda r: say(r["message"]))
    if not result.ok:
        raise SystemExit(ExitCode.NOT_FOUND)
