"""`refdb screen` (batch name screening, with an optional receipt) and `refdb receipt verify`."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from refdb.cli import app
from refdb.cli.options import DATE, ActorOption, DbOption, JsonOption, defaulting_group, open_database
from refdb.cli.output import Format as OutputFormat
from refdb.cli.output import (
    console,
    counting_bar,
    csv_row,
    emit,
    emit_rows,
    error_console,
    nothing_found,
    output_options,
    print_json,
    say,
    table,
)
from refdb.cli.search import index_first
from refdb.countries import country_name
from refdb.errors import ExitCode
from refdb.search import decisions
from refdb.search.filters import SearchFilters
from refdb.search.hits import counts_as_match
from refdb.search.screening import BadScreeningFile, check_file, names_to_screen, screening
from refdb.search.service import SCREENING_THRESHOLD, SETTINGS, default_workers
from refdb.services.lists import ListCoverage, coverage, coverage_note

receipt_app = typer.Typer(
    help=(
        "Check screening receipts.\n\n"
        "Example:\n  refdb receipt verify run-2026-11-29.json\n\n"
        "Each command's options: `refdb receipt COMMAND -h`."
    ),
    no_args_is_help=True,
)
app.add_typer(receipt_app, name="receipt")
screen_app = typer.Typer(
    cls=defaulting_group("run", reads_file=True),  # `refdb screen names.csv` is `refdb screen run names.csv`
    help="""Screen names against the lists (`refdb screen FILE`), and record analysts' decisions on hits.

    Examples:
      refdb screen names.csv --json
      refdb screen names.csv --threshold 0.85 --csv > results.csv
      refdb screen decide --name NAME --record ofac-sdn:24838 --reason WHY

    `refdb screen FILE` runs `refdb screen run FILE`: see `refdb screen run -h`
    for its options (threshold, receipt, workers, output).
    """,
)
app.add_typer(screen_app, name="screen")


class LegacyFormat(StrEnum):
    csv = "csv"
    json = "json"


def _content(path: Path) -> bytes:
    """The whole input, read once: a pipe (``<(...)``, ``-`` for standard input) can be
    read only once, and the file is read for its rows, checked, then screened."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as error:
        raise BadScreeningFile(f"{path}: cannot be read ({error.strerror})") from None


# The columns of --csv and the table (people): the input, the hit, what was decided.
CSV_COLUMNS = (
    "row", "name", "birth_date", "nationality", "outcome", "score", "record", "hit_name", "hit_kind",
    "programs", "hit_birth_dates", "hit_nationalities", "status", "listed_on", "listed_no_later_than",
    "delisted_on", "decision", "explanation",
)  # fmt: skip
# The table's columns: fewer than --csv's, facts of one kind sharing a cell, so that
# twelve columns do not fold every word at 80 columns ("outc/ome").
TABLE_COLUMNS = ("row", "name", "outcome", "hit", "programs", "born, nat.", "status", "decision")
KEPT = ("row", "name", "outcome")  # the others are left out when no row has anything in them


def _joined(values: list[str]) -> str:
    return "; ".join(values)


def _note(row: dict[str, Any]) -> str:
    return row["decision"]["note"] if row["decision"] else ""


def _csv_cells(row: dict[str, Any]) -> list[Any]:
    listing = row["listing"] or {}
    return [
        row["row"], row["name"], row["birth_date"] or "", row["nationality"] or "", row["outcome"],
        "" if row["score"] is None else row["score"], row["record"] or "", row["hit_name"] or "",
        row["hit_kind"] or "", _joined(row["programs"]), _joined(row["hit_birth_dates"]),
        _joined(row["hit_nationalities"]), row["status"] or "", listing.get("listed_on") or "",
        listing.get("listed_no_later_than") or "", listing.get("delisted_on") or "", _note(row),
        row["explanation"] or "",
    ]  # fmt: skip


def _score(row: dict[str, Any]) -> str:
    return "" if row["score"] is None else f"{row['score']:.2f}"


