"""The append-only change log: every edit as a record chained to the previous one by sha256.

A record's hash covers its own fields and the previous record's hash, so altering,
inserting or deleting a record behind refdb's back breaks the chain at that point.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, text
from sqlmodel import Session, SQLModel, select

from refdb.models import Change, utcnow

GENESIS = "0" * 64
_LAST_HASH = "refdb_last_change_hash"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def snapshot(row: SQLModel) -> dict[str, Any]:
    """Column values of a row, JSON-ready (dates as ISO text)."""
    values = {}
    for column in row.__table__.columns:  # type: ignore[attr-defined]
        value = getattr(row, column.key)
        if isinstance(value, datetime | date):
            value = _iso(value) if isinstance(value, datetime) else value.isoformat()
        values[column.key] = value
    return values


def _iso(moment: datetime) -> str:
    # SQLite hands back naive datetimes; everything refdb writes is UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def record_hash(change: Change) -> str:
    payload = canonical_json(
        [
            change.prev_hash,
            _iso(change.at),
            change.actor,
            change.action,
            change.table_name,
            change.row_id,
            change.entity_id,
            change.before,
            change.after,
            change.reason,
        ]
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _last_hash(session: Session) -> str:
    cached = session.info.get(_LAST_HASH)
    if cached is not None:
        return cached
    if session.get_bind().dialect.name == "postgresql":
        # Serialize writers for the rest of this transaction so two sessions never
        # chain onto the same previous record.
        session.execute(text("SELECT pg_advisory_xact_lock(7470610)"))
    last = session.exec(select(Change.hash).order_by(Change.id.desc()).limit(1)).first()
    return last or GENESIS


@event.listens_for(Session, "after_transaction_end")
def _forget_last_hash(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_LAST_HASH, None)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    table_name: str,
    row_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
    entity_id: int | None = None,
) -> Change:
    """Append one change record in the caller's transaction."""
    change = Change(
        at=utcnow(),
        actor=actor,
        action=action,
        table_name=table_name,
        row_id=row_id,
        entity_id=entity_id,
        before=None if before is None else canonical_json(before),
        after=None if after is None else canonical_json(after),
        reason=reason,
        prev_hash=_last_hash(session),
    )
    change.hash = record_hash(change)
    session.add(change)
    session.info[_LAST_HASH] = change.hash
    return change


@dataclass(frozen=True)
class ChainReport:
    records: int
    intact: bool
    first_bad_id: int | None = None
    problem: str | None = None
    last_hash: str = GENESIS


def verify_chain(session: Session) -> ChainReport:
    """Recompute every record's hash in id order and report the first break."""
    previous = GENESIS
    count = 0
    for change in session.exec(select(Change).order_by(Change.id).execution_options(yield_per=2000)):
        count += 1
        if change.prev_hash != previous:
            return ChainReport(
                count,
                False,
                change.id,
                f"change {change.id} does not follow the record before it: "
                "a record was deleted or inserted before it",
                previous,
            )
        if record_hash(change) != change.hash:
            return ChainReport(
                count,
                False,
                change.id,
                f"change {change.id} was altered: its contents no longer match its hash",
                previous,
            )
        previous = change.hash
    return ChainReport(count, True, last_hash=previous)
