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
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from refdb import dates
from refdb.errors import RefdbError
from refdb.models import Citation, Entity, Link, Name, Post, SanctionEntry, SanctionList, Source, Tenure
from refdb.models.vocab import LINK_BASES, LINK_STATUSES
from refdb.services.lookup import entry_active_on, in_office_on, matching_posts, tenure_dict

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.sql.selectable import GenerativeSelect
    from sqlmodel.sql.expression import SelectOfScalar

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


def _count(session: Session, query: GenerativeSelect) -> int:
    return session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()


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


def _tenure_conditions(session: Session, filters: OfficialFilters) -> list[ColumnElement[bool]] | None:
    """Conditions on ``Tenure`` (joined to ``Post``); None when no post can match."""
    conditions: list[ColumnElement[bool]] = []
    if filters.post:
        post_ids = [post.id for post, _ in matching_posts(session, filters.post)]
        if not post_ids:
            return None
        conditions.append(col(Tenure.post_id).in_(post_ids))
    if filters.country:
        conditions.append(func.lower(Post.country) == filters.country.strip().lower())
    if filters.in_office_on:
        conditions += in_office_on(*dates.as_of(filters.in_office_on))
    return conditions


def _sanctioning_links(filters: OfficialFilters) -> SelectOfScalar[int]:
    """Ids of entities with a link that makes them sanctioned under ``filters``."""
    return (
        select(Link.entity_id)
        .join(SanctionEntry, col(SanctionEntry.id) == Link.entry_id)
        .where(col(Link.status).in_(filters.link_statuses()), *entry_active_on(*filters.sanction_interval()))
    )


def _cited_by(session: Session, source: str) -> ColumnElement[bool]:
    """An entity whose own row, names or tenures cite the source ``source``: a source's
    key or id, or an importer's key ("us-congress"), which names each file it imported
    ("us-congress:legislators-current.yaml:...")."""
    matches = [col(Source.key) == source, col(Source.key).startswith(f"{source}:", autoescape=True)]
    if source.isdigit():
        matches.append(col(Source.id) == int(source))
    found = session.exec(select(Source.id).where(or_(*matches))).all()
    if not found:
        raise BadFilter(f"no source with key {source!r}")
    cited = select(Citation.subject_id).where(col(Citation.source_id).in_(found))
    return or_(
        col(Entity.id).in_(cited.where(Citation.subject_table == "entity")),
        col(Entity.id).in_(
            select(Name.entity_id).where(col(Name.id).in_(cited.where(Citation.subject_table == "name")))
        ),
        col(Entity.id).in_(
            select(Tenure.person_id).where(
                col(Tenure.id).in_(cited.where(Citation.subject_table == "tenure"))
            )
        ),
    )


def _officials_query(
    session: Session, filters: OfficialFilters, tenure_conditions: list[ColumnElement[bool]]
) -> SelectOfScalar[Entity]:
    held = (
        select(Tenure.id)
        .join(Post, col(Post.id) == Tenure.post_id)
        .where(Tenure.person_id == Entity.id, *tenure_conditions)
    )
    query = select(Entity).where(Entity.kind == "person", exists(held))
    if filters.sanctioned:
        sanctioned = col(Entity.id).in_(_sanctioning_links(filters))
        query = query.where(sanctioned if filters.sanctioned == "yes" else ~sanctioned)
    if filters.source:
        query = query.where(_cited_by(session, filters.source))
    if filters.name and filters.name.strip():
        query = query.where(col(Entity.name).ilike(f"%{filters.name.strip()}%"))
    return query


