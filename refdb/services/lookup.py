"""Read-side queries: an entity's profile, post holders on a date, sanction entries.

Results are plain dicts shaped exactly like the CLI's JSON (documented in the README),
so the CLI, the TUI and scripts share one definition of each answer.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, TextClause, bindparam, func, or_, text
from sqlmodel import Session, col, select

from refdb import dates
from refdb.errors import Ambiguous, NotFound
from refdb.listing import ListingDates, possibly_active_sql
from refdb.models import (
    Authority,
    Citation,
    Entity,
    EntryName,
    EntryProgram,
    Identifier,
    Link,
    Name,
    Post,
    Program,
    Relation,
    SanctionEntry,
    SanctionList,
    Source,
    Tenure,
)
from refdb.services import list_age
from refdb.services.lists import require_list
from refdb.services.rules import in_office_sql, rank_posts, tenure_item

if TYPE_CHECKING:
    from sqlmodel.sql.expression import SelectOfScalar


def find_entity(session: Session, ref: str | int, *, follow_merges: bool = True) -> Entity:
    """An entity by numeric id, stable key (e.g. ``li-shangfu``) or an identifier it
    carries (see ``resolve_entity``)."""
    return resolve_entity(session, ref, follow_merges=follow_merges)[0]


def resolve_entity(
    session: Session, ref: str | int, *, follow_merges: bool = True
) -> tuple[Entity, Identifier | None]:
    """An entity by numeric id or by its stable key (e.g. ``li-shangfu``); failing both,
    by the value of an identifier it carries under any scheme (``P000197``, ``Q7747``),
    returned as the second value. An entity merged into another stands for that one,
    unless ``follow_merges`` is False (its own history). A value carried by several
    entities is ``Ambiguous``, naming them."""
    text = str(ref).strip()
    entity = session.get(Entity, int(text)) if text.isdigit() else None
    if entity is None:
        entity = session.exec(select(Entity).where(Entity.key == text)).first()
    matched: Identifier | None = None
    if entity is None:
        entity, matched = _by_identifier(session, text, follow_merges)
    if follow_merges and entity.merged_into_id is not None:
        kept = session.get(Entity, survivor(session, entity.merged_into_id))
        assert kept is not None  # a foreign key: the entity merged into exists
        return kept, matched
    return entity, matched


def survivor(session: Session, entity_id: int) -> int:
    """The entity an id stands for today: itself, or the one it was merged into."""
    seen = {entity_id}
    while (entity := session.get(Entity, entity_id)) is not None and entity.merged_into_id is not None:
        entity_id = entity.merged_into_id
        if entity_id in seen:  # a cycle can only come from hand-edited rows; stop on it
            break
        seen.add(entity_id)
    return entity_id


def _by_name_hint(session: Session, value: str) -> str:
    """Where to look when the value is no id: the entities bearing it as one of their names
    (`refdb show "Nancy Pelosi"`), or how to search by name."""
    from refdb.matching.normalize import normalize_name  # its tables: ~20 ms, for a miss only

    named = session.exec(
        select(Entity.id, Entity.name)
        .join(Name, col(Name.entity_id) == Entity.id)
        .where(Name.normalized == normalize_name(value), col(Entity.merged_into_id).is_(None))
        .distinct()
        .order_by(col(Entity.id))
        .limit(MAX_NAMED)
    ).all()
    if not named:
        return f" (`refdb search {shlex.quote(value)}` finds it by name, with its id)"
    return "; by that name: " + ", ".join(f"{name} is id {entity_id}" for entity_id, name in named)


MAX_NAMED = 5


def _by_identifier(session: Session, value: str, follow_merges: bool) -> tuple[Entity, Identifier]:
    rows = session.exec(
        select(Identifier, Entity)
        .join(Entity, col(Entity.id) == Identifier.entity_id)
        .where(Identifier.value == value)
        .order_by(col(Identifier.id))
    ).all()
    if not rows:
        raise NotFound(f"no entity with id, key or identifier {value!r}{_by_name_hint(session, value)}")
    # One entity under several schemes (a QID as wikidata and as an FtM id), or entities
    # since merged into one, are one answer.
    holders = {survivor(session, i.entity_id) if follow_merges else i.entity_id: (i, e) for i, e in rows}
    if len(holders) > 1:
        candidates = [
            {"id": e.id, "name": e.name, "scheme": i.scheme, "value": i.value} for i, e in holders.values()
        ]
        held = "; ".join(f"{c['scheme']}:{c['value']} of {c['name']} (id {c['id']})" for c in candidates)
        raise Ambiguous(
            f"identifier {value!r} is carried by {len(holders)} entities: {held}; show one by id", candidates
        )
    identifier, entity = rows[0]
    return entity, identifier


def citations_for(session: Session, table: str, row_ids: list[int | None]) -> dict[int | None, list[dict]]:
    """Citations of many rows of one table at once, keyed by row id (a stored row's id, which
    SQLModel types as optional)."""
    if not row_ids:
        return {}
    rows = session.exec(
        select(Citation, Source)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(Citation.subject_table == table, col(Citation.subject_id).in_(row_ids))
        .order_by(col(Citation.id))
    ).all()
    found: dict[int | None, list[dict]] = defaultdict(list)
    for citation, source in rows:
        found[citation.subject_id].append(
            {
                "id": citation.id,
                "source_id": source.id,
                "source": source.title,
                "publisher": source.publisher,
                "url": source.url,
                "published_on": source.published_on,
                "verified": source.verified,
                "quote": citation.quote,
                "locator": citation.locator,
            }
        )
    return found


def tenure_dict(tenure: Tenure, post: Post, organization: Entity | None) -> dict[str, Any]:
    return tenure_item(
        (
            tenure.id,
            tenure.version,
            post.id,
            post.title,
            organization.id if organization else None,
            organization.name if organization else None,
            tenure.start_on,
            tenure.end_on,
            tenure.acting,
            tenure.status,
            tenure.confirmed_on,
        )
    )


def entry_dict(session: Session, entry: SanctionEntry, *, with_names: bool = False) -> dict[str, Any]:
    sanction_list = session.get(SanctionList, entry.list_id)
    assert sanction_list is not None
    authority = session.get(Authority, sanction_list.authority_id)
    programs = session.exec(
        select(Program)
        .join(EntryProgram, col(EntryProgram.program_id) == Program.id)
        .where(EntryProgram.entry_id == entry.id)
        .order_by(col(Program.code))
    ).all()
    result: dict[str, Any] = {
        "id": entry.id,
        "version": entry.version,
        "list": sanction_list.key,
        "list_name": sanction_list.name,
        "list_age_days": list_age.age_days(session, sanction_list),
        "record_id": entry.record_id,
        "authority": authority.name if authority else None,
        "name": entry.name,
        "target_kind": entry.target_kind,
        "title": entry.title,
        "programs": [{"code": p.code, "legal_basis": p.legal_basis} for p in programs],
        **ListingDates.of(entry).as_dict(),
        "listing": ListingDates.of(entry).describe(),
        "status": entry.status,
        "birth_dates": entry.birth_dates,
        "nationalities": entry.nationalities,
    }
    if with_names:
        names = session.exec(
            select(EntryName).where(EntryName.entry_id == entry.id).order_by(col(EntryName.id))
        ).all()
        result["names"] = [{"name": n.name, "kind": n.kind} for n in names]
        result["remarks"] = entry.remarks
        result["addresses"] = entry.addresses
        result["identifiers"] = entry.identifiers
    return result


def link_dict(link: Link, citations: list[dict]) -> dict[str, Any]:
    return {
        "id": link.id,
        "version": link.version,
        "status": link.status,
        "basis": link.basis,
        "tenure_id": link.tenure_id,
        "score": link.score,
        "explanation": link.explanation,
        "proposed_by": link.proposed_by,
        "decided_by": link.decided_by,
        "decided_at": link.decided_at.isoformat() if link.decided_at else None,
        "reason": link.decision_reason,
        "needs_review": link.needs_review,
        "review_reason": link.review_reason,
        "citations": citations,
    }


def entity_profile(session: Session, ref: str | int) -> dict[str, Any]:
    """Everything `refdb show` prints about one entity; ``matched_identifier`` is the
    identifier ``ref`` named it by, when it was neither its id nor its key."""
    entity, matched = resolve_entity(session, ref)
    merged_from = session.exec(
        select(Entity.id).where(Entity.merged_into_id == entity.id).order_by(col(Entity.id))
    ).all()
    names = session.exec(select(Name).where(Name.entity_id == entity.id).order_by(col(Name.id))).all()
    identifiers = session.exec(
        select(Identifier).where(Identifier.entity_id == entity.id).order_by(col(Identifier.id))
    ).all()
    tenure_rows = session.exec(
        select(Tenure, Post)
        .join(Post, col(Post.id) == Tenure.post_id)
        .where(Tenure.person_id == entity.id)
        .order_by(col(Tenure.start_from).desc().nulls_last(), col(Tenure.id))
    ).all()
    links = session.exec(select(Link).where(Link.entity_id == entity.id).order_by(col(Link.id))).all()
    link_citations = citations_for(session, "link", [link.id for link in links])
    entry_citations = citations_for(session, "sanction_entry", [link.entry_id for link in links])
    tenure_citations = citations_for(session, "tenure", [t.id for t, _ in tenure_rows])
    name_citations = citations_for(session, "name", [n.id for n in names])
    sanctions = []
    for link in links:
        entry = session.get(SanctionEntry, link.entry_id)
        assert entry is not None
        item = entry_dict(session, entry)
        item["citations"] = entry_citations.get(entry.id, [])
        item["link"] = link_dict(link, link_citations.get(link.id, []))
        sanctions.append(item)
    tenures = []
    for tenure, post in tenure_rows:
        organization = session.get(Entity, post.organization_id) if post.organization_id else None
        item = tenure_dict(tenure, post, organization)
        item["citations"] = tenure_citations.get(tenure.id, [])
        tenures.append(item)
    return {
        "id": entity.id,
        "key": entity.key,
        "version": entity.version,
        "kind": entity.kind,
        "name": entity.name,
        "birth_date": entity.birth_date,
        "birth_place": entity.birth_place,
        "death_date": entity.death_date,
        "nationality": entity.nationality,
        "gender": entity.gender,
        "country": entity.country,
        "notes": entity.notes,
        "merged_from": list(merged_from),  # entities merged into this one: their ids lead here
        "names": [
            {
                "id": n.id,
                "name": n.name,
                "kind": n.kind,
                "lang": n.lang,
                "script": n.script,
                "citations": name_citations.get(n.id, []),
            }
            for n in names
        ],
        "identifiers": [{"id": i.id, "scheme": i.scheme, "value": i.value} for i in identifiers],
        "tenures": tenures,
        "relations": _relations(session, entity.id),  # type: ignore[arg-type]
        "sanctions": sanctions,
        "citations": citations_for(session, "entity", [entity.id]).get(entity.id, []),
        "matched_identifier": {"scheme": matched.scheme, "value": matched.value} if matched else None,
    }


def _relations(session: Session, entity_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Relation).where(
            or_(col(Relation.subject_id) == entity_id, col(Relation.object_id) == entity_id)
        )
    ).all()
    result = []
    for relation in rows:
        outgoing = relation.subject_id == entity_id
        other = session.get(Entity, relation.object_id if outgoing else relation.subject_id)
        assert other is not None
        result.append(
            {
                "id": relation.id,
                "kind": relation.kind,
                "direction": "outgoing" if outgoing else "incoming",
                "other_id": other.id,
                "other": other.name,
                "start": relation.start_on,
                "end": relation.end_on,
                "description": relation.description,
            }
        )
    return result


def in_office_on(first_day: date, last_day: date) -> list[TextClause]:
    """Conditions on ``Tenure``: held on some day from ``first_day`` to ``last_day``
    (the rule is ``rules.in_office_sql``, which the listings share)."""
    return [text(in_office_sql(first_day, last_day))]


def entry_active_on(first_day: date, last_day: date) -> list[TextClause]:
    """Conditions on ``SanctionEntry``: may have been in force on some day from
    ``first_day`` to ``last_day`` (refdb.listing holds the rule; ``ListingDates.active_on``
    tells a certain answer from an uncertain one)."""
    may_be_active = text(possibly_active_sql("sanction_entry", ":active_last", ":active_first"))
    return [
        may_be_active.bindparams(
            bindparam("active_last", last_day, type_=Date),
            bindparam("active_first", first_day, type_=Date),
        )
    ]


def matching_posts(session: Session, query: str) -> list[tuple[Post, float]]:
    """Posts whose title contains every word of the query; exact titles win outright."""
    if not query.strip():
        return []
    return rank_posts(query, ((post, post.title) for post in session.exec(select(Post)).all()))


def holders(session: Session, post_query: str, on: str) -> list[dict[str, Any]]:
    """Who held a post matching ``post_query`` on ``on`` (a partial date means any day in it).

    A partial start or end counts as covering every day of its interval; a tenure
    with no recorded end is open. Answers resting on an unknown date say
    ``certain: false``.
    """
    first_day, last_day = dates.as_of(on)
    matches = matching_posts(session, post_query)
    if not matches:
        return []
    by_id = {post.id: post for post, _ in matches}
    scores = {post.id: score for post, score in matches}
    rows = session.exec(
        select(Tenure, Entity)
        .join(Entity, col(Entity.id) == Tenure.person_id)
        .where(col(Tenure.post_id).in_(list(by_id)), *in_office_on(first_day, last_day))
    ).all()
    answers: list[dict[str, Any]] = []
    for tenure, person in rows:
        post = by_id[tenure.post_id]
        organization = session.get(Entity, post.organization_id) if post.organization_id else None
        answers.append(
            {
                "person_id": person.id,
                "person": person.name,
                "match_score": round(scores[post.id], 3),
                "certain": _certainly_held(tenure, last_day),
                "tenure": tenure_dict(tenure, post, organization),
            }
        )
    answers.sort(key=lambda item: (-item["match_score"], not item["certain"], item["person"]))
    return answers


def _certainly_held(tenure: Tenure, last_day: date) -> bool:
    """Whether a tenure that may reach the period ending ``last_day`` certainly does."""
    if tenure.start_on is None:
        return False
    if tenure.end_on is not None:
        return True
    # An ended tenure whose end nobody recorded may or may not reach the period; an open
    # one is known to go on only until it was last confirmed.
    confirmed = dates.earliest_or_none(tenure.confirmed_on)
    return tenure.status != "ended" and confirmed is not None and last_day <= confirmed


def sanctions(
    session: Session,
    *,
    entity: str | int | None = None,
    program: str | None = None,
    list_key: str | None = None,
    active_on: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Sanction entries, filtered, latest listed first (then by id, so pages do not
    overlap); an entity filter keeps entries linked to it."""
    query = _sanctions_query(session, entity, program, list_key, active_on)
    order = (col(SanctionEntry.listed_from).desc().nulls_last(), col(SanctionEntry.id))
    entries = session.exec(query.order_by(*order).offset(offset).limit(limit))
    found = []
    for entry in entries.all():
        item = _with_links(session, entry_dict(session, entry))
        if active_on:  # the filter keeps entries that may have been active: say which certainly were
            item["active_on"] = {"date": active_on, "answer": ListingDates.of(entry).active_on(active_on)}
        found.append(item)
    return found


