"""How fast refdb imports each published list, against plain sqlite3 on the same rows.

Run from the repository root:  .venv/bin/python benchmarks/bench_import.py

The full-size files in ../shared/data (see PROVENANCE.md there) are served from a real HTTP
server on 127.0.0.1, and each import runs in its own process into an empty (migrated) SQLite
database, so that its peak memory is its own. The 2024 OFAC SDN file is then imported again
with --force (bypassing the HTTP cache). Finally the rows that first SDN import wrote are
written once more with plain sqlite3 executemany into an empty copy of the schema: the ratio
says how much of the import time is the database itself. Targets (issue 4): SDN first import
< 5 s, forced re-import < 2 s, peak memory < 300 MB for any source.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
EXCERPTS = ROOT / "tests" / "data"
# source → the files to serve (main file first) from ../shared/data, else from tests/data
FILES = {
    "ofac-sdn": ["ofac/sdn.csv"],
    "ofac-cons": [f"ofac/non_sdn_consolidated/cons_{n}.csv" for n in ("prim", "alt", "add", "comments")],
    "un": ["un/consolidated.xml"],
    "eu": ["eu/fsf_v1_1_excerpt_2026-08-05.xml"],  # the full EU file is not in shared/data
    "uk": ["uk/sanctionsconlist_2018-04-13.csv"],
}
FALLBACK = {
    "ofac-sdn": ["ofac/2024-05-03/sdn.csv"],
    "ofac-cons": [f"ofac/cons/cons_{n}.csv" for n in ("prim", "alt", "add", "comments")],
    "un": ["un/consolidated.xml"],
    "eu": ["eu/fsf_v1_1_excerpt_2026-08-05.xml"],
    "uk": ["uk/sanctionsconlist_2018-04-13.csv"],
}
BULK_TABLES = ("sanction_entry", "entry_name", "entry_program", "change")

CHILD = """
import json, resource, sys, time
from refdb import migrate
from refdb.database import Database
from refdb.importers.service import import_list

url, source, database_url, force = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "force"
database = Database(database_url, actor="benchmark")
if not force:
    migrate.upgrade(database.engine)
started, cpu_started = time.perf_counter(), time.process_time()
result = import_list(database, source, url=url, force=force)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, **result.as_dict()}))
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve `folder` on loopback; SimpleHTTPRequestHandler answers If-Modified-Since with 304."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def run_import(url: str, source: str, database: Path, *, force: bool = False) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, source, f"sqlite:///{database}", "force" if force else "first"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"{source}: import failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def baseline(imported: Path, folder: Path) -> tuple[int, float]:
    """Write the rows the import wrote with plain sqlite3 executemany into empty copies of
    their tables (with their indexes; the search index's triggers are not copied)."""
    source = sqlite3.connect(imported)
    target_path = folder / "baseline.db"
    target = sqlite3.connect(target_path)
    marks = ", ".join("?" * len(BULK_TABLES))
    schema = source.execute(
        f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND type IN ('table', 'index') "
        "AND sql IS NOT NULL ORDER BY type DESC",  # tables before their indexes
        BULK_TABLES,
    )
    for (sql,) in schema.fetchall():
        target.execute(sql)
    target.commit()
    tables = {table: source.execute(f'SELECT * FROM "{table}"').fetchall() for table in BULK_TABLES}
    source.close()
    started = time.perf_counter()
    for table, rows in tables.items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            target.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
    target.commit()
    seconds = time.perf_counter() - started
    target.close()
    return sum(len(rows) for rows in tables.values()), seconds


def main() -> None:
    full = SHARED.is_dir()
    base = SHARED if full else EXCERPTS
    print(
        f"data: {'full-size files in ' + str(SHARED) if full else 'committed excerpts (no ../shared/data)'}"
    )
    with tempfile.TemporaryDirectory(prefix="refdb-bench-") as tmp:
        folder = Path(tmp)
        www = folder / "www"
        for source, files in (FILES if full else FALLBACK).items():
            for name in files:
                target = www / source / Path(name).name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(base / name, target)
        server, root = serve(www)
        results: list[tuple[str, dict]] = []
        try:
            urls = {
                source: f"{root}/{source}/{Path(files[0]).name}"
                for source, files in (FILES if full else FALLBACK).items()
            }
            for source, url in urls.items():
                results.append((source, run_import(url, source, folder / f"{source}.db")))
                if source == "ofac-sdn":  # the rows of the first import, for the baseline
                    shutil.copyfile(folder / "ofac-sdn.db", folder / "ofac-sdn-first.db")
            forced = run_import(urls["ofac-sdn"], "ofac-sdn", folder / "ofac-sdn.db", force=True)
            results.append(("ofac-sdn --force", forced))
        finally:
            server.shutdown()
        rows, plain_seconds = baseline(folder / "ofac-sdn-first.db", folder)

    header = ("import", "entries", "added", "unchanged", "seconds", "cpu s", "entries/s", "peak MB")
    print("\n{:<18}{:>9}{:>8}{:>11}{:>9}{:>7}{:>11}{:>9}".format(*header))
    for label, r in results:
        rate = r["entries"] / r["seconds"] if r["seconds"] else 0
        print(
            f"{label:<18}{r['entries']:>9,}{r['added']:>8,}{r['unchanged']:>11,}"
            f"{r['seconds']:>9.2f}{r['cpu']:>7.2f}{rate:>11,.0f}{r['peak_mb']:>9.0f}"
        )
    sdn, forced = results[0][1], results[-1][1]
    print(
        f"\nplain sqlite3 executemany of the same {rows:,} rows (entries, names, programs, change log): "
        f"{plain_seconds:.3f} s = {rows / plain_seconds:,.0f} rows/s; "
        f"the refdb import took {sdn['seconds'] / plain_seconds:.1f}x as long"
    )
    peak = max(r["peak_mb"] for _, r in results)
    if full:
        checks = [
            ("SDN first import", sdn["seconds"], 5, "s"),
            ("forced re-import", forced["seconds"], 2, "s"),
            ("peak memory", peak, 300, "MB"),
        ]
        print(
            "targets: "
            + "; ".join(
                f"{name} {value:.2f} {unit} (< {limit} {unit}: {'met' if value < limit else 'MISSED'})"
                for name, value, limit, unit in checks
            )
        )
    # Wall time scales with other work on the machine (CPU time much less): say how busy it was.
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in _load())} on {os.cpu_count()} CPUs")


def _load() -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ()


if __name__ == "__main__":
    main()
