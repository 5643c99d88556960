"""Analysts' decisions on screening hits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from refdb.models.base import quoted, utc_column, utcnow
from refdb.vocab import SCREENING_VERDICTS


class ScreeningDecision(SQLModel, table=True):
    """An analyst's verdict that a screened name is (``confirmed``) or is not (``cleared``)
    the target of one hit: a sanction entry or a curated entity.

    Decisions are never edited: a later one for the same name and target supersedes it.
    ``target_facts`` holds the target's identity facts when the decision was made; a
    screening honours the decision only while they are unchanged (refdb/search/decisions.py).
    """

    __tablename__ = "screening_decision"
    __table_args__ = (
        CheckConstraint(f"verdict IN {quoted(SCREENING_VERDICTS)}", name="verdict"),
        CheckConstraint("(entry_id IS NULL) <> (entity_id IS NULL)", name="one_target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)  # as the analyst gave it
    name_key: str = Field(max_length=300, index=True)  # as screenings compare it
    birth_date: str | None = Field(default=None, max_length=10)  # limits it to that screened birth date
    entry_id: int | None = Field(default=None, foreign_key="sanction_entry.id", index=True)
    entity_id: int | None = Field(default=None, foreign_key="entity.id", index=True)
    verdict: str = Field(max_length=10)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    target_facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    decided_by: str = Field(max_length=120)
    decided_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
