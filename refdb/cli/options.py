"""Options shared by every command, and opening the database they name."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from refdb import bootstrap
from refdb.database import Database
from refdb.errors import RefdbError

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="REFDB_URL",
        help="Database URL or SQLite file path (default: the per-user database).",
        show_default=False,
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        envvar="REFDB_ACTOR",
        help="Who is making the edit, for the change log (default: your OS user).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
LimitOption = Annotated[int, typer.Option(min=1, max=10_000, help="Most rows to show.")]
OffsetOption = Annotated[int, typer.Option(min=0, help="Rows to skip: 100 shows the second page of 100.")]

# How --help names what a date or a country option takes (Typer's word for both: TEXT).
DATE = "YYYY[-MM[-DD]]"  # refdb.dates' partial dates: "2023" is any day of 2023
COUNTRY = "CC"  # a two-letter code, as refdb keeps countries: cn, us


def one_of(values: Sequence[str]) -> str:
    """An option's choices for its help, from the vocabulary: "a, b or c"."""
    return f"{', '.join(values[:-1])} or {values[-1]}"


def open_database(db: str | None, actor: str | None = None) -> Database:
    return bootstrap.open_database(db, actor=actor)


def defaulting_group(default: str, reads_file: bool = False) -> type[TyperGroup]:
    """A command group whose arguments, unless they start with one of its commands' names,
    go to its command ``default``: `refdb log 12` runs `refdb log show 12`.

    ``reads_file``: the default command's argument is a file (`refdb screen names.csv`),
    so a file named like one of the commands (`decisions`) makes `refdb screen decisions`
    ambiguous: it is refused, saying how to ask for either, unless the words after it
    settle it (`refdb screen run decisions`; `--` after a command's options)."""

    class DefaultingGroup(TyperGroup):
        def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
            if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
                args = [default, *args]
            elif reads_file and self._names_a_file_too(ctx, args):
                raise RefdbError(_ambiguous(ctx.command_path, args, default))
            return super().parse_args(ctx, args)

        def _names_a_file_too(self, ctx: typer.Context, args: list[str]) -> bool:
            if not Path(args[0]).is_file() or "--" in args[1:] or any(a in ("-h", "--help") for a in args):
                return False
            if args[0] != default:
                return True
            # `run FILE ...` says which file; a bare `run` with options may mean the file `run`.
            command = self.commands[default]
            parsed = command.make_context(default, args[1:], parent=ctx, resilient_parsing=True)
            return not any(
                parsed.params.get(p.name or "") for p in command.params if p.param_type_name == "argument"
            )

    return DefaultingGroup


def _ambiguous(group: str, args: list[str], default: str) -> str:
    word = args[0]
    if word == default:
        return (
            f"{word!r} is a file here: to screen it, write `{group} ./{word}` (`{group} {word}` needs a FILE)"
        )
    return (
        f"{word!r} is both a file here and the command `{group} {word}`: write `{group} ./{word}` "
        f"to read the file, or end the command with ` --` (`{group} {shlex.join(args)} --`) to run it"
    )
