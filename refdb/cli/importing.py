"""`refdb import SOURCE`: fetch a published sanction list and apply it to the database as a
delta, or import officials (us-congress, wikidata) with their posts and tenures."""

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
from refdb.importers.officials.service import OFFICIALS, import_ftm, import_us_congress, import_wikidata
from refdb.importers.officials.writer import OfficialsResult
from refdb.importers.results import ImportResult
from refdb.importers.results import Progress as ProgressCallback
from refdb.importers.service import import_list
from refdb.phrases import counted


@app.command("import")
def import_command(
    source: Annotated[
        str | None,
        typer.Argument(
            help=f"The list ({', '.join(SOURCES)}) or officials source ({', '.join(OFFICIALS)}).",
            show_default=False,
        ),
    ] = None,
    qids: Annotated[
        list[str] | None,
        typer.Argument(
            help="wikidata: the people's QIDs (e.g. Q7747); ftm: the FILE or URL.", show_default=False
        ),
    ] = None,
    url: Annotated[
        list[str] | None,
        typer.Option(
            "--url",
            metavar="URL",
            help="Fetch from this URL instead of the publisher's (us-congress: once per file; "
            "wikidata: the API endpoint).",
        ),
    ] = None,
    file: Annotated[
        list[Path] | None,
        typer.Option(
            "--file",
            help="Read a downloaded file (OFAC: alt/add/comments files beside it; "
            "us-congress: once per file).",
        ),
    ] = None,
    position: Annotated[
        list[str] | None,
        typer.Option(
            "--position", metavar="QID", help="wikidata: import every holder of this position, by SPARQL."
        ),
    ] = None,
    sparql_url: Annotated[
        str | None,
        typer.Option(
            "--sparql-url", metavar="URL", help="wikidata: the SPARQL endpoint (default: Wikidata's)."
        ),
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
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="us-congress, ftm: the day the files' facts were true, written as the last "
            "confirmation of the posts they list as held (default: the download day; for a "
            "--file, its modification date).",
        ),
    ] = None,
    list_sources: Annotated[
        bool, typer.Option("--list", help="Name the sources and their official URLs.")
    ] = False,
    db: DbOption = None,
    actor: ActorOption = None,
    json: JsonOption = False,
) -> None:
    """Import a sanction list (entries, delistings, link proposals) or officials with their posts.

    Entries that vanished from the list are marked delisted, never deleted;
    a changed entry keeps its previous version in the change log. Links are
    only proposed, with a score and explanation, for a person to confirm or
    reject. A file that would delist more than 10% of the list (a download
    cut short, another list) is refused unless --allow-shrink is given.

    Officials sources add people with their names, identifiers, posts and
    dated tenures, reconciled with the people already stored (identifiers
    first, then name and birth date; merges are only proposed). ftm reads
    FollowTheMoney JSON lines (Person, Position, Occupancy, Identification).

    Examples:
      refdb import --list
      refdb import ofac-sdn
      refdb import un --json
      refdb import ofac-sdn --file ./downloads/sdn.csv
      refdb import ofac-sdn --allow-shrink
      refdb import us-congress
      refdb import us-congress --file a.yaml --file b.yaml --as-of 2026-06-15
      refdb import wikidata Q7747 Q254220
      refdb import wikidata --position Q218295
      refdb import ftm ./peps.ftm.json
    """
    if list_sources:
        _list_sources(json)
        return
    every = ", ".join([*SOURCES, *OFFICIALS])
    if source is None:
        raise RefdbError(f"name a SOURCE ({every}), or use --list")
    if source not in SOURCES and source not in OFFICIALS:
        raise RefdbError(f"unknown source {source!r}; choose one of {every} (--list names them)")
    if source in OFFICIALS:
        _import_officials(
            source,
            qids or [],
            url or [],
            file or [],
            position or [],
            sparql_url,
            force,
            db,
            actor,
            json,
            as_of,
        )
        return
    if as_of:
        raise RefdbError(f"{source}: --as-of is for officials files (us-congress, ftm)")
    if qids or position or sparql_url:
        raise RefdbError(f"{source}: QIDs, --position and --sparql-url are for wikidata only")
    if len(url or []) > 1 or len(file or []) > 1:
        raise RefdbError(f"{source}: give one --url or one --file")
    database = open_database(db, actor)
    with _progress(enabled=not json and error_console().is_terminal) as progress:
        result = import_list(
            database,
            source,
            url=url[0] if url else None,
            file=file[0] if file else None,
            force=force,
            allow_shrink=allow_shrink,
            progress=progress,
        )
    for warning in result.warnings:  # on stderr under --json too: a script's log keeps them
        say(f"refdb: warning: {warning}")
    emit(result.as_dict(), json, lambda _data: _render(result))


