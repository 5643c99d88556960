"""Name search over curated entities and sanction-entry targets: the one matcher behind
`refdb search`, the TUI, `refdb screen` and the importers' link proposals.

A query goes through three stages:

1. Candidates from the index in the database (``refdb.search.index``): the names
   sharing the most, and rarest, matching keys with the query.
2. A fast pre-selection of those names with rapidfuzz (token-set, token-sort and
   spacing-free ratios, plus the best by shared keys), so that the explained matcher
   runs on a few dozen names, not hundreds.
3. ``refdb.matching.score``: every pre-selected name scored and explained; each
   entity or entry keeps its best name; birth date and nationality, when given, move
   the score up or down (``score_entity``).

Filters (kind, birth date, nationality, list, program, active-on date): one
``refdb.search.filters.SearchFilters``, checked when it is made.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from refdb import dates
from refdb.countries import country_codes
from refdb.errors import RefdbError
from refdb.listing import ListingDates, possibly_active_sql
from refdb.listing import status as entry_status
from refdb.matching.normalize import forms_of, name_forms
from refdb.matching.score import (
    MATCHER_NAME,
    MATCHER_SETTINGS,
    EntityMatch,
    score_entity,
)
from refdb.processes import spawn_context
from refdb.reading import Raw, Readable, Reader, id_list, json_list, raw_of, sql_date
from refdb.search import freshness, index
from refdb.search.decisions import Applied, DecisionBook, Target
from refdb.search.filters import NO_FILTERS, HitType, SearchFilters
from refdb.search.hits import HitFacts, hit_facts, hit_rows
from refdb.services.lists import require_list
from refdb.services.standing import standing, with_standing

if TYPE_CHECKING:
    from sqlalchemy import Connection


THRESHOLD = 0.5  # search lists weaker candidates too: a person browses them
# Screening reports a name as a match from this score (docs/matching.md: score bands;
# benchmarks/bench_precision.py measured it: 5% of absent names, recall@10 0.96).
SCREENING_THRESHOLD = 0.75
PRESELECT = 10  # names kept per pre-selection scorer
PRESELECT_BY_KEYS = 5  # names kept for sharing the most keys with the query
FILTERED_DOCS = 2000  # candidates read when a filter may discard most of them

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
    active_on: str | None = None  # with the active_on filter: "yes" or "uncertain" (refdb.listing)

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
            if self.active_on is not None:
                item["active_on"] = self.active_on
        return item


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
    active_on: str | None = None


def refresh_index(connection: Connection) -> int:
    """Reindex names queued by writes, in the caller's transaction (writers may call
    this before committing; searches do it on their own)."""
    return index.sync(connection)


def indexing_notice(session: Readable) -> freshness.Backlog | None:
    """The names a person's next search must first index, when they are many."""
    return freshness.notice(raw_of(session))


def catch_up(
    session: Readable,
    on_wait: Callable[[], object] | None = None,
    progress: Callable[[int], object] | None = None,
) -> freshness.Unindexed:
    """Bring the index up to date before searching, or say what to search beside it
    (see ``refdb.search.freshness``, also for ``on_wait`` and ``progress``); raises
    ``IndexBusy`` when neither can be done."""
    if isinstance(session, Reader):
        return freshness.catch_up(session.raw, session.raw, session.get_bind, on_wait, progress)
    with session.get_bind().engine.connect() as probe:  # committed writes only: a session's own would wait
        return freshness.catch_up(Raw.of(probe), raw_of(session), session.get_bind, on_wait, progress)


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


_NAME_TABLES = ((index.ENTITY_NAME, "name"), (index.ENTRY_NAME, "entry_name"))


def _names(raw: Raw, docs: Iterable[index.Doc]) -> dict[int, tuple[str, str]]:
    """Each document's name as written and normalised (doc id -> (name, normalized))."""
    names: dict[int, tuple[str, str]] = {}
    for source, table in _NAME_TABLES:
        ids = [d.row_id for d in docs if d.source == source]
        if ids:
            rows = raw.rows(f"SELECT id, name, normalized FROM {table} WHERE id IN ({id_list(ids)})")
            names.update((index.doc_id(source, i), (n, norm)) for i, n, norm in rows)
    return names


