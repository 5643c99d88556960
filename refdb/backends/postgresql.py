"""PostgreSQL (psycopg 3): a server, advisory locks for refdb's own writers, lock_timeout."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from refdb.backends import IndexDoc, table_columns

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table


def copy_rows(connection: Connection, statement: str, rows: Iterable[Sequence[Any]]) -> None:
    """Run ``COPY ... FROM STDIN`` with ``rows``: the server reads them as one stream,
    several times faster than a many-row INSERT; its errors are raised as SQLAlchemy's,
    as an INSERT's are."""
    from sqlalchemy.exc import DBAPIError

    dbapi = connection.dialect.dbapi
    try:
        raw: Any = connection.connection.driver_connection  # the psycopg connection
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi.Error as error:  # type: ignore[union-attr]
        raise DBAPIError.instance(statement, None, error, dbapi.Error, dialect=connection.dialect) from None  # type: ignore[union-attr]


def _key_doc_rows(postings: Mapping[str, Iterable[int]]) -> tuple[list[str], list[int]]:
    """Key -> ids as two parallel lists (key, id), for ``unnest(keys, ids)``."""
    keys: list[str] = []
    ids: list[int] = []
    for key, held in postings.items():
        for doc in held:
            keys.append(key)
            ids.append(doc)
    return keys, ids


