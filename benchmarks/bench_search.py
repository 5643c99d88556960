"""Search benchmark: recall and latency of refdb's matcher on SQLite and PostgreSQL, side
by side, against a brute-force rapidfuzz scan over the same names.

    python -m benchmarks.bench_search --entities 1000000 [--queries 1200]

Loads the synthetic database (benchmarks/synthetic.py) into a SQLite file (kept, and
reused on the next run with the same size and seed) and, when REFDB_BENCH_PG_URL names
an empty PostgreSQL database, into that too; then runs the labelled query set through
``refdb.search.service.find`` on each and through the brute-force baseline, and
prints recall@1 and recall@10 per variant kind, search latency (p50, p95), the time of
a whole `refdb search` process, and batch screening throughput, with where a screened
name's time goes (database reads, candidate weighing, scoring).

A query counts as found at k when its target entity, or a sanction entry of that
entity, is among the first k results. Queries without one right answer are left out
of recall and counted apart (``_ambiguous``): another entity bears the target's very
name, or the query is another entity's name (a typo can make one), or the query is
the target's name with middle names dropped and also another entity's (Ivan Sidorov
from Ivan Petrovich and from Ivan Olegovich Sidorov). Names are compared as
``normalize_name`` writes them (case, accents, punctuation), not as the matcher
folds them.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from rapidfuzz import fuzz, process
from sqlalchemy import create_engine, text

from benchmarks import synthetic
from benchmarks.server import server_clock
from refdb import migrate
from refdb.connection import resolve_url
from refdb.database import Database
from refdb.matching.normalize import normalize_name
from refdb.reading import Raw
from refdb.schema_revision import SCHEMA_REVISION
from refdb.search import index
from refdb.search import service as search
from refdb.search.service import ScreeningInput, find, screen, screen_in_parallel

PG_VARIABLE = "REFDB_BENCH_PG_URL"
Ranked = list[tuple[str, Any]]  # ("entity", id) or ("sanction_entry", (list, record_id))


def _rows(url: str, sql: str) -> list[Any]:
    """All rows of one statement, on a connection of its own."""
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql)))
    finally:
        engine.dispose()


def _loaded(url: str, n: int) -> bool:
    try:
        ((count,),) = _rows(url, "SELECT count(*) FROM entity")
    except Exception:  # no database, or no schema yet: load it
        return False
    return count == n


def _prepare(url: str, n: int, seed: int, label: str) -> None:
    """Load the synthetic database at ``url``, or reuse one loaded before, migrated to
    this code's schema first: measured as loaded, an older one would time a search that
    `refdb search` refuses to run on it."""
    if _loaded(url, n):
        database = Database(url, actor="bench")
        try:
            revision = database.schema_revision()
            if revision != SCHEMA_REVISION:
                migrate.upgrade(database.engine)
                print(f"{label}: migrated the reused database from revision {revision} to {SCHEMA_REVISION}")
            database.ensure_ready()
        finally:
            database.close()
        print(f"{label}: reusing the loaded database ({n} entities)")
        return
    started = time.perf_counter()
    counts = synthetic.load(url, n, seed)
    elapsed = time.perf_counter() - started
    print(f"{label}: loaded {counts} in {elapsed:.0f} s")


def _collision_rate(url: str) -> float:
    ((shared, total),) = _rows(
        url,
        "SELECT coalesce(sum(CASE WHEN c > 1 THEN c ELSE 0 END), 0), sum(c) FROM "
        "(SELECT count(*) AS c FROM name WHERE kind = 'primary' GROUP BY normalized) t",
    )
    return shared / total


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(normalize_name(name).split())


def _drops_middle(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``short`` is ``full`` with some of its inner words left out."""
    if len(short) < 2 or len(short) >= len(full) or (short[0], short[-1]) != (full[0], full[-1]):
        return False
    words = iter(full)
    return all(word in words for word in short)


