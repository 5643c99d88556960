"""Officials imports on the real files: speed of `refdb import us-congress`, and the link
proposals between officials and list entries (how many, and each one, for a person to judge).

Run from the repository root:
  .venv/bin/python benchmarks/bench_officials.py                 # timings, SQLite
  .venv/bin/python benchmarks/bench_officials.py --db postgresql+psycopg://...  # an empty database
  .venv/bin/python benchmarks/bench_officials.py --crosslink     # proposals on the real lists

The us-congress files (../shared/data/us-congress) are served from a real HTTP server on
127.0.0.1. Timed, each in a seeded database as `refdb init` leaves it: the first import of
both files, a re-import (the server answers 304: nothing downloaded, parsed or written) and
a forced re-import (downloaded and parsed again; nothing written). Targets (issue 12): first
import < 3 s, re-import unchanged < 1 s.

--crosslink imports the OFAC SDN, UN and UK lists, then us-congress and the two Wikidata
people (Q7747, Q254220, from their recorded wbgetentities answers: positions keep their QIDs
as titles, as no label is fetched) and prints every link proposal made.
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from refdb import bootstrap
from refdb.database import Database
from refdb.importers.officials import OfficialsDocument, apply_officials, wikidata
from refdb.importers.officials.service import WIKIDATA, import_us_congress
from refdb.importers.service import import_list, local_download
from refdb.matching.normalize import normalize_name
from refdb.models import Entity, EntryName, Link, Name, SanctionEntry, SanctionList

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FILES = ("legislators-current.yaml", "executive.yaml")
LISTS = {"ofac-sdn": "ofac/sdn.csv", "un": "un/consolidated.xml", "uk": "uk/sanctionsconlist_2018-04-13.csv"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def database(url: str | None) -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="bench-officials-") as folder:
        db = Database(url or f"sqlite:///{folder}/refdb.db", actor="bench")
        bootstrap.initialize(db, announce=lambda _message: None)
        try:
            yield db
        finally:
            db.close()


def timed(label: str, action) -> object:
    """Run and print wall time, and this process's CPU time (the figure to read on a busy machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    print(f"{label:<44} {time.perf_counter() - start:6.2f} s  (CPU {time.process_time() - cpu:5.2f} s)")
    return result


def timings(data: Path, url: str | None) -> None:
    with serve(data / "us-congress") as base, database(url) as db:
        urls = [f"{base}/{name}" for name in FILES]
        first = timed("first import (both files, over HTTP)", lambda: import_us_congress(db, urls=urls))
        print(
            f"  {first.people:,} people ({first.people_added:,} added, {first.people_matched:,} seeded), "
            f"{first.tenures_added:,} tenures, {first.posts_added:,} posts, "
            f"{len(first.proposals)} link proposals"
        )
        again = timed("re-import unchanged (HTTP 304)", lambda: import_us_congress(db, urls=urls))
        assert again.not_modified
        forced = timed(
            "re-import unchanged, --force (parsed again)",
            lambda: import_us_congress(db, urls=urls, force=True),
        )
        assert forced.tenures_added == forced.tenures_changed == 0


def crosslink(data: Path, url: str | None) -> None:
    """Both orders: lists first (the officials imports propose), then officials first (the
    list imports propose); every proposal is printed for a person to judge."""
    for officials_first in (False, True):
        print(f"\n-- {'officials, then lists' if officials_first else 'lists, then officials'}")
        proposals: list[dict] = []
        with database(url) as db:
            steps = [lambda: import_lists(db, data), lambda: import_officials(db, data)]
            for step in reversed(steps) if officials_first else steps:
                proposals += step()
            print(f"{len(proposals)} link proposals:")
            for p in proposals:
                print(f"  {p['entity']} -> {p['list']} {p['record_id']} {p['entry']!r} {p['score']:.2f}")
                print(f"    {p['explanation']}")
            if not officials_first:
                recall_candidates(db)


