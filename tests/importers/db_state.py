"""A digest of what an import writes, to show that a failed or killed import wrote nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from refdb.database import Database

TABLES = (
    "sanction_entry",
    "entry_name",
    "entry_program",
    "change",
    "source",
    "link",
    "program",
    "sanction_list",
    "authority",
    "entity",
    "name",
    "identifier",
    "post",
    "tenure",
    "citation",
    "merge_proposal",
)


def state(database: Database) -> dict[str, str]:
    """Per table, a sha256 of all its rows in id order."""
    digests = {}
    with database.engine.connect() as connection:
        for table in TABLES:
            rows = connection.execute(text(f'SELECT * FROM "{table}" ORDER BY id')).all()
            digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests
