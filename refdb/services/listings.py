"""Listings for auditors: officials, links and posts, filtered, counted and paged.

Each listing answers ``{"total": N, "limit": L, "offset": O, "items": [...]}``: ``total``
counts every row the filters keep, ``items`` is one page of them. The rows of a page
are read in a few batched queries (its tenures, its links), never one query a row.

An *official* is a person who holds or held at least one post (a tenure). Whether one
is *sanctioned* rests on links: a confirmed link (or, when asked, a proposed one) to a
sanction entry in force on the date asked about, today when none is given. Rejected
links never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from refdb import dates
from refdb.errors import RefdbError
from refdb.listing import possibly_active_sql
from refdb.listing import status as entry_status
from refdb.reading import Raw, Readable, id_list, raw_of
from refdb.services.rules import TENURE_FIELDS, in_office_sql, rank_posts, sql_day, tenure_item
from refdb.vocab import LINK_BASES, LINK_STATUSES

DEFAULT_LIMIT = 100

Sanctioned = Literal["yes", "no"]


class BadFilter(RefdbError):
    """A filter value refdb cannot use (an unknown status, a score out of range...)."""


def _page(total: int, limit: int, offset: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def _check_paging(limit: int, offset: int) -> None:
    if limit < 1:
        raise BadFilter(f"--limit must be at least 1, not {limit}")
    if offset < 0:
        raise BadFilter(f"--offset must be 0 or more, not {offset}")


@dataclass(slots=True)
class _Query:
    """The FROM and WHERE of a listing, with the values its placeholders take."""

    raw: Raw
    source: str
    conditions: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def where(self, condition: str, *params: Any) -> None:
        """Add ``condition``, whose ``?`` placeholders take ``params`` in order."""
        self.conditions.append(condition.replace("?", self.raw.placeholder))
        self.params += params

    def _sql(self, columns: str) -> str:
        where = f" WHERE {' AND '.join(self.conditions)}" if self.conditions else ""
        return f"SELECT {columns} FROM {self.source}{where}"

    def page(self, columns: str, order: str, limit: int, offset: int) -> list[tuple[Any, ...]]:
        return self.raw.rows(
            f"{self._sql(columns)} ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}", self.params
        )

    def count(self) -> int:
        return self.raw.rows(self._sql("count(*)"), self.params)[0][0]


def _contains(text: str) -> str:
    """A LIKE pattern for text within a value (compared lower-cased, as ``ilike``)."""
    return f"%{text.strip().lower()}%"


def _matching_post_ids(raw: Raw, query: str) -> list[int]:
    titles: list[tuple[int, str]] = [
        (post_id, title) for post_id, title in raw.rows("SELECT id, title FROM post")
    ]
    return [post_id for post_id, _ in rank_posts(query, titles)]


def _iso(moment: datetime | str | None) -> str | None:
    """A timestamp as ISO 8601: psycopg reads a ``datetime``, sqlite3 the text SQLAlchemy
    wrote ("2026-12-03 05:00:00.000000"), shown as the ORM would show it."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.isoformat() if moment else None


# --- officials ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficialFilters:
    """What `refdb officials` filters on; the tenure filters hold for one same tenure."""

    post: str | None = None  # words of the post title, as `refdb holders` matches them
    country: str | None = None  # the post's country (ISO 3166 alpha-2)
    in_office_on: str | None = None  # YYYY[-MM[-DD]]: any day of that interval
    sanctioned: Sanctioned | None = None
    proposed: bool = False  # proposed links count as sanctioned too
    source: str | None = None  # a source's key or id, or an importer's key (see _cited_by)
    name: str | None = None  # text within the official's name (the TUI filters as you type)

    def sanction_interval(self) -> tuple[date, date]:
        """The days a sanction must be in force on: those asked about, or today."""
        if self.in_office_on:
            return dates.as_of(self.in_office_on)
        today = date.today()
        return today, today

    def link_statuses(self) -> tuple[str, ...]:
        return ("confirmed", "proposed") if self.proposed else ("confirmed",)