def _table_cells(row: dict[str, Any]) -> list[Any]:
    # People read countries by name ("cn" and Switzerland's "ch" look alike); --json and --csv keep the codes.
    facts = [_joined(row["hit_birth_dates"]), _joined([country_name(n) for n in row["hit_nationalities"]])]
    return [
        row["row"], row["name"], " ".join(part for part in (row["outcome"], _score(row)) if part),
        "\n".join(part for part in (row["hit_name"], row["record"]) if part), _joined(row["programs"]),
        "\n".join(fact for fact in facts if fact),
        "\n".join(part for part in (row["status"], row["listed"]) if part), _note(row),
    ]  # fmt: skip


@dataclass
class _Tally:
    """What the summary line and the exit status count."""

    screened: int = 0
    matched: int = 0  # names with a match no decision in force cleared
    cleared: int = 0  # hits cleared by a decision in force
    outdated: int = 0  # hits whose decision no longer applies: their record changed

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.screened += 1
        self.matched += counts_as_match(rows)
        self.cleared += sum(row["outcome"] == "cleared" for row in rows)
        self.outdated += sum(bool(row["decision"]) and not row["decision"]["in_force"] for row in rows)

    def as_dict(self) -> dict[str, int]:
        return {"screened": self.screened, "matched": self.matched, "cleared": self.cleared,
                "outdated_decisions": self.outdated}  # fmt: skip

    def line(self, threshold: float) -> str:
        text = f"screened {self.screened} name(s): {self.matched} with a match at {threshold}"
        if self.cleared:
            text += f"; {self.cleared} hit(s) cleared by decisions"
        if self.outdated:
            text += f"; {self.outdated} decision(s) outdated: their record changed, look again"
        return text


class _Writer:
    """Rows to stdout in the chosen format: CSV and JSON lines as they come (big files
    stream), a table or one JSON document at the end."""

    def __init__(self, output: OutputFormat) -> None:
        self.output = output
        self.kept: list[dict[str, Any]] = []
        self.csv = csv.writer(sys.stdout, lineterminator="\n") if output == "csv" else None
        if self.csv is not None:
            self.csv.writerow(CSV_COLUMNS)

    def add(self, rows: list[dict[str, Any]]) -> None:
        if self.csv is not None:
            self.csv.writerows(csv_row(_csv_cells(row)) for row in rows)
        elif self.output == "nl":
            for row in rows:
                sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        else:
            self.kept += rows

    def finish(self, tally: _Tally, threshold: float, lists: list[ListCoverage]) -> None:
        if self.output == "json":
            checked = [c.as_dict() for c in lists]
            print_json(tally.as_dict() | {"threshold": threshold, "lists": checked, "rows": self.kept})
        elif self.output == "table" and self.kept:
            rows = [_table_cells(row) for row in self.kept]
            shown = [i for i, column in enumerate(TABLE_COLUMNS) if column in KEPT or any(r[i] for r in rows)]
            columns = [TABLE_COLUMNS[i] for i in shown]
            console().print(table(None, columns, [[r[i] for i in shown] for r in rows]))