def _ambiguous(url: str, queries: Sequence[dict[str, Any]]) -> dict[int, str]:
    """Queries (by position) that more than one entity answers equally, and why. One
    pass over every name of the database."""
    owned = _rows(
        url,
        "SELECT entity_id, normalized FROM name UNION ALL "
        "SELECT coalesce(l.entity_id, -en.entry_id), en.normalized FROM entry_name en "
        "LEFT JOIN link l ON l.entry_id = en.entry_id AND l.status <> 'rejected'",
    )
    targets = {q["target_id"] for q in queries}
    target_names: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    rows = [(owner, tuple(normalized.split())) for owner, normalized in owned]
    for owner, tokens in rows:
        if owner in targets:
            target_names[owner].append(tokens)
    wanted: dict[tuple[str, ...], list[tuple[int, str]]] = defaultdict(list)
    ends: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, q in enumerate(queries):
        names = target_names[q["target_id"]]
        for tokens in names:
            wanted[tuple(sorted(tokens))].append((i, "another entity has the target's name"))
        query = _tokens(q["query"])
        wanted[tuple(sorted(query))].append((i, "the query is another entity's name"))
        # In any rotation: "SIDOROV, Ivan" drops the middle of Ivan Petrovich Sidorov too.
        for turned in {query[k:] + query[:k] for k in range(len(query))}:
            if any(_drops_middle(turned, tokens) for tokens in names):
                ends[(turned[0], turned[-1])].append(i)
    reasons: dict[int, str] = {}
    for owner, tokens in rows:
        for i, reason in wanted.get(tuple(sorted(tokens)), ()):
            if owner != queries[i]["target_id"]:
                reasons.setdefault(i, reason)
        for i in ends.get((tokens[0], tokens[-1]), ()) if tokens else ():
            query = _tokens(queries[i]["query"])
            turns = (query[k:] + query[:k] for k in range(len(query)))
            if owner != queries[i]["target_id"] and any(_drops_middle(t, tokens) for t in turns):
                reasons.setdefault(i, "the query drops middle names of another entity's name too")
    return reasons


def _refdb_ranker(url: str) -> tuple[Callable[[str], Ranked], Callable[[], None], Callable[[], float] | None]:
    """The ranker, its closer, and the CPU clock of the PostgreSQL server process
    serving it (its own work, apart from the machine's load)."""
    database = Database(url, actor="bench")
    session_cm = database.session()
    session = session_cm.__enter__()
    find(session, "warm up")
    server = None
    if database.engine.dialect.name == "postgresql":
        server = server_clock(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())

    def rank(query: str) -> Ranked:
        hits = find(session, query, limit=10, threshold=0.0, sync=False)
        return [
            ("entity", h.id) if h.type == "entity" else ("sanction_entry", (h.list, h.record_id))
            for h in hits
        ]

    def close() -> None:
        session_cm.__exit__(None, None, None)
        database.close()

    return rank, close, server


def _brute_force_ranker(url: str) -> Callable[[str], Ranked]:
    """rapidfuzz's token-sort ratio over every normalised name, in memory (as simple
    screening tools scan a list): the baseline. (WRatio is 5x slower still.)"""
    rows = _rows(
        url,
        "SELECT n.normalized, 'entity', n.entity_id, NULL, NULL FROM name n "
        "UNION ALL SELECT en.normalized, 'sanction_entry', NULL, sl.key, s.record_id "
        "FROM entry_name en JOIN sanction_entry s ON s.id = en.entry_id "
        "JOIN sanction_list sl ON sl.id = s.list_id",
    )
    names = [r[0] for r in rows]
    owners = [("entity", r[2]) if r[1] == "entity" else ("sanction_entry", (r[3], r[4])) for r in rows]

    def rank(query: str) -> Ranked:
        ranked: Ranked = []
        for _, _, i in process.extract(normalize_name(query), names, scorer=fuzz.token_sort_ratio, limit=30):
            if owners[i] not in ranked:
                ranked.append(owners[i])
        return ranked[:10]

    return rank


