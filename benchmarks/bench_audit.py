"""Audit and change-log verification at scale, on SQLite or PostgreSQL.

    python -m benchmarks.bench_audit [--entities 100000] [--entries 50000] [--changes 1000000]
                                     [--db PATH|URL] [--log-db PATH|URL] [--rule NAME ...]

1. A full ``run_audit`` over a database of ``--entities`` curated entities (names,
   tenures, posts), about ``--entries`` sanction entries and the links the generator
   makes (about 10,000 for 100,000 entities), written by ``benchmarks.synthetic.fill``
   with plain ``executemany``; then every row gets its "create" change record, chained
   as the Editor would chain it, so that the history rules see a consistent log (the
   Editor itself would take hours to write this many rows).
   Tenures, entries and links are cited; names are not, so ``fact-uncited`` has a
   finding per name and the runner's cost per finding is measured too.
   Each rule's share is printed too (a load several rules share, such as the change
   log read by ``change-log-broken``, counts under the first rule that needs it).
   ``--db`` (a SQLite file, or a PostgreSQL URL of an empty or already built database)
   keeps the database for the next run; ``--rule`` runs only the rules named.
   The audit runs as ``refdb audit`` runs it: the history rules in a second process.
2. ``verify_chain`` over a log of ``--changes`` records (0: skip), written into
   ``--log-db`` (an empty database; default: a temporary SQLite file).

Targets (issue 6): the audit under 30 s, the verification under 20 s. CPU seconds are
printed beside wall seconds: on a shared, loaded machine the wall clock overstates.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import Engine
from sqlmodel import Session

from benchmarks import synthetic
from refdb import changelog, migrate
from refdb.audit import RULES, Settings, run_audit
from refdb.connection import make_engine, resolve_url
from refdb.models import Change

NOW = synthetic.NOW
BATCH = synthetic.BATCH


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


def _built(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            return bool(connection.exec_driver_sql("SELECT count(*) FROM entity").scalar_one())
    except Exception:  # no schema yet
        return False


def build(engine: Engine, entities: int, entries: int) -> None:
    started = time.perf_counter()
    counts = synthetic.fill(engine, entities, entries=entries, cited=True, change_records=True, index=False)
    records = counts.pop("change")
    elapsed = time.perf_counter() - started
    print(f"built {engine.url!r} in {elapsed:.1f} s: {counts}, {records:,} change records")


def bench_audit(engine: Engine, rules: list[str] | None) -> float:
    print(f"{engine.dialect.name}; load average " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    timings: dict[str, tuple[float, float]] = {}
    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        findings = run_audit(session, rules, Settings(today=NOW.date()), timings, parallel=True)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"full audit (run_audit): {total:.1f} s (target < 30 s), {cpu:.1f} s CPU in this process")
    print("  (the history rules run in a second process, beside the others: their CPU is its own)")
    print(f"  {len(findings):,} findings; by rule (shared loads under the first rule that needs them):")
    counts = Counter(finding.rule for finding in findings)
    for name, (wall, rule_cpu) in timings.items():
        print(f"  {name:28} {wall:6.2f} s {rule_cpu:6.2f} s CPU {counts[name]:>9,} findings")
    return total


def bench_verify(engine: Engine, count: int) -> float:
    migrate.upgrade(engine)
    started = time.perf_counter()
    fill_log(engine, count)
    print(f"wrote {count:,} change records in {time.perf_counter() - started:.1f} s")
    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        report = changelog.verify_chain(session)
        spent, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.intact and report.records == count, report
    print(
        f"log verify ({engine.dialect.name}): {spent:.1f} s, {cpu:.1f} s CPU "
        f"for {count:,} records (target < 20 s)"
    )
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=1_000_000)
    parser.add_argument("--db", help="audit database (SQLite file or URL) to build once and reuse")
    parser.add_argument("--log-db", help="empty database (SQLite file or URL) for the verification")
    parser.add_argument("--rule", action="append", choices=list(RULES), help="time only this rule")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(resolve_url(args.db or str(Path(folder) / "audit.db")))
        if not _built(engine):
            build(engine, args.entities, args.entries)
        summary = f"summary: audit {bench_audit(engine, args.rule):.1f} s"
        engine.dispose()
        if args.changes:
            log_engine = make_engine(resolve_url(args.log_db or str(Path(folder) / "log.db")))
            summary += f", verify {bench_verify(log_engine, args.changes):.1f} s"
            log_engine.dispose()
    print(summary)


if __name__ == "__main__":
    main()
