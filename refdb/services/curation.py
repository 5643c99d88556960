"""Curation: the reads and writes an editor (the TUI, scripts) needs beyond lookups.

Rows are addressed by table name so that one generic form can edit any curated
table; every write goes through the Editor (validated, version-checked, logged).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, or_
from sqlmodel import Session, SQLModel, col, select

from refdb import changelog
from refdb.errors import Conflict, InvalidInput, NotFound
from refdb.models import (
    Change,
    Citation,
    Entity,
    EntryName,
    Identifier,
    Link,
    Name,
    Post,
    Relation,
    SanctionEntry,
    SanctionList,
    Source,
    Tenure,
)
from refdb.services import links, lookup
from refdb.services.edits import Editor
from refdb.services.validation import validate

NameRow = TypeVar("NameRow", Name, EntryName)  # an entity's names or an entry's

EDITABLE: dict[str, type[SQLModel]] = {
    "entity": Entity,
    "name": Name,
    "identifier": Identifier,
    "post": Post,
    "tenure": Tenure,
    "relation": Relation,
    "sanction_entry": SanctionEntry,
    "source": Source,
    "citation": Citation,
    "link": Link,
}


def _model(table: str) -> type[SQLModel]:
    try:
        return EDITABLE[table]
    except KeyError:
        raise NotFound(f"{table!r} is not an editable table") from None


def read_row(session: Session, table: str, row_id: int) -> dict[str, Any]:
    """A row's current column values, including the version an edit must quote back."""
    row = session.get(_model(table), row_id)
    if row is None:
        raise NotFound(f"no {table} with id {row_id}")
    return changelog.snapshot(row)


def update_row(
    editor: Editor,
    table: str,
    row_id: int,
    changes: dict[str, Any],
    *,
    expected_version: int,
    reason: str | None = None,
) -> dict[str, Any]:
    """Edit one row; an entity's or entry's display name keeps its primary name row in step."""
    model = _model(table)
    row = editor.update(model, row_id, changes, expected_version=expected_version, reason=reason)
    if isinstance(row, Entity) and "name" in changes:
        _sync_primary(editor, Name, Name.entity_id == row.id, row.name, reason)
    if isinstance(row, SanctionEntry) and "name" in changes:
        _sync_primary(editor, EntryName, EntryName.entry_id == row.id, row.name, reason)
    return changelog.snapshot(row)


def _sync_primary(editor: Editor, model: type[NameRow], owner: Any, name: str, reason: str | None) -> None:
    primary = editor.session.exec(select(model).where(owner, model.kind == "primary")).first()
    if primary is not None and primary.name != name:
        editor.update(model, primary.id, {"name": name}, reason=reason)  # type: ignore[arg-type]


def delete_row(
    editor: Editor, table: str, row_id: int, *, expected_version: int, reason: str | None = None
) -> None:
    """Delete one row (and the citations of it); entities go through ``delete_entity``."""
    if table == "entity":
        delete_entity(editor, row_id, expected_version=expected_version, reason=reason)
        return
    editor.delete(_model(table), row_id, expected_version=expected_version, reason=reason)


def create_entity(editor: Editor, *, kind: str, name: str, reason: str | None = None, **facts: Any) -> Entity:
    """A new entity and its primary name row, so that search finds it at once."""
    entity = editor.create(Entity(kind=kind, name=name, **facts), reason=reason)
    editor.create(
        Name(entity_id=entity.id, name=entity.name, kind="primary", normalized=""),  # type: ignore[arg-type]
        reason=reason,
    )
    return entity


def delete_entity(
    editor: Editor, entity_id: int, *, expected_version: int, reason: str | None = None
) -> None:
    """Delete an entity with its names and identifiers.

    Tenures, links, relations and posts are facts of their own: the entity is refused
    while any of them still refers to it, saying which, so nothing vanishes unseen.
    """
    editor.get(Entity, entity_id, expected_version)
    session = editor.session
    blockers = {
        "tenures": session.exec(select(func.count()).where(Tenure.person_id == entity_id)).one(),
        "links": session.exec(select(func.count()).where(Link.entity_id == entity_id)).one(),
        "relations": session.exec(
            select(func.count()).where(
                or_(col(Relation.subject_id) == entity_id, col(Relation.object_id) == entity_id)
            )
        ).one(),
        "posts": session.exec(select(func.count()).where(Post.organization_id == entity_id)).one(),
    }
    held = [f"{count} {what}" for what, count in blockers.items() if count]
    if held:
        raise Conflict(f"entity {entity_id} still has {', '.join(held)}: delete those first")
    for model in (Name, Identifier):
        for row_id in session.exec(select(col(model.id)).where(col(model.entity_id) == entity_id)).all():
            editor.delete(model, row_id, reason=reason)  # type: ignore[arg-type]
    editor.delete(Entity, entity_id, expected_version=expected_version, reason=reason)


