"""Rules about the history itself: the change log's chain, and data changed without a record.

The chain shows tampering with the log; comparing every row with the last change
record about it shows tampering with the data: a row inserted, deleted or altered by
raw SQL has no record saying so (and forging one would break the chain).

The importers log a sanction entry's names and programs inside the entry's own record
(``names``, ``programs``) instead of one record per row: an entry whose last record
carries them, later than any record of its own names or programs, is checked as a whole.

An import also marks every entry still listed as seen (``last_seen``) without a record
per entry: the list's own record names the file's Source, and an entry still listed whose
only difference from its record is a ``last_seen`` equal to that file's ``fetched_at`` was
seen by that import, not altered.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Date, DateTime, Table, func, select
from sqlmodel import col

from refdb import changelog
from refdb.audit.registry import AuditContext, Hit, LastRecord, remember, rule
from refdb.audit.snapshots import SnapshotQuery
from refdb.backends import backend_of
from refdb.models import Change, FindingAck, Program, SanctionList, Source
from refdb.services.validation import VALIDATORS

# Every table written through the Editor (and acknowledgements, logged alongside).
AUDITED_TABLES = tuple(model.__table__ for model in (*VALIDATORS, FindingAck))  # type: ignore[attr-defined]
_BATCH = 500  # ids per query when reading the rows to judge one by one


@rule("change-log-broken", "history", "error", "Change log altered, inserted into or cut")
def change_log_broken(ctx: AuditContext) -> Iterator[Hit]:
    report, _ = ctx.history
    if not report.intact:
        yield f"change:{report.first_bad_id or 'all'}", None, report.message


@rule("unlogged-change", "history", "error", "Row inserted, deleted or altered without a change record")
def unlogged_change(ctx: AuditContext) -> Iterator[Hit]:
    records = ctx.history[1] or _last_records(ctx)
    wholes = _logged_as_whole(records)
    codes = dict(ctx.rows(select(Program.id, Program.code))) if "entry_program" in wholes else {}
    seen = _seen_by_last_import(ctx)
    for table in AUDITED_TABLES:
        logged = dict(records.get(table.name, {}))  # popped as rows are seen
        whole = wholes.get(table.name, {})
        children: dict[int, list[Any]] = defaultdict(list)
        for values, record in _unconfirmed_rows(ctx, table, logged, whole):
            if whole and values["entry_id"] in whole:
                children[values["entry_id"]].append(_child(table.name, values, codes))
                continue
            found = _row_finding(table.name, values, record, seen)
            if found:
                yield found
        for entry_id, (change_id, expected) in sorted(whole.items()):
            if sorted(children.get(entry_id, []), key=repr) != expected:
                yield (
                    f"sanction_entry:{entry_id}",
                    None,
                    f"its {table.name.replace('entry_', '')}s differ from change {change_id}: "
                    "altered outside refdb",
                )
        for row_id, (change_id, action, recorded_entity, after) in sorted(logged.items()):
            if whole and _entry_of(after) in whole:
                continue
            if action != "delete":
                yield (
                    f"{table.name}:{row_id}",
                    recorded_entity,
                    f"missing, though change {change_id} left it in place: deleted outside refdb",
                )


def _unconfirmed_rows(
    ctx: AuditContext, table: Table, logged: dict[int, LastRecord], whole: dict[int, Any]
) -> Iterator[tuple[dict[str, Any], LastRecord | None]]:
    """The rows, in id order, that their last record does not plainly match (their
    snapshot text, written by the database, differs from the record's), or that an
    entry's record covers, with that record; every row seen is popped from ``logged``."""
    query = SnapshotQuery(table, backend_of(ctx.session))
    entry = [table.c.entry_id] if whole else []
    unconfirmed: dict[int, LastRecord | None] = {}
    for row_id, *values in ctx.rows(select(table.c.id, *entry, *query.columns)):
        record = logged.pop(row_id, None)
        if (entry and values[0] in whole) or record is None or record[3] != query.text(values[len(entry) :]):
            unconfirmed[row_id] = record
    ids = sorted(unconfirmed)
    temporal = [column.key for column in table.columns if isinstance(column.type, Date | DateTime)]
    keys = list(table.columns.keys())
    for start in range(0, len(ids), _BATCH):
        batch = select(table).where(table.c.id.in_(ids[start : start + _BATCH])).order_by(table.c.id)
        for row in ctx.rows(batch):
            values = dict(zip(keys, row, strict=True))
            if temporal:
                values.update(changelog.json_ready({key: values[key] for key in temporal}))
            yield values, unconfirmed[values["id"]]


def _seen_by_last_import(ctx: AuditContext) -> dict[int, str]:
    """List id -> the fetch time of the file its last import read, as records write times."""
    statement = select(SanctionList.id, Source.fetched_at).join(
        Source, Source.id == SanctionList.last_source_id
    )
    return {
        list_id: changelog.json_ready({"at": fetched_at})["at"]
        for list_id, fetched_at in ctx.rows(statement)
        if fetched_at is not None
    }


def _row_finding(
    table: str, values: dict[str, Any], record: LastRecord | None, seen: dict[int, str]
) -> Hit | None:
    """What is wrong with a row judged alone against its last record, if anything."""
    row_id = values["id"]
    if record is None:
        entity_id = row_id if table == "entity" else None
        message = "present, but no change record created it: inserted outside refdb"
        return f"{table}:{row_id}", entity_id, message
    change_id, action, recorded_entity, after = record
    if action == "delete":
        return f"{table}:{row_id}", recorded_entity, f"present, though change {change_id} deleted it"
    differing = _differing(values, after)
    if not differing:
        return None
    if (
        table == "sanction_entry"
        and differing == ["last_seen"]
        and values["delisted_on"] is None
        and values["last_seen"] == seen.get(values["list_id"])
    ):
        return None  # marked seen by the list's last import (see the module's docstring)
    message = f"{', '.join(differing)} differ from change {change_id}: altered outside refdb"
    return f"{table}:{row_id}", recorded_entity, message


def _entry_of(snapshot: str | None) -> int | None:
    return json.loads(snapshot).get("entry_id") if snapshot else None


def _logged_as_whole(
    records: dict[str, dict[int, LastRecord]],
) -> dict[str, dict[int, tuple[int, list[Any]]]]:
    """Child table -> entry id -> (change id, its rows as that entry's last record lists
    them), for entries whose last record lists them and is newer than their own records."""
    wholes: dict[str, dict[int, tuple[int, list[Any]]]] = {"entry_name": {}, "entry_program": {}}
    for entry_id, (change_id, action, _, after) in records.get("sanction_entry", {}).items():
        if action == "delete" or not after or '"names":' not in after:
            continue
        snapshot = json.loads(after)
        names = sorted((tuple(name) for name in snapshot.get("names", [])), key=repr)
        wholes["entry_name"][entry_id] = (change_id, names)
        wholes["entry_program"][entry_id] = (change_id, sorted(snapshot.get("programs", []), key=repr))
    for table, whole in wholes.items():
        if not whole:  # no entry's record lists them: no need to read their records
            continue
        for change_id, action, _, after in records.get(table, {}).values():
            # A name or program recorded on its own after the entry's record: judge it alone.
            owner = _entry_of(after) if action != "delete" else None
            if owner in whole and change_id > whole[owner][0]:
                del whole[owner]
    return {table: whole for table, whole in wholes.items() if whole}


def _child(table: str, values: dict[str, Any], codes: dict[int, str]) -> Any:
    """A name or program row as an entry's record lists it (programs by code)."""
    if table == "entry_name":
        return (values["name"], values["kind"], values["lang"], values["script"])
    return codes.get(values["program_id"])


def _differing(values: dict[str, Any], after: str | None) -> list[str]:
    # Only fields the record knows: a column added by a later migration has no history yet.
    recorded = json.loads(after) if after else {}
    return sorted(key for key, value in recorded.items() if key in values and values[key] != value)


def _last_records(ctx: AuditContext) -> dict[str, dict[int, LastRecord]]:
    """The last record about each row, by query: when the chain is broken, the pass that
    verified it stopped at the break. Records that created several rows count for each."""
    last = (
        select(Change.table_name, Change.row_id, func.max(Change.id).label("last_id"))
        .group_by(Change.table_name, Change.row_id)
        .subquery()
    )
    fields = (Change.id, Change.action, Change.table_name, Change.row_id, Change.entity_id, Change.after)
    found = list(ctx.rows(select(*fields).join(last, last.c.last_id == Change.id)))
    found += ctx.rows(select(*fields).where(col(Change.after).contains(f'"{changelog.PARTS}":')))
    records: dict[str, dict[int, LastRecord]] = defaultdict(dict)
    for change_id, action, table_name, row_id, entity_id, after in sorted(found, key=lambda r: r[0]):
        remember(records, change_id, action, table_name, row_id, entity_id, after)
    return records
