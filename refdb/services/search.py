"""Name search over curated entities and sanction-entry targets: the one matcher behind
`refdb search`, the TUI, `refdb screen` and the importers' link proposals.

A query goes through three stages:

1. Candidates from the index in the database (``refdb.matching.index``): the names
   sharing the most, and rarest, matching keys with the query.
2. A fast pre-selection of those names with rapidfuzz (token-set, token-sort and
   spacing-free ratios, plus the best by shared keys), so that the explained matcher
   runs on a few dozen names, not hundreds.
3. ``refdb.matching.score``: every pre-selected name scored and explained; each
   entity or entry keeps its best name; birth date and nationality, when given, move
   the score up or down (``score_entity``).

Filters: ``kind`` (entity kind or listed target kind), ``list_key`` (sanction entries
of that list only), and the sanction filters ``program`` and ``active_on``, which keep
sanction entries that match and curated entities with a proposed or confirmed link to
one.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import islice
from typing import Any, Literal, Protocol

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, Engine, TextClause, bindparam, text

from refdb import dates
from refdb.matching import index
from refdb.matching.normalize import forms_of, name_forms
from refdb.matching.score import (
    MATCHER_NAME,
    MATCHER_SETTINGS,
    EntityMatch,
    score_entity,
)


class Readable(Protocol):
    """What searching asks of a session: a SQLModel ``Session`` has it, and so has
    ``Database.reading()``'s reader, which spares `refdb search` importing the ORM."""

    def get_bind(self) -> Engine | Connection: ...

    def connection(self) -> Connection: ...


THRESHOLD = 0.5
PRESELECT = 10  # names kept per pre-selection scorer
PRESELECT_BY_KEYS = 5  # names kept for sharing the most keys with the query
FILTERED_DOCS = 2000  # candidates read when a filter may discard most of them
SYNC_BUSY_MS = 200  # how long a search waits for a writer before searching as is

HitType = Literal["entity", "sanction_entry"]
TYPES: tuple[HitType, ...] = ("entity", "sanction_entry")
SETTINGS = {
    "matcher": MATCHER_NAME,
    **MATCHER_SETTINGS,
    "index_budget": index.BUDGET,
    "index_top_docs": index.TOP_DOCS,
    "index_pair_groups": index.PAIR_GROUPS,
    "index_pair_max_postings": index.PAIR_MAX_POSTINGS,
    "index_rare_word": index.RARE_WORD,
    "preselect": PRESELECT,
    "preselect_by_keys": PRESELECT_BY_KEYS,
}


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One curated entity or sanction entry matching a query."""

    type: HitType
    id: int
    name: str
    kind: str
    score: float
    match: EntityMatch
    list: str | None = None
    record_id: str | None = None
    status: str | None = None  # "active" or "delisted", for sanction entries

    @property
    def matched_name(self) -> str:
        return self.match.name.candidate

    @property
    def explanation(self) -> str:
        return self.match.explanation

    def as_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "type": self.type,
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "score": self.score,
            "matched_name": self.matched_name,
            "explanation": self.explanation,
            "match": self.match.as_dict(),
        }
        if self.type == "sanction_entry":
            item.update(list=self.list, record_id=self.record_id, status=self.status)
        return item


@dataclass(frozen=True, slots=True)
class Filters:
    kind: str | None = None
    program: str | None = None
    list_key: str | None = None
    active_on: str | None = None
    types: tuple[HitType, ...] = TYPES

    @property
    def sanctions(self) -> bool:
        return bool(self.program or self.list_key or self.active_on)

    @property
    def narrowing(self) -> bool:
        return bool(self.kind or self.sanctions or len(self.types) < len(TYPES))


@dataclass(slots=True)
class _Owner:
    """What scoring and filtering need of an entity or entry."""

    type: HitType
    id: int
    name: str
    kind: str
    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    list: str | None = None
    record_id: str | None = None
    status: str | None = None


def refresh_index(connection: Connection) -> int:
    """Reindex names queued by writes, in the caller's transaction (writers may call
    this before committing; searches do it on their own)."""
    return index.sync(connection)


def _sync_before_reading(session: Readable) -> None:
    """Index names written since the last search, in a transaction of its own; if a
    writer holds the database (SQLite), search the index as it stands."""
    bind = session.get_bind()
    with bind.connect() as probe:
        stale = index.stale(probe)
        if not stale and not probe.exec_driver_sql("SELECT 1 FROM search_pending LIMIT 1").first():
            return
    sqlite = bind.dialect.name == "sqlite"
    with bind.connect() as connection:
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SYNC_BUSY_MS}")
            connection.commit()  # SQLAlchemy autobegins on the PRAGMA
        try:
            with connection.begin():
                if stale:
                    index.rebuild(connection)
                else:
                    index.sync(connection)
        except Exception as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA busy_timeout=10000")
                connection.commit()


def _preselect(query: str, docs: Sequence[index.Doc]) -> list[index.Doc]:
    """The few candidate names worth the explained matcher."""
    if len(docs) <= PRESELECT:
        return list(docs)
    choices: dict[tuple[int, int], str] = {}
    for position, doc in enumerate(docs):
        for k, form in enumerate(doc.forms):
            choices[(position, k)] = form
    compact = {key: form.replace(" ", "") for key, form in choices.items()}
    picked = set(range(min(PRESELECT_BY_KEYS, len(docs))))
    for query_form in name_forms(query):
        for scorer, pool, wanted in (
            (fuzz.token_set_ratio, choices, query_form),
            (fuzz.token_sort_ratio, choices, query_form),
            (fuzz.ratio, compact, query_form.replace(" ", "")),
        ):
            for _, _, (position, _) in process.extract(wanted, pool, scorer=scorer, limit=PRESELECT):
                picked.add(position)
    return [docs[p] for p in sorted(picked)]


_NAME_SQL = {
    source: text(f"SELECT id, name, normalized FROM {table} WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    for source, table in ((index.ENTITY_NAME, "name"), (index.ENTRY_NAME, "entry_name"))
}


def _names(connection: Connection, docs: Iterable[index.Doc]) -> dict[int, tuple[str, str]]:
    """Each document's name as written and normalised (doc id -> (name, normalized))."""
    names: dict[int, tuple[str, str]] = {}
    for source, sql in _NAME_SQL.items():
        ids = [d.row_id for d in docs if d.source == source]
        if ids:
            rows = connection.execute(sql, {"ids": ids})
            names.update((index.doc_id(source, i), (n, norm)) for i, n, norm in rows)
    return names


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):  # JSON columns come back as text from raw SQL on SQLite
        value = json.loads(value)
    return [v for v in value or () if v]


