"""The auditors' listings at scale, on SQLite or PostgreSQL.

    python -m benchmarks.bench_listings [--officials 100000] [--db PATH|URL] [--runs 5]

Builds (once: ``--db`` keeps it for the next run) a database of ``--officials``
synthetic officials with three tenures each (``synthetic.make_official``: 100,000
officials, 300,000 tenures, about 8,000 of them listed with a link, 70% confirmed),
written by ``synthetic.fill`` with plain ``executemany``, then times each listing:

* through the service (``refdb.services.listings``), best and median of ``--runs``;
* as a user runs it: ``refdb --db URL officials --sanctioned yes`` (and ``--json``) in
  a new process, start-up included (CPU seconds beside wall seconds: on a loaded
  machine the wall clock is mostly waiting for a CPU).

Target (issue 12): ``refdb officials --sanctioned yes`` under 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from benchmarks import synthetic
from refdb.connection import make_engine, resolve_url
from refdb.services import listings
from refdb.services.listings import LinkFilters, OfficialFilters, PostFilters

QUERIES: dict[str, Callable[[Session], dict[str, Any]]] = {
    "officials --sanctioned yes": lambda s: listings.officials(s, OfficialFilters(sanctioned="yes")),
    "officials --in-office-on 2020 --sanctioned yes": lambda s: listings.officials(
        s, OfficialFilters(in_office_on="2020", sanctioned="yes")
    ),
    "officials --sanctioned no": lambda s: listings.officials(s, OfficialFilters(sanctioned="no")),
    "officials": lambda s: listings.officials(s),
    "officials --country ru --in-office-on 2010": lambda s: listings.officials(
        s, OfficialFilters(country="ru", in_office_on="2010")
    ),
    "officials --post minister --offset 5000": lambda s: listings.officials(
        s, OfficialFilters(post="minister"), offset=5000
    ),
    "links --status proposed": lambda s: listings.links(s, LinkFilters(status="proposed")),
    "posts": lambda s: listings.posts(s, PostFilters()),
}


def _built(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            return bool(connection.exec_driver_sql("SELECT count(*) FROM tenure").scalar_one())
    except Exception:  # no schema yet
        return False


def build(engine: Engine, officials: int) -> None:
    # make_official's public bodies come first: add their number so that ``officials``
    # persons follow them (100,200 entities: 200 bodies, 100,000 officials).
    entities = officials + synthetic.public_body_count(officials)
    started = time.perf_counter()
    counts = synthetic.fill(engine, entities, make=synthetic.make_official, index=False)
    print(
        f"built in {time.perf_counter() - started:.1f} s: {counts['entity']:,} entities, "
        f"{counts['tenure']:,} tenures, {counts['sanction_entry']:,} entries, {counts['link']:,} links"
    )


def time_service(engine: Engine, runs: int) -> None:
    for label, query in QUERIES.items():
        times = []
        for _ in range(runs):
            with Session(engine) as session:
                started = time.perf_counter()
                page = query(session)
                times.append(time.perf_counter() - started)
        best, median = min(times) * 1000, statistics.median(times) * 1000
        print(
            f"  {label:<48} best {best:7.1f} ms  median {median:7.1f} ms"
            f"  ({len(page['items'])} of {page['total']:,})"
        )


def time_cli(url: str, runs: int) -> None:
    # The console script installed beside this interpreter, as a user would run it: the
    # table (the target) and --json.
    refdb = str(Path(sys.executable).parent / "refdb")
    for output in ([], ["--json"]):
        command = [refdb, "--db", url, "officials", "--sanctioned", "yes", *output]
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env={**os.environ, "COLUMNS": "100"})
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        # CPU seconds beside wall seconds: on a shared, loaded machine the wall clock overstates.
        print(
            f"  {' '.join(command[3:])} (new process, start-up included): wall best "
            f"{min(walls):.2f} s, median {statistics.median(walls):.2f} s; CPU best {min(cpus):.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officials", type=int, default=100_000)
    parser.add_argument("--db", help="SQLite file or PostgreSQL URL (kept for the next run)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = resolve_url(args.db or str(Path(tempfile.mkdtemp()) / "listings.db"))
    engine = make_engine(url)
    if not _built(engine):
        build(engine, args.officials)
    print(f"{engine.dialect.name}, load average {os.getloadavg()[0]:.2f}:")
    time_service(engine, args.runs)
    engine.dispose()
    time_cli(url, args.runs)


if __name__ == "__main__":
    main()
