"""How fast `refdb import ftm` loads officials: synthetic PEP-style FtM entities (benchmarks/
synthetic.py), by default 100,000 people with 300,000 Occupancies, into a seeded database.

Run from the repository root:
    .venv/bin/python -m benchmarks.bench_ftm                       # a SQLite file in a temp folder
    .venv/bin/python -m benchmarks.bench_ftm --db postgresql+psycopg://refdb@127.0.0.1:55432/refdb_dev

On PostgreSQL the run gets a schema of its own, dropped afterwards. It prints the time to
parse the file, to write it (first import), and to import it again unchanged; with
--profile, the 25 functions with the most time of their own. Target (issue 12): first import < 60 s.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

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


def import_file(database: Database, path: Path) -> tuple[float, float, float, OfficialsResult]:
    """`refdb import ftm FILE` as the CLI runs it: seconds in all, seconds of that parsing
    (timed by wrapping the reader), this process's CPU seconds (on a shared machine the
    wall clock also counts other processes' turns), and the result."""
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
        started, cpu = time.perf_counter(), time.process_time()
        result = import_ftm(database, path, force=True)
        return time.perf_counter() - started, parsing[0], time.process_time() - cpu, result
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
        total, parse_s, cpu, result = import_file(database, path)
        if profiler:
            profiler.disable()
        print(
            f"first import: {total:.1f} s (parse {parse_s:.1f} s, the rest {total - parse_s:.1f} s; "
            f"CPU {cpu:.1f} s): "
            f"{result.people_added:,} people added, {result.tenures_added:,} tenures, "
            f"{result.posts_added:,} posts"
        )
        total, parse_s, cpu, result = import_file(database, path)
        print(
            f"re-import, unchanged (--force): {total:.1f} s (parse {parse_s:.1f} s, "
            f"the rest {total - parse_s:.1f} s; CPU {cpu:.1f} s): "
            f"{result.tenures_unchanged:,} tenures unchanged"
        )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        database.close()
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
