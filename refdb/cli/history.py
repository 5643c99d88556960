"""The change history: `refdb log [ID]`, `refdb log verify`, `refdb log head`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from refdb import changelog
from refdb.cli import app
from refdb.cli.options import DATE, DbOption, JsonOption, defaulting_group, open_database
from refdb.cli.output import console, emit, nothing_found, print_json, say, table
from refdb.errors import ExitCode, InvalidInput
from refdb.services import history

log_app = typer.Typer(
    cls=defaulting_group("show"),  # `refdb log 12` and `refdb log --since 2026`
    help="""The append-only, hash-chained change history: show it, verify it.

    Examples:
      refdb log li-shangfu
      refdb log verify
      refdb log head

    `refdb log ...` runs `refdb log show ...`: see `refdb log show -h`.
    """,
)
app.add_typer(log_app, name="log")


@log_app.command("show")
def show_log(
    entity: Annotated[str | None, typer.Argument(help="Entity id or key; without it, every change.")] = None,
    since: Annotated[
        str | None, typer.Option(metavar=DATE, help="Only changes on or after this date.")
    ] = None,
    limit: Annotated[int, typer.Option(min=0, help="Show the latest N matching changes (0: all).")] = 1000,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Who changed what, when and why, oldest first (the default of `refdb log`).

    Examples:
      refdb log li-shangfu
      refdb log --since 2026-11 --json
      refdb log show li-shangfu --limit 20
    """
    database = open_database(db)
    with database.session() as session:
        records, total = history.history(session, entity, since=since, limit=limit or None)
    if not records:
        nothing_found("no changes recorded" + (f" since {since}" if since else ""), json)
    if len(records) < total:
        say(f"showing the latest {len(records)} of {total} changes (--limit 0 shows all)")
    emit(records, json, _render_records)


def _render_records(records: list[dict[str, Any]]) -> None:
    console().print(
        table(
            None,
            # Six columns ("create tenure:8" in one) so that the reasons read on an
            # 80-column terminal; --json has every field apart, the entity's id too.
            ["id", "at", "actor", "change", "fields", "reason"],
            [
                (
                    r["id"],
                    r["at"][:19].replace("T", " "),
                    r["actor"],
                    f"{r['action']} {r['table']}:{r['row_id']}",
                    _changed(r),
                    r["reason"],
                )
                for r in records
            ],
        )
    )


def _changed(record: dict[str, Any]) -> str:
    if record["changed"] is None:
        return ""
    return "; ".join(
        f"{field}: {_short(old)} → {_short(new)}"
        for field, (old, new) in record["changed"].items()
        if field != "version"
    )


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


@log_app.command("verify")
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(
            metavar="ID:HASH", help="Noted earlier with `refdb log head`: also catches a cut-off tail."
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Recompute the hash chain; exit 1 naming the first record altered, inserted or deleted.

    Without --anchor, deleting the last records cannot be told from a shorter history.

    Examples:
      refdb log verify
      refdb log verify --anchor 330:41e11e2d...
    """
    try:
        parsed = changelog.Anchor.parse(anchor) if anchor else None
    except ValueError as error:
        raise InvalidInput({"anchor": str(error)}) from None
    database = open_database(db)
    with database.session() as session:
        report = changelog.verify_chain(session, parsed)
    if json:
        print_json(report.as_dict())
    elif report.intact:
        head = f"; head {report.head}" if report.head else ""
        console().print(f"change log intact: {report.records} records{head}", highlight=False)
    else:
        console().print(f"[red]change log broken[/]: {escape(report.message)}", highlight=False)
    if not report.intact:
        raise SystemExit(ExitCode.NOT_FOUND)


@log_app.command("head")
def head(db: DbOption = None, json: JsonOption = False) -> None:
    """Print the last record as ID:HASH, to keep outside the database as an anchor.

    A later `refdb log verify --anchor ID:HASH` then also catches the deletion
    of the records up to it, which the chain alone cannot show.

    Example: refdb log head > anchor.txt
    """
    database = open_database(db)
    with database.session() as session:
        report = changelog.verify_chain(session)
    if not report.intact:
        say(f"the change log is broken, so it has no trustworthy head: {report.message}")
        raise SystemExit(ExitCode.NOT_FOUND)
    if report.head is None:
        nothing_found("the change log is empty", json, {})
    if json:
        print_json({"anchor": str(report.head), "records": report.records})
    else:
        print(report.head)
