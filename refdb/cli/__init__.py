"""The `refdb` command line: thin commands over the service layer."""

from __future__ import annotations

import sys

import typer

from refdb.errors import RefdbError

app = typer.Typer(
    name="refdb",
    help="Sanctions and officials reference database: look up officials, their posts "
    "and sanctions, and audit the links between them.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Command modules register themselves on `app` when imported.
from refdb.cli import (  # noqa: E402, F401
    audit,
    database,
    history,
    importing,
    lookup,
    screening,
    tui,
)


def main() -> None:
    try:
        app()
    except RefdbError as error:
        print(f"refdb: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
