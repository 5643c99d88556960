"""The `refdb` command line: thin commands over the service layer.

Each command module registers its commands on `app` when imported, and is imported
only when one of its commands is looked up: `refdb search` loads the matcher but not
the ORM, the audit or the importers, which would double its start-up time.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import Annotated, NoReturn

import typer
from typer import _click as click  # typer's own copy of click, whose types its groups use
from typer.core import TyperGroup

from refdb.cli import coercion, help_labels
from refdb.cli.output import print_json
from refdb.errors import RefdbError, is_read_only

coercion.install()
help_labels.install()

READ_ONLY = (
    "the database can only be read (a read-only file system or no write permission): "
    "searches and lookups work, changes do not"
)

# Each command or command group, in the order `refdb --help` lists them, and the
# module of refdb.cli that defines it.
COMMANDS = {
    "init": "database",
    "seed": "database",
    "import": "importing",
    "export": "exporting",
    "search": "search",
    "show": "lookup",
    "holders": "lookup",
    "sanctions": "lookup",
    "entry": "lookup",
    "officials": "listings",
    "links": "listings",
    "posts": "listings",
    "merges": "merges",
    "screen": "screening",
    "tui": "tui",
    "audit": "audit",
    "db": "database",
    "log": "history",
    "receipt": "screening",
}


class _LazyGroup(TyperGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            # An unknown name loads every module, so that "Did you mean ...?" sees them all.
            modules = {COMMANDS[cmd_name]} if cmd_name in COMMANDS else set(COMMANDS.values())
            for module in modules:
                import_module(f"refdb.cli.{module}")
            self.commands.update(typer.main.get_group(app).commands)
        return self.commands.get(cmd_name)


app = typer.Typer(
    name="refdb",
    cls=_LazyGroup,
    help="Sanctions and officials reference database: look up officials, their posts "
    "and sanctions, and audit the links between them.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        print(f"refdb {version('refdb')}")
        raise typer.Exit()


URL_VARIABLE = "REFDB_URL"  # every command's --db reads it (refdb.cli.options)


@app.callback()
def _root(
    ctx: typer.Context,
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL or SQLite file path for the command, as REFDB_URL "
            "(refdb --db URL officials); a --db after the command wins.",
            show_default=False,
        ),
    ] = None,
) -> None:
    # A callback makes Typer build a group even before any command module is imported.
    if db:
        _use_database(ctx, db)


def _use_database(ctx: typer.Context, url: str) -> None:
    """The command's --db defaults to ``url``, as under REFDB_URL, until the command ends."""
    previous = os.environ.get(URL_VARIABLE)
    os.environ[URL_VARIABLE] = url

    def restore() -> None:
        if previous is None:
            os.environ.pop(URL_VARIABLE, None)
        else:
            os.environ[URL_VARIABLE] = previous

    ctx.call_on_close(restore)


def main() -> None:
    try:
        app(prog_name="refdb")  # not "python -m ..." when run as a module (or under pytest)
    except RefdbError as error:
        _fail(error)
    except Exception as error:
        if not is_read_only(error):
            raise
        # Nothing was written: the write was refused, and its transaction rolled back.
        _fail(RefdbError(READ_ONLY))


def _fail(error: RefdbError) -> NoReturn:
    """The error on stderr as one line; under --json also as an object on stdout, so that
    a script reading stdout gets an answer (docs/cli.md: errors under --json)."""
    if "--json" in sys.argv[1:]:
        print_json(error.as_json())
    print(f"refdb: {error}", file=sys.stderr)
    sys.exit(error.exit_code)
