"""Shared pieces of every table: the constraint naming convention and the version column."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer
from sqlmodel import SQLModel

# Alembic needs stable constraint names to alter SQLite tables in batch mode;
# set before any table class is defined so every constraint gets one.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def version_column() -> Column:
    """A fresh optimistic-lock column; each table needs its own Column object.

    Pass it both to ``sa_column`` and to ``__mapper_args__["version_id_col"]`` so that
    SQLAlchemy adds ``WHERE version = :old`` to every UPDATE and DELETE.
    """
    return Column("version", Integer, nullable=False, default=1, server_default="1")


def utc_column(nullable: bool = True) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


def utcnow() -> datetime:
    return datetime.now(UTC)


def quoted(values: tuple[str, ...]) -> str:
    """SQL literal list for CHECK constraints, e.g. ('a', 'b')."""
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"