class PostgresqlSearchIndex:
    """The keys in ``search_doc.keys``, a ``text[]`` column with a GIN index, and each
    key's document ids in ``search_posting`` (migration 0007). A search reads a key's ids
    from a few rows there: through GIN it read one table page per document holding the
    key (3,100 pages a search at 1,000,000 entities).

    Kept as a log-structured list, so that no change rewrites a long one (a name holding
    "bin" is one of 274,000 at 1M, and removing 100 names from their keys' lists took
    22 s): each sync adds its new ids to a key as one more piece, and its removals as
    rows of ``search_gone`` (key, doc), which reads set aside. A key of more than
    ``MAX_PIECES`` pieces or ``MAX_GONE`` removals is rewritten whole, once."""

    MAX_PIECES = 8
    MAX_GONE = 256

    def write(self, connection: Connection, docs: Sequence[IndexDoc]) -> None:
        copy_rows(connection, "COPY search_doc (id, owner, forms, keys) FROM STDIN", docs)

    def delete(self, connection: Connection, ids: str) -> list[tuple[int, list[str]]]:
        rows = connection.exec_driver_sql(f"DELETE FROM search_doc WHERE id IN ({ids}) RETURNING id, keys")
        return [(doc, keys) for doc, keys in rows]

    def move_postings(
        self, connection: Connection, added: Mapping[str, list[int]], removed: Mapping[str, list[int]]
    ) -> None:
        # A renamed name keeps most of its keys: those are neither added nor removed.
        gone = _key_doc_rows({key: set(ids) - set(added.get(key, ())) for key, ids in removed.items()})
        new = {key: sorted(set(ids) - set(removed.get(key, ()))) for key, ids in added.items()}
        new = {key: ids for key, ids in new.items() if ids}
        if gone[0]:
            connection.exec_driver_sql(
                "INSERT INTO search_gone (key, doc) SELECT * FROM unnest(%s::text[], %s::bigint[]) "
                "ON CONFLICT DO NOTHING",
                gone,
            )
        if new:
            # A name removed from a key and back again (a rename undone) is held again.
            connection.exec_driver_sql(
                "DELETE FROM search_gone AS g USING unnest(%s::text[], %s::bigint[]) AS u (key, doc) "
                "WHERE g.key = u.key AND g.doc = u.doc",
                _key_doc_rows(new),
            )
            copy_rows(connection, "COPY search_posting (key, ids) FROM STDIN", new.items())
        touched = sorted({*gone[0], *new})
        if touched:
            connection.exec_driver_sql(
                "WITH crowded AS ("
                "SELECT key FROM search_posting WHERE key = ANY(%(keys)s::text[]) "
                "GROUP BY key HAVING count(*) > %(pieces)s "
                "UNION SELECT key FROM search_gone WHERE key = ANY(%(keys)s::text[]) "
                "GROUP BY key HAVING count(*) > %(gone)s), "
                "merged AS (DELETE FROM search_posting AS p USING crowded AS c WHERE p.key = c.key "
                "RETURNING p.key, p.ids), "
                "dropped AS (DELETE FROM search_gone AS g USING crowded AS c WHERE g.key = c.key "
                "RETURNING g.key, g.doc) "
                "INSERT INTO search_posting (key, ids) "
                "SELECT m.key, array_agg(DISTINCT m.id ORDER BY m.id) "
                "FROM (SELECT key, unnest(ids) AS id FROM merged) AS m "
                "LEFT JOIN dropped AS d ON d.key = m.key AND d.doc = m.id "
                "WHERE d.doc IS NULL GROUP BY m.key",
                {"keys": touched, "pieces": self.MAX_PIECES, "gone": self.MAX_GONE},
            )

    def clear(self, connection: Connection) -> None:
        connection.exec_driver_sql("TRUNCATE search_doc, search_term, search_posting, search_gone")

    def rebuild_keys(self, connection: Connection) -> None:
        connection.exec_driver_sql("TRUNCATE search_posting, search_gone")
        connection.exec_driver_sql(
            "INSERT INTO search_posting (key, ids) "
            "SELECT key, array_agg(id ORDER BY id) FROM search_doc, unnest(keys) AS key GROUP BY key"
        )
        connection.exec_driver_sql(
            "INSERT INTO search_term (term, docs) SELECT key, cardinality(ids) FROM search_posting"
        )

    def compact(self, connection: Connection) -> None:
        """Nothing to do: ``rebuild_keys`` wrote each key's postings as one piece."""

    def postings_query(
        self, keys: Sequence[str], pairs: Sequence[tuple[Sequence[str], Sequence[str]]]
    ) -> tuple[str, list[Any]]:
        # One join for every key (a SELECT a key planned each in turn); a key's ids less
        # its removals, set aside by hashing where it has any.
        held = (
            "SELECT part, CASE WHEN gone IS NULL THEN ids ELSE (SELECT string_agg(id, ',') FROM "
            "(SELECT unnest(string_to_array(ids, ',')) EXCEPT SELECT unnest(string_to_array(gone, ','))) "
            "AS held (id)) END "
            "FROM (SELECT k.part - 1 AS part, string_agg(array_to_string(p.ids, ','), ',') AS ids, "
            "(SELECT string_agg(g.doc::text, ',') FROM search_gone AS g WHERE g.key = k.key) AS gone "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS k (key, part) "
            "LEFT JOIN search_posting AS p ON p.key = k.key GROUP BY k.part, k.key) AS postings"
        )
        # A pair is read through GIN: few documents hold both sides, and only they are read.
        selects = [held] if keys else []
        selects += [
            f"SELECT {part}, string_agg(id::text, ',') FROM search_doc "
            "WHERE keys && %s::text[] AND keys && %s::text[]"
            for part in range(len(keys), len(keys) + len(pairs))
        ]
        params: list[Any] = [list(keys)] if keys else []
        params += [list(side) for pair in pairs for side in pair]
        return " UNION ALL ".join(selects), params

    def holds_key(self, key: str) -> tuple[str, Any]:
        return "%s = ANY(keys)", key


