"""One output path for every command: JSON for scripts, rich tables for people.

Rich is imported on first use: `--json` output does without it (start-up time).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from refdb.errors import ExitCode

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


@cache
def console() -> Console:
    from rich.console import Console

    return Console()


@cache
def error_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


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
    """A status line for people, on stderr so that stdout stays parseable."""
    # soft_wrap: one line however long, never folded at the terminal width.
    error_console().print(message, highlight=False, markup=False, soft_wrap=True)


def nothing_found(message: str, as_json: bool, empty: Any = ()) -> None:
    """Report an empty answer and exit 1: JSON callers still get a parseable empty value."""
    if as_json:
        print_json(list(empty) if isinstance(empty, tuple) else empty)
    error_console().print(message, highlight=False, markup=False, soft_wrap=True)
    raise SystemExit(ExitCode.NOT_FOUND)
