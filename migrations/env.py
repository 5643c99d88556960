"""Alembic environment: refdb passes its engine in through ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import refdb.models  # noqa: F401  (registers every table on SQLModel.metadata)

# Tables that migrations create by hand (full-text indexes) and that models do not describe.
UNMODELLED_PREFIXES = ("search_",)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and name and name.startswith(UNMODELLED_PREFIXES))


def run_migrations() -> None:
    shared = context.config.attributes.get("connection")
    if shared is not None:  # the caller's transaction (first-run creation on PostgreSQL)
        context.configure(
            connection=shared,
            target_metadata=SQLModel.metadata,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():  # alembic joins the transaction under way
            context.run_migrations()
        return
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds tables; with foreign keys on, SQLite would cascade or
            # refuse the temporary drops. Commit because SQLAlchemy autobegins on PRAGMA.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=sqlite,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if problems:
                raise RuntimeError(f"foreign key violations after migration: {problems[:5]}")


run_migrations()
