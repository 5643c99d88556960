"""Writing thousands of rows inside one import transaction: the write lock first, then
many-row INSERTs and the hash-chained change-log records for them, in batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from refdb import changelog
from refdb.errors import RefdbError
from refdb.models import Change, utcnow

IMPORT_LOCK = 7470611  # PostgreSQL advisory lock id; the change log uses 7470610
SQLITE_WAIT_MS = 120_000  # how long a second import waits for the first one on SQLite


class ImportBusy(RefdbError):
    """Another import (or a long edit) holds the database's write lock."""


def take_import_lock(session: Session) -> None:
    """Take the database's write lock before reading anything the delta depends on."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            raise ImportBusy(
                "another import or edit has been writing to this database for over "
                f"{SQLITE_WAIT_MS // 1000} s; try again when it has finished"
            ) from error
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


@dataclass
class _ChainedChange:
    """The fields of a Change that changelog.record_hash reads."""

    at: datetime
    actor: str
    action: str
    table_name: str
    row_id: int
    before: str | None
    after: str | None
    reason: str
    prev_hash: str
    entity_id: int | None = None
    hash: str = ""


class ChainedChangeLog:
    """changelog.record for thousands of rows: the same hash-chained records, inserted in bulk.

    changelog.record builds and flushes one ORM object per record (about 0.5 ms each); an
    import writes one per entry. The chain head is read from, and handed back to,
    changelog (chain_head / advance_chain_head), so Editor records made before and after in
    the same transaction chain on correctly.
    """

    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self.pending: list[_ChainedChange] = []
        session.flush()  # Editor records still pending take their ids before ours
        self.head = changelog.chain_head(session)

    def add(self, action: str, row_id: int, before: dict | None, after: dict, reason: str) -> None:
        change = _ChainedChange(
            at=utcnow(),
            actor=self.actor,
            action=action,
            table_name="sanction_entry",
            row_id=row_id,
            before=None if before is None else changelog.canonical_json(before),
            after=changelog.canonical_json(after),
            reason=reason,
            prev_hash=self.head,
        )
        change.hash = self.head = changelog.record_hash(change)  # type: ignore[arg-type]
        self.pending.append(change)

    def flush(self) -> None:
        if self.pending:
            bulk_insert(self.session, Change.__table__, [vars(c) for c in self.pending])  # type: ignore[attr-defined]
            self.pending.clear()
        changelog.advance_chain_head(self.session, self.head)


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with one DB-API executemany.

    The values go through each column type's own bind processor (JSON, dates), exactly as
    SQLAlchemy would store them, without its per-row statement machinery, which took longer
    than the database itself for a full list.
    """
    connection = session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    processors = [
        (index, process)
        for index, name in enumerate(columns)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    preparer = dialect.identifier_preparer
    statement = (
        f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.quote(c) for c in columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    values = [[row[c] for c in columns] for row in rows]
    for row in values:
        for index, process in processors:
            row[index] = process(row[index])
    connection.exec_driver_sql(statement, [tuple(row) for row in values])