def _owner_sql(type_: HitType, ids: Sequence[int], kind: bool, sanction_clauses: str, mark: str) -> str:
    """The statement reading entities or entries by id, with the filters' conditions
    (``mark``: the driver's placeholder)."""
    if type_ == "entity":
        sql = (
            "SELECT e.id, e.name, e.kind, e.birth_date, e.nationality FROM entity e "
            f"WHERE e.id IN ({id_list(ids)})"
        )
        if sanction_clauses:
            sql += (
                " AND EXISTS (SELECT 1 FROM link l JOIN sanction_entry s ON s.id = l.entry_id "
                "JOIN sanction_list sl ON sl.id = s.list_id "
                f"WHERE l.entity_id = e.id AND l.status <> 'rejected'{sanction_clauses})"
            )
        return sql + (f" AND e.kind = {mark}" if kind else "")
    sql = (
        "SELECT s.id, s.name, s.target_kind, s.birth_dates, s.nationalities, s.delisted_on, "
        "sl.key, s.record_id, s.listed_on, s.listed_no_later_than, s.delisted_after FROM sanction_entry s "
        f"JOIN sanction_list sl ON sl.id = s.list_id WHERE s.id IN ({id_list(ids)}){sanction_clauses}"
    )
    return sql + (f" AND s.target_kind = {mark}" if kind else "")


def _owners(
    raw: Raw, entity_ids: Sequence[int], entry_ids: Sequence[int], filters: SearchFilters
) -> dict[tuple[HitType, int], _Owner]:
    owners: dict[tuple[HitType, int], _Owner] = {}
    clauses, params = _sanction_clauses(filters, raw)
    if filters.kind:
        params.append(filters.kind)
    if entity_ids and "entity" in filters.types:
        sql = _owner_sql("entity", entity_ids, bool(filters.kind), clauses, raw.placeholder)
        for id_, name, kind, birth_date, nationality in raw.rows(sql, params):
            owners[("entity", id_)] = _Owner(
                "entity",
                id_,
                name,
                kind,
                [birth_date] if birth_date else [],
                country_codes([nationality] if nationality else []),
            )
    if entry_ids and "sanction_entry" in filters.types:
        sql = _owner_sql("sanction_entry", entry_ids, bool(filters.kind), clauses, raw.placeholder)
        for row in raw.rows(sql, params):
            id_, name, kind, birth_dates, nationalities, delisted_on, list_key, record_id = row[:8]
            listed_on, listed_by, delisted_after = row[8:]
            listing = ListingDates(listed_on, sql_date(listed_by), delisted_on, sql_date(delisted_after))
            owners[("sanction_entry", id_)] = _Owner(
                "sanction_entry",
                id_,
                name,
                kind,
                json_list(birth_dates),
                country_codes(json_list(nationalities)),
                list_key,
                record_id,
                entry_status(delisted_on),
                listing.active_on(filters.active_on) if filters.active_on else None,
            )
    return owners


def _sanction_clauses(filters: SearchFilters, raw: Raw) -> tuple[str, list[Any]]:
    """SQL conditions on an entry ``s`` in list ``sl`` for the sanction filters, and
    their values in order."""
    mark = raw.placeholder
    clauses = ""
    params: list[Any] = []
    if filters.list_key:
        clauses += f" AND sl.key = {mark}"
        params.append(filters.list_key)
    if filters.program:
        clauses += (
            " AND EXISTS (SELECT 1 FROM entry_program ep JOIN program p ON p.id = ep.program_id "
            f"WHERE ep.entry_id = s.id AND lower(p.code) = lower({mark}))"
        )
        params.append(filters.program)
    if filters.active_on:
        first, last = dates.as_of(filters.active_on)
        # May have been active at some time in the period (refdb.listing has the rule).
        clauses += " AND " + possibly_active_sql("s", mark, mark)
        params += [raw.backend.date_param(last), raw.backend.date_param(first)]
    return clauses, params


