"""Writing thousands of rows inside one import transaction: the write lock first, then
many-row INSERTs and the hash-chained change-log records for them, in batches."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from functools import partial
from json.encoder import (  # type: ignore[attr-defined]
    c_make_encoder,
    encode_basestring,
    encode_basestring_ascii,
)
from operator import itemgetter
from queue import Queue
from typing import Any

from sqlalchemy import JSON, Connection, Table, event
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from refdb.backends import WriteLockBusy, backend_of
from refdb.errors import RefdbError

IMPORT_LOCK = 7470611  # PostgreSQL advisory lock id; the change log uses changelog.LOG_LOCK
SQLITE_WAIT_MS = 120_000  # how long a second import waits for the first one on SQLite


class ImportBusy(RefdbError):
    """Another import (or a long edit) holds the database's write lock."""


def take_import_lock(session: Session) -> None:
    """Take the database's write lock before reading anything the delta depends on."""
    connection = session.connection()
    try:
        backend_of(connection).take_write_lock(connection, IMPORT_LOCK, SQLITE_WAIT_MS)
    except WriteLockBusy as error:
        raise ImportBusy(
            "another import or edit has been writing to this database for over "
            f"{SQLITE_WAIT_MS // 1000} s; try again when it has finished"
        ) from error


class IdPool:
    """Ids for rows inserted in bulk, known before the INSERT so that other rows can refer
    to them (names to their entity, citations to their fact) without a RETURNING per row.

    Taken inside the import transaction after take_import_lock, from the back end
    (``Backend.free_ids``): after the largest id on SQLite, from the table's sequence on
    PostgreSQL.
    """

    def __init__(self, session: Session, table: Table) -> None:
        self.session = session
        self.table = table
        connection = session.connection()
        # ``take()`` is the iterator's own next: an import takes an id for each of its
        # million rows, and a method around it cost a call more each.
        self.take: Callable[[], int] = backend_of(connection).free_ids(connection, table.name).__next__


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows (dicts with the same keys) the back end's fastest way
    (``Backend.insert_rows``: one DB-API executemany on SQLite, one COPY on PostgreSQL).

    The values are stored exactly as SQLAlchemy would store them (each column type's bind
    processor: JSON, dates), without its per-row statement machinery, which took longer
    than the database itself for a full list. Values are gathered and converted a column
    at a time, so the per-value work runs in C (itemgetter, zip, map).
    """
    _insert_values(session.connection(), table, *_values(rows))


def _values(rows: list[dict[str, Any]]) -> tuple[list[str], list[tuple]]:
    """The rows' columns, and their values as tuples in that order."""
    columns = list(rows[0])
    if len(columns) == 1:
        return columns, [tuple(row.values()) for row in rows]
    return columns, list(map(itemgetter(*columns), rows))


def _insert_values(connection: Connection, table: Table, columns: list[str], values: list[tuple]) -> None:
    dialect = connection.dialect
    converters = {
        index: convert
        for index, name in enumerate(columns)
        if (convert := _converter(table.c[name].type, dialect)) is not None
    }
    if converters:
        by_column: list[Any] = list(zip(*values, strict=True))
        for index, convert in converters.items():
            by_column[index] = convert(by_column[index])
        values = list(zip(*by_column, strict=True))
    backend_of(connection).insert_rows(connection, table, columns, values)


class BackgroundInserts:
    """bulk_insert on a second thread: the caller builds the next rows while these are
    written. On PostgreSQL the server's work on them (COPY, indexes, foreign-key checks)
    then runs beside the client's instead of in turns with it; the wait for the server
    leaves Python's GIL to the caller. Where the back end says it gains nothing
    (``Backend.inserts_in_background``), each insert is written when handed over.

    ``insert`` takes the rows' values as they are when handed over, and returns at once
    (unless ``depth`` inserts are already waiting). Any statement the caller runs on the
    session's connection meanwhile first waits for every insert handed over (an event on
    the connection), so the two threads never use it at once. An insert that fails is
    raised to the caller at its next insert or statement, or at the end of the ``with``
    block, which leaves nothing running: the transaction can then end.
    """

    def __init__(self, session: Session, depth: int = 40) -> None:
        self.connection = session.connection()
        self.queue: Queue[tuple[Table, list[str], list[tuple]] | None] = Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.stopping = False
        self.thread = threading.Thread(target=self._work, name="refdb-bulk-insert", daemon=True)
        self.background = backend_of(self.connection).inserts_in_background
        if self.background:
            self.thread.start()
            event.listen(self.connection, "before_cursor_execute", self._before_statement)

    def insert(self, session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
        """As ``bulk_insert`` (so that it can stand in for it), on the thread."""
        self._raise_error()
        if not self.thread.is_alive():
            bulk_insert(session, table, rows)  # not in the background here, or after the block
            return
        self.queue.put((table, *_values(rows)))

    def wait(self) -> None:
        """Return when every insert handed over is written; raise the first that failed."""
        self.queue.join()
        self._raise_error()

    def __enter__(self) -> BackgroundInserts:
        return self

    def __exit__(self, failed: type[BaseException] | None, *_: object) -> None:
        if not self.background:
            return
        self.stopping = failed is not None  # what is still queued is not written
        self.queue.put(None)
        self.thread.join()
        event.remove(self.connection, "before_cursor_execute", self._before_statement)
        if failed is None:
            self._raise_error()

    def _work(self) -> None:
        while (item := self.queue.get()) is not None:
            try:
                if self.error is None and not self.stopping:
                    _insert_values(self.connection, *item)
            except BaseException as error:  # raised to the caller
                self.error = error
            finally:
                self.queue.task_done()
        self.queue.task_done()

    def _before_statement(self, *_: object) -> None:
        if threading.current_thread() is not self.thread:
            self.wait()

    def _raise_error(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            self.stopping = True
            raise error


def json_encoder(*, ensure_ascii: bool, separators: tuple[str, str]) -> Callable[[Any], str]:
    """``json.JSONEncoder(ensure_ascii=..., separators=...).encode``, its C encoder built once:
    ``encode`` (and json.dumps) build a new one on every call, which costs more than
    encoding a small value."""
    if c_make_encoder is None:
        return json.JSONEncoder(ensure_ascii=ensure_ascii, separators=separators).encode
    escape = encode_basestring_ascii if ensure_ascii else encode_basestring
    item, key = separators
    encode = c_make_encoder(None, json.JSONEncoder().default, escape, None, key, item, False, False, True)
    return lambda value: "".join(encode(value, 0))


_JSON_DUMPS = json_encoder(ensure_ascii=True, separators=(", ", ": "))  # json.dumps' defaults


Converter = Callable[[tuple], Iterable[Any]]


def _converter(column_type: TypeEngine, dialect: Dialect) -> Converter | None:
    """What the column type's bind processor does to a column of values, done faster:
    plain JSON with the prebuilt encoder, other values (dates, times) once per distinct
    value, as a batch repeats them (every row's first_seen)."""
    impl = column_type.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if process is None:
        return None
    if not isinstance(impl, JSON):
        return partial(_convert_distinct, process)
    plain_json = (
        type(impl).bind_processor is JSON.bind_processor  # not a driver's own (psycopg)
        and dialect._json_serializer is None  # i.e. json.dumps
        and not impl.none_as_null
        and impl._str_impl.bind_processor(dialect) is None
    )
    return partial(map, _JSON_DUMPS if plain_json else process)


def _convert_distinct(process: Callable[[Any], Any], values: tuple) -> Iterable[Any]:
    converted = {value: process(value) for value in set(values)}
    return map(converted.__getitem__, values)
