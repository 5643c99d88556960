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
canonical in Python. The SQL for the other columns is the back end's
(``Backend.row_json``, ``refdb/backends/row_json.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Table, Text, cast

from refdb.backends import Backend
from refdb.backends.row_json import Piece, column_type
from refdb.changelog import canonical_json


@lru_cache(maxsize=4096)  # mostly the same few: "[]", "{}", a nationality
def _canonical(stored: str | None) -> str:
    return canonical_json(None if stored is None else json.loads(stored))


class SnapshotQuery:
    """What to select from ``table`` to get its rows' snapshot texts, and the text from it.

    ``columns``: for each run of plain columns (in key order) one object written by the
    back end's SQL (``Backend.row_json``), NULL when SQL cannot write a value; for each
    JSON column its stored text."""

    def __init__(self, table: Table, backend: Backend) -> None:
        write = backend.row_json
        self.columns: list[Piece] = []
        self._json_keys: list[str | None] = []  # per selected column: JSON column key, or None
        run: list[Any] = []
        for column in sorted(table.columns, key=lambda c: c.key):
            if not isinstance(column_type(column), JSON):
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
