"""A row's snapshot text, as its change record holds it, written by the database.

``changelog.canonical_json(changelog.snapshot(row))`` is what the Editor records
after each write. Building that text in SQL, for every row of a table in one query,
lets ``unlogged-change`` compare a row with its last record by one string comparison
instead of decoding and encoding the row in Python.

The SQL writes only text that certainly denotes the value Python would record: a
value of an unexpected storage type, a timestamp in another format, a float whose
text does not read back as itself, make the text NULL, and the rule then judges that
row the slow way. So equal text means an unchanged row; unequal text only means "look
closer". JSON columns come back as stored (SQL cannot sort object keys) and are made
canonical in Python.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache, reduce
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    false,
    func,
    literal_column,
    null,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from refdb.changelog import canonical_json

Piece = ColumnElement[Any]


def _sql(value: str) -> Piece:
    """A constant string written into the statement (no parameter for PostgreSQL to type)."""
    return literal_column("'" + value.replace("'", "''") + "'")


def _concat(*parts: Piece | str) -> Piece:
    pieces = [_sql(part) if isinstance(part, str) else part for part in parts]
    return reduce(lambda a, b: a.op("||")(b), pieces)


def _type(column: Any) -> Any:
    """The column's SQL type (sqlmodel's AutoString decorates String)."""
    return column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type


def _sqlite_value(column: Any) -> tuple[Piece, Piece]:
    """(the value stored as refdb stores it, the value for ``json_object``)."""
    kind, type_ = func.typeof(column), _type(column)
    if isinstance(type_, Boolean):  # stored 0 or 1
        written = case((column == 1, _sql("true")), (column == 0, _sql("false")), else_=_sql("null"))
        return column.is_(None) | ((kind == "integer") & column.in_((0, 1))), func.json(written)
    if isinstance(type_, Integer):
        return kind.in_(("integer", "null")), column
    if isinstance(type_, Float):  # SQLite writes 15 digits: only when that is exact
        exact = (kind == "real") & (cast(func.json_quote(column), Float) == column)
        return column.is_(None) | exact, column
    if isinstance(type_, DateTime):  # UTC, stored "YYYY-MM-DD HH:MM:SS.ffffff"
        usual = (kind == "text") & (func.length(column) == 26) & (func.substr(column, 11, 1) == " ")
        iso = _concat(func.substr(column, 1, 10), "T", func.substr(column, 12), "+00:00")
        return column.is_(None) | usual, iso
    if isinstance(type_, String | Date):  # a date is stored as its ISO text
        return kind.in_(("text", "null")), column
    return false(), column


def _sqlite(columns: list[Any]) -> Piece:
    """``json_object`` of the columns, when every value is stored as refdb stores it."""
    guards, values = [], []
    for column in columns:
        guard, value = _sqlite_value(column)
        guards.append(guard)
        values += [_sql(column.key), value]
    return case((and_(*guards), func.json_object(*values)))


def _postgresql_value(column: Any) -> Piece:
    type_ = _type(column)
    if isinstance(type_, Boolean):
        return case((column, _sql("true")), else_=_sql("false"))
    if isinstance(type_, Integer):
        return cast(column, Text)
    if isinstance(type_, Float):
        written = cast(column, Text)
        # PostgreSQL writes 1.0 as "1", Python as "1.0"; other exact floats alike.
        python = _concat(written, case((written.regexp_match("^-?[0-9]+$"), _sql(".0")), else_=_sql("")))
        return case((cast(written, Float) == column, python))
    if isinstance(type_, DateTime):  # timestamptz, written in UTC as Python does
        utc = func.to_char(func.timezone(_sql("UTC"), column), _sql('YYYY-MM-DD"T"HH24:MI:SS.US'))
        return cast(func.to_json(_concat(utc, "+00:00")), Text)
    if isinstance(type_, String | Date):
        return cast(func.to_json(column), Text)
    return null()


def _postgresql(columns: list[Any]) -> Piece:
    """The object written piece by piece (``json_build_object`` puts spaces in it)."""
    parts: list[Piece | str] = []
    for position, column in enumerate(columns):
        parts.append(("{" if position == 0 else ",") + json.dumps(column.key) + ":")
        parts.append(case((column.is_(None), _sql("null")), else_=_postgresql_value(column)))
    return _concat(*parts, "}")


# Any other dialect leaves every row to Python.
_WRITERS: dict[str, Callable[[list[Any]], Piece]] = {"sqlite": _sqlite, "postgresql": _postgresql}


@lru_cache(maxsize=4096)  # mostly the same few: "[]", "{}", a nationality
def _canonical(stored: str | None) -> str:
    return canonical_json(None if stored is None else json.loads(stored))


class SnapshotQuery:
    """What to select from ``table`` to get its rows' snapshot texts, and the text from it.

    ``columns``: for each run of plain columns (in key order) one SQL-written object,
    NULL when SQL cannot write a value; for each JSON column its stored text."""

    def __init__(self, table: Table, dialect: str) -> None:
        write = _WRITERS.get(dialect, lambda _columns: null())
        self.columns: list[Piece] = []
        self._json_keys: list[str | None] = []  # per selected column: JSON column key, or None
        run: list[Any] = []
        for column in sorted(table.columns, key=lambda c: c.key):
            if not isinstance(_type(column), JSON):
                run.append(column)
                continue
            if run:
                self._add(write(run), None)
                run = []
            self._add(cast(column, Text), json.dumps(column.key))
        if run:
            self._add(write(run), None)

    def _add(self, column: Piece, json_key: str | None) -> None:
        self.columns.append(column)
        self._json_keys.append(json_key)

    def text(self, values: Sequence[str | None]) -> str | None:
        """The snapshot text from the selected ``columns``' values; None when SQL could not
        write it."""
        if len(values) == 1:
            return values[0]
        parts = []
        for json_key, value in zip(self._json_keys, values, strict=True):
            if json_key is not None:
                parts.append(f"{json_key}:{_canonical(value)}")
            elif value is None:
                return None
            else:
                parts.append(value[1:-1])
        return "{" + ",".join(parts) + "}"
