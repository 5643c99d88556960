"""The terminal UI on a large database: time to the first screen, keystroke to results.

    python -m benchmarks.bench_tui [--entities 100000] [--queries 40] [--db PATH]

The database holds ``--entities`` curated entities from ``benchmarks.synthetic`` with
their names, posts, tenures, sanction entries (with their listed names and programs)
and links, written by ``synthetic.fill`` with plain ``executemany``, then the search
index brought up to date (as a migration or an import would leave it). ``--db`` keeps
the database for the next run.

1. Start: a fresh Python process imports the app, opens the database, and runs it
   headless until the search screen has its cursor in the search box. Then, in the
   same run, the first synthetic query is typed at once, key by key, and timed until
   its results are shown: the app imports the other screens (and the ORM) in a
   worker after the first frame, and this figure shows what that costs a user who
   types straight away. Five runs.
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
from pathlib import Path

from sqlalchemy import text

from benchmarks import synthetic
from refdb import bootstrap
from refdb.connection import make_engine


def build(path: Path, entities: int) -> None:
    """The synthetic database with the entries of its curated entities only."""
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{path}")
    counts = synthetic.fill(engine, entities, entries=0)
    with engine.begin() as connection:
        connection.execute(text("PRAGMA optimize"))
    engine.dispose()
    indexed = counts.pop("search_docs")
    print(f"built {path} in {time.perf_counter() - started:.1f} s, {indexed:,} names indexed")
    print("  " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))


_START_PROBE = """
import time
started = time.perf_counter()
import asyncio, sys
from refdb.database import Database
from refdb_tui.app import RefdbApp
from refdb_tui.screens.search import SearchScreen

async def main():
    app = RefdbApp(bootstrap.open_database(sys.argv[1]))
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, SearchScreen) and app.focused is app.screen.query_one("#search")):
            await asyncio.sleep(0.001)
        ready = time.perf_counter() - started, time.process_time()
        await pilot.press(*sys.argv[2])
        while app.screen.shown_query != sys.argv[2]:
            await asyncio.sleep(0.001)
        print(*ready, time.perf_counter() - started)

asyncio.run(main())
"""


def bench_start(url: str, query: str, runs: int = 5) -> list[tuple[float, float, float]]:
    """(wall, CPU) seconds to the first screen, and wall seconds to the first results
    for ``query``, per run; CPU is the process's own, which a busy machine does not
    inflate, so the two together tell a slow app from a loaded host."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _START_PROBE, url, query], capture_output=True, text=True, check=True
        )
        wall, cpu, results = out.stdout.strip().splitlines()[-1].split()
        times.append((float(wall), float(cpu), float(results)))
    return times


async def bench_keys(url: str, queries: list[str]) -> list[float]:
    from refdb_tui.app import RefdbApp
    from refdb_tui.screens.search import SearchScreen
    from textual import events
    from textual.widgets import Input

    from refdb.search.service import search

    database = bootstrap.open_database(url)
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

    from refdb.search.service import search

    database = bootstrap.open_database(url)
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
        queries = [q["query"] for q in synthetic.make_queries(args.entities, args.queries)]
        starts = bench_start(url, queries[0])
        wall = statistics.median(w for w, _, _ in starts)
        cpu = statistics.median(c for _, c, _ in starts)
        first = statistics.median(r for _, _, r in starts)
        print(f"start to first screen: median {_ms(wall)} wall, {_ms(cpu)} CPU (target < 1 s)")
        print(f"  start to the results of {queries[0]!r} typed at once: median {_ms(first)}")
        latencies = asyncio.run(bench_keys(url, queries))
        print(
            f"keystroke to results: {len(latencies)} keys over {len(queries)} queries, "
            f"{_percentiles(latencies)} (target p95 < 100 ms)"
        )
        print(f"  of which the search service alone: {_percentiles(bench_service(url, queries))}")


if __name__ == "__main__":
    main()