@lru_cache(maxsize=64)
def _owner_sql(type_: HitType, kind: bool, sanction_clauses: str) -> TextClause:
    """The statement reading entities or entries by id, with the filters' conditions
    (compiled once per combination of filters)."""
    if type_ == "entity":
        sql = "SELECT e.id, e.name, e.kind, e.birth_date, e.nationality FROM entity e WHERE e.id IN :ids"
        if kind:
            sql += " AND e.kind = :kind"
        if sanction_clauses:
            sql += (
                " AND EXISTS (SELECT 1 FROM link l JOIN sanction_entry s ON s.id = l.entry_id "
                "JOIN sanction_list sl ON sl.id = s.list_id "
                f"WHERE l.entity_id = e.id AND l.status <> 'rejected'{sanction_clauses})"
            )
    else:
        sql = (
            "SELECT s.id, s.name, s.target_kind, s.birth_dates, s.nationalities, s.record_id, "
            "s.delisted_on, sl.key AS list_key FROM sanction_entry s "
            f"JOIN sanction_list sl ON sl.id = s.list_id WHERE s.id IN :ids{sanction_clauses}"
        )
        if kind:
            sql += " AND s.target_kind = :kind"
    return text(sql).bindparams(bindparam("ids", expanding=True))


def _owners(
    connection: Connection, entity_ids: Sequence[int], entry_ids: Sequence[int], filters: Filters
) -> dict[tuple[HitType, int], _Owner]:
    owners: dict[tuple[HitType, int], _Owner] = {}
    clauses, params = _sanction_clauses(filters)
    params["kind"] = filters.kind
    if entity_ids and "entity" in filters.types:
        sql = _owner_sql("entity", bool(filters.kind), clauses)
        for row in connection.execute(sql, {"ids": list(entity_ids), **params}):
            owners[("entity", row.id)] = _Owner(
                "entity",
                row.id,
                row.name,
                row.kind,
                [row.birth_date] if row.birth_date else [],
                [row.nationality] if row.nationality else [],
            )
    if entry_ids and "sanction_entry" in filters.types:
        sql = _owner_sql("sanction_entry", bool(filters.kind), clauses)
        for row in connection.execute(sql, {"ids": list(entry_ids), **params}):
            owners[("sanction_entry", row.id)] = _Owner(
                "sanction_entry",
                row.id,
                row.name,
                row.target_kind,
                _as_list(row.birth_dates),
                _as_list(row.nationalities),
                row.list_key,
                row.record_id,
                "delisted" if row.delisted_on else "active",
            )
    return owners


