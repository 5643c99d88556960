"""A row's plain columns as the JSON object its change record holds, written in SQL by
each back end (``Backend.row_json``; ``refdb/audit/snapshots.py`` says what for).

Here, not in ``sqlite.py`` and ``postgresql.py``, because it is built with SQLAlchemy's
expression language, which `refdb search` must not load: the back ends import this
module when asked. Either writer makes the object NULL where it cannot be sure the
text is the one Python would record.
"""

from __future__ import annotations

import json
from functools import reduce
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
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

Piece = ColumnElement[Any]


def _sql(value: str) -> Piece:
    """A constant string written into the statement (no parameter for PostgreSQL to type)."""
    return literal_column("'" + value.replace("'", "''") + "'")


def _concat(*parts: Piece | str) -> Piece:
    pieces = [_sql(part) if isinstance(part, str) else part for part in parts]
    return reduce(lambda a, b: a.op("||")(b), pieces)


def column_type(column: Any) -> Any:
    """The column's SQL type (sqlmodel's AutoString decorates String)."""
    return column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type


def _sqlite_value(column: Any) -> tuple[Piece, Piece]:
    """(the value stored as refdb stores it, the value for ``json_object``)."""
    kind, type_ = func.typeof(column), column_type(column)
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


def sqlite_row_json(columns: list[Any]) -> Piece:
    """``json_object`` of the columns, when every value is stored as refdb stores it."""
    guards, values = [], []
    for column in columns:
        guard, value = _sqlite_value(column)
        guards.append(guard)
        values += [_sql(column.key), value]
    return case((and_(*guards), func.json_object(*values)))


def _postgresql_value(column: Any) -> Piece:
    type_ = column_type(column)
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


def postgresql_row_json(columns: list[Any]) -> Piece:
    """The object written piece by piece (``json_build_object`` puts spaces in it)."""
    parts: list[Piece | str] = []
    for position, column in enumerate(columns):
        parts.append(("{" if position == 0 else ",") + json.dumps(column.key) + ":")
        parts.append(case((column.is_(None), _sql("null")), else_=_postgresql_value(column)))
    return _concat(*parts, "}")
