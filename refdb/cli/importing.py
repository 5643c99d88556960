"""`refdb import SOURCE`: fetch a published sanction list and apply it to the database as a delta."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.filesize import decimal
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from refdb.cli import app
from refdb.cli.options import ActorOption, DbOption, JsonOption, open_database
from refdb.cli.output import console, emit, error_console, say, table
from refdb.errors import RefdbError
from refdb.importers import SOURCES
from refdb.importers.service import ImportResult, import_list
from refdb.importers.service import Progress as ProgressCallback


@app.command("import")
def import_command(
    source: Annotated[
        str | None, typer.Argument(help=f"The list: {', '.join(SOURCES)}.", show_default=False)
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Fetch from this URL instead of the publisher's.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Read a downloaded file (OFAC: alt/add/comments files beside it)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Download and re-import even if the list has not changed.")
    ] = False,
    allow_shrink: Annotated[
        bool,
        typer.Option(
            "--allow-shrink",
            help="Import even if the file would delist more than 10% of the list's entries.",
        ),
    ] = False,
    list_sources: Annotated[
        bool, typer.Option("--list", help="Name the sources and their official URLs.")
    ] = False,
    db: DbOption = None,
    actor: ActorOption = None,
    json: JsonOption = False,
) -> None:
    """Import a published sanction list: new, changed and delisted entries, and link proposals.

    Entries that vanished from the list are marked delisted, never deleted;
    a changed entry keeps its previous version in the change log. Links are
    only proposed, with a score and explanation, for a person to confirm or
    reject. A file that would delist more than 10% of the list (a download
    cut short, another list) is refused unless --allow-shrink is given.

    Examples:
      refdb import --list
      refdb import ofac-sdn
      refdb import un --json
      refdb import ofac-sdn --file ./downloads/sdn.csv
      refdb import ofac-sdn --allow-shrink
    """
    if list_sources:
        _list_sources(json)
        return
    if source is None:
        raise RefdbError(f"name a SOURCE ({', '.join(SOURCES)}), or use --list")
    database = open_database(db, actor)
    with _progress(enabled=not json and error_console().is_terminal) as progress:
        result = import_list(
            database, source, url=url, file=file, force=force, allow_shrink=allow_shrink, progress=progress
        )
    for warning in result.warnings:  # on stderr under --json too: a script's log keeps them
        say(f"refdb: warning: {warning}")
    emit(result.as_dict(), json, lambda _data: _render(result))


def _list_sources(as_json: bool) -> None:
    rows = [
        {"source": s.key, "name": s.display_name, "authority": s.authority, "url": s.default_url}
        for s in SOURCES.values()
    ]
    emit(
        rows,
        as_json,
        lambda rows: console().print(
            table(
                "sources for `refdb import`",
                ["source", "list", "authority", "official URL"],
                [(r["source"], r["name"], r["authority"], r["url"]) for r in rows],
            )
        ),
    )


def _render(result: ImportResult) -> None:
    if result.not_modified:
        say(
            f"{result.source}: not modified since the last import; "
            f"{result.unchanged:,} entries unchanged (use --force to re-import)"
        )
        return
    relisted = f" ({result.relisted:,} relisted)" if result.relisted else ""
    say(
        f"{result.source}: {result.entries:,} entries — {result.added:,} added, "
        f"{result.changed:,} changed{relisted}, {result.unchanged:,} unchanged, "
        f"{result.delisted:,} delisted"
    )
    read = f"read with {', '.join(result.companions_read)}; " if result.companions_read else ""
    missing = f"; not available: {', '.join(result.companions_missing)}" if result.companions_missing else ""
    say(f"{result.source}: {read}{result.aliases:,} alternate names, {result.addresses:,} addresses{missing}")
    for proposal in result.proposals:
        say(_proposal_line(result.list, proposal))
    if result.proposals:
        say("proposed links wait for a person to confirm or reject them")


def _proposal_line(list_key: str, p: dict[str, Any]) -> str:
    return (
        f"proposed link {p['link_id']}: {p['entity']} → {list_key} {p['record_id']} "
        f"{p['entry']!r} (score {p['score']:.2f}): {p['explanation']}"
    )


@contextmanager
def _progress(*, enabled: bool) -> Iterator[ProgressCallback | None]:
    """A download bar and a write bar on a terminal; nothing under --json or in a pipe."""
    if not enabled:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[amount]}"),
        TimeRemainingColumn(),
        console=error_console(),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int | None) -> None:
        if stage == "download":
            amount = decimal(done) + (f" of {decimal(total)}" if total else "")
        else:
            amount = f"{done:,} of {total:,} entries" if total else f"{done:,} entries"
        if stage not in tasks:
            label = "downloading" if stage == "download" else "writing"
            tasks[stage] = bars.add_task(label, total=total, amount=amount)
        bars.update(tasks[stage], completed=done, total=total, amount=amount)

    with bars:
        yield update
