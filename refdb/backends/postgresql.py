"""PostgreSQL (psycopg 3): a server, advisory locks for refdb's own writers, lock_timeout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


class PostgresqlBackend:
    name = "postgresql"
    placeholder = "%s"

    def make_engine(self, url: str) -> Engine:
        from sqlalchemy import create_engine

        return create_engine(url)

    def shared(self, url: str) -> bool:
        return True  # a server

    def date_param(self, day: date) -> Any:
        return day  # psycopg binds a date as a date

    def tune_for_search(self, dbapi: Any) -> None:
        """Nothing to do: the server's shared buffers keep the index warm."""

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