def count_sanctions(
    session: Session,
    *,
    entity: str | int | None = None,
    program: str | None = None,
    list_key: str | None = None,
    active_on: str | None = None,
) -> int:
    """How many entries ``sanctions`` would list without a limit."""
    query = _sanctions_query(session, entity, program, list_key, active_on)
    return session.exec(select(func.count()).select_from(query.subquery())).one()


def _sanctions_query(
    session: Session,
    entity: str | int | None,
    program: str | None,
    list_key: str | None,
    active_on: str | None,
) -> SelectOfScalar[SanctionEntry]:
    query = select(SanctionEntry)
    if entity is not None:
        entity_id = find_entity(session, entity).id
        query = query.join(Link, col(Link.entry_id) == SanctionEntry.id).where(
            Link.entity_id == entity_id, col(Link.status) != "rejected"
        )
    if program:
        query = (
            query.join(EntryProgram, col(EntryProgram.entry_id) == SanctionEntry.id)
            .join(Program, col(Program.id) == EntryProgram.program_id)
            .where(col(Program.code).ilike(program))
        )
    if list_key:
        require_list(session, list_key)
        query = query.join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id).where(
            SanctionList.key == list_key
        )
    if active_on:
        query = query.where(*entry_active_on(*dates.as_of(active_on)))
    return query


def _with_links(session: Session, item: dict[str, Any]) -> dict[str, Any]:
    rows = session.exec(
        select(Link, Entity).join(Entity, col(Entity.id) == Link.entity_id).where(Link.entry_id == item["id"])
    ).all()
    item["links"] = [
        {"id": link.id, "entity_id": e.id, "entity": e.name, "status": link.status} for link, e in rows
    ]
    return item


def sanction_entry(session: Session, list_key: str, record_id: str) -> dict[str, Any]:
    entry = session.exec(
        select(SanctionEntry)
        .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
        .where(SanctionList.key == list_key, SanctionEntry.record_id == record_id)
    ).first()
    if entry is None:
        require_list(session, list_key)
        raise NotFound(f"no entry {record_id!r} in list {list_key!r}")
    return _with_links(session, entry_dict(session, entry, with_names=True))
