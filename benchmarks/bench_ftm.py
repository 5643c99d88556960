"""How fast `refdb import ftm` loads officials: synthetic PEP-style FtM entities (benchmarks/
synthetic.py), by default 100,000 people with 300,000 Occupancies, into a seeded database.

Run from the repository root:
    .venv/bin/python -m benchmarks.bench_ftm                       # a SQLite file in a temp folder
    .venv/bin/python -m benchmarks.bench_ftm --db postgresql+psycopg://refdb@127.0.0.1:55432/refdb_dev

On PostgreSQL the run gets a schema of its own, dropped afterwards. It prints the time to
parse the file, to write it (first import), and to import it again unchanged, with this
process's CPU and, on a PostgreSQL server on this machine, its backend's; with --profile,
the 25 functions with the most time of their own. Target (issue 12): first import < 60 s.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

from benchmarks.server import server_clock
from benchmarks.synthetic import SEED, write_ftm_officials
from refdb import bootstrap
from refdb.database import Database
from refdb.importers.officials import ftm as ftm_reader
from refdb.importers.officials.service import import_ftm
from refdb.importers.officials.writer import OfficialsResult


@contextmanager
def database_at(url: str | None, folder: Path) -> Iterator[str]:
    """An empty database: a SQLite file in ``folder``, or a fresh schema on a PostgreSQL server."""
    if url is None or url.startswith("sqlite"):
        yield url or f"sqlite:///{folder / 'bench.db'}"
        return
    schema = f"bench_ftm_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}?options=-csearch_path%3D{schema},public"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class Timing:
    """`refdb import ftm FILE` as the CLI runs it: seconds in all, seconds of that parsing
    (timed by wrapping the reader), this process's CPU seconds (on a shared machine the
    wall clock also counts other processes' turns), and the PostgreSQL server's (its
    backends' CPU; None for SQLite or a server elsewhere)."""

    total: float
    parse: float
    cpu: float
    helper_cpu: float  # the process that works out name forms beside the parse (officials/forms.py)
    server_cpu: float | None
    result: OfficialsResult

    def __str__(self) -> str:
        server = "" if self.server_cpu is None else f", server CPU {self.server_cpu:.1f} s"
        helper = f", name forms process {self.helper_cpu:.1f} s" if self.helper_cpu else ""
        return (
            f"{self.total:.1f} s (parse {self.parse:.1f} s, the rest {self.total - self.parse:.1f} s; "
            f"CPU {self.cpu:.1f} s{helper}{server})"
        )


@contextmanager
def server_cpu(engine: Engine) -> Iterator[Callable[[], float | None]]:
    """A clock of the CPU seconds the server processes behind ``engine``'s connections
    spend from now on (each backend is timed from its first checkout in the block)."""
    started: dict[int, tuple[Callable[[], float], float]] = {}

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        pid = dbapi_connection.info.backend_pid
        if pid not in started and (clock := server_clock(pid)):
            started[pid] = (clock, clock())

    if engine.dialect.name != "postgresql":
        yield lambda: None
        return
    event.listen(engine, "checkout", checkout)
    try:
        yield lambda: sum(clock() - start for clock, start in started.values()) if started else None
    finally:
        event.remove(engine, "checkout", checkout)


def children_cpu() -> float:
    """CPU seconds of this process's ended child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_file(database: Database, path: Path) -> Timing:
    parsing = [0.0]
    read = ftm_reader.read  # what import_ftm calls (timing ``parse`` measured nothing)

    def timed_read(file: Path) -> tuple:
        started = time.perf_counter()
        try:
            return read(file)
        finally:
            parsing[0] += time.perf_counter() - started

    ftm_reader.read = timed_read  # type: ignore[assignment]
    try:
        with server_cpu(database.engine) as server:
            started, cpu, helper = time.perf_counter(), time.process_time(), children_cpu()
            result = import_ftm(database, path, force=True)
            total, cpu = time.perf_counter() - started, time.process_time() - cpu
            return Timing(total, parsing[0], cpu, children_cpu() - helper, server(), result)
    finally:
        ftm_reader.read = read  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL server URL (default: a SQLite file)")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--tenures", type=int, default=3, help="Occupancies per person")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--profile", action="store_true", help="profile the first import")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="bench-ftm-") as folder,
        database_at(args.db, Path(folder)) as url,
    ):
        path = Path(folder) / "officials.ftm.json"
        started = time.perf_counter()
        entities = write_ftm_officials(path, args.people, args.tenures, args.seed)
        print(
            f"generated {entities:,} FtM entities ({args.people:,} people, {args.people * args.tenures:,}"
            f" occupancies), {path.stat().st_size / 1e6:.0f} MB, in {time.perf_counter() - started:.1f} s"
        )
        database = Database(url, actor="benchmark")
        bootstrap.initialize(database, announce=lambda _message: None)
        print(f"back end: {database.engine.dialect.name}; load average {os.getloadavg()[0]:.2f}")
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        first = import_file(database, path)
        if profiler:
            profiler.disable()
        result = first.result
        print(
            f"first import: {first}: {result.people_added:,} people added, "
            f"{result.tenures_added:,} tenures, {result.posts_added:,} posts"
        )
        again = import_file(database, path)
        unchanged = again.result.tenures_unchanged
        print(f"re-import, unchanged (--force): {again}: {unchanged:,} tenures unchanged")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        database.close()
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