def _tenure_conditions(raw: Raw, filters: OfficialFilters) -> tuple[list[str], list[Any]] | None:
    """Conditions on ``tenure`` (joined to ``post p``) and their values; None when no
    post can match."""
    conditions: list[str] = []
    params: list[Any] = []
    if filters.post:
        post_ids = _matching_post_ids(raw, filters.post)
        if not post_ids:
            return None
        conditions.append(f"tenure.post_id IN ({id_list(post_ids)})")
    if filters.country:
        conditions.append(f"lower(p.country) = {raw.placeholder}")
        params.append(filters.country.strip().lower())
    if filters.in_office_on:
        conditions.append(in_office_sql(*dates.as_of(filters.in_office_on)))
    return conditions, params


def _possibly_active(first_day: date, last_day: date) -> str:
    return possibly_active_sql("sanction_entry", sql_day(last_day), sql_day(first_day))


def _sanctioning_links(filters: OfficialFilters) -> str:
    """SQL for the ids of entities with a link that makes them sanctioned under ``filters``."""
    statuses = ", ".join(f"'{status}'" for status in filters.link_statuses())
    return (
        "SELECT l.entity_id FROM link l JOIN sanction_entry ON sanction_entry.id = l.entry_id"
        f" WHERE l.status IN ({statuses}) AND {_possibly_active(*filters.sanction_interval())}"
    )


def _cited_by(raw: Raw, source: str) -> str:
    """A condition on ``entity e``: its own row, names or tenures cite the source
    ``source``: a source's key or id, or an importer's key ("us-congress"), which names
    each file it imported ("us-congress:legislators-current.yaml:...")."""
    escaped = source.replace("/", "//").replace("%", "/%").replace("_", "/_")
    matches = f"key = {raw.placeholder} OR key LIKE {raw.placeholder} ESCAPE '/'"
    params: list[Any] = [source, f"{escaped}:%"]
    if source.isdigit():
        matches += f" OR id = {raw.placeholder}"
        params.append(int(source))
    found = [source_id for (source_id,) in raw.rows(f"SELECT id FROM source WHERE {matches}", params)]
    if not found:
        raise BadFilter(f"no source with key {source!r}")

    def cited(table: str) -> str:
        sources = id_list(found)
        return f"SELECT subject_id FROM citation WHERE source_id IN ({sources}) AND subject_table = '{table}'"

    return (
        f"(e.id IN ({cited('entity')})"
        f" OR e.id IN (SELECT entity_id FROM name WHERE id IN ({cited('name')}))"
        f" OR e.id IN (SELECT person_id FROM tenure WHERE id IN ({cited('tenure')})))"
    )


HELD_POSTS = "tenure JOIN post p ON p.id = tenure.post_id"


def _officials_query(
    raw: Raw, filters: OfficialFilters, tenure_conditions: list[str], params: list[Any]
) -> _Query:
    query = _Query(raw, "entity e")
    held = " AND ".join(["tenure.person_id = e.id", *tenure_conditions])
    # The post is joined only for its country: without it, whether a person holds a
    # tenure is read from the index on tenure.person_id alone (half the time at 100,000).
    tenures = HELD_POSTS if filters.country else "tenure"
    query.where(f"e.kind = 'person' AND EXISTS (SELECT 1 FROM {tenures} WHERE {held})")
    query.params += params
    if filters.sanctioned:
        negation = "" if filters.sanctioned == "yes" else "NOT "
        query.where(f"e.id {negation}IN ({_sanctioning_links(filters)})")
    if filters.source:
        query.where(_cited_by(raw, filters.source))
    if filters.name and filters.name.strip():
        query.where("lower(e.name) LIKE ?", _contains(filters.name))
    return query