def _evaluate(
    rank: Callable[[str], Ranked],
    queries: Sequence[dict[str, Any]],
    ambiguous: set[int],
    server: Callable[[], float] | None = None,
) -> tuple[dict[str, list[float]], list[float]]:
    """Per variant: [found@1, found@10, count] over the queries with one right answer
    (and, under "all+ambiguous", over every query); latencies in ms; under "cpu" and
    "server cpu", ms of this process's and the server process's CPU a query."""
    recall: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0])
    latencies = []
    # This process holds the query set and every name of the database (the ambiguity
    # check): Python's collector walked them during searches, a pause a search in a lean
    # process never has (at 1M on PostgreSQL, p95 73.0 ms with them walked, 45.8 without).
    gc.collect()
    gc.freeze()
    cpu_started = time.process_time()
    server_started = server() if server else 0.0
    for i, q in enumerate(queries):
        started = time.perf_counter()
        ranked = rank(q["query"])
        latencies.append((time.perf_counter() - started) * 1000)
        targets = {("entity", q["target_id"])} | {("sanction_entry", tuple(r)) for r in q["records"]}
        found = [position for position, item in enumerate(ranked) if item in targets]
        keys = ["all+ambiguous"] if i in ambiguous else [q["variant"], "all", "all+ambiguous"]
        for key in keys:
            recall[key][0] += bool(found and found[0] == 0)
            recall[key][1] += bool(found and found[0] < 10)
            recall[key][2] += 1
    recall["cpu"] = [(time.process_time() - cpu_started) * 1000 / len(queries)]
    if server:
        recall["server cpu"] = [(server() - server_started) * 1000 / len(queries)]
    gc.unfreeze()
    return recall, latencies


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _process_time(url: str, query: str, runs: int = 5) -> float:
    """Median wall time of a whole `refdb search` process, cold start included."""
    refdb = Path(sys.executable).with_name("refdb")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [str(refdb), "search", query, "--db", url, "--json"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _screening_rate(url: str, queries: Sequence[dict[str, Any]], workers: int) -> float:
    """Names screened per second, in this process or spread over ``workers``."""
    inputs = [ScreeningInput(q["query"], row=i) for i, q in enumerate(queries)]
    started = time.perf_counter()
    if workers > 1:
        count = sum(1 for _ in screen_in_parallel(url, inputs, workers=workers))
    else:
        database = Database(url, actor="bench")
        with database.session() as session:
            count = sum(1 for _ in screen(session, inputs))
        database.close()
    return count / (time.perf_counter() - started)


@contextmanager
def _stage_clock() -> Iterator[Counter[str]]:
    """Seconds spent in each stage of a search while inside: reading the database
    (every statement), choosing candidates and ranking them (each without its reads)."""
    spent: Counter[str] = Counter()

    def clocked(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            reads_before, started = spent["database reads"], time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                if stage == "database reads":
                    spent[stage] += elapsed
                else:
                    spent[stage] += elapsed - (spent["database reads"] - reads_before)

        return run

    with ExitStack() as patches:
        for owner, name, stage in (
            (Raw, "rows", "database reads"),
            (index, "candidates", "candidates (Python)"),
            (search, "_rank", "ranking and scoring (Python)"),
        ):
            patches.enter_context(mock.patch.object(owner, name, clocked(stage, getattr(owner, name))))
        yield spent


def _screening_stages(url: str, queries: Sequence[dict[str, Any]]) -> None:
    """Where a screened name's time goes, in one process."""
    inputs = [ScreeningInput(q["query"], row=i) for i, q in enumerate(queries)]
    database = Database(url)
    with database.reading() as reader:
        sum(1 for _ in screen(reader, inputs[:50]))  # warm the caches
        with _stage_clock() as spent:
            started = time.perf_counter()
            sum(1 for _ in screen(reader, inputs))
            total = time.perf_counter() - started
    database.close()
    spent["other"] = total - sum(spent.values())
    print(f"screening, where a name's {total * 1000 / len(inputs):.1f} ms go (one process):")
    for stage, seconds in spent.items():
        print(f"  {stage:<30}{seconds * 1000 / len(inputs):>6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1200, help="about equal per variant kind")
    parser.add_argument("--seed", type=int, default=synthetic.SEED)
    parser.add_argument("--sqlite", help="SQLite file (default: /tmp/refdb-bench-N.db)")
    parser.add_argument(
        "--no-sqlite",
        action="store_true",
        help="PostgreSQL only (REFDB_BENCH_PG_URL): no SQLite file is loaded or read",
    )
    parser.add_argument(
        "--baseline-queries", type=int, default=240, help="queries for the brute-force scan (0: skip)"
    )
    args = parser.parse_args()
    n = args.entities
    sqlite_url = f"sqlite:///{args.sqlite or f'/tmp/refdb-bench-{n}-{args.seed}.db'}"
    pg_url = os.environ.get(PG_VARIABLE)

    if args.no_sqlite and not pg_url:
        parser.error(f"--no-sqlite needs {PG_VARIABLE}")
    backends = {}
    if not args.no_sqlite:
        _prepare(sqlite_url, n, args.seed, "sqlite")
        backends["sqlite"] = sqlite_url
    if pg_url:
        _prepare(pg_url, n, args.seed, "postgresql")
        backends["postgresql"] = pg_url
    else:
        print(f"postgresql: skipped ({PG_VARIABLE} is not set)")
    first_url = next(iter(backends.values()))  # both hold the same names
    print(f"primary names shared by more than one entity: {_collision_rate(first_url):.2%}")

    queries = synthetic.make_queries(n, args.queries, args.seed)
    reasons = _ambiguous(first_url, queries)
    print(f"queries without one right answer, left out of recall: {len(reasons)} of {len(queries)}")
    for reason, count in Counter(reasons.values()).most_common():
        print(f"  {count:>4}  {reason}")
    for variant, count in Counter(queries[i]["variant"] for i in reasons).most_common():
        print(f"  {count:>4}  {variant}")
    ambiguous = set(reasons)
    results: dict[str, tuple[dict[str, list[float]], list[float]]] = {}
    for label, url in backends.items():
        rank, close, server = _refdb_ranker(url)
        results[label] = _evaluate(rank, queries, ambiguous, server)
        close()
    if args.baseline_queries:
        # A slow scan: an even sample of the queries (they are grouped by variant).
        step = max(1, len(queries) // args.baseline_queries)
        sample = range(0, len(queries), step)
        results["brute force"] = _evaluate(
            _brute_force_ranker(first_url),
            [queries[i] for i in sample],
            {k for k, i in enumerate(sample) if i in ambiguous},
        )

    labels = list(results)
    header = f"{'variant':<16}" + "".join(f"{label + ' r@1':>18}{'r@10':>7}" for label in labels)
    print(f"\n{n} entities, {len(queries)} queries (brute force: a sample)\n{header}")
    for variant in [*synthetic.VARIANT_KINDS, "all", "all+ambiguous"]:
        line = f"{variant:<16}"
        for label in labels:
            found1, found10, count = results[label][0][variant]
            line += f"{found1 / count:>18.3f}{found10 / count:>7.3f}" if count else f"{'-':>25}"
        print(line)
    for name, share in (("p50 ms", 0.5), ("p95 ms", 0.95)):
        line = f"{name:<16}"
        for label in labels:
            line += f"{_percentile(results[label][1], share):>25.1f}"
        print(line)
    # CPU of this process per query: all of SQLite's work, none of PostgreSQL's server.
    print(f"{'cpu ms/query':<16}" + "".join(f"{results[label][0]['cpu'][0]:>25.1f}" for label in labels))
    # The PostgreSQL server process's own CPU (parallel workers aside), apart from the load.
    served = ["server cpu" in results[label][0] for label in labels]
    if any(served):
        line = "".join(
            f"{results[label][0]['server cpu'][0]:>25.1f}" if ok else f"{'-':>25}"
            for label, ok in zip(labels, served, strict=True)
        )
        print(f"{'server cpu ms':<16}{line}")
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    if args.no_sqlite:
        return
    print(f"\n`refdb search` process (median of 5, SQLite): {_process_time(sqlite_url, 'li shang-fu'):.2f} s")
    sample = queries[:1000]
    for workers in (1, os.cpu_count() or 1):
        rate = _screening_rate(sqlite_url, sample, workers)
        print(f"screening (SQLite, {len(sample)} names, {workers} process(es)): {rate:.0f} names/s")
    _screening_stages(sqlite_url, sample)


if __name__ == "__main__":
    main()
