"""The change log read back: an entity's history, and an entity as it stood on a past date.

``entity_as_of`` rebuilds the rows behind an entity's profile from the last change
record about each of them before the date, loads them into a scratch in-memory
database and asks ``lookup.entity_profile`` there, so a past profile has exactly the
shape of a current one. It shows what refdb recorded by then (its knowledge on that
date), not what was true in the world on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, DateTime, Table, create_engine, func
from sqlmodel import Session, SQLModel, col, select

from refdb import changelog, dates
from refdb.errors import InvalidInput, NotFound
from refdb.models import (
    Authority,
    Change,
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
from refdb.services import lookup
from refdb.services.edits import table_name

_CHUNK = 500


def moment(text: str) -> datetime:
    """The end of a date given on the command line ("2023" means up to the end of 2023),
    or an exact ISO date-time; always in UTC."""
    try:
        day = dates.latest(text)
    except dates.InvalidDate:
        try:
            parsed = datetime.fromisoformat(text.strip())
        except ValueError:
            raise InvalidInput(
                {"on": f"{text!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or an ISO date-time"}
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.combine(day + timedelta(days=1), time.min, UTC)


def record_dict(change: Change) -> dict[str, Any]:
    before = json.loads(change.before) if change.before else None
    after = json.loads(change.after) if change.after else None
    changed = (
        {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
        if before is not None and after is not None
        else None
    )
    return {
        "id": change.id,
        "at": changelog.json_ready({"at": change.at})["at"],
        "actor": change.actor,
        "action": change.action,
        "table": change.table_name,
        "row_id": change.row_id,
        "entity_id": change.entity_id,
        "reason": change.reason,
        "changed": changed,
        "before": before,
        "after": after,
        "hash": change.hash,
    }


def history(
    session: Session, ref: str | int | None = None, *, since: str | None = None, limit: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Change records, oldest first: of one entity (its own row and every row tied to it:
    names, identifiers, tenures, relations, links) or of everything. With ``limit``, the
    latest records; also returns how many records matched in all."""
    query = select(Change)
    if ref is not None:
        query = query.where(Change.entity_id == _entity_id(session, ref))
    if since:
        first_day = datetime.combine(dates.earliest(since), time.min, UTC)
        query = query.where(col(Change.at) >= first_day)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    if limit:
        query = query.order_by(col(Change.id).desc()).limit(limit)
        records = list(reversed(session.exec(query).all()))
    else:
        records = list(session.exec(query.order_by(col(Change.id))).all())
    return [record_dict(change) for change in records], total


def _entity_id(session: Session, ref: str | int) -> int:
    """An entity by id or key; an id also finds an entity deleted since."""
    try:
        return lookup.find_entity(session, ref, follow_merges=False).id  # type: ignore[return-value]
    except NotFound:
        text = str(ref).strip()
        if text.isdigit() and session.exec(select(Change.id).where(Change.entity_id == int(text))).first():
            return int(text)
        raise


class _Replay:
    """Rows as the change log says they stood just before ``cut``."""

    def __init__(self, session: Session, cut: datetime) -> None:
        self.session = session
        self.cut = cut
        self.rows: dict[str, dict[int, dict[str, Any]]] = {}
        # Rows created inside an entity's record (changelog.PARTS): table -> id -> (change id, row).
        self.parts: dict[str, dict[int, tuple[int | None, dict[str, Any]]]] = {}

    def take_parts(self, entity_id: int) -> None:
        """Note the rows created inside the entity's records (an imported person's names,
        identifiers, tenures and their citations) before ``cut``."""
        records = select(Change.id, Change.after).where(
            Change.table_name == "entity",
            Change.row_id == entity_id,
            col(Change.at) < self.cut,
            col(Change.after).contains(f'"{changelog.PARTS}":'),
        )
        for change_id, after in self.session.exec(records.order_by(col(Change.id))):
            found = changelog.record_parts(after)
            for name, rows in found[1].items() if found else ():
                self.parts.setdefault(name, {}).update((row["id"], (change_id, row)) for row in rows)

    def load(self, model: type[SQLModel], ids: Iterable[int]) -> list[dict[str, Any]]:
        """The as-of states of these rows of ``model`` (those that existed then)."""
        name = table_name(model)
        known = self.rows.setdefault(name, {})
        parts = self.parts.get(name, {})
        wanted = sorted({i for i in ids if i is not None} - set(known))
        for start in range(0, len(wanted), _CHUNK):
            batch = wanted[start : start + _CHUNK]
            last = (
                select(func.max(Change.id))
                .where(
                    Change.table_name == name,
                    col(Change.row_id).in_(batch),
                    col(Change.at) < self.cut,
                )
                .group_by(col(Change.row_id))
            )
            latest = {c.row_id: c for c in self.session.exec(select(Change).where(col(Change.id).in_(last)))}
            for row_id in batch:
                change, part = latest.get(row_id), parts.get(row_id)
                if part is not None and (change is None or (part[0] or 0) > (change.id or 0)):
                    known[row_id] = part[1]
                elif change is not None and change.action != "delete":
                    values = json.loads(change.after)  # type: ignore[arg-type]
                    values.pop(changelog.PARTS, None)
                    known[row_id] = values
        return [known[i] for i in sorted(set(ids) - {None}) if i in known]

    def tied_to(self, model: type[SQLModel], entity_id: int) -> list[dict[str, Any]]:
        """Rows of ``model`` whose change records name the entity (see edits.entity_of),
        or that were created inside its records."""
        ids = self.session.exec(
            select(Change.row_id)
            .where(Change.table_name == model.__tablename__, Change.entity_id == entity_id)
            .distinct()
        ).all()
        return self.load(model, [*ids, *self.parts.get(table_name(model), {})])

    def where(self, model: type[SQLModel], condition: Any, keep: Any) -> list[dict[str, Any]]:
        """Rows of ``model`` matching ``condition`` now, or deleted since: then kept by ``keep``."""
        ids = set(self.session.exec(select(model.id).where(condition)).all())  # type: ignore[attr-defined]
        ids |= set(
            self.session.exec(
                select(Change.row_id).where(
                    Change.table_name == model.__tablename__, Change.action == "delete"
                )
            ).all()
        )
        return [row for row in self.load(model, ids) if keep(row)]


