"""The terminal UI on a large database: time to the first screen, keystroke to results.

    python -m benchmarks.bench_tui [--entities 100000] [--queries 40] [--db PATH]

The database holds ``--entities`` curated entities from ``benchmarks.synthetic`` with
their names, posts, tenures, sanction entries (with their listed names and programs)
and links. ``synthetic`` has no loader, so rows are written here with plain
``executemany``, then the search index is brought up to date (as a migration or an
import would leave it). ``--db`` keeps the database for the next run.

1. Start: a fresh Python process imports the app, opens the database, and runs it
   headless until the search screen has its cursor in the search box. Five runs.
2. Keystroke to results: the synthetic query set typed one key at a time (from the
   second character on), each key timed from the press to the results table showing
   the answer for the text now in the box. p50 and p95.

Targets (issue 5): start under 1 s; keystroke to results under 100 ms at p95.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, text

from benchmarks import synthetic
from refdb import dates, migrate
from refdb.connection import make_engine
from refdb.matching.normalize import normalize_name
from refdb.models import (
    Authority,
    Entity,
    EntryName,
    EntryProgram,
    Link,
    Name,
    Post,
    Program,
    SanctionEntry,
    SanctionList,
    Tenure,
)
from refdb.services.search import refresh_index

NOW = datetime(2026, 11, 29, tzinfo=UTC)
BATCH = 20_000


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def _rows(entities: int) -> Iterator[tuple[Table, dict[str, Any]]]:
    """(table, row) for the whole database, parents before children."""
    authorities, lists, programs = synthetic.list_rows()
    for model, items in ((Authority, authorities), (SanctionList, lists), (Program, programs)):
        yield from ((_table(model), item) for item in items)
    entity_rows, post_rows = [], synthetic.post_rows(entities)
    children: list[tuple[Table, dict[str, Any]]] = []
    entry_id = tenure_id = 0
    for entity in synthetic.iter_entities(entities):
        entity_rows.append({**entity.entity_row(), "created_at": NOW})
        for name in entity.names:
            children.append(
                (_table(Name), {"entity_id": entity.id, "normalized": normalize_name(name["name"]), **name})
            )
        for tenure in entity.tenures:
            tenure_id += 1
            children.append(
                (
                    _table(Tenure),
                    {
                        "id": tenure_id,
                        "person_id": entity.id,
                        "start_from": dates.earliest_or_none(tenure["start_on"]),
                        "end_until": dates.latest_or_none(tenure["end_on"]),
                        "acting": False,
                        **tenure,
                    },
                )
            )
        for item in entity.entries:
            entry_id += 1
            delisted = item["delisted_on"] and max(item["delisted_on"], item["listed_on"])
            children.append(
                (
                    _table(SanctionEntry),
                    {
                        "id": entry_id,
                        "list_id": lists[item["list_index"]]["id"],
                        "record_id": item["record_id"],
                        "target_kind": item["target_kind"],
                        "name": item["name"],
                        "birth_dates": item["birth_dates"],
                        "nationalities": item["nationalities"],
                        "birth_places": [],
                        "addresses": [],
                        "identifiers": [],
                        "measures": [],
                        "raw": {},
                        "listed_on": item["listed_on"],
                        "delisted_on": delisted,
                        "listed_from": dates.earliest_or_none(item["listed_on"]),
                        "delisted_from": dates.earliest_or_none(delisted),
                        "first_seen": NOW,
                        "last_seen": NOW,
                    },
                )
            )
            children += [
                (_table(EntryName), {"entry_id": entry_id, "normalized": normalize_name(n["name"]), **n})
                for n in item["names"]
            ]
            children += [
                (_table(EntryProgram), {"entry_id": entry_id, "program_id": p}) for p in item["program_ids"]
            ]
            confirmed = item["link_status"] == "confirmed"
            children.append(
                (
                    _table(Link),
                    {
                        "entity_id": entity.id,
                        "entry_id": entry_id,
                        "status": item["link_status"],
                        "score": 1.0,
                        "decision_reason": "synthetic" if confirmed else None,
                        "decided_by": "benchmark" if confirmed else None,
                        "needs_review": False,
                    },
                )
            )
    yield from ((_table(Entity), row) for row in entity_rows)
    yield from ((_table(Post), row) for row in post_rows)
    yield from children


def build(path: Path, entities: int) -> None:
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        pending: dict[Table, list[dict[str, Any]]] = {}
        order: list[Table] = []
        for table, row in _rows(entities):
            if table not in pending:
                pending[table] = []
                order.append(table)
            pending[table].append(row)
        for table in order:
            rows = pending[table]
            counts[table.name] = len(rows)
            for start in range(0, len(rows), BATCH):
                connection.execute(table.insert(), rows[start : start + BATCH])
    loaded = time.perf_counter() - started
    with engine.begin() as connection:
        indexed = refresh_index(connection)
        connection.execute(text("PRAGMA optimize"))
    engine.dispose()
    indexing = time.perf_counter() - started - loaded
    print(f"built {path} in {loaded:.1f} s, indexed {indexed:,} names in {indexing:.1f} s")
    print("  " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))


_START_PROBE = """
import time
started = time.perf_counter()
import asyncio, sys
from refdb.database import Database
from refdb_tui.app import RefdbApp
from refdb_tui.screens.search import SearchScreen

