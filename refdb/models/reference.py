"""Curated reference data: entities, their names and identifiers, posts, tenures, relations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from refdb.models.base import quoted, utc_column, utcnow, version_column
from refdb.vocab import (
    ENTITY_KINDS,
    MERGE_STATUSES,
    NAME_KINDS,
    RELATION_KINDS,
    TENURE_STATUSES,
)

_entity_version = version_column()


class Entity(SQLModel, table=True):
    """A person, organization, public body, vessel or aircraft."""

    __table_args__ = (CheckConstraint(f"kind IN {quoted(ENTITY_KINDS)}", name="kind"),)
    __mapper_args__ = {"version_id_col": _entity_version}

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, unique=True, max_length=120)
    kind: str = Field(max_length=20)
    name: str = Field(max_length=400, index=True)
    birth_date: str | None = Field(default=None, max_length=10)
    birth_place: str | None = Field(default=None, max_length=200)
    death_date: str | None = Field(default=None, max_length=10)
    nationality: str | None = Field(default=None, max_length=2)
    gender: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, max_length=2)
    notes: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # Set when a merge moved this entity's facts onto another: it remains as a redirect.
    merged_into_id: int | None = Field(default=None, foreign_key="entity.id")
    version: int = Field(default=1, sa_column=_entity_version)


_name_version = version_column()


class Name(SQLModel, table=True):
    """Every name of an entity, with a normalized form used for search."""

    __table_args__ = (CheckConstraint(f"kind IN {quoted(NAME_KINDS)}", name="kind"),)
    __mapper_args__ = {"version_id_col": _name_version}

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    name: str = Field(max_length=400)
    kind: str = Field(default="alias", max_length=20)
    lang: str | None = Field(default=None, max_length=12)
    script: str | None = Field(default=None, max_length=8)
    normalized: str = Field(max_length=400, index=True)
    version: int = Field(default=1, sa_column=_name_version)


_identifier_version = version_column()


class Identifier(SQLModel, table=True):
    """An identifier under a scheme (wikidata, passport, ...); unique per scheme."""

    __table_args__ = (UniqueConstraint("scheme", "value"),)
    __mapper_args__ = {"version_id_col": _identifier_version}

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    scheme: str = Field(max_length=40)
    value: str = Field(max_length=200)
    country: str | None = Field(default=None, max_length=2)
    version: int = Field(default=1, sa_column=_identifier_version)


_post_version = version_column()


class Post(SQLModel, table=True):
    """A position held in an organization or public body."""

    __mapper_args__ = {"version_id_col": _post_version}

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, unique=True, max_length=120)
    title: str = Field(max_length=300, index=True)
    organization_id: int | None = Field(default=None, foreign_key="entity.id", index=True)
    country: str | None = Field(default=None, max_length=2)
    single_holder: bool = Field(default=False)
    version: int = Field(default=1, sa_column=_post_version)


_tenure_version = version_column()


class Tenure(SQLModel, table=True):
    """A person holding a post over a period given as partial dates.

    ``start_from`` and ``end_until`` are the outer bounds of the partial dates, kept
    as real dates so that as-of queries and the CHECK below run in the database.
    ``confirmed_on`` (a partial date) is when a source last showed a current or unknown
    tenure still held: answers about later days are not certain.
    """

    __table_args__ = (
        CheckConstraint(f"status IN {quoted(TENURE_STATUSES)}", name="status"),
        CheckConstraint(
            "end_until IS NULL OR start_from IS NULL OR end_until >= start_from",
            name="end_not_before_start",
        ),
    )
    __mapper_args__ = {"version_id_col": _tenure_version}

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="entity.id", index=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    start_on: str | None = Field(default=None, max_length=10)
    end_on: str | None = Field(default=None, max_length=10)
    start_from: date | None = None
    end_until: date | None = None
    acting: bool = Field(default=False)
    status: str = Field(default="unknown", max_length=10)
    confirmed_on: str | None = Field(default=None, max_length=10)
    version: int = Field(default=1, sa_column=_tenure_version)


_relation_version = version_column()


class Relation(SQLModel, table=True):
    """A typed edge between two entities, e.g. EDD bought_from Rosoboronexport."""

    __table_args__ = (
        CheckConstraint(f"kind IN {quoted(RELATION_KINDS)}", name="kind"),
        CheckConstraint("subject_id <> object_id", name="not_self"),
    )
    __mapper_args__ = {"version_id_col": _relation_version}

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="entity.id", index=True)
    object_id: int = Field(foreign_key="entity.id", index=True)
    kind: str = Field(max_length=20)
    start_on: str | None = Field(default=None, max_length=10)
    end_on: str | None = Field(default=None, max_length=10)
    description: str | None = None
    version: int = Field(default=1, sa_column=_relation_version)


_merge_version = version_column()


class MergeProposal(SQLModel, table=True):
    """A claim that two entities are one person or body, proposed (by an importer that was
    unsure) for a person to accept or reject; nothing is merged silently."""

    __tablename__ = "merge_proposal"
    __table_args__ = (
        UniqueConstraint("entity_id", "other_id"),
        CheckConstraint(f"status IN {quoted(MERGE_STATUSES)}", name="status"),
        CheckConstraint("entity_id <> other_id", name="not_self"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_range"),
    )
    __mapper_args__ = {"version_id_col": _merge_version}

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)  # the one already known
    other_id: int = Field(foreign_key="entity.id", index=True)  # the one the importer added
    status: str = Field(default="proposed", max_length=10)
    score: float | None = None
    explanation: str | None = Field(default=None, sa_column=Column(Text))
    proposed_by: str | None = Field(default=None, max_length=120)
    proposed_at: datetime | None = Field(default=None, sa_column=utc_column())
    decided_by: str | None = Field(default=None, max_length=120)
    decided_at: datetime | None = Field(default=None, sa_column=utc_column())
    decision_reason: str | None = Field(default=None, sa_column=Column(Text))
    version: int = Field(default=1, sa_column=_merge_version)
