"""Creating, migrating and seeding the database: `refdb init`, `refdb seed`, `refdb db ...`."""

from __future__ import annotations

from typing import Any

import typer

from refdb import bootstrap, migrate
from refdb.cli import app
from refdb.cli.options import ActorOption, DbOption, JsonOption, open_database
from refdb.cli.output import emit, print_json, say
from refdb.connection import sqlite_path
from refdb.database import Database
from refdb.errors import DatabaseNotReady, ExitCode
from refdb.phrases import counted
from refdb.seeding import load_seeds
from refdb.services.edits import editing

db_app = typer.Typer(
    help=(
        "Inspect and migrate the database schema.\n\n"
        "Examples:\n  refdb db current\n  refdb db upgrade --db ./team.db\n\n"
        "Each command's options: `refdb db COMMAND -h`."
    ),
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


def _existing(db: str | None) -> Database:
    """The database named for a schema command; a missing SQLite file is an error, not created."""
    database = Database(db)
    path = sqlite_path(database.url)
    if path is not None and not path.exists():
        raise DatabaseNotReady(f"no database at {path}: create it with `refdb init --db {path}`")
    return database


@app.command()
def init(db: DbOption = None, actor: ActorOption = None, json: JsonOption = False) -> None:
    """Create a database at the latest schema and load the seed data.

    A database that is already there is left as it is: init says what it holds,
    and how to load the seeds again or start over.

    Example: refdb init --db ./team.db
    """
    database = Database(db, actor=actor)
    held = bootstrap.existing(database)
    if held is not None:
        emit(
            {"url": database.display_url, "already_existed": True, **held},
            json,
            lambda found: _say_existing(found, db, database.sqlite_file),
        )
        return
    counts = bootstrap.create(database, say)
    if json:
        print_json(
            {
                "url": database.display_url,
                "revision": migrate.head_revision(),
                "already_existed": False,
                **counts,
            }
        )


def _say_existing(found: dict[str, Any], db: str | None, file: str | None) -> None:
    """What is there already and what to do next, for a person who ran init twice."""
    holds = found["holds"]
    # The --db as typed for a file; a server's URL without its password.
    on = f" --db {db if file else found['url']}" if db else ""
    say(
        f"refdb: {found['url']} already holds a refdb database (revision {found['revision']}): "
        f"{counted(holds['entities'], 'entity', 'entities')}, "
        f"{counted(holds['sanction_entries'], 'sanction entry', 'sanction entries')}, "
        f"{counted(holds['tenures'], 'tenure')}, {counted(holds['changes'], 'logged change')}; "
        "nothing was changed"
    )
    if found["revision"] != migrate.head_revision():
        say(
            f"  it is at revision {found['revision']}, this refdb at {migrate.head_revision()}: "
            f"back it up, then `refdb db upgrade{on}`"
        )
    say(f"  to load the seed files again (rows already as in them are left alone): `refdb seed{on}`")
    start_over = f"delete {file}" if file else f"`refdb db downgrade base{on}` (drops every table)"
    say(f"  to start over, losing its data and change log: {start_over}, then `refdb init{on}`")


@app.command()
def seed(db: DbOption = None, actor: ActorOption = None, json: JsonOption = False) -> None:
    """Load the curated seed files again; rows already as in the files are left alone.

    Example: refdb seed --json
    """
    database = open_database(db, actor)
    with editing(database) as editor:
        counts = load_seeds(editor)

    def render(counts: dict[str, int]) -> None:
        if counts["created"] or counts["updated"]:
            say(
                f"seeded: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        else:
            say(f"nothing to do: all {counts['unchanged']} seed records are already loaded")

    emit(counts, json, render)


@db_app.command("current")
def current(db: DbOption = None, json: JsonOption = False) -> None:
    """Show the database's migration revision and the code's head revision.

    Example: refdb db current --json
    """
    database = _existing(db)
    state: dict[str, object] = {
        "url": database.display_url,
        "current": migrate.current_revision(database.engine),
        "head": migrate.head_revision(),
    }
    state["up_to_date"] = state["current"] == state["head"]
    emit(
        state,
        json,
        lambda s: say(
            f"{s['url']}: revision {s['current'] or '(none)'}, head {s['head']}"
            + ("" if s["up_to_date"] else " — run `refdb db upgrade`")
        ),
    )


@db_app.command("upgrade")
def upgrade(
    db: DbOption = None,
    revision: str = typer.Argument("head", help="Target revision."),
    json: JsonOption = False,
) -> None:
    """Migrate the database forward (back it up first).

    Example: refdb db upgrade --db postgresql://refdb@localhost/refdb
    """
    database = _existing(db)
    migrate.upgrade(database.engine, revision)
    _say_revision(database, json)


def _say_revision(database: Database, json: bool) -> None:
    state = {"url": database.display_url, "revision": migrate.current_revision(database.engine)}
    emit(state, json, lambda s: say(f"{s['url']} is at revision {s['revision'] or 'base'}"))


@db_app.command("downgrade")
def downgrade(
    revision: str = typer.Argument(..., help="Target revision, e.g. -1 or base."),
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Migrate the database back to REVISION (`base` drops every table).

    Example: refdb db downgrade base --db ./scratch.db
    """
    database = _existing(db)
    migrate.downgrade(database.engine, revision)
    _say_revision(database, json)


@db_app.command("check")
def check(db: DbOption = None, json: JsonOption = False) -> None:
    """Exit 1 if the models and the database schema differ (migration drift).

    Example: refdb db check --db ./team.db
    """
    from alembic.util.exc import AutogenerateDiffsDetected

    database = _existing(db)
    try:
        migrate.check(database.engine)
    except AutogenerateDiffsDetected as drift:
        emit({"match": False, "drift": str(drift)}, json, lambda s: say(f"schema drift: {s['drift']}"))
        raise SystemExit(ExitCode.NOT_FOUND) from None
    emit({"match": True, "drift": None}, json, lambda _: say("models and migrations match"))