async def main():
    app = RefdbApp(Database.open(sys.argv[1]))
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, SearchScreen) and app.focused is app.screen.query_one("#search")):
            await asyncio.sleep(0.001)
        print(time.perf_counter() - started, time.process_time())

asyncio.run(main())
"""


def bench_start(url: str, runs: int = 5) -> list[tuple[float, float]]:
    """(wall, CPU) seconds per run; CPU is the process's own, which a busy machine does
    not inflate, so the two together tell a slow app from a loaded host."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _START_PROBE, url], capture_output=True, text=True, check=True
        )
        wall, cpu = out.stdout.strip().splitlines()[-1].split()
        times.append((float(wall), float(cpu)))
    return times


async def bench_keys(url: str, queries: list[str]) -> list[float]:
    from refdb_tui.app import RefdbApp
    from refdb_tui.screens.search import SearchScreen
    from textual import events
    from textual.widgets import Input

    from refdb.database import Database
    from refdb.services.search import search

    database = Database.open(url)
    with database.session() as session:
        search(session, "warm up")  # a first search may bring the name index up to date
    app = RefdbApp(database)
    latencies = []
    async with app.run_test(size=(120, 40)):
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        box = screen.query_one("#search", Input)
        for query in queries:
            box.value = query[:1]
            await app.workers.wait_for_complete()
            for char in query[1:]:
                # The key goes to the input as a terminal's would (Pilot.press adds its own
                # waits for idle); done is when the table with this text's results is painted.
                painted = asyncio.Event()
                started = time.perf_counter()
                box.post_message(events.Key("space" if char == " " else char, char))
                expected = box.value + char
                while screen.shown_query != expected:
                    await asyncio.sleep(0.0005)
                screen.call_after_refresh(painted.set)
                await painted.wait()
                latencies.append(time.perf_counter() - started)
    return latencies


def bench_service(url: str, queries: list[str]) -> list[float]:
    """The search service alone on the same prefixes: what the UI adds is the difference."""
    from refdb_tui.screens.search import RESULT_CAP

    from refdb.database import Database
    from refdb.services.search import search

    database = Database.open(url)
    latencies = []
    with database.session() as session:
        for query in queries:
            for end in range(2, len(query) + 1):
                started = time.perf_counter()
                search(session, query[:end], limit=RESULT_CAP + 1)
                latencies.append(time.perf_counter() - started)
    database.close()
    return latencies


def _percentiles(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return f"p50 {_ms(cuts[49])}, p95 {_ms(cuts[94])}, max {_ms(max(latencies))}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--db", type=Path, help="database file to build once and reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "tui.db"
        if not path.exists():
            build(path, args.entities)
        url = f"sqlite:///{path.resolve()}"
        starts = bench_start(url)
        wall = statistics.median(w for w, _ in starts)
        cpu = statistics.median(c for _, c in starts)
        print(f"start to first screen: median {_ms(wall)} wall, {_ms(cpu)} CPU (target < 1 s)")
        queries = [q["query"] for q in synthetic.make_queries(args.entities, args.queries)]
        latencies = asyncio.run(bench_keys(url, queries))
        print(
            f"keystroke to results: {len(latencies)} keys over {len(queries)} queries, "
            f"{_percentiles(latencies)} (target p95 < 100 ms)"
        )
        print(f"  of which the search service alone: {_percentiles(bench_service(url, queries))}")


if __name__ == "__main__":
    main()
