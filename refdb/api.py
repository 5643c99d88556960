"""The Python API for scripts: open a database, then search, show, screen, holders,
sanctions, the auditors' listings (officials, links, posts) and the FollowTheMoney export.

    from refdb import open_db

    with open_db() as db:                      # the per-user database, or a URL/path
        for hit in db.search("li shang-fu"):
            print(f"{hit.score:.2f} {hit.type} {hit.name}: {hit.explanation}")
        profile = db.show("li-shangfu")
        print([t["post"] for t in profile["tenures"]])
        page = db.officials(sanctioned="yes", in_office_on="2023")
        print(page["total"], [o["name"] for o in page["items"]])

Each call runs in a session of its own. Search and screening return dataclasses
(``SearchHit``, ``ScreeningResult``); the other answers are dicts with the shapes of
the CLI's JSON output, typed below as ``TypedDict``s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypedDict

from refdb.bootstrap import open_database
from refdb.database import Database
from refdb.search import decisions
from refdb.search import service as search_service
from refdb.search.filters import TYPES, HitType, SearchFilters
from refdb.search.screening import screening
from refdb.search.service import ScreeningInput, ScreeningResult, SearchHit
from refdb.services import ftm_export, listings, lookup, merges
from refdb.services.edits import editing


class Tenure(TypedDict):
    id: int
    post_id: int
    post: str
    organization_id: int | None
    organization: str | None
    start: str | None
    end: str | None
    acting: bool
    status: str
    current: bool


class Holder(TypedDict):
    person_id: int
    person: str
    match_score: float
    certain: bool
    tenure: Tenure


class Sanction(TypedDict, total=False):
    id: int
    list: str
    list_name: str
    record_id: str
    authority: str | None
    name: str
    target_kind: str
    programs: list[dict[str, Any]]
    listed_on: str | None
    delisted_on: str | None
    status: str
    birth_dates: list[str]
    nationalities: list[str]
    links: list[dict[str, Any]]


class Profile(TypedDict, total=False):
    id: int
    key: str | None
    kind: str
    name: str
    birth_date: str | None
    nationality: str | None
    merged_from: list[int]
    names: list[dict[str, Any]]
    identifiers: list[dict[str, Any]]
    tenures: list[Tenure]
    relations: list[dict[str, Any]]
    sanctions: list[Sanction]
    citations: list[dict[str, Any]]


class Page(TypedDict):
    """One page of a listing: ``total`` rows match the filters, ``items`` are those from
    ``offset`` on (at most ``limit``)."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class RefDB:
    """An open refdb database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def search(
        self,
        query: str,
        *,
        kind: str | None = None,
        birth_date: str | None = None,
        nationality: str | None = None,
        program: str | None = None,
        list_key: str | None = None,
        active_on: str | None = None,
        types: Sequence[HitType] = TYPES,
        threshold: float = search_service.THRESHOLD,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Entities and sanction entries matching a name, best first (see `refdb search`);
        a bad filter raises ``BadFilter`` (or ``InvalidDate``) before anything is read."""
        filters = SearchFilters(
            kind=kind,
            birth_date=birth_date,
            nationality=nationality,
            program=program,
            list_key=list_key,
            active_on=active_on,
            types=tuple(types),
        )
        with self.database.reading() as reader:
            search_service.check_list(reader, filters)
            return search_service.find(reader, query, filters, threshold=threshold, limit=limit)

    def show(self, ref: str | int) -> Profile:
        """An entity by id or key: names, posts, relations, sanctions, citations."""
        with self.database.session() as session:
            return lookup.entity_profile(session, ref)  # type: ignore[return-value]

    def holders(self, post: str, on: str) -> list[Holder]:
        """Who held a post matching ``post`` on ``on`` (YYYY, YYYY-MM or YYYY-MM-DD)."""
        with self.database.session() as session:
            return lookup.holders(session, post, on)  # type: ignore[return-value]

    def sanctions(
        self,
        *,
        entity: str | int | None = None,
        program: str | None = None,
        list_key: str | None = None,
        active_on: str | None = None,
        limit: int = 100,
    ) -> list[Sanction]:
        """Sanction entries, filtered; ``entity`` keeps the entries linked to it."""
        with self.database.session() as session:
            return lookup.sanctions(  # type: ignore[return-value]
                session,
                entity=entity,
                program=program,
                list_key=list_key,
                active_on=active_on,
                limit=limit,
            )

    def officials(
        self,
        *,
        post: str | None = None,
        country: str | None = None,
        in_office_on: str | None = None,
        sanctioned: listings.Sanctioned | None = None,
        proposed: bool = False,
        source: str | None = None,
        name: str | None = None,
        limit: int = listings.DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page:
        """Officials by name with their posts and sanctions (see `refdb officials`)."""
        filters = listings.OfficialFilters(post, country, in_office_on, sanctioned, proposed, source, name)
        with self.database.reading() as reader:
            return listings.officials(reader, filters, limit=limit, offset=offset)  # type: ignore[return-value]

    def links(
        self,
        *,
        status: str | None = None,
        basis: str | None = None,
        min_score: float | None = None,
        max_score: float | None = None,
        needs_review: bool | None = None,
        entity: str | None = None,
        limit: int = listings.DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page:
        """Links between entities and sanction entries (see `refdb links`)."""
        filters = listings.LinkFilters(status, basis, min_score, max_score, needs_review, entity)
        with self.database.reading() as reader:
            return listings.links(reader, filters, limit=limit, offset=offset)  # type: ignore[return-value]

    def posts(
        self,
        *,
        title: str | None = None,
        country: str | None = None,
        organization: str | None = None,
        limit: int = listings.DEFAULT_LIMIT,
        offset: int = 0,
    ) -> Page:
        """Posts with their holder counts (see `refdb posts`)."""
        filters = listings.PostFilters(title, country, organization)
        with self.database.reading() as reader:
            return listings.posts(reader, filters, limit=limit, offset=offset)  # type: ignore[return-value]

    def merges(self, status: str | None = "proposed") -> list[dict[str, Any]]:
        """Merge proposals, oldest first: the open ones, those of ``status``, or all (None)
        (see `refdb merges`)."""
        with self.database.session() as session:
            return [merges.proposal_dict(session, p) for p in merges.merge_proposals(session, status)]

    def decide_merge(self, merge_id: int, status: str, reason: str) -> dict[str, Any]:
        """Accept (merge the two entities into the proposal's entity) or reject a merge
        proposal, in one logged transaction; the proposal as decided, with ``merge``: what
        moved (see `refdb merges accept`)."""
        with editing(self.database) as editor:
            decided, merged = merges.decide_merge(editor, merge_id, status, reason)
            return merges.decision_dict(editor.session, decided, merged)

    def screen(
        self,
        names: Iterable[str | ScreeningInput],
        *,
        threshold: float = search_service.SCREENING_THRESHOLD,
        limit: int = 5,
        active_on: str | None = None,
    ) -> Iterator[ScreeningResult]:
        """Screen names (or ``ScreeningInput`` rows with birth date, nationality, kind),
        yielding one result per name as it goes; ``result.rows()`` are its rows as
        `refdb screen` writes them, one per hit, with the decisions that bear on them."""
        inputs = (
            item if isinstance(item, ScreeningInput) else ScreeningInput(item, row=row)
            for row, item in enumerate(names, start=1)
        )
        filters = SearchFilters(active_on=active_on)
        with screening(self.database, inputs, threshold=threshold, limit=limit, filters=filters) as results:
            yield from results

    def decide(
        self, name: str, record: str, verdict: str, reason: str, *, birth_date: str | None = None
    ) -> dict[str, Any]:
        """Record an analyst's decision on a screening hit: ``verdict`` "cleared" (a false
        positive) or "confirmed", on ``record`` as a result row names it (LIST:RECORD_ID
        or entity:ID), with a required ``reason``; logged in the change log. Later
        screenings honour it while the record's identity facts are unchanged
        (docs/screening.md). Raises ``BadDecision``, writing nothing, on bad input."""
        with editing(self.database) as editor:
            return decisions.decide(
                editor, name=name, record=record, verdict=verdict, reason=reason, birth_date=birth_date
            )

    def screening_decisions(self) -> list[dict[str, Any]]:
        """Every screening decision, oldest first, with its ``state`` (as `refdb screen decisions`)."""
        with self.database.reading() as reader:
            return decisions.listed(reader.raw)

    def export_ftm(self, progress: Callable[[int, int], None] | None = None) -> Iterator[dict[str, Any]]:
        """Every entity, name, identifier, post, tenure, sanction entry and confirmed link as
        FollowTheMoney entities (``{"id", "schema", "properties"}``), streamed in batches;
        ``progress(rows_read, rows_in_all)`` is called after each batch (see `refdb export ftm`)."""
        with self.database.session() as session:
            yield from ftm_export.export_entities(session, progress)

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> RefDB:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_db(url: str | None = None, *, actor: str | None = None) -> RefDB:
    """Open a refdb database: ``url`` is a SQLite path or any SQLAlchemy URL; by default
    REFDB_URL, then the per-user database (created and seeded on first use)."""
    return RefDB(open_database(url, actor=actor))
