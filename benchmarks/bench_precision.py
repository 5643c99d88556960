"""Precision benchmark: how often screening flags somebody who is not in the database,
against how often it finds somebody who is, per score threshold, on SQLite and
PostgreSQL.

    python -m benchmarks.bench_precision --entities 100000 [--absent 1000] [--queries 1200]

Uses the database bench_search loads (benchmarks/synthetic.py; the SQLite file is kept
and reused; PostgreSQL when REFDB_BENCH_PG_URL names a database, loaded when empty).
Two name sets go through ``refdb.search.service.find``, as `refdb screen` runs it:

* absent names (``synthetic.make_absent_names``): realistic names from the same pools
  that no entity or entry bears. False-positive rate at t: the share of them whose best
  hit scores t or more. Screened by name alone, then with the birth date and
  nationality the absent person was made with (as a customer file would give them).
* the labelled query set of bench_search (``synthetic.make_queries``), without the
  queries that have no one right answer. Recall@10 at t: the share whose target is
  among the first ten hits and scores t or more.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from typing import Any

from benchmarks import synthetic
from benchmarks.bench_search import PG_VARIABLE, _ambiguous, _percentile, _prepare, _rows
from refdb.database import Database
from refdb.search.filters import NO_FILTERS, SearchFilters
from refdb.search.service import find

THRESHOLDS = tuple(round(0.70 + 0.05 * i, 2) for i in range(7))


def _taken(url: str) -> set[tuple[str, ...]]:
    """``synthetic.name_key`` of every name and listed name in the database."""
    rows = _rows(url, "SELECT normalized FROM name UNION SELECT normalized FROM entry_name")
    return {tuple(sorted(normalized.split())) for (normalized,) in rows}


def _best_scores(session: Any, absent: Sequence[dict[str, Any]], facts: bool) -> list[tuple[float, str]]:
    """The best hit's score for each absent name (0 when none), and its explanation."""
    scores = []
    for item in absent:
        hits = find(
            session,
            item["query"],
            SearchFilters(birth_date=item["birth_date"], nationality=item["nationality"])
            if facts
            else NO_FILTERS,
            limit=1,
            threshold=0.0,
            sync=False,
            prefix=False,
        )
        scores.append((hits[0].score, hits[0].explanation) if hits else (0.0, ""))
    return scores


def _target_scores(session: Any, queries: Sequence[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """For each labelled query, its target's score when among the first ten hits (else
    -1), and the latencies in ms."""
    scores, latencies = [], []
    for q in queries:
        targets = {("entity", q["target_id"])} | {("sanction_entry", tuple(r)) for r in q["records"]}
        started = time.perf_counter()
        hits = find(session, q["query"], limit=10, threshold=0.0, sync=False, prefix=False)
        latencies.append((time.perf_counter() - started) * 1000)
        found = [
            h.score
            for h in hits
            if (("entity", h.id) if h.type == "entity" else ("sanction_entry", (h.list, h.record_id)))
            in targets
        ]
        scores.append(max(found, default=-1.0))
    return scores, latencies


def _share(values: Sequence[float], threshold: float) -> float:
    return sum(v >= threshold for v in values) / len(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--absent", type=int, default=1000, help="names of nobody in the database")
    parser.add_argument("--queries", type=int, default=1200, help="labelled queries, for recall")
    parser.add_argument("--seed", type=int, default=synthetic.SEED)
    parser.add_argument("--sqlite", help="SQLite file (default: /tmp/refdb-bench-N-SEED.db)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--show", type=int, default=0, help="print the N best-scoring absent names")
    args = parser.parse_args()
    n = args.entities
    backends = {}
    if not args.no_sqlite:
        backends["sqlite"] = f"sqlite:///{args.sqlite or f'/tmp/refdb-bench-{n}-{args.seed}.db'}"
    if pg_url := os.environ.get(PG_VARIABLE):
        backends["postgresql"] = pg_url
    else:
        print(f"postgresql: skipped ({PG_VARIABLE} is not set)")
    for label, url in backends.items():
        _prepare(url, n, args.seed, label)

    first = next(iter(backends.values()))
    taken = _taken(first)
    absent = synthetic.make_absent_names(args.absent, taken.__contains__, args.seed)
    queries = synthetic.make_queries(n, args.queries, args.seed)
    ambiguous = set(_ambiguous(first, queries))
    queries = [q for i, q in enumerate(queries) if i not in ambiguous]
    print(f"{len(absent)} absent names, {len(queries)} labelled queries with one right answer")

    for label, url in backends.items():
        database = Database(url, actor="bench")
        with database.session() as session:
            find(session, "warm up")  # brings the index up to date first
            name_only = _best_scores(session, absent, facts=False)
            with_facts = _best_scores(session, absent, facts=True)
            targets, latencies = _target_scores(session, queries)
        database.close()
        print(f"\n{label}, {n} entities: false positives (absent names with a hit >= t) and recall@10")
        print(f"{'threshold':>10}{'FP name':>10}{'FP +dob,nat':>13}{'recall@10':>11}")
        for t in THRESHOLDS:
            print(
                f"{t:>10.2f}{_share([s for s, _ in name_only], t):>10.1%}"
                f"{_share([s for s, _ in with_facts], t):>13.1%}"
                f"{_share(targets, t):>11.3f}"
            )
        print(f"{'any hit':>10}{'':>23}{_share(targets, 0.0):>11.3f}")
        for score, explanation in sorted(name_only, reverse=True)[: args.show]:
            print(f"  {score:.2f}  {explanation}")
        print(f"search p50 {_percentile(latencies, 0.5):.1f} ms, p95 {_percentile(latencies, 0.95):.1f} ms")
    print(f"(load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