def add_name(
    editor: Editor,
    entity_id: int,
    *,
    name: str | None,
    kind: str = "alias",
    lang: str | None = None,
    script: str | None = None,
    reason: str | None = None,
) -> Name:
    row = Name(entity_id=entity_id, name=name or "", kind=kind, lang=lang, script=script, normalized="")
    return editor.create(row, reason=reason)


def entity_id_of(session: Session, field: str, ref: str | int | None) -> int | None:
    """An entity id from an id or key typed into a form; a bad one is a field error."""
    if ref is None or str(ref).strip() == "":
        return None
    try:
        return lookup.find_entity(session, ref).id
    except NotFound as error:
        raise InvalidInput({field: str(error)}) from None


def create_post(
    editor: Editor,
    *,
    title: str | None,
    organization: str | int | None = None,
    country: str | None = None,
    single_holder: bool = False,
    reason: str | None = None,
) -> Post:
    problems: dict[str, str] = {}
    organization_id = None
    try:
        organization_id = entity_id_of(editor.session, "organization", organization)
    except InvalidInput as error:
        problems.update(error.problems)
    row = Post(
        title=title or "", organization_id=organization_id, country=country, single_holder=single_holder
    )
    try:
        validate(row)
    except InvalidInput as error:
        problems.update(error.problems)
    if problems:  # every problem at once, not the organization's first
        raise InvalidInput(problems, "post")
    return editor.create(row, reason=reason)


def add_tenure(
    editor: Editor,
    person_id: int,
    *,
    post_id: int | None,
    start_on: str | None = None,
    end_on: str | None = None,
    status: str = "unknown",
    acting: bool = False,
    reason: str | None = None,
) -> Tenure:
    row = Tenure(
        person_id=person_id,
        post_id=post_id,  # type: ignore[arg-type]
        start_on=start_on,
        end_on=end_on,
        status=status,
        acting=acting,
    )
    return editor.create(row, reason=reason)


def create_entry(
    editor: Editor,
    *,
    list_id: int | None,
    record_id: str | None,
    name: str | None,
    target_kind: str = "person",
    title: str | None = None,
    listed_on: str | None = None,
    delisted_on: str | None = None,
    remarks: str | None = None,
    reason: str | None = None,
) -> SanctionEntry:
    """A sanction entry typed in by hand (e.g. from a press release), with its primary name."""
    entry = editor.create(
        SanctionEntry(
            list_id=list_id,  # type: ignore[arg-type]
            record_id=record_id or "",
            name=name or "",
            target_kind=target_kind,
            title=title,
            listed_on=listed_on,
            delisted_on=delisted_on,
            remarks=remarks,
            raw={"entered_by": editor.actor},
        ),
        reason=reason,
    )
    editor.create(
        EntryName(entry_id=entry.id, name=entry.name, kind="primary", normalized=""),  # type: ignore[arg-type]
        reason=reason,
    )
    return entry


def create_source(editor: Editor, *, reason: str | None = None, **fields: Any) -> Source:
    return editor.create(Source(**fields), reason=reason)


def add_citation(
    editor: Editor,
    *,
    source_id: int | None,
    subject_table: str,
    subject_id: int,
    quote: str | None = None,
    locator: str | None = None,
    reason: str | None = None,
) -> Citation:
    row = Citation(
        source_id=source_id,  # type: ignore[arg-type]
        subject_table=subject_table,
        subject_id=subject_id,
        quote=quote,
        locator=locator,
    )
    return editor.create(row, reason=reason)


def propose_link(
    editor: Editor,
    *,
    entity: str | int | None,
    list_key: str | None,
    record_id: str | None,
    score: float | None = None,
    explanation: str | None = None,
    reason: str | None = None,
) -> Link:
    """Propose linking an entity (id or key) to a list record (list key + record id)."""
    problems = {}
    entity_id = None
    try:
        entity_id = entity_id_of(editor.session, "entity", entity)
    except InvalidInput as error:
        problems.update(error.problems)
    if entity_id is None and "entity" not in problems:
        problems["entity"] = "required"
    entry = None
    if not record_id:
        problems["record_id"] = "required"
    else:
        entry = editor.session.exec(
            select(SanctionEntry)
            .join(SanctionList, col(SanctionList.id) == SanctionEntry.list_id)
            .where(SanctionList.key == list_key, SanctionEntry.record_id == record_id.strip())
        ).first()
        if entry is None:
            problems["record_id"] = f"no record {record_id!r} in list {list_key!r}"
    if problems:
        raise InvalidInput(problems, "link")
    return links.propose_link(
        editor,
        entity_id,  # type: ignore[arg-type]
        entry.id,  # type: ignore[union-attr, arg-type]
        score=score,
        explanation=explanation,
        reason=reason,
    )