def officials(
    session: Session,
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
    tenure_conditions = _tenure_conditions(session, filters)
    if tenure_conditions is None:
        return _page(0, limit, offset, [])
    query = _officials_query(session, filters, tenure_conditions)
    people = session.exec(query.order_by(col(Entity.name), col(Entity.id)).limit(limit).offset(offset)).all()
    total = _count(session, query) if people or offset else 0
    ids = [person.id for person in people]
    tenures = _tenures_of(session, ids, tenure_conditions)
    links = _links_of(session, ids)
    sanctioned = set(session.exec(_sanctioning_links(filters).where(col(Link.entity_id).in_(ids))).all())
    first, last = filters.sanction_interval()
    items = [
        {
            "id": person.id,
            "key": person.key,
            "name": person.name,
            "birth_date": person.birth_date,
            "nationality": person.nationality,
            "country": person.country,
            "sanctioned": person.id in sanctioned,
            "sanctioned_on": first.isoformat() if first == last else f"{first} to {last}",
            "tenures": tenures.get(person.id, []),  # type: ignore[arg-type]
            "sanctions": links.get(person.id, []),  # type: ignore[arg-type]
        }
        for person in people
    ]
    return _page(total, limit, offset, items)


def _tenures_of(
    session: Session, person_ids: list[int | None], conditions: list[ColumnElement[bool]]
) -> dict[int, list[dict[str, Any]]]:
    organization = aliased(Entity)
    rows = session.exec(
        select(Tenure, Post, organization)
        .join(Post, col(Post.id) == Tenure.post_id)
        .join(organization, col(organization.id) == Post.organization_id, isouter=True)
        .where(col(Tenure.person_id).in_(person_ids), *conditions)
        .order_by(col(Tenure.start_from).desc().nulls_last(), col(Tenure.id))
    ).all()
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for tenure, post, body in rows:
        found[tenure.person_id].append(tenure_dict(tenure, post, body))
    return found


def _links_of(session: Session, entity_ids: list[int | None]) -> dict[int, list[dict[str, Any]]]:
    rows = session.exec(
        select(Link, SanctionEntry, SanctionList.key)
        .join(SanctionEntry, col(SanctionEntry.id) == Link.entry_id)
        .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
        .where(col(Link.entity_id).in_(entity_ids), col(Link.status) != "rejected")
        .order_by(col(Link.id))
    ).all()
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link, entry, list_key in rows:
        found[link.entity_id].append(
            {
                "link_id": link.id,
                "link_status": link.status,
                "entry_id": entry.id,
                "list": list_key,
                "record_id": entry.record_id,
                "name": entry.name,
                "status": entry.status,
                "listed_on": entry.listed_on,
                "delisted_on": entry.delisted_on,
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


def links(
    session: Session, filters: LinkFilters = LinkFilters(), *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """A page of links (oldest first), each with its entity and its sanction entry."""
    _check_paging(limit, offset)
    filters.check()
    query = (
        select(Link, Entity, SanctionEntry, SanctionList.key)
        .join(Entity, col(Entity.id) == Link.entity_id)
        .join(SanctionEntry, col(SanctionEntry.id) == Link.entry_id)
        .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
    )
    if filters.status:
        query = query.where(Link.status == filters.status)
    if filters.basis:
        query = query.where(Link.basis == filters.basis)
    if filters.min_score is not None:
        query = query.where(col(Link.score) >= filters.min_score)
    if filters.max_score is not None:
        query = query.where(col(Link.score) <= filters.max_score)
    if filters.needs_review is not None:
        query = query.where(Link.needs_review == filters.needs_review)
    if filters.entity and filters.entity.strip():
        query = query.where(col(Entity.name).ilike(f"%{filters.entity.strip()}%"))
    rows = session.exec(query.order_by(col(Link.id)).limit(limit).offset(offset)).all()
    total = _count(session, query) if rows or offset else 0
    items = [
        {
            "id": link.id,
            "status": link.status,
            "basis": link.basis,
            "score": link.score,
            "needs_review": link.needs_review,
            "review_reason": link.review_reason,
            "explanation": link.explanation,
            "proposed_by": link.proposed_by,
            "decided_by": link.decided_by,
            "decided_at": link.decided_at.isoformat() if link.decided_at else None,
            "reason": link.decision_reason,
            "entity_id": entity.id,
            "entity": entity.name,
            "entity_kind": entity.kind,
            "entry_id": entry.id,
            "list": list_key,
            "record_id": entry.record_id,
            "entry": entry.name,
            "entry_status": entry.status,
        }
        for link, entity, entry, list_key in rows
    ]
    return _page(total, limit, offset, items)


# --- posts -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostFilters:
    title: str | None = None  # words of the title, as `refdb holders` matches them
    country: str | None = None
    organization: str | None = None  # words of the organization's name, or its key


def posts(
    session: Session, filters: PostFilters = PostFilters(), *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """A page of posts by title, each with how many tenures it has (``holders``) and how
    many of them are held today (``current_holders``)."""
    _check_paging(limit, offset)
    organization = aliased(Entity)
    query = select(Post, organization).join(
        organization, col(organization.id) == Post.organization_id, isouter=True
    )
    if filters.title:
        post_ids = [post.id for post, _ in matching_posts(session, filters.title)]
        if not post_ids:
            return _page(0, limit, offset, [])
        query = query.where(col(Post.id).in_(post_ids))
    if filters.country:
        query = query.where(func.lower(Post.country) == filters.country.strip().lower())
    if filters.organization:
        wanted = filters.organization.strip()
        query = query.where(or_(col(organization.key) == wanted, col(organization.name).ilike(f"%{wanted}%")))
    rows = session.exec(query.order_by(col(Post.title), col(Post.id)).limit(limit).offset(offset)).all()
    total = _count(session, query) if rows or offset else 0
    ids = [post.id for post, _ in rows]
    today = date.today()
    counts: dict[int | None, tuple[int, int]] = {
        post_id: (held, current)
        for post_id, held, current in session.exec(
            select(
                Tenure.post_id,
                func.count(),
                func.count().filter(and_(*in_office_on(today, today))),
            )
            .where(col(Tenure.post_id).in_(ids))
            .group_by(col(Tenure.post_id))
        ).all()
    }
    items = [
        {
            "id": post.id,
            "key": post.key,
            "title": post.title,
            "organization_id": post.organization_id,
            "organization": body.name if body else None,
            "country": post.country,
            "single_holder": post.single_holder,
            "holders": counts.get(post.id, (0, 0))[0],
            "current_holders": counts.get(post.id, (0, 0))[1],
        }
        for post, body in rows
    ]
    return _page(total, limit, offset, items)
