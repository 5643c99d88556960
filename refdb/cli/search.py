"""`refdb search`: names in any script or spelling, with why each matched.

A module of its own, importing only the matcher: no ORM, so the command starts fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from refdb import phrases
from refdb.cli import app
from refdb.cli.options import DbOption, JsonOption, open_database
from refdb.cli.output import console, emit, nothing_found, say, table
from refdb.reading import Reader
from refdb.services.search import indexing_notice
from refdb.services.search import search as search_names


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A name in any script or spelling.")],
    kind: Annotated[
        str | None, typer.Option(help="person, organization, public_body, vessel or aircraft.")
    ] = None,
    birth_date: Annotated[
        str | None,
        typer.Option(help="YYYY[-MM[-DD]]: agreeing birth dates raise the score, others lower it."),
    ] = None,
    nationality: Annotated[
        str | None, typer.Option(help="Two-letter country code, weighed like the birth date.")
    ] = None,
    program: Annotated[str | None, typer.Option(help="Only list records under this program.")] = None,
    list_key: Annotated[
        str | None, typer.Option("--list", help="Only records of this list, e.g. ofac-sdn.")
    ] = None,
    active_on: Annotated[str | None, typer.Option(help="Only list records in force on this date.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Most results to show.")] = 20,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Find officials, organizations and sanction-list targets by name, with why each matched.

    Examples:
      refdb search "li shang-fu"
      refdb search 李尚福 --json
      refdb search rosoboronexport --kind organization
      refdb search "li shangfu" --birth-date 1958 --nationality cn --list ofac-sdn
    """
    database = open_database(db)
    with database.reading() as reader:
        say_if_indexing(reader)
        results = search_names(
            reader,
            query,
            kind=kind,
            limit=limit + 1,  # one more than shown: whether the limit cut the answer
            birth_date=birth_date,
            nationality=nationality,
            program=program,
            list_key=list_key,
            active_on=active_on,
        )
    if not results:
        nothing_found(f"no match for {query!r}", json)
    if len(results) > limit:
        results = results[:limit]
        say(f"showing the best {limit} match(es) (--limit for more)")

    def render(rows: list[dict[str, Any]]) -> None:
        columns = ["score", "type", "id", "name", "kind", "matched as", "list record"]
        lines = [
            (
                f"{r['score']:.2f}",
                # "record", as the TUI says it: "sanction_entry" would widen the table by a fifth.
                "record" if r["type"] == "sanction_entry" else r["type"],
                str(r["id"]),
                # Why a curated entity matters (a PEP's posts, its sanction entries), under
                # its name: a column of its own would fold every name at 80 columns.
                "\n".join(line for line in (r["name"], phrases.standing(r)) if line),
                r["kind"],
                # Only a name other than the hit's own (an alias, another script) stands out.
                r["matched_name"] if r["matched_name"] != r["name"] else "",
                f"{r['list']} {r['record_id']}" if r["type"] == "sanction_entry" else "",
            )
            for r in rows
        ]
        # A column with nothing in it (no alias matched, no list record) would crowd 80 columns.
        kept = [i for i in range(len(columns)) if any(line[i] for line in lines)]
        console().print(
            table(
                f"{len(rows)} match(es) for {query!r}",
                [columns[i] for i in kept],
                [[line[i] for i in kept] for line in lines],
            )
        )

    emit(results, json, render)


def say_if_indexing(reader: Reader) -> None:
    """Explain the pause of a first search after an import: it indexes the new names."""
    if notice := indexing_notice(reader):
        say(notice)
