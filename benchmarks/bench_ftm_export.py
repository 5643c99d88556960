"""Does `refdb export ftm` stream? Its time and peak memory on synthetic officials
(benchmarks/synthetic.py) at two sizes: a streaming export's memory stays flat.

Run from the repository root:
    .venv/bin/python -m benchmarks.bench_ftm_export --people 10000 --people 100000
    .venv/bin/python -m benchmarks.bench_ftm_export --db postgresql+psycopg://refdb@127.0.0.1:55432/bench_x

Each size is imported into a fresh seeded database (`import_ftm`, as `refdb import ftm`),
then exported by `refdb export ftm -o FILE` in a child process, whose peak resident memory
(getrusage of the child) and wall time are printed with the number of entities written.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_ftm import database_at
from benchmarks.synthetic import SEED, write_ftm_officials
from refdb import bootstrap
from refdb.database import Database
from refdb.importers.officials.service import import_ftm


def export_in_child(url: str, target: Path) -> tuple[float, float]:
    """Seconds and peak resident MB of `refdb export ftm` run as its own process."""
    started = time.perf_counter()
    command = [sys.executable, "-c", "from refdb.cli import main; main()", "export", "ftm"]
    child = subprocess.Popen([*command, "--db", url, "-o", str(target)], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not every child's
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"refdb export ftm failed (exit {child.returncode})")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL server URL (default: a SQLite file)")
    parser.add_argument("--people", type=int, action="append", help="sizes, smallest first")
    args = parser.parse_args()
    for people in args.people or [10_000, 100_000]:
        with (
            tempfile.TemporaryDirectory(prefix="bench-ftm-export-") as folder,
            database_at(args.db, Path(folder)) as url,
        ):
            source = Path(folder) / "officials.ftm.json"
            write_ftm_officials(source, people, 3, SEED)
            database = Database(url, actor="benchmark")
            bootstrap.initialize(database, announce=lambda _message: None)
            started = time.perf_counter()
            import_ftm(database, source, force=True)
            imported = time.perf_counter() - started
            database.close()
            target = Path(folder) / "export.ftm.json"
            seconds, peak = export_in_child(url, target)
            with target.open("rb") as written:
                entities = sum(1 for _ in written)
            print(
                f"{people:,} people (imported in {imported:.0f} s): export {seconds:.1f} s, "
                f"{entities:,} entities, {target.stat().st_size / 1e6:.0f} MB, "
                f"peak memory of the exporting process {peak:.0f} MB; load {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