def _sanction_clauses(filters: Filters) -> tuple[str, dict[str, Any]]:
    """SQL conditions on an entry ``s`` in list ``sl`` for the sanction filters."""
    clauses, params = "", {}
    if filters.list_key:
        clauses += " AND sl.key = :list_key"
        params["list_key"] = filters.list_key
    if filters.program:
        clauses += (
            " AND EXISTS (SELECT 1 FROM entry_program ep JOIN program p ON p.id = ep.program_id "
            "WHERE ep.entry_id = s.id AND lower(p.code) = lower(:program))"
        )
        params["program"] = filters.program
    if filters.active_on:
        first, last = dates.as_of(filters.active_on)
        # Active at some time in the period: listed by its end, not delisted by its start.
        clauses += (
            " AND (s.listed_from IS NULL OR s.listed_from <= :active_last)"
            " AND (s.delisted_from IS NULL OR s.delisted_from > :active_first)"
        )
        params.update(active_first=first, active_last=last)
    return clauses, params


def _rank(
    connection: Connection,
    query: str,
    docs: Sequence[index.Doc],
    filters: Filters,
    *,
    birth_date: str | None,
    nationality: str | None,
    prefix: bool,
) -> list[SearchHit]:
    wanted = {"entity": index.ENTITY_NAME, "sanction_entry": index.ENTRY_NAME}
    sources = {wanted[t] for t in filters.types}
    docs = [d for d in docs if d.source in sources]
    if filters.narrowing:
        # Filter before pre-selection, so that narrow filters still fill the page.
        allowed = _owners(
            connection,
            sorted({d.owner for d in docs if d.source == index.ENTITY_NAME}),
            sorted({d.owner for d in docs if d.source == index.ENTRY_NAME}),
            filters,
        )
        docs = [d for d in docs if (_type(d), d.owner) in allowed]
    picked = _preselect(query, docs)
    names = _names(connection, picked)
    by_owner: dict[tuple[HitType, int], list[tuple[str, str]]] = {}
    for doc in picked:
        if doc.id in names:
            by_owner.setdefault((_type(doc), doc.owner), []).append(names[doc.id])
    owners = _owners(
        connection,
        sorted(o for t, o in by_owner if t == "entity"),
        sorted(o for t, o in by_owner if t == "sanction_entry"),
        filters,
    )
    hits = []
    for key, candidate_names in by_owner.items():
        owner = owners.get(key)
        if owner is None:
            continue
        match = score_entity(
            query,
            candidate_names,
            birth_date=birth_date,
            candidate_birth_dates=owner.birth_dates,
            nationality=nationality,
            candidate_nationalities=owner.nationalities,
            prefix=prefix,
        )
        hits.append(
            SearchHit(
                owner.type,
                owner.id,
                owner.name,
                owner.kind,
                match.score,
                match,
                owner.list,
                owner.record_id,
                owner.status,
            )
        )
    hits.sort(key=_rank_key)
    return hits


def _rank_key(hit: SearchHit) -> tuple[float, float, str, int]:
    """Best score first; among equal scores, the name closest as written before
    spelling folds ("Neva Granite LLC": "... LLC" before "... PJSC", which compare
    alike without legal forms), then by id, for stable pages. Not for matches through
    Wade-Giles: there the spelling as written resembles the wrong pinyin ("Chun-li"
    is Junli, not Chunli)."""
    name = hit.match.name
    as_spelled = (name.query_form, name.candidate_form) == (
        forms_of(name.query_normalized)[0],
        forms_of(name.candidate_normalized)[0],
    )
    written = fuzz.token_sort_ratio(name.query_normalized, name.candidate_normalized) if as_spelled else 0
    return (-hit.score, -written, hit.type, hit.id)


def _type(doc: index.Doc) -> HitType:
    return "entity" if doc.source == index.ENTITY_NAME else "sanction_entry"


def find(
    session: Readable,
    query: str,
    *,
    kind: str | None = None,
    birth_date: str | None = None,
    nationality: str | None = None,
    program: str | None = None,
    list_key: str | None = None,
    active_on: str | None = None,
    types: Sequence[HitType] = TYPES,
    threshold: float = THRESHOLD,
    limit: int = 20,
    sync: bool = True,
    prefix: bool = True,
) -> list[SearchHit]:
    """Entities and sanction entries whose names match ``query``, best first.

    ``birth_date`` (a partial ISO date) and ``nationality`` (ISO 3166 alpha-2) raise
    the score of candidates that agree and lower those that conflict. ``list_key``
    keeps sanction entries of that list only. With ``prefix`` (search as you type),
    a last word that no indexed name holds and no space follows ("rosob") may be the
    beginning of a longer one."""
    if birth_date:
        dates.parse_partial(birth_date)
    if active_on:
        dates.parse_partial(active_on)
    if sync:
        _sync_before_reading(session)
    if list_key:  # a list holds sanction entries, not curated entities
        types = [t for t in types if t == "sanction_entry"]
    filters = Filters(kind, program, list_key, active_on, tuple(types))
    connection = session.connection()
    top = FILTERED_DOCS if filters.narrowing else index.TOP_DOCS
    unfinished = index.unfinished_word(connection, query) if prefix else None
    docs = index.candidates(connection, query, limit=top, complete=unfinished)
    hits = _rank(
        connection,
        query,
        docs,
        filters,
        birth_date=birth_date,
        nationality=nationality,
        prefix=unfinished is not None,
    )
    return [h for h in hits if h.score >= threshold][:limit]