def _import_officials(
    source: str,
    qids: list[str],
    urls: list[str],
    files: list[Path],
    positions: list[str],
    sparql_url: str | None,
    force: bool,
    db: str | None,
    actor: str | None,
    as_json: bool,
    as_of: str | None,
) -> None:
    database = open_database(db, actor)
    with _progress(enabled=not as_json and error_console().is_terminal, unit="people") as progress:
        if source == "wikidata":
            if as_of:
                raise RefdbError("wikidata: --as-of is for files (us-congress, ftm); Wikidata is read live")
            if files:
                raise RefdbError("wikidata: --file is not supported; name QIDs or --position")
            if len(urls) > 1:
                raise RefdbError("wikidata: give one --url (the API endpoint)")
            endpoints: dict[str, Any] = {"api_url": urls[0]} if urls else {}
            if sparql_url:
                endpoints["sparql_url"] = sparql_url
            result = import_wikidata(database, qids, positions=positions, progress=progress, **endpoints)
        elif source == "ftm":
            targets: list[str | Path] = [*qids, *urls, *files]
            if positions or sparql_url or len(targets) != 1:
                raise RefdbError("ftm: name one FILE or URL, e.g. refdb import ftm ./peps.ftm.json")
            result = import_ftm(database, targets[0], force=force, progress=progress, as_of=as_of)
        else:
            if qids or positions or sparql_url:
                raise RefdbError(f"{source}: QIDs, --position and --sparql-url are for wikidata only")
            result = import_us_congress(
                database, urls=urls, files=files, force=force, progress=progress, as_of=as_of
            )
    emit(result.as_dict(), as_json, lambda _data: _render_officials(result))


def _render_officials(result: OfficialsResult) -> None:
    if result.not_modified:
        say(f"{result.source}: not modified since the last import (use --force to re-import)")
        return
    say(
        f"{result.source}: {counted(result.people, 'person', 'people')} — {result.people_added:,} added, "
        f"{result.people_matched:,} already known ({result.people_changed:,} with new names, identifiers "
        f"or facts); {counted(result.tenures_added, 'tenure')} added, {result.tenures_changed:,} changed, "
        f"{result.tenures_unchanged:,} unchanged; {counted(result.posts_added, 'post')} added"
    )
    if result.confirmed_by != "fetched":
        why = "given by --as-of" if result.confirmed_by == "as of" else "the file's modification date"
        hint = "" if result.confirmed_by == "as of" else "; --as-of gives the file's own date"
        say(f"{result.source}: posts still held confirmed on {result.confirmed_on} ({why}{hint})")
    for merge in result.merge_proposals:
        say(
            f"proposed merge {merge['merge_id']}: entity {merge['other_id']} may be entity "
            f"{merge['entity_id']} (score {merge['score']:.2f}): {merge['explanation']}"
        )
    for proposal in result.proposals:
        say(_proposal_line(proposal["list"], proposal))
    if result.merge_proposals or result.proposals:
        say("proposed merges and links wait for a person to accept or reject them")


def _list_sources(as_json: bool) -> None:
    rows = [
        {"source": s.key, "name": s.display_name, "authority": s.authority, "url": s.default_url}
        for s in SOURCES.values()
    ] + [
        {"source": key, "name": title, "authority": None, "url": " ".join(urls)}
        for key, (title, urls) in OFFICIALS.items()
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
            f"{counted(result.unchanged, 'entry', 'entries')} unchanged (use --force to re-import)"
        )
        return
    notes = [f"{result.relisted:,} relisted"] if result.relisted else []
    notes += [f"{result.rekeyed:,} re-keyed from the list's former ids"] if result.rekeyed else []
    noted = f" ({'; '.join(notes)})" if notes else ""
    say(
        f"{result.source}: {counted(result.entries, 'entry', 'entries')} — {result.added:,} added, "
        f"{result.changed:,} changed{noted}, {result.unchanged:,} unchanged, "
        f"{result.delisted:,} delisted"
    )
    read = f"read with {', '.join(result.companions_read)}; " if result.companions_read else ""
    missing = f"; not available: {', '.join(result.companions_missing)}" if result.companions_missing else ""
    names = counted(result.aliases, "alternate name")
    say(f"{result.source}: {read}{names}, {counted(result.addresses, 'address', 'addresses')}{missing}")
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
def _progress(*, enabled: bool, unit: str = "entries") -> Iterator[ProgressCallback | None]:
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
            amount = f"{done:,} of {total:,} {unit}" if total else f"{done:,} {unit}"
        if stage not in tasks:
            label = "downloading" if stage == "download" else "writing"
            tasks[stage] = bars.add_task(label, total=total, amount=amount)
        bars.update(tasks[stage], completed=done, total=total, amount=amount)

    with bars:
        yield update
