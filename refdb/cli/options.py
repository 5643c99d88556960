"""Options shared by every command, and opening the database they name."""

from __future__ import annotations

from typing import Annotated

import typer

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
