"""Options shared by every command, and opening the database they name."""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from refdb import bootstrap
from refdb.database import Database

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


def open_database(db: str | None, actor: str | None = None) -> Database:
    return bootstrap.open_database(db, actor=actor)


def defaulting_group(default: str) -> type[TyperGroup]:
    """A command group whose arguments, unless they start with one of its commands' names,
    go to its command ``default``: `refdb log 12` runs `refdb log show 12`."""

    class DefaultingGroup(TyperGroup):
        def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
            if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
                args = [default, *args]
            return super().parse_args(ctx, args)

    return DefaultingGroup