def list_posts(session: Session, query: str = "", *, limit: int = 500) -> list[dict[str, Any]]:
    """Posts by title (those containing ``query``), with their organization's name."""
    statement = (
        select(Post, Entity)
        .join(Entity, col(Entity.id) == Post.organization_id, isouter=True)
        .order_by(col(Post.title), col(Post.id))
        .limit(limit)
    )
    if query.strip():
        statement = statement.where(col(Post.title).ilike(f"%{query.strip()}%"))
    return [_post_dict(post, organization) for post, organization in session.exec(statement).all()]


def _post_dict(post: Post, organization: Entity | None) -> dict[str, Any]:
    return {
        "id": post.id,
        "key": post.key,
        "version": post.version,
        "title": post.title,
        "organization_id": post.organization_id,
        "organization": organization.name if organization else None,
        "country": post.country,
        "single_holder": post.single_holder,
    }


def post_history(session: Session, post_id: int) -> dict[str, Any]:
    """A post and everyone who held it, latest first; tenures without dates last."""
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound(f"no post with id {post_id}")
    organization = session.get(Entity, post.organization_id) if post.organization_id else None
    rows = session.exec(
        select(Tenure, Entity)
        .join(Entity, col(Entity.id) == Tenure.person_id)
        .where(Tenure.post_id == post_id)
        .order_by(col(Tenure.start_from).desc().nulls_last(), col(Tenure.id))
    ).all()
    citations = lookup.citations_for(session, "tenure", [tenure.id for tenure, _ in rows])
    holders = []
    for tenure, person in rows:
        item = lookup.tenure_dict(tenure, post, organization)
        item.update(person_id=person.id, person=person.name, citations=citations.get(tenure.id, []))
        holders.append(item)
    result = _post_dict(post, organization)
    result["holders"] = holders
    result["citations"] = lookup.citations_for(session, "post", [post_id]).get(post_id, [])
    return result


def entry_detail(session: Session, entry_id: int) -> dict[str, Any]:
    """A list record as published, its citations, and every link to it with the entity."""
    entry = session.get(SanctionEntry, entry_id)
    if entry is None:
        raise NotFound(f"no sanction entry with id {entry_id}")
    result = lookup.entry_dict(session, entry, with_names=True)
    result["citations"] = lookup.citations_for(session, "sanction_entry", [entry_id]).get(entry_id, [])
    rows = session.exec(
        select(Link, Entity)
        .join(Entity, col(Entity.id) == Link.entity_id)
        .where(Link.entry_id == entry_id)
        .order_by(col(Link.id))
    ).all()
    link_citations = lookup.citations_for(session, "link", [link.id for link, _ in rows])
    result["links"] = [
        {
            **lookup.link_dict(link, link_citations.get(link.id, [])),
            "entity_id": entity.id,
            "entity": entity.name,
            "entity_kind": entity.kind,
        }
        for link, entity in rows
    ]
    return result


def list_sources(session: Session, query: str = "", *, limit: int = 500) -> list[dict[str, Any]]:
    statement = select(Source).order_by(col(Source.title), col(Source.id)).limit(limit)
    if query.strip():
        statement = statement.where(col(Source.title).ilike(f"%{query.strip()}%"))
    return [changelog.snapshot(source) for source in session.exec(statement).all()]


def list_sanction_lists(session: Session) -> list[dict[str, Any]]:
    rows = session.exec(select(SanctionList).order_by(col(SanctionList.key))).all()
    return [{"id": row.id, "key": row.key, "name": row.name} for row in rows]


def recent_changes(
    session: Session, *, entity_id: int | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The change log, newest first; for one entity, the changes to it and its rows."""
    statement = select(Change).order_by(col(Change.id).desc()).limit(limit)
    if entity_id is not None:
        statement = statement.where(Change.entity_id == entity_id)
    return [
        {
            "id": change.id,
            "at": change.at.isoformat(timespec="seconds"),
            "actor": change.actor,
            "action": change.action,
            "table": change.table_name,
            "row_id": change.row_id,
            "entity_id": change.entity_id,
            "before": change.before,
            "after": change.after,
            "reason": change.reason,
        }
        for change in session.exec(statement).all()
    ]