def _rank(
    raw: Raw,
    query: str,
    docs: Sequence[index.Doc],
    filters: SearchFilters,
    *,
    prefix: bool,
) -> list[SearchHit]:
    wanted = {"entity": index.ENTITY_NAME, "sanction_entry": index.ENTRY_NAME}
    sources = {wanted[t] for t in filters.types}
    docs = [d for d in docs if d.source in sources]
    if filters.narrowing:
        # Filter before pre-selection, so that narrow filters still fill the page.
        allowed = _owners(
            raw,
            sorted({d.owner for d in docs if d.source == index.ENTITY_NAME}),
            sorted({d.owner for d in docs if d.source == index.ENTRY_NAME}),
            filters,
        )
        docs = [d for d in docs if (_type(d), d.owner) in allowed]
    picked = _preselect(query, docs)
    names = _names(raw, picked)
    by_owner: dict[tuple[HitType, int], list[tuple[str, str]]] = {}
    for doc in picked:
        if doc.id in names:
            by_owner.setdefault((_type(doc), doc.owner), []).append(names[doc.id])
    owners = _owners(
        raw,
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
            birth_date=filters.birth_date,
            candidate_birth_dates=owner.birth_dates,
            nationality=filters.nationality,
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
                owner.active_on,
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


MAX_QUERY_LENGTH = 300  # characters; the longest name on the lists has 165


class QueryTooLong(RefdbError):
    """A query or name beyond ``MAX_QUERY_LENGTH``: refused before any work, since the
    keys of one long word grow with its square (20,000 characters took 2 GB)."""


def check_length(query: str) -> None:
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryTooLong(
            f"a name to search has at most {MAX_QUERY_LENGTH} characters; this one has {len(query):,}"
        )


def _type(doc: index.Doc) -> HitType:
    return "entity" if doc.source == index.ENTITY_NAME else "sanction_entry"


def find(
    session: Readable,
    query: str,
    filters: SearchFilters = NO_FILTERS,
    *,
    threshold: float = THRESHOLD,
    limit: int = 20,
    sync: bool = True,
    unindexed: freshness.Unindexed | None = None,
    prefix: bool = True,
    common: index.CommonPostings | None = None,
) -> list[SearchHit]:
    """Entities and sanction entries whose names match ``query``, best first, narrowed
    and weighed by ``filters`` (``SearchFilters``).

    With ``prefix`` (search as you type), a last word that no indexed name holds and no
    space follows ("rosob") may be the beginning of a longer one. ``common`` keeps common
    words' postings for the next search of a batch (see ``index.CommonPostings``). With
    ``sync`` the index is first brought up to date (``catch_up``); a batch does that once
    and passes on the names it could not index as ``unindexed``, which are searched
    beside the index."""
    check_length(query)
    if sync:
        unindexed = catch_up(session)
    raw = raw_of(session)
    top = FILTERED_DOCS if filters.narrowing else index.TOP_DOCS
    unfinished = index.unfinished_word(raw, query) if prefix else None
    docs = index.candidates(raw, query, limit=top, complete=unfinished, common=common)
    if unindexed:
        docs = unindexed.merged(docs)
    hits = _rank(
        raw,
        query,
        docs,
        filters,
        prefix=unfinished is not None,
    )
    return [h for h in hits if h.score >= threshold][:limit]


def search(
    session: Readable, query: str, filters: SearchFilters = NO_FILTERS, *, limit: int = 20, **options: Any
) -> list[dict[str, Any]]:
    """``find`` as JSON-ready dicts (``type``, ``id``, ``name``, ``kind``, ``score``,
    ``matched_name``, ``explanation``, ``match``; ``list``, ``record_id`` and
    ``status`` for sanction entries; ``posts`` and ``sanctions`` for curated entities,
    which say why one matters: see ``standing``)."""
    check_list(session, filters)
    hits = [h.as_dict() for h in find(session, query, filters, limit=limit, **options)]
    return with_standing(raw_of(session), hits)


def check_list(session: Readable, filters: SearchFilters) -> None:
    """A list filter naming no list is a mistake to say, not a search that finds nothing."""
    if filters.list_key:
        require_list(session, filters.list_key)


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
    filters = SearchFilters(
        kind=kind,
        birth_date=next(iter(birth_dates), None),
        nationality=next(iter(country_codes(nationalities)), None),
        types=("entity",),
    )
    for name in names:
        for hit in find(
            session,
            name,
            filters,
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

    def filters(self, batch: SearchFilters = NO_FILTERS) -> SearchFilters:
        """This row's search filters: the whole run's (``batch``: the date sanctions are
        active on, ...) with the row's own kind, birth date and nationality where it
        gives them (``BadFilter`` for a bad one)."""
        return replace(
            batch,
            kind=self.kind or batch.kind,
            birth_date=self.birth_date or batch.birth_date,
            nationality=self.nationality or batch.nationality,
        )


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    input: ScreeningInput
    hits: list[SearchHit]
    # The curated entities' posts and sanctions (``standing``), by entity id.
    standing: dict[int, dict[str, Any]] = field(default_factory=dict)
    # The hits' list data, and the analysts' decisions that bear on them.
    facts: dict[Target, HitFacts] = field(default_factory=dict)
    decisions: dict[Target, Applied] = field(default_factory=dict)

    def rows(self, on: str | None = None) -> list[dict[str, Any]]:
        """One row per hit, or one saying ``no match`` (refdb/search/hits.py)."""
        return hit_rows(self, on)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.input.row,
            "name": self.input.name,
            "birth_date": self.input.birth_date,
            "nationality": self.input.nationality,
            "kind": self.input.kind,
            "matches": [
                h.as_dict()
                | (self.standing.get(h.id, {}) if h.type == "entity" else {})
                | {"decision": (d.as_dict() if (d := self.decisions.get((h.type, h.id))) else None)}
                for h in self.hits
            ],
        }


def _screen_one(
    session: Readable,
    item: ScreeningInput,
    threshold: float,
    limit: int,
    filters: SearchFilters,
    common: index.CommonPostings,
    unindexed: freshness.Unindexed,
    book: DecisionBook,
) -> ScreeningResult:
    hits = find(
        session,
        item.name,
        item.filters(filters),
        threshold=threshold,
        limit=limit,
        sync=False,
        unindexed=unindexed,
        prefix=False,
        common=common,
    )
    # Why a curated hit matters, its list data and the decisions on it, read for this
    # name's hits at once (no query when it has none, as most names screened).
    raw = raw_of(session)
    return ScreeningResult(
        item,
        hits,
        standing(raw, [h.id for h in hits if h.type == "entity"]),
        hit_facts(raw, hits),
        book.apply(raw, item.name, item.birth_date, [(h.type, h.id) for h in hits]),
    )


def screen(
    session: Readable,
    inputs: Iterable[ScreeningInput],
    *,
    threshold: float = SCREENING_THRESHOLD,
    limit: int = 5,
    filters: SearchFilters = NO_FILTERS,
) -> Iterator[ScreeningResult]:
    """Screen names one at a time, lazily: memory stays flat on large files. ``filters``
    apply to every name, with each row's own (``ScreeningInput.filters``). The index
    is brought up to date first, when this is called (``IndexBusy`` is raised then,
    before the first result)."""
    unindexed = catch_up(session)
    common = index.CommonPostings()
    book = DecisionBook.of(session)
    return (_screen_one(session, item, threshold, limit, filters, common, unindexed, book) for item in inputs)


# Each worker process of screen_in_parallel opens its own connection.
_worker_session: Readable | None = None
_worker_common: index.CommonPostings | None = None
_worker_unindexed = freshness.Unindexed()
_worker_book = DecisionBook()


def _start_worker(url: str, unindexed: freshness.Unindexed, book: DecisionBook) -> None:
    global _worker_session, _worker_common, _worker_unindexed, _worker_book
    from refdb.database import Database

    _worker_session = Database(url).reading().__enter__()
    _worker_common = index.CommonPostings()
    _worker_unindexed = unindexed
    _worker_book = book


def _screen_in_worker(
    item: ScreeningInput, threshold: float, limit: int, filters: SearchFilters
) -> ScreeningResult:
    assert _worker_session is not None and _worker_common is not None
    return _screen_one(
        _worker_session, item, threshold, limit, filters, _worker_common, _worker_unindexed, _worker_book
    )


PARALLEL_FROM = 500  # names: below this, starting worker processes costs more than they save
MAX_WORKERS = 8  # each holds its own page cache and common postings


def default_workers(names: int) -> int:
    """Processes to screen ``names`` names with: one per CPU this process may use (up to
    ``MAX_WORKERS``) for a run of ``PARALLEL_FROM`` names or more, else one."""
    if names < PARALLEL_FROM:
        return 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, usable or 1))


