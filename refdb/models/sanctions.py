"""Published sanctions as their authorities publish them, and the audited links to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from refdb.listing import status as entry_status
from refdb.models.base import quoted, utc_column, utcnow, version_column
from refdb.vocab import LINK_BASES, LINK_STATUSES, NAME_KINDS, TARGET_KINDS

_authority_version = version_column()


class Authority(SQLModel, table=True):
    """A body that publishes sanctions: US Treasury OFAC, UN Security Council, ..."""

    __mapper_args__ = {"version_id_col": _authority_version}

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=300)
    country: str | None = Field(default=None, max_length=2)
    version: int = Field(default=1, sa_column=_authority_version)


_program_version = version_column()


class Program(SQLModel, table=True):
    """A sanctions program of one authority, e.g. OFAC's "CAATSA - RUSSIA"."""

    __table_args__ = (UniqueConstraint("authority_id", "code"),)
    __mapper_args__ = {"version_id_col": _program_version}

    id: int | None = Field(default=None, primary_key=True)
    authority_id: int = Field(foreign_key="authority.id", index=True)
    code: str = Field(max_length=120)
    name: str | None = Field(default=None, max_length=300)
    legal_basis: str | None = Field(default=None, max_length=300)
    version: int = Field(default=1, sa_column=_program_version)


_list_version = version_column()


class SanctionList(SQLModel, table=True):
    """One published list (OFAC SDN, UN consolidated, ...) and the state of its last import."""

    __tablename__ = "sanction_list"
    __mapper_args__ = {"version_id_col": _list_version}

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=40)
    authority_id: int = Field(foreign_key="authority.id", index=True)
    name: str = Field(max_length=300)
    url: str | None = Field(default=None, max_length=500)
    published_on: str | None = Field(default=None, max_length=10)
    last_source_id: int | None = Field(default=None, foreign_key="source.id")
    version: int = Field(default=1, sa_column=_list_version)


_entry_version = version_column()


class SanctionEntry(SQLModel, table=True):
    """One authority's listing of one target, as published; never deleted, only delisted.

    ``listed_from``/``delisted_from`` are the earliest days of the partial
    ``listed_on``/``delisted_on`` dates, kept as dates for "active on D" queries.
    A list that publishes no listing date still bounds it: ``listed_no_later_than`` is
    the date of the first list file that held the entry. An entry found missing from a
    file was delisted after ``delisted_after`` (the last file that held it) and by
    ``delisted_on`` (the first that did not). refdb/listing.py reads them.
    """

    __tablename__ = "sanction_entry"
    __table_args__ = (
        UniqueConstraint("list_id", "record_id"),
        CheckConstraint(f"target_kind IN {quoted(TARGET_KINDS)}", name="target_kind"),
        CheckConstraint(
            "delisted_from IS NULL OR listed_from IS NULL OR delisted_from >= listed_from",
            name="delisted_not_before_listed",
        ),
    )
    __mapper_args__ = {"version_id_col": _entry_version}

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="sanction_list.id", index=True)
    record_id: str = Field(max_length=60)
    target_kind: str = Field(max_length=20)
    name: str = Field(max_length=600)
    title: str | None = Field(default=None, max_length=600)
    birth_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    birth_places: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    nationalities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    addresses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    identifiers: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    measures: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    remarks: str | None = Field(default=None, sa_column=Column(Text))
    listed_on: str | None = Field(default=None, max_length=10)
    delisted_on: str | None = Field(default=None, max_length=10)
    listed_from: date | None = Field(default=None, index=True)
    delisted_from: date | None = Field(default=None, index=True)
    listed_no_later_than: date | None = None
    delisted_after: date | None = None
    raw: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str | None = Field(default=None, max_length=64)
    first_seen: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_seen: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    version: int = Field(default=1, sa_column=_entry_version)

    @property
    def status(self) -> str:
        return entry_status(self.delisted_on)


class EntryName(SQLModel, table=True):
    """A name of a sanction entry's target as listed (primary and every alias)."""

    __tablename__ = "entry_name"
    __table_args__ = (CheckConstraint(f"kind IN {quoted(NAME_KINDS)}", name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="sanction_entry.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=600)
    kind: str = Field(default="alias", max_length=20)
    lang: str | None = Field(default=None, max_length=12)
    script: str | None = Field(default=None, max_length=8)
    normalized: str = Field(max_length=600, index=True)


class EntryProgram(SQLModel, table=True):
    """Which programs a sanction entry is listed under."""

    __tablename__ = "entry_program"
    __table_args__ = (UniqueConstraint("entry_id", "program_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="sanction_entry.id", index=True, ondelete="CASCADE")
    program_id: int = Field(foreign_key="program.id", index=True)


_link_version = version_column()


class Link(SQLModel, table=True):
    """The audited claim that a curated entity is the target of a sanction entry."""

    __table_args__ = (
        UniqueConstraint("entity_id", "entry_id"),
        CheckConstraint(f"status IN {quoted(LINK_STATUSES)}", name="status"),
        CheckConstraint(f"basis IS NULL OR basis IN {quoted(LINK_BASES)}", name="basis"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_range"),
    )
    __mapper_args__ = {"version_id_col": _link_version}

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    entry_id: int = Field(foreign_key="sanction_entry.id", index=True)
    status: str = Field(default="proposed", max_length=10)
    basis: str | None = Field(default=None, max_length=20)
    tenure_id: int | None = Field(default=None, foreign_key="tenure.id", index=True)
    score: float | None = None
    explanation: str | None = Field(default=None, sa_column=Column(Text))
    proposed_by: str | None = Field(default=None, max_length=120)
    proposed_at: datetime | None = Field(default=None, sa_column=utc_column())
    decided_by: str | None = Field(default=None, max_length=120)
    decided_at: datetime | None = Field(default=None, sa_column=utc_column())
    decision_reason: str | None = Field(default=None, sa_column=Column(Text))
    needs_review: bool = Field(default=False)
    review_reason: str | None = Field(default=None, sa_column=Column(Text))
    version: int = Field(default=1, sa_column=_link_version)
