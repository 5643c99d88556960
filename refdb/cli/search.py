"""`refdb search`: names in any script or spelling, with why each matched.

A module of its own, importing only the matcher: no ORM, so the command starts fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from refdb import phrases
from refdb.cli import app
from refdb.cli.options import COUNTRY, DATE, DbOption, one_of, open_database
from refdb.cli.output import (
    Format,
    console,
    counting_bar,
    emit_rows,
    error_console,
    nothing_found,
    output_options,
    say,
    table,
)
from refdb.reading import Reader
from refdb.search.filters import SearchFilters
from refdb.search.service import catch_up, indexing_notice
from refdb.search.service import search as search_names
from refdb.services.lists import coverage, coverage_note
from refdb.vocab import TARGET_KINDS


@app.command()
@output_options
def search(
    query: Annotated[str, typer.Argument(help="A name in any script or spelling.")],
    kind: Annotated[
        str | None,
        typer.Option(help=f"{one_of(TARGET_KINDS)} (a list's unstated kind)."),
    ] = None,
    birth_date: Annotated[
        str | None,
        typer.Option(metavar=DATE, help="Agreeing birth dates raise the score, others lower it."),
    ] = None,
    nationality: Annotated[
        str | None,
        typer.Option(metavar=COUNTRY, help="Two-letter country code, weighed like the birth date."),
    ] = None,
    program: Annotated[str | None, typer.Option(help="Only list records under this program.")] = None,
    list_key: Annotated[
        str | None, typer.Option("--list", help="Only records of this list, e.g. ofac-sdn.")
    ] = None,
    active_on: Annotated[
        str | None, typer.Option(metavar=DATE, help="Only list records in force on this date.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Most results to show.")] = 20,
    db: DbOption = None,
    output: Format = "table",
) -> None:
    """Find officials, organizations and sanction-list targets by name, with why each matched.

    Examples:
      refdb search "li shang-fu"
      refdb search 李尚福 --json
      refdb search rosoboronexport --kind organization
      refdb search "li shangfu" --birth-date 1958 --nationality cn --list ofac-sdn
      refdb search minister --limit 100 --csv
    """
    filters = SearchFilters(
        kind=kind,
        birth_date=birth_date,
        nationality=nationality,
        program=program,
        list_key=list_key,
        active_on=active_on,
    )
    database = open_database(db)
    with database.reading() as reader:
        index_first(reader, as_json=output == "json")
        # One more than shown: whether the limit cut the answer.
        results = search_names(reader, query, filters, limit=limit + 1)
        # "No match" means no match only in the lists behind it: say which, and how old.
        lists = [] if results else coverage(reader, list_key)
    if not results:
        nothing_found(f"no match for {query!r}; {coverage_note(lists)}", output == "json")
    if len(results) > limit:
        results = results[:limit]
        say(f"showing the best {limit} match(es) (--limit for more)")

    if output != "table":
        emit_rows(results, results, output, COLUMNS, _cells)
        return
    rows, columns = _table_rows([_cells(r) for r in results], console().width)
    console().print(table(f"{len(results)} match(es) for {query!r}", columns, rows))


COLUMNS = ("score", "type", "id", "name", "kind", "matched as", "list record", "role")
NAME, OPTIONAL = 3, (5, 6)  # the name's column; "matched as" and "list record"
# The name column's least width: "Minister of National Defense" on one line. Narrower,
# a name with its posts folded into a word a line ("Nancy Pelosi / United / States").
NAME_WIDTH = 30


def _table_rows(lines: list[tuple[str, ...]], width: int) -> tuple[list[list[str]], list[str]]:
    """The table's rows and columns for a terminal ``width`` wide. Why a curated entity
    matters (its posts, its sanction entries) goes under its name: a column of its own
    would fold every name at 80 columns. A column with nothing in it is left out; when
    the alias matched and the list record would leave the name too narrow, they go
    under the name too, each on a line of its own."""
    from rich.cells import cell_len  # a Han character takes two columns

    kept = [i for i in range(len(COLUMNS) - 1) if i not in OPTIONAL or any(line[i] for line in lines)]
    others = [i for i in kept if i != NAME]
    # Each column takes its widest cell (or header) plus 3 for its padding and border.
    needed = sum(max(cell_len(COLUMNS[i]), *(cell_len(line[i]) for line in lines)) + 3 for i in others) + 4
    folded = width - needed < NAME_WIDTH
    under_name = [i for i in OPTIONAL if i in kept] if folded else []
    labels = {5: "matched as ", 6: ""}
    rows = []
    for line in lines:
        parts = [line[NAME], *(labels[i] + line[i] for i in under_name if line[i]), line[-1]]
        cells = [*line[:-1]]
        cells[NAME] = "\n".join(part for part in parts if part)
        rows.append([cells[i] for i in kept if i not in under_name])
    return rows, [COLUMNS[i] for i in kept if i not in under_name]


def _cells(hit: dict[str, Any]) -> tuple[str, ...]:
    return (
        f"{hit['score']:.2f}",
        # "record", as the TUI says it: "sanction_entry" would widen the table by a fifth.
        "record" if hit["type"] == "sanction_entry" else hit["type"],
        str(hit["id"]),
        hit["name"],
        hit["kind"],
        # Only a name other than the hit's own (an alias, another script) stands out.
        hit["matched_name"] if hit["matched_name"] != hit["name"] else "",
        f"{hit['list']} {hit['record_id']}" if hit["type"] == "sanction_entry" else "",
        phrases.standing(hit),
    )


def index_first(reader: Reader, *, as_json: bool) -> None:
    """Explain the pause of a first search after an import: it indexes the new names
    first, which can take tens of seconds. One line says how many; on a
    terminal (not under --json) a bar then shows them indexed, and goes."""
    backlog = indexing_notice(reader)
    if backlog is None:
        return
    say(str(backlog))
    if as_json or not error_console().is_terminal:
        return  # the search itself indexes them
    # Elapsed, not remaining: after the last name the index's key counts are redone.
    with counting_bar("names", elapsed=True) as bar:
        task = bar.add_task("indexing", total=backlog.names)

        def indexed(done: int) -> None:
            bar.update(task, completed=done, description="indexing" if done < backlog.names else "finishing")

        catch_up(reader, progress=indexed)