def officials(
    session: Readable,
    filters: OfficialFilters = OfficialFilters(),
    *,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of officials by name, each with the tenures the filters kept (latest first),
    the sanction entries linked to them (rejected links left out) and whether they are
    sanctioned on the date asked about (``sanctioned_on``: the interval, today by default)."""
    _check_paging(limit, offset)
    if filters.sanctioned not in (None, "yes", "no"):
        raise BadFilter(f"--sanctioned takes yes or no, not {filters.sanctioned!r}")
    raw = raw_of(session)
    tenure_filter = _tenure_conditions(raw, filters)
    if tenure_filter is None:
        return _page(0, limit, offset, [])
    tenure_conditions, tenure_params = tenure_filter
    query = _officials_query(raw, filters, tenure_conditions, tenure_params)
    people = query.page(
        "e.id, e.key, e.name, e.birth_date, e.nationality, e.country", "e.name, e.id", limit, offset
    )
    total = query.count() if people or offset else 0
    ids = [person[0] for person in people]
    tenures = _tenures_of(raw, ids, tenure_conditions, tenure_params)
    links = _links_of(raw, ids)
    sanctioned = (
        {
            entity_id
            for (entity_id,) in raw.rows(f"{_sanctioning_links(filters)} AND l.entity_id IN ({id_list(ids)})")
        }
        if ids
        else set()
    )
    first, last = filters.sanction_interval()
    items = [
        {
            "id": person_id,
            "key": key,
            "name": name,
            "birth_date": birth_date,
            "nationality": nationality,
            "country": country,
            "sanctioned": person_id in sanctioned,
            "sanctioned_on": first.isoformat() if first == last else f"{first} to {last}",
            "tenures": tenures.get(person_id, []),
            "sanctions": links.get(person_id, []),
        }
        for person_id, key, name, birth_date, nationality, country in people
    ]
    return _page(total, limit, offset, items)


TENURE_COLUMNS = {
    "id": "tenure.id",
    "version": "tenure.version",
    "post_id": "p.id",
    "post": "p.title",
    "organization_id": "o.id",
    "organization": "o.name",
    "start": "tenure.start_on",
    "end": "tenure.end_on",
    "acting": "tenure.acting",
    "status": "tenure.status",
    "confirmed_on": "tenure.confirmed_on",
}


def _tenures_of(
    raw: Raw, person_ids: Sequence[int], conditions: list[str], params: list[Any]
) -> dict[int, list[dict[str, Any]]]:
    if not person_ids:
        return {}
    columns = ", ".join(TENURE_COLUMNS[name] for name in TENURE_FIELDS)
    where = " AND ".join([f"tenure.person_id IN ({id_list(person_ids)})", *conditions])
    rows = raw.rows(
        f"SELECT tenure.person_id, {columns} FROM {HELD_POSTS}"
        f" LEFT JOIN entity o ON o.id = p.organization_id WHERE {where}"
        " ORDER BY CASE WHEN tenure.start_from IS NULL THEN 1 ELSE 0 END, tenure.start_from DESC, tenure.id",
        params,
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for person_id, *values in rows:
        found[person_id].append(tenure_item(values))
    return found


def _links_of(raw: Raw, entity_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    if not entity_ids:
        return {}
    rows = raw.rows(
        "SELECT l.entity_id, l.id, l.status, s.id, sl.key, s.record_id, s.name, s.listed_on, s.delisted_on"
        " FROM link l JOIN sanction_entry s ON s.id = l.entry_id JOIN sanction_list sl ON sl.id = s.list_id"
        f" WHERE l.entity_id IN ({id_list(entity_ids)}) AND l.status <> 'rejected' ORDER BY l.id"
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entity_id, link_id, link_status, entry_id, list_key, record_id, name, listed_on, delisted_on in rows:
        found[entity_id].append(
            {
                "link_id": link_id,
                "link_status": link_status,
                "entry_id": entry_id,
                "list": list_key,
                "record_id": record_id,
                "name": name,
                "status": entry_status(delisted_on),
                "listed_on": listed_on,
                "delisted_on": delisted_on,
            }
        )
    return found


# --- links -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkFilters:
    status: str | None = None
    basis: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    needs_review: bool | None = None
    entity: str | None = None  # text within the linked entity's name

    def check(self) -> None:
        if self.status and self.status not in LINK_STATUSES:
            raise BadFilter(f"--status takes {', '.join(LINK_STATUSES)}, not {self.status!r}")
        if self.basis and self.basis not in LINK_BASES:
            raise BadFilter(f"--basis takes {', '.join(LINK_BASES)}, not {self.basis!r}")
        for label, score in (("--min-score", self.min_score), ("--max-score", self.max_score)):
            if score is not None and not 0 <= score <= 1:
                raise BadFilter(f"{label} must be between 0 and 1, not {score}")


LINK_COLUMNS = (
    "k.id, k.status, k.basis, k.score, k.needs_review, k.review_reason, k.explanation, k.proposed_by,"
    " k.decided_by, k.decided_at, k.decision_reason, e.id, e.name, e.kind, s.id, sl.key, s.record_id, s.name,"
    " s.delisted_on"
)


def links(
    session: Readable, filters: LinkFilters = LinkFilters(), *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """A page of links (oldest first), each with its entity and its sanction entry."""
    _check_paging(limit, offset)
    filters.check()
    query = _Query(
        raw_of(session),
        "link k JOIN entity e ON e.id = k.entity_id JOIN sanction_entry s ON s.id = k.entry_id"
        " JOIN sanction_list sl ON sl.id = s.list_id",
    )
    if filters.status:
        query.where("k.status = ?", filters.status)
    if filters.basis:
        query.where("k.basis = ?", filters.basis)
    if filters.min_score is not None:
        query.where("k.score >= ?", filters.min_score)
    if filters.max_score is not None:
        query.where("k.score <= ?", filters.max_score)
    if filters.needs_review is not None:
        query.where("k.needs_review = ?", filters.needs_review)
    if filters.entity and filters.entity.strip():
        query.where("lower(e.name) LIKE ?", _contains(filters.entity))
    rows = query.page(LINK_COLUMNS, "k.id", limit, offset)
    total = query.count() if rows or offset else 0
    items = [
        {
            "id": link_id,
            "status": status,
            "basis": basis,
            "score": score,
            "needs_review": bool(needs_review),
            "review_reason": review_reason,
            "explanation": explanation,
            "proposed_by": proposed_by,
            "decided_by": decided_by,
            "decided_at": _iso(decided_at),
            "reason": reason,
            "entity_id": entity_id,
            "entity": entity,
            "entity_kind": entity_kind,
            "entry_id": entry_id,
            "list": list_key,
            "record_id": record_id,
            "entry": entry,
            "entry_status": entry_status(delisted_on),
        }
        for (
            link_id,
            status,
            basis,
            score,
            needs_review,
            review_reason,
            explanation,
            proposed_by,
            decided_by,
            decided_at,
            reason,
            entity_id,
            entity,
            entity_kind,
            entry_id,
            list_key,
            record_id,
            entry,
            delisted_on,
        ) in rows
    ]
    return _page(total, limit, offset, items)


# --- posts -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostFilters:
    title: str | None = None  # words of the title, as `refdb holders` matches them
    country: str | None = None
    organization: str | None = None  # words of the organization's name, or its key


def posts(
    session: Readable, filters: PostFilters = PostFilters(), *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """A page of posts by title, each with how many tenures it has (``holders``) and how
    many of them are held today (``current_holders``)."""
    _check_paging(limit, offset)
    raw = raw_of(session)
    query = _Query(raw, "post p LEFT JOIN entity o ON o.id = p.organization_id")
    if filters.title:
        post_ids = _matching_post_ids(raw, filters.title)
        if not post_ids:
            return _page(0, limit, offset, [])
        query.where(f"p.id IN ({id_list(post_ids)})")
    if filters.country:
        query.where("lower(p.country) = ?", filters.country.strip().lower())
    if filters.organization:
        wanted = filters.organization.strip()
        query.where("(o.key = ? OR lower(o.name) LIKE ?)", wanted, _contains(wanted))
    rows = query.page(
        "p.id, p.key, p.title, p.organization_id, o.name, p.country, p.single_holder",
        "p.title, p.id",
        limit,
        offset,
    )
    total = query.count() if rows or offset else 0
    today = date.today()
    counts = (
        {
            post_id: (held, current)
            for post_id, held, current in raw.rows(
                "SELECT tenure.post_id, count(*),"
                f" sum(CASE WHEN {in_office_sql(today, today)} THEN 1 ELSE 0 END) FROM tenure"
                f" WHERE tenure.post_id IN ({id_list([row[0] for row in rows])}) GROUP BY tenure.post_id"
            )
        }
        if rows
        else {}
    )
    items = [
        {
            "id": post_id,
            "key": key,
            "title": title,
            "organization_id": organization_id,
            "organization": organization,
            "country": country,
            "single_holder": bool(single_holder),
            "holders": counts.get(post_id, (0, 0))[0],
            "current_holders": counts.get(post_id, (0, 0))[1],
        }
        for post_id, key, title, organization_id, organization, country, single_holder in rows
    ]
    return _page(total, limit, offset, items)
