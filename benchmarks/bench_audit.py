"""Audit and change-log verification at scale, on SQLite.

    python -m benchmarks.bench_audit [--entities 100000] [--entries 50000] [--changes 1000000]

1. A full ``run_audit`` over a database of ``--entities`` curated entities (names,
   tenures, posts), about ``--entries`` sanction entries and the links the generator
   makes (about 10,000 for 100,000 entities). Rows come from ``benchmarks.synthetic``
   and are written with plain ``executemany``; then every row gets its "create" change
   record, chained as the Editor would chain it, so that the history rules see a
   consistent log (the Editor itself would take hours to write this many rows).
   Tenures, entries and links are cited; names are not, so ``fact-uncited`` has a
   finding per name and the runner's cost per finding is measured too.
2. ``verify_chain`` over a log of ``--changes`` records.

Targets (issue 6): the audit under 30 s, the verification under 20 s. CPU seconds are
printed beside wall seconds: on a shared, loaded machine the wall clock overstates.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, Table, select
from sqlmodel import Session

from benchmarks import synthetic
from refdb import changelog, dates, migrate
from refdb.audit import RULES, Settings, run_audit
from refdb.audit.registry import AuditContext
from refdb.connection import make_engine
from refdb.matching.normalize import normalize_name
from refdb.models import (
    Authority,
    Change,
    Citation,
    Entity,
    EntryName,
    EntryProgram,
    Link,
    Name,
    Post,
    Program,
    SanctionEntry,
    SanctionList,
    Source,
    Tenure,
)
from refdb.services.validation import VALIDATORS

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
BATCH = 20_000


class Rows:
    """Rows per table, with ids handed out in order."""

    def __init__(self) -> None:
        self.tables: dict[Table, list[dict[str, Any]]] = {}

    def add(self, model: type, **values: Any) -> int:
        rows = self.tables.setdefault(model.__table__, [])  # type: ignore[attr-defined]
        values.setdefault("id", len(rows) + 1)
        rows.append(values)
        return values["id"]


def _entry(rows: Rows, item: dict[str, Any], lists: list[dict[str, Any]], prefix: str = "") -> int:
    # The generator may delist on June 1st of the year of a later listing: clamp to the listing.
    delisted = item["delisted_on"] and max(item["delisted_on"], item["listed_on"])
    entry_id = rows.add(
        SanctionEntry,
        list_id=lists[item["list_index"]]["id"],
        record_id=prefix + item["record_id"],
        target_kind=item["target_kind"],
        name=item["name"],
        birth_dates=item["birth_dates"],
        birth_places=[],
        nationalities=item["nationalities"],
        addresses=[],
        identifiers=[],
        measures=[],
        listed_on=item["listed_on"],
        delisted_on=delisted,
        listed_from=dates.earliest_or_none(item["listed_on"]),
        delisted_from=dates.earliest_or_none(delisted),
        raw={},
        first_seen=NOW,
        last_seen=NOW,
        source_id=1,
    )
    for name in item["names"]:
        rows.add(
            EntryName,
            entry_id=entry_id,
            name=name["name"],
            kind=name["kind"],
            script=name["script"],
            lang=name["lang"],
            normalized=normalize_name(name["name"]),
        )
    for program_id in item["program_ids"]:
        rows.add(EntryProgram, entry_id=entry_id, program_id=program_id)
    return entry_id


def generate(entities: int, entries: int) -> Rows:
    rows = Rows()
    rows.add(Source, kind="list_file", title="Synthetic list files", verified=True)
    authorities, lists, programs = synthetic.list_rows()
    for model, items in ((Authority, authorities), (SanctionList, lists), (Program, programs)):
        for item in items:
            rows.add(model, **item)
    for post in synthetic.post_rows(entities):
        rows.add(Post, **post)
    made = 0
    for entity in synthetic.iter_entities(entities):
        rows.add(Entity, **entity.entity_row(), created_at=NOW)
        for name in entity.names:
            rows.add(Name, entity_id=entity.id, normalized=normalize_name(name["name"]), **name)
        for tenure in entity.tenures:
            tenure_id = rows.add(
                Tenure,
                person_id=entity.id,
                start_from=dates.earliest_or_none(tenure["start_on"]),
                end_until=dates.latest_or_none(tenure["end_on"]),
                acting=False,
                **tenure,
            )
            rows.add(Citation, source_id=1, subject_table="tenure", subject_id=tenure_id)
        for item in entity.entries:
            entry_id = _entry(rows, item, lists)
            made += 1
            confirmed = item["link_status"] == "confirmed"
            link_id = rows.add(
                Link,
                entity_id=entity.id,
                entry_id=entry_id,
                status=item["link_status"],
                basis="named" if confirmed else None,
                score=1.0,
                proposed_by="importer",
                proposed_at=NOW,
                decided_by="curator" if confirmed else None,
                decided_at=NOW if confirmed else None,
                decision_reason="names, birth date and nationality agree" if confirmed else None,
                needs_review=False,
            )
            rows.add(Citation, source_id=1, subject_table="link", subject_id=link_id)
    # Entries nobody curates, until there are as many entries as asked for.
    index = 0
    while made < entries:
        for item in synthetic.make_entity(index, entities, linked=False).entries:
            _entry(rows, item, lists, prefix="U")  # the generator reuses linked targets' ids
            made += 1
        index += 1
    return rows


def load(engine: Engine, rows: Rows) -> int:
    """Insert the rows, then a chained "create" record for each, read back as stored."""
    # The Editor's tables, sources first: entries refer to them.
    order = [Source.__table__] + [m.__table__ for m in VALIDATORS if m is not Source]  # type: ignore[attr-defined]
    with engine.begin() as connection:
        for table in order:
            items = rows.tables.get(table, [])
            for start in range(0, len(items), BATCH):
                connection.execute(table.insert(), items[start : start + BATCH])
    previous = changelog.GENESIS
    records = 0
    with engine.begin() as connection:
        batch: list[dict[str, Any]] = []
        for table in order:
            for row in connection.execute(select(table).order_by(table.c.id)).mappings():
                after = changelog.canonical_json(changelog.json_ready(dict(row)))
                entity_id = row.get("entity_id", row.get("person_id"))
                if table.name == "entity":
                    entity_id = row["id"]
                change = Change(
                    at=NOW,
                    actor="benchmark",
                    action="create",
                    table_name=table.name,
                    row_id=row["id"],
                    entity_id=entity_id,
                    after=after,
                    reason="synthetic load",
                    prev_hash=previous,
                )
                change.hash = previous = changelog.record_hash(change)
                batch.append(change.model_dump())
                if len(batch) >= BATCH:
                    connection.execute(Change.__table__.insert(), batch)  # type: ignore[attr-defined]
                    records += len(batch)
                    batch = []
        if batch:
            connection.execute(Change.__table__.insert(), batch)  # type: ignore[attr-defined]
            records += len(batch)
    return records


def fill_log(engine: Engine, count: int) -> None:
    """``count`` chained change records (small updates), as fast as executemany allows."""
    previous = changelog.GENESIS
    with engine.begin() as connection:
        for start in range(0, count, BATCH):
            batch = []
            for record_id in range(start + 1, min(count, start + BATCH) + 1):
                row = {
                    "id": record_id,
                    "at": NOW,
                    "actor": "benchmark",
                    "action": "update",
                    "table_name": "entity",
                    "row_id": record_id % 100_000 + 1,
                    "entity_id": record_id % 100_000 + 1,
                    "before": '{"name":"A"}',
                    "after": '{"name":"B"}',
                    "reason": "synthetic edit",
                    "prev_hash": previous,
                }
                # record_hash reads attributes only: a namespace spares a million model objects.
                row["hash"] = previous = changelog.record_hash(SimpleNamespace(**row))  # type: ignore[arg-type]
                batch.append(row)
            connection.execute(Change.__table__.insert(), batch)  # type: ignore[attr-defined]


def bench_audit(folder: Path, entities: int, entries: int) -> float:
    engine = make_engine(f"sqlite:///{folder / 'audit.db'}")
    migrate.upgrade(engine)
    started = time.perf_counter()
    rows = generate(entities, entries)
    records = load(engine, rows)
    counts = {table.name: len(items) for table, items in rows.tables.items()}
    print(f"built in {time.perf_counter() - started:.1f} s: {counts}, {records:,} change records")
    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        findings = run_audit(session, settings=Settings(today=NOW.date()))
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"full audit (run_audit): {total:.1f} s, {cpu:.1f} s CPU (target < 30 s)")
        print(f"  {len(findings):,} findings")
        print("by rule, run again one at a time:")
        context = AuditContext(session, Settings(today=NOW.date()))
        for rule in RULES.values():
            started = time.perf_counter()
            found = sum(1 for _ in rule.check(context))
            print(f"  {rule.name:28} {time.perf_counter() - started:6.2f} s  {found:>9,} findings")
    engine.dispose()
    return total


def bench_verify(folder: Path, count: int) -> float:
    engine = make_engine(f"sqlite:///{folder / 'log.db'}")
    migrate.upgrade(engine)
    started = time.perf_counter()
    fill_log(engine, count)
    print(f"wrote {count:,} change records in {time.perf_counter() - started:.1f} s")
    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        report = changelog.verify_chain(session)
        spent, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.intact and report.records == count, report
    print(f"log verify: {spent:.1f} s, {cpu:.1f} s CPU for {count:,} records (target < 20 s)")
    engine.dispose()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        audit_seconds = bench_audit(Path(folder), args.entities, args.entries)
        verify_seconds = bench_verify(Path(folder), args.changes)
    print(f"summary: audit {audit_seconds:.1f} s, verify {verify_seconds:.1f} s")


if __name__ == "__main__":
    main()
