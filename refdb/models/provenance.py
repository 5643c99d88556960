"""Where facts come from (sources, citations) and what happened to them (the change log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from refdb.models.base import quoted, utc_column, utcnow, version_column
from refdb.vocab import CHANGE_ACTIONS, CITABLE, SOURCE_KINDS

_source_version = version_column()


class Source(SQLModel, table=True):
    """A document or dataset: an article, a press release, a downloaded list file."""

    __table_args__ = (CheckConstraint(f"kind IN {quoted(SOURCE_KINDS)}", name="kind"),)
    __mapper_args__ = {"version_id_col": _source_version}

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, unique=True, max_length=120)
    kind: str = Field(max_length=20)
    title: str = Field(max_length=500)
    publisher: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=1000)
    published_on: str | None = Field(default=None, max_length=10)
    fetched_at: datetime | None = Field(default=None, sa_column=utc_column())
    sha256: str | None = Field(default=None, max_length=64)
    size: int | None = None
    etag: str | None = Field(default=None, max_length=300)
    last_modified: str | None = Field(default=None, max_length=100)
    verified: bool = Field(default=False)
    notes: str | None = Field(default=None, sa_column=Column(Text))
    version: int = Field(default=1, sa_column=_source_version)


_citation_version = version_column()


class Citation(SQLModel, table=True):
    """A source supporting one fact (a row of a citable table), with an optional quote."""

    __table_args__ = (
        CheckConstraint(f"subject_table IN {quoted(CITABLE)}", name="subject_table"),
        Index("ix_citation_subject", "subject_table", "subject_id"),
    )
    __mapper_args__ = {"version_id_col": _citation_version}

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    subject_table: str = Field(max_length=20)
    subject_id: int
    quote: str | None = Field(default=None, sa_column=Column(Text))
    locator: str | None = Field(default=None, max_length=200)
    version: int = Field(default=1, sa_column=_citation_version)


class Change(SQLModel, table=True):
    """One append-only record of an edit, chained to the previous record by its hash."""

    __table_args__ = (
        CheckConstraint(f"action IN {quoted(CHANGE_ACTIONS)}", name="action"),
        Index("ix_change_row", "table_name", "row_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    actor: str = Field(max_length=120)
    action: str = Field(max_length=10)
    table_name: str = Field(max_length=40)
    row_id: int
    entity_id: int | None = Field(default=None, index=True)
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class FindingAck(SQLModel, table=True):
    """An audit finding acknowledged by someone, with the reason; shown, never hidden."""

    __tablename__ = "finding_ack"
    __table_args__ = (UniqueConstraint("rule", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=60)
    subject: str = Field(max_length=120)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = Field(max_length=120)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