def screen_in_parallel(
    url: str,
    inputs: Iterable[ScreeningInput],
    *,
    workers: int,
    threshold: float = SCREENING_THRESHOLD,
    limit: int = 5,
    filters: SearchFilters = NO_FILTERS,
    window: int = 512,
) -> Iterator[ScreeningResult]:
    """``screen`` spread over ``workers`` processes, results in input order; inputs
    are read ``window`` rows at a time, so memory stays flat. The index is brought up
    to date when this is called, as by ``screen``."""
    from refdb.database import Database

    database = Database(url)
    with database.reading() as reader:
        unindexed = catch_up(reader)
        book = DecisionBook.of(reader)
    database.close()
    return _screened_in_pool(url, inputs, workers, window, unindexed, book, threshold, limit, filters)


def _screened_in_pool(
    url: str,
    inputs: Iterable[ScreeningInput],
    workers: int,
    window: int,
    unindexed: freshness.Unindexed,
    book: DecisionBook,
    threshold: float,
    limit: int,
    filters: SearchFilters,
) -> Iterator[ScreeningResult]:
    task = partial(_screen_in_worker, threshold=threshold, limit=limit, filters=filters)
    with spawn_context().Pool(workers, _start_worker, (url, unindexed, book)) as pool:
        iterator = iter(inputs)
        while batch := list(islice(iterator, window)):
            yield from pool.imap(task, batch, chunksize=max(1, len(batch) // (4 * workers)))
