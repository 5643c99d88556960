"""`refdb export ftm`: the database as FollowTheMoney entities, one JSON object a line."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated

import typer

from refdb.api import RefDB
from refdb.cli import app
from refdb.cli.options import DbOption, JsonOption, open_database
from refdb.cli.output import counting_bar, emit, error_console, say
from refdb.errors import RefdbError

export_app = typer.Typer(
    help=(
        "Export the database in another format.\n\n"
        "Example:\n  refdb export ftm > refdb.ftm.json\n\n"
        "Each command's options: `refdb export COMMAND -h`."
    ),
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


@export_app.command("ftm")
def export_ftm(
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write to this file (default: standard output).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    json_summary: JsonOption = False,
) -> None:
    """Export the whole database as FollowTheMoney entities (JSON lines).

    Every entity, name, identifier, post, tenure, sanction entry and confirmed
    link, for the tools that read FtM (followthemoney, nomenklatura, yente,
    Aleph).

    Entities are Person, Organization, PublicBody, Vessel, Airplane;
    identifiers become Identification, posts Position, tenures Occupancy
    (status current/ended/unknown, dates at their precision), sanction
    entries the listed target plus a Sanction, confirmed links Similar (or
    UnknownLink for links on another basis than the name).

    Examples:
      refdb export ftm -o refdb.ftm.json
      refdb export ftm | ftm validate
      refdb export ftm -o refdb.ftm.json --json   (counts by schema)
    """
    refdb = RefDB(open_database(db))
    counts: Counter[str] = Counter()
    with _destination(output) as handle, _progress(enabled=error_console().is_terminal) as progress:
        for item in refdb.export_ftm(progress):
            handle.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
            counts[item["schema"]] += 1
    summary = {"file": str(output) if output else None, "entities": sum(counts.values()), "schemata": counts}
    if json_summary and output is not None:
        emit(summary, True, print)
    else:
        where = f" to {output}" if output else ""
        say(f"exported {summary['entities']:,} FollowTheMoney entities{where}")


@contextmanager
def _destination(output: Path | None) -> Iterator[IO[str]]:
    """Standard output, or a file replaced only once the export is whole."""
    if output is None:
        yield sys.stdout
        return
    if output.is_dir():
        raise RefdbError(f"{output} is a directory; give a file name")
    folder = output.resolve().parent
    if not folder.is_dir():
        raise RefdbError(f"no such directory: {folder}")
    part: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, prefix=f".{output.name}.", suffix=".part", delete=False
        ) as handle:
            part = Path(handle.name)
            yield handle
        os.replace(part, output)
    except BaseException:
        if part is not None:
            part.unlink(missing_ok=True)
        raise


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A bar of rows read, on a terminal only (stderr: stdout may carry the export)."""
    if not enabled:
        yield None
        return
    bars = counting_bar()
    task = bars.add_task("exporting", total=None)
    with bars:
        yield lambda done, total: bars.update(task, completed=done, total=total)