@screen_app.command("run")
@output_options
def screen_command(
    file: Annotated[
        Path,
        typer.Argument(
            show_default=False,
            help="CSV with a 'name' column (optional birth_date, nationality, kind), or JSON "
            "lines; - reads standard input.",
        ),
    ],
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Lowest score reported as a match.")
    ] = SCREENING_THRESHOLD,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Most matches per input.")] = 5,
    active_on: Annotated[
        str | None,
        typer.Option(
            metavar=DATE,
            help="Only sanctions active on this date; statuses are as of this date (default: today).",
        ),
    ] = None,
    receipt: Annotated[
        Path | None,
        typer.Option(help="Write a receipt of the run here and record its hash in the change log."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Processes screening in parallel, results in order "
            "(default: one per CPU, up to 8, for 500 names or more; else 1).",
        ),
    ] = None,
    fail_on_match: Annotated[
        bool,
        typer.Option(
            "--fail-on-match",
            help="Exit 1 when a name has a match that no decision cleared (for scripts that gate on it).",
        ),
    ] = False,
    legacy_format: Annotated[
        LegacyFormat | None,
        typer.Option("--format", hidden=True, help="Old spelling: csv is --csv, json is --nl."),
    ] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    output: OutputFormat = "table",
) -> None:
    """Screen a file of names against entities and sanction-list targets.

    One row per hit (the hit's record, programs, birth dates, nationalities,
    status and listing dates), and one saying 'no match' for a name without any.
    --csv and --nl stream rows as names are screened; the table and --json come
    at the end.

    A hit an analyst cleared (`refdb screen decide`) shows as 'cleared by
    decision N' and is not counted as a match, until its record changes: then it
    is a match again, noted 'decision N outdated'.

    A row that cannot be screened (no name, a bad birth date or nationality,
    an unclosed quote) is named on stderr and in the receipt, the others are
    screened, and the exit status is 2. A file that is not UTF-8, that holds
    no names (empty, or a header only), or whose every row is bad, is refused
    whole (exit 2).

    Examples:
      refdb screen customers.csv --threshold 0.85 --csv > results.csv
      refdb screen names.jsonl --nl --receipt run-2026-11-29.json
      refdb screen big.csv --workers 4 --csv > results.csv
      some-export | refdb screen - --nl
      refdb screen customers.csv --fail-on-match
    """
    if legacy_format is not None and output == "table":
        output = "csv" if legacy_format is LegacyFormat.csv else "nl"
    filters = SearchFilters(active_on=active_on)  # a bad date: refused before the file is read
    content = _content(file)
    database = open_database(db, actor)
    total, bad, reported = check_file(file, content)
    for row in reported:
        print(f"refdb: {file}: {row}", file=sys.stderr)
    workers = workers or default_workers(total)
    with database.reading() as reader:
        index_first(reader, as_json=output == "json")
        lists = coverage(reader)
    tally = _Tally()
    with ExitStack() as stack:
        # First: screening fails (IndexBusy) before anything is written when its index
        # cannot be brought up to date.
        results = stack.enter_context(
            screening(
                database, names_to_screen(file, content), threshold=threshold, limit=limit,
                filters=filters, workers=workers,
            )
        )  # fmt: skip
        writer = None
        if receipt is not None:
            from refdb.search import receipts  # the ORM: only a receipt needs it

            # The receipt's header states the database; the screening itself reads through reading().
            session = stack.enter_context(database.session())
            handle = stack.enter_context(receipt.open("w", encoding="utf-8"))
            header = receipts.header(
                session, actor=database.actor, input_name=file.name, content=content, settings=SETTINGS,
                threshold=threshold, limit=limit, active_on=active_on,
            )  # fmt: skip
            header["bad_rows"] = {"count": bad, "first": [row.as_dict() for row in reported]}
            writer = receipts.ReceiptWriter(handle, header)
        # The bar goes to stderr, and only when it is a terminal: stdout stays data.
        progress = stack.enter_context(counting_bar(disable=not error_console().is_terminal))
        task = progress.add_task("screening", total=total)
        out = _Writer(output)
        for result in results:
            rows = result.rows(active_on)
            tally.add(rows)
            out.add(rows)
            if writer is not None:
                writer.add(result.as_dict())
            progress.advance(task)
        digest = writer.finish() if writer is not None else None
    out.finish(tally, threshold, lists)
    say(f"{tally.line(threshold)}; {coverage_note(lists)}")
    if receipt is not None and digest is not None:
        change_id = receipts.record(database, digest, header, total)
        say(f"receipt {receipt} (sha256 {digest}) recorded as change {change_id}")
    if bad:
        named = "named above" if bad == len(reported) else f"the first {len(reported)} named above"
        print(
            f"refdb: {file}: {bad} row(s) could not be screened ({named}); the others were", file=sys.stderr
        )
        raise SystemExit(ExitCode.BAD_INPUT)
    if fail_on_match and tally.matched:
        raise SystemExit(ExitCode.NOT_FOUND)