def search(
    session: Readable, query: str, *, kind: str | None = None, limit: int = 20, **options: Any
) -> list[dict[str, Any]]:
    """``find`` as JSON-ready dicts (``type``, ``id``, ``name``, ``kind``, ``score``,
    ``matched_name``, ``explanation``, ``match``; ``list``, ``record_id`` and
    ``status`` for sanction entries)."""
    return [h.as_dict() for h in find(session, query, kind=kind, limit=limit, **options)]


def entity_candidates(
    session: Readable,
    names: Sequence[str],
    *,
    birth_dates: Sequence[str] = (),
    nationalities: Sequence[str] = (),
    kind: str | None = None,
    threshold: float = 0.7,
    limit: int = 10,
) -> list[SearchHit]:
    """Curated entities that may be the target named by ``names`` (a sanction entry's
    names as listed), best first: each entity scored by its best name against the best
    of ``names``, adjusted by the first birth date and nationality given. For link
    proposals."""
    best: dict[int, SearchHit] = {}
    for name in names:
        for hit in find(
            session,
            name,
            kind=kind,
            birth_date=next(iter(birth_dates), None),
            nationality=next(iter(nationalities), None),
            types=("entity",),
            threshold=threshold,
            limit=limit,
            prefix=False,
        ):
            if hit.id not in best or hit.score > best[hit.id].score:
                best[hit.id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.id))[:limit]


@dataclass(frozen=True, slots=True)
class ScreeningInput:
    """One row of a screening file."""

    name: str
    birth_date: str | None = None
    nationality: str | None = None
    kind: str | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    input: ScreeningInput
    hits: list[SearchHit]

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.input.row,
            "name": self.input.name,
            "birth_date": self.input.birth_date,
            "nationality": self.input.nationality,
            "kind": self.input.kind,
            "matches": [h.as_dict() for h in self.hits],
        }


def _screen_one(
    session: Readable, item: ScreeningInput, threshold: float, limit: int, active_on: str | None
) -> ScreeningResult:
    hits = find(
        session,
        item.name,
        kind=item.kind,
        birth_date=item.birth_date,
        nationality=item.nationality,
        active_on=active_on,
        threshold=threshold,
        limit=limit,
        sync=False,
        prefix=False,
    )
    return ScreeningResult(item, hits)


def screen(
    session: Readable,
    inputs: Iterable[ScreeningInput],
    *,
    threshold: float = 0.8,
    limit: int = 5,
    active_on: str | None = None,
) -> Iterator[ScreeningResult]:
    """Screen names one at a time (a generator: memory stays flat on large files)."""
    _sync_before_reading(session)
    for item in inputs:
        yield _screen_one(session, item, threshold, limit, active_on)


# Each worker process of screen_in_parallel opens its own connection.
_worker_session: Readable | None = None


def _start_worker(url: str) -> None:
    global _worker_session
    from refdb.database import Database

    _worker_session = Database(url).session().__enter__()


def _screen_in_worker(
    item: ScreeningInput, threshold: float, limit: int, active_on: str | None
) -> ScreeningResult:
    assert _worker_session is not None
    return _screen_one(_worker_session, item, threshold, limit, active_on)


def screen_in_parallel(
    url: str,
    inputs: Iterable[ScreeningInput],
    *,
    workers: int,
    threshold: float = 0.8,
    limit: int = 5,
    active_on: str | None = None,
    window: int = 512,
) -> Iterator[ScreeningResult]:
    """``screen`` spread over ``workers`` processes, results in input order; inputs
    are read ``window`` rows at a time, so memory stays flat."""
    from refdb.database import Database

    database = Database(url)
    with database.session() as session:
        _sync_before_reading(session)
    database.close()
    task = partial(_screen_in_worker, threshold=threshold, limit=limit, active_on=active_on)
    with multiprocessing.get_context("spawn").Pool(workers, _start_worker, (url,)) as pool:
        iterator = iter(inputs)
        while batch := list(islice(iterator, window)):
            yield from pool.imap(task, batch, chunksize=max(1, len(batch) // (4 * workers)))