# refdb's statements are short and many; two server defaults, and one of psycopg, cost them dearly.
# - prepared statements: psycopg prepares a statement after its fifth run, and the server
#   may then reuse one generic plan for it. A plan made while a table was nearly empty
#   (the first rows of an import) or without the values (a search key held by 10 or
#   100,000 names) can read every row for each run: a re-import of 100k people became
#   quadratic. So refdb's statements are never prepared: each run is planned with its own
#   values (a fraction of a millisecond). Not plan_cache_mode=force_custom_plan, which did
#   the same but also re-planned the server's own foreign-key checks and triggers for every
#   row inserted: twice their cost, a third of the server's time in a 100k-person import.
# - jit: a search's postings statement (one SELECT per key, UNION ALL) is costed above
#   jit_above_cost at 100,000 names, and the server then compiled it for each run (8 ms
#   at 100,000 entities, more at 1,000,000) to save less than that in running it.
# Set after connecting, not as libpq "options", which would replace any the URL gives
# (a search_path, say).
SESSION_SETTINGS = {"jit": "off"}


def apply_session_settings(dbapi_connection: Any, _record: Any = None) -> None:
    """Set ``SESSION_SETTINGS`` on a new psycopg connection (an engine's connect hook), and
    have psycopg never prepare its statements."""
    dbapi_connection.prepare_threshold = None
    for name, value in SESSION_SETTINGS.items():
        dbapi_connection.execute(f"SET {name} = {value}")
    dbapi_connection.commit()  # a SET inside a transaction rolled back would be undone


def connect(uri: str) -> Any:
    """A psycopg connection to a libpq URI, planned as the engine's connections are."""
    import psycopg

    connection = psycopg.connect(uri)
    apply_session_settings(connection)
    return connection


class PostgresqlBackend:
    name = "postgresql"
    placeholder = "%s"
    inserts_in_background = True  # the server works in its own process, beside this one
    search_index = PostgresqlSearchIndex()
    ID_BLOCK = 1000  # ids first fetched from a table's sequence at a time (free_ids)
    LARGEST_ID_BLOCK = 131_072

    def make_engine(self, url: str) -> Engine:
        from sqlalchemy import create_engine, event

        engine = create_engine(url)
        event.listen(engine, "connect", apply_session_settings)
        return engine

    def shared(self, url: str) -> bool:
        return True  # a server

    def date_param(self, day: date) -> Any:
        return day  # psycopg binds a date as a date

    def tune_for_search(self, dbapi: Any) -> None:
        """Nothing to do: the server's shared buffers keep the index warm."""

    def free_ids(self, connection: Connection, table: str) -> Iterator[int]:
        # From the table's sequence, as an ordinary insert's would be, on a connection of
        # its own: a sequence hands out values outside transactions anyway, and on the
        # import's connection each block waited for every insert in flight
        # (bulk.BackgroundInserts), which stalled both threads. The sequence's name looked
        # up once (per id, the lookup cost more than nextval itself). Each block twice the
        # last: a large import asks a few times, a small one leaves few unused.
        with connection.engine.connect() as other:
            sequence = other.exec_driver_sql("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).scalar()
        block = self.ID_BLOCK
        while True:
            with connection.engine.connect() as other:
                ids = other.exec_driver_sql(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (sequence, block)
                )
                taken = ids.scalars().all()
            yield from taken
            block = min(2 * block, self.LARGEST_ID_BLOCK)

    def insert_rows(
        self, connection: Connection, table: Table, columns: list[str], rows: list[tuple]
    ) -> None:
        copy_rows(connection, f"COPY {table_columns(connection, table, columns)} FROM STDIN", rows)

    def row_json(self, columns: list[Any]) -> Any:
        from refdb.backends.row_json import postgresql_row_json

        return postgresql_row_json(columns)

    @contextmanager
    def waiting_at_most(self, connection: Connection, wait_ms: int) -> Iterator[None]:
        with connection.begin():
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'")
            yield

    def read_snapshot(self, session: Any) -> None:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})

    def take_write_lock(self, connection: Connection, lock_id: int, wait_ms: int) -> None:
        # Advisory: only refdb's own writers (imports, the change log) take it; the wait
        # is not bounded, as a second import waits its turn.
        self.serialize_writers(connection, lock_id)

    def serialize_writers(self, connection: Connection, lock_id: int) -> None:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(lock_id)})")


POSTGRESQL = PostgresqlBackend()