@screen_app.command("decide")
def decide_command(
    name: Annotated[str, typer.Option(help="The name as screened (case, spacing and punctuation aside).")],
    record: Annotated[
        str,
        typer.Option(
            metavar="RECORD",
            help="The hit's record as `refdb screen` prints it: LIST:RECORD_ID or entity:ID.",
        ),
    ],
    reason: Annotated[str, typer.Option(help="Why: kept with the decision and in the change log.")],
    clear: Annotated[
        bool, typer.Option("--clear", help="A false positive: the name screened is not this record.")
    ] = False,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="A true match: the name screened is this record.")
    ] = False,
    birth_date: Annotated[
        str | None,
        typer.Option(
            metavar=DATE, help="Only for names screened with this birth date (default: with any or none)."
        ),
    ] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    json: JsonOption = False,
) -> None:
    """Record an analyst's decision on a screening hit, with a reason (logged).

    Later screenings show a cleared hit as 'cleared by decision N' and do not
    count it as a match; a confirmed one stays a match, noted. A later decision
    on the same name and record supersedes it. A decision stops applying when
    its record's names, kind, birth dates or nationalities change (a later
    import): the hit comes back, noted 'decision N outdated'.

    Examples:
      refdb screen decide --name "Jo Cifuentes" --record ofac-sdn:12300 \\
        --clear --reason "born 1990"
      refdb screen decide --name "Li Shangfu" --record entity:6 --confirm \\
        --reason "same passport"
      refdb screen decide --name "Ali Hassan" --birth-date 1971 \\
        --record un:QDi.001 --clear --reason "other birth year"
    """
    if clear == confirm:
        raise decisions.BadDecision("say --clear (not the person screened) or --confirm (the same person)")
    from refdb.services.edits import editing  # the ORM: only writing a decision needs it

    database = open_database(db, actor)
    with editing(database) as editor:
        made = decisions.decide(
            editor, name=name, record=record, verdict="cleared" if clear else "confirmed",
            reason=reason, birth_date=birth_date,
        )  # fmt: skip
    emit(made, json, lambda d: say(f"decision {d['id']}: {d['verdict']} {d['name']!r} on {d['record']}"))


@screen_app.command("decisions")
@output_options
def decisions_command(db: DbOption = None, output: OutputFormat = "table") -> None:
    """Analysts' decisions on screening hits, oldest first, each with its state.

    A decision is in force, superseded by a later one, or outdated because its
    record changed.

    Examples:
      refdb screen decisions
      refdb screen decisions --csv > decisions.csv
    """
    with open_database(db).reading() as reader:
        items = decisions.listed(reader.raw)
    if not items:
        nothing_found("no screening decisions yet (`refdb screen decide` makes one)", output == "json")
    emit_rows(
        items, items, output, DECISION_COLUMNS,
        lambda d: [d["id"], d["name"], d["birth_date"] or "", d["record"], d["record_name"], d["verdict"],
                   d["reason"], d["decided_by"], d["decided_at"][:10], d["state"]],
        f"{len(items)} screening decision(s)",
    )  # fmt: skip


DECISION_COLUMNS = (
    "id", "name", "birth_date", "record", "record_name", "verdict", "reason", "decided_by", "decided_on",
    "state",
)  # fmt: skip


@receipt_app.command("verify")
def verify_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Check that a screening receipt is intact and was issued by this database.

    Exit status 0 when both hold, 1 otherwise.

    Example:
      refdb receipt verify run-2026-11-29.json
    """
    from refdb.search import receipts

    database = open_database(db)
    with database.session() as session:
        result = receipts.verify(session, file)
    emit(result.as_dict(), json, lambda r: say(r["message"]))
    if not result.ok:
        raise SystemExit(ExitCode.NOT_FOUND)