def recall_candidates(db: Database) -> None:
    """For judging recall: every pair of a stored person and a listed person or unknown
    target sharing a surname (the last word of any name, folded, 3 letters or more) whose
    birth years agree (or one is unknown and two words are shared), with the link or
    proposal the imports made for it, if any. A person reads the list and says which pairs
    are really one person: those without a link are the misses."""
    with Session(db.engine) as session:
        links = {(e, x): s for e, x, s in session.execute(select(Link.entity_id, Link.entry_id, Link.status))}
        people: dict[int, tuple[str, str | None, set[str]]] = {}
        for entity_id, name, born in session.execute(
            select(Entity.id, Entity.name, Entity.birth_date).where(
                Entity.kind == "person", col(Entity.merged_into_id).is_(None)
            )
        ):
            people[entity_id] = (name, born, set())
        for entity_id, normalized in session.execute(select(Name.entity_id, Name.normalized)):
            if entity_id in people:
                people[entity_id][2].update(normalized.split())
        by_surname: dict[str, set[int]] = defaultdict(set)
        for entity_id, (name, _, _) in people.items():
            for token in normalize_name(name).split()[-1:]:
                if len(token) >= 3:
                    by_surname[token].add(entity_id)
        entry_tokens: dict[int, set[str]] = defaultdict(set)
        for entry_id, normalized in session.execute(select(EntryName.entry_id, EntryName.normalized)):
            entry_tokens[entry_id].update(normalized.split())
        entries = session.execute(
            select(SanctionEntry.id, SanctionList.key, SanctionEntry.record_id, SanctionEntry.name,
                   SanctionEntry.birth_dates)
            .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
            .where(col(SanctionEntry.target_kind).in_(("person", "unknown")))
        ).all()  # fmt: skip
        pairs = 0
        for entry_id, list_key, record_id, entry_name, births in entries:
            tokens = entry_tokens[entry_id] | set(normalize_name(entry_name).split())
            for entity_id in sorted({e for t in tokens for e in by_surname.get(t, ())}):
                name, born, words = people[entity_id]
                years = {b[:4] for b in births or []}
                agree = born[:4] in years if born and years else len(words & tokens) >= 2
                if not agree:
                    continue
                pairs += 1
                status = links.get((entity_id, entry_id), "no link")
                print(f"  {name} (born {born or '?'}) ~ {list_key} {record_id} {entry_name!r} "
                      f"(born {', '.join(births or ['?'])}): {status}")  # fmt: skip
        print(f"{pairs} candidate pairs for judging recall")


def import_lists(db: Database, data: Path) -> list[dict]:
    proposals = []
    for key, path in LISTS.items():
        result = timed(f"import {key}", lambda key=key, path=path: import_list(db, key, file=data / path))
        print(f"  {result.entries:,} entries, {len(result.proposals)} link proposals")
        proposals += result.proposals
    return proposals


def import_officials(db: Database, data: Path) -> list[dict]:
    files = [data / "us-congress" / n for n in FILES]
    congress = timed("import us-congress", lambda: import_us_congress(db, files=files))
    print(f"  {congress.people:,} people, {len(congress.proposals)} link proposals")
    documents = []
    for qid in ("Q7747", "Q254220"):
        download = local_download(data / "wikidata" / f"{qid}_wbgetentities.json")
        entity = wikidata.entities_of(download.path, download.path.name, [qid])[qid]
        posts = {q: wikidata.post(q, None, {}) for q in wikidata.positions_held(entity)}
        documents.append(
            OfficialsDocument(download, [wikidata.person(download.path.name, entity, posts, {})])
        )
    people = timed("import wikidata Q7747 Q254220", lambda: apply_officials(db, WIKIDATA, documents))
    print(f"  {people.people:,} people, {len(people.proposals)} link proposals")
    return congress.proposals + people.proposals


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SHARED, help="the shared data folder")
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    parser.add_argument("--crosslink", action="store_true", help="measure link proposals instead")
    args = parser.parse_args()
    if not (args.data / "us-congress").is_dir():
        # A checkout without the shared data beside it (a worktree elsewhere, a user's clone):
        # the server would answer every request with 404.
        print(f"skipped: no real files at {args.data / 'us-congress'} (give --data FOLDER)")
        return
    print(f"load average {os.getloadavg()[0]:.2f} at start, {os.cpu_count()} CPUs")
    (crosslink if args.crosslink else timings)(args.data, args.db)
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
