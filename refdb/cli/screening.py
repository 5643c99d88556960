"""`refdb screen` (batch name screening, with an optional receipt) and `refdb receipt verify`."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from refdb import dates
from refdb.cli import app
from refdb.cli.options import ActorOption, DbOption, JsonOption, open_database
from refdb.cli.output import csv_row, emit, error_console, say
from refdb.cli.search import say_if_indexing
from refdb.errors import ExitCode
from refdb.search.screening import BadScreeningFile, check_file, names_to_screen, screening
from refdb.search.service import SCREENING_THRESHOLD, SETTINGS, ScreeningResult, default_workers

receipt_app = typer.Typer(help="Check screening receipts.", no_args_is_help=True)
app.add_typer(receipt_app, name="receipt")

CSV_HEADER = (
    "row", "name", "birth_date", "nationality", "kind", "matches", "best_score", "best_type",
    "best_id", "best_name", "best_list", "best_record_id", "best_explanation", "all_matches",
)  # fmt: skip


class Format(StrEnum):
    csv = "csv"
    json = "json"


def _content(path: Path) -> bytes:
    """The whole input, read once: a pipe (``<(...)``, ``-`` for standard input) can be
    read only once, and the file is read for its rows, checked, then screened."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as error:
        raise BadScreeningFile(f"{path}: cannot be read ({error.strerror})") from None


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
    total, bad, reported = check_file(file, content)
    for row in reported:
        print(f"refdb: {file}: {row}", file=sys.stderr)
    workers = workers or default_workers(total)
    with database.reading() as reader:
        say_if_indexing(reader)
    with ExitStack() as stack:
        # First: screening fails (IndexBusy) before anything is written when its index
        # cannot be brought up to date.
        results = stack.enter_context(
            screening(
                database, names_to_screen(file, content), threshold=threshold, limit=limit,
                active_on=active_on, workers=workers,
            )
        )  # fmt: skip
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