def entity_as_of(session: Session, ref: str | int, on: str) -> dict[str, Any]:
    """The profile of an entity as refdb recorded it at the end of ``on``."""
    cut = moment(on)
    entity_id = _entity_id(session, ref)
    replay = _Replay(session, cut)
    replay.take_parts(entity_id)
    if not replay.load(Entity, [entity_id]):
        created = select(Change).where(Change.table_name == "entity", Change.row_id == entity_id)
        first = session.exec(created.order_by(col(Change.id))).first()
        when = f"first recorded {record_dict(first)['at']}" if first else "never recorded"
        raise NotFound(f"entity {entity_id} was not in refdb on {on} ({when})")
    for model in (Name, Identifier, Link):
        replay.tied_to(model, entity_id)
    tenures = replay.tied_to(Tenure, entity_id)
    relations = replay.tied_to(Relation, entity_id) + replay.where(
        Relation, Relation.object_id == entity_id, lambda row: row["object_id"] == entity_id
    )
    posts = replay.load(Post, [t["post_id"] for t in tenures])
    replay.load(
        Entity,
        [p["organization_id"] for p in posts]
        + [r["object_id"] for r in relations]
        + [r["subject_id"] for r in relations],
    )
    entries = replay.load(SanctionEntry, [link["entry_id"] for link in replay.rows["link"].values()])
    entry_ids = {e["id"] for e in entries}
    lists = replay.load(SanctionList, [e["list_id"] for e in entries])
    replay.load(Authority, [item["authority_id"] for item in lists])
    for child in (EntryName, EntryProgram):
        replay.where(
            child,
            col(child.entry_id).in_(entry_ids),
            lambda row: row["entry_id"] in entry_ids,
        )
    replay.load(Program, [row["program_id"] for row in replay.rows["entry_program"].values()])
    subjects = {(name, row_id) for name, rows in replay.rows.items() for row_id in rows}
    citations = replay.where(
        Citation,
        col(Citation.subject_id).in_({row_id for _, row_id in subjects}),
        lambda row: (row["subject_table"], row["subject_id"]) in subjects,
    )
    replay.load(Source, [c["source_id"] for c in citations])
    profile = _profile_from(replay.rows, entity_id)
    profile["as_of"] = changelog.json_ready({"at": cut})["at"]
    profile["rebuilt_from"] = "change log"
    return profile


def _profile_from(rows: dict[str, dict[int, dict[str, Any]]], entity_id: int) -> dict[str, Any]:
    """Load the replayed rows into a scratch database and read the profile there."""
    engine = create_engine("sqlite://")
    tables: list[Table] = [SQLModel.metadata.tables[name] for name in rows]
    SQLModel.metadata.create_all(engine, tables=tables)
    with engine.begin() as connection:
        for table in tables:
            values = [_typed(table, row) for row in rows[table.name].values()]
            if values:
                connection.execute(table.insert(), values)
    with Session(engine) as scratch:
        return lookup.entity_profile(scratch, entity_id)


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A logged snapshot (dates as ISO text) back into column values."""
    typed = {}
    for column in table.columns:
        value = row.get(column.key)
        if isinstance(value, str) and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        typed[column.key] = value
    return typed
