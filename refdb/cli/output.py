"""One output path for every command: JSON for scripts, rich tables for people.

Listing commands take the shared output flags (``output_options``): ``--json``, ``--nl``
(JSON lines) and ``--csv``, as sqlite-utils' commands do. Rich is imported on first
use: machine-readable output does without it (start-up time).
"""

from __future__ import annotations

import csv
import inspect
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cache, wraps
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from refdb import phrases
from refdb.errors import ExitCode, RefdbError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table


@cache
def console() -> Console:
    from rich.console import Console

    return Console()


@cache
def error_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def counting_bar(unit: str = "", *, elapsed: bool = False, disable: bool = False) -> Progress:
    """A transient bar on stderr (stdout may carry data) counting done of total: its task's
    description, the bar, "N/M unit", and the time remaining, or the time elapsed where
    the count ends before the work does."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        *([TextColumn(unit)] if unit else []),
        TimeElapsedColumn() if elapsed else TimeRemainingColumn(),
        console=error_console(),
        disable=disable,
        transient=True,
    )


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def emit(data: Any, as_json: bool, render: Callable[[Any], None]) -> None:
    if as_json:
        print_json(data)
    else:
        render(data)


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    """A table of plain text: list data and queries hold brackets ("[SDGT] [SYRIA]"),
    which rich would otherwise read as markup, and fail on or style."""
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=Text(title) if title else None, title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*(Text("" if value is None else str(value)) for value in row))
    return grid


# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value safe to write as a CSV cell for spreadsheets: text that begins like a
    formula ("=cmd|' /C calc'!A0", "+1", "@SUM(...)") gets a leading single quote, as
    OWASP recommends, so that it is shown as text, never run. Numbers stay numbers.
    Every CSV writer in refdb passes its cells through this."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Sequence[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def say(message: str) -> None:
    """A status line for people, on stderr so that stdout stays parseable: plain text,
    one line however long (never folded at the terminal width), without loading rich."""
    print(message, file=sys.stderr)


def nothing_found(message: str, as_json: bool, empty: Any = ()) -> None:
    """Report an empty answer and exit 1: JSON callers still get a parseable empty value."""
    if as_json:
        print_json(list(empty) if isinstance(empty, tuple) else empty)
    say(message)
    raise SystemExit(ExitCode.NOT_FOUND)


Format = Literal["table", "json", "nl", "csv"]

_FORMAT_FLAGS: tuple[tuple[Format, str], ...] = (
    ("json", "Print JSON for scripts."),
    ("nl", "Print JSON lines: one object a line."),
    ("csv", "Print CSV (cells that a spreadsheet would run as formulas are quoted)."),
)


def output_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the flags --json, --nl and --csv; it receives the one chosen as
    ``output`` ("table" when none is)."""
    signature = inspect.signature(command, eval_str=True)
    flags = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option(f"--{name}", help=help_text)],
        )
        for name, help_text in _FORMAT_FLAGS
    ]

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        chosen = [name for name, _ in _FORMAT_FLAGS if kwargs.pop(name)]
        if len(chosen) > 1:
            raise RefdbError(f"choose one of {', '.join('--' + c for c in chosen)}, not both")
        command(*args, output=chosen[0] if chosen else "table", **kwargs)

    kept = [p for p in signature.parameters.values() if p.name != "output"]
    run.__signature__ = signature.replace(parameters=[*kept, *flags])  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in (*kept, *flags)}
    return run


def emit_rows(
    data: Any,
    items: Sequence[dict[str, Any]],
    output: Format,
    columns: Sequence[str],
    cells: Callable[[dict[str, Any]], Sequence[Any]],
    title: str | None = None,
) -> None:
    """A listing in the chosen format: ``data`` whole as JSON, ``items`` one a line as
    JSON lines, or a row of ``cells`` per item under ``columns`` as CSV or a table."""
    if output == "json":
        print_json(data)
    elif output == "nl":
        for item in items:
            sys.stdout.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
    elif output == "csv":
        write_csv(columns, (cells(item) for item in items))
    else:
        console().print(table(title, columns, [cells(item) for item in items]))


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(csv_row(row) for row in rows)


def say_page(page: dict[str, Any], noun: str, plural: str | None = None) -> None:
    """How much of a listing of ``noun``s (singular) a page shows: "showing 100 of 5,617
    officials"."""
    shown, total, offset = len(page["items"]), page["total"], page["offset"]
    if not shown or (offset == 0 and shown == total):
        return
    span = f"{shown}" if offset == 0 else f"{offset + 1}-{offset + shown}"
    more = " (--offset for more)" if offset + shown < total else ""
    say(f"showing {span} of {phrases.counted(total, noun, plural)}{more}")
